"""The trust gate for example rewrites, and `ReviewService.stronger` against a scripted server.

The gate (`trust.fact_problem`, `rewrite_problem`) must catch a rewrite that
sneaks in a company, a number, a product, a place or a person, and name it;
a faithful smoothing and facts inside [placeholders] must pass. The service
must show an LLM's smoothing only when it passes, and otherwise the offline
example with a notice saying why.
"""

from __future__ import annotations

import asyncio

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine.offline.stronger import build
from coach.services import trust
from coach.services.review import ReviewService
from coach.services.stronger import cleaned_reply
from tests.helpers.llama import FakeOpenAIServer, Reply

QUESTION = "Tell me about a time you had to deal with a difficult deadline."
ANSWER = (
    "I think maybe the hardest one was last spring at the bank. We had two weeks to move 40 reports to postgres. "
    "I wrote the scripts that checked each report against the old numbers, and my manager Priya reviewed them."
)
FAITHFUL = (
    "The hardest one was last spring at the bank: we had two weeks to move 40 reports to Postgres. "
    "I wrote the scripts that checked each report against the old numbers, and my manager Priya reviewed them."
)


@pytest.mark.parametrize(
    ("rewrite", "fact"),
    [
        ("The hardest one was last spring at Google. We had two weeks to move 40 reports to postgres.", "Google"),
        ("The hardest one was last spring. We had two weeks to move 45 reports to postgres.", "45"),
        ("The hardest one was last spring. We had two weeks to move 40 reports to postgres on AWS.", "AWS"),
        ("The hardest one was last spring in Berlin. We had two weeks to move 40 reports to postgres.", "Berlin"),
        ("The hardest one was last spring. Tom and I had two weeks to move 40 reports to postgres.", "Tom"),
        ("Microsoft gave us two weeks to move 40 reports to postgres.", "Microsoft"),
        ("We had three weeks to move 40 reports to postgres.", "three"),
        ("We had two weeks to move 40 reports to postgres, saving $12,000.", "12,000"),
        ("We had two weeks to move 40 reports to postgres in 2019.", "2019"),
        ("We had two weeks to move 40 reports to postgres and cut the run time by half.", "half"),
        ("We had two weeks to move 40 reports to postgres, which doubled how often they ran.", "doubled"),
        ("Twice we had two weeks to move 40 reports to postgres.", "Twice"),
    ],
)
def test_a_rewrite_that_sneaks_in_a_fact_is_caught_and_the_fact_named(rewrite: str, fact: str) -> None:
    problem = trust.fact_problem(rewrite, ANSWER)
    assert problem == f"adds “{fact}”, which the answer never says"


def test_a_faithful_smoothing_passes() -> None:
    assert trust.fact_problem(FAITHFUL, ANSWER) is None
    assert trust.rewrite_problem(FAITHFUL, ANSWER, []) is None


def test_case_and_simple_inflections_are_the_same_fact() -> None:
    answer = "I moved the Postgres tables for the teams. Priya's review took two days."
    assert trust.fact_problem("I moved the postgres tables. The Teams needed it, and Priya reviewed it in 2 days.",
                              answer) is None


def test_a_size_word_the_answer_says_in_any_form_passes() -> None:
    answer = "We halved the queue, and the next month sign-ups doubled after I rewrote the form."
    assert trust.fact_problem("I rewrote the form; we cut the queue in half and sign-ups went up twofold.", answer) is None
    assert trust.fact_problem("I rewrote the form and sign-ups tripled.", answer) == "adds “tripled”, which the answer never says"


def test_facts_inside_placeholders_pass_and_outside_they_do_not() -> None:
    rewrite = "We had two weeks to move 40 reports. [how it ended: e.g. 12 minutes at Google]"
    assert trust.fact_problem(rewrite, ANSWER) is None
    assert trust.fact_problem(rewrite.replace("[", "").replace("]", ""), ANSWER) is not None


def test_a_rewrite_must_keep_every_placeholder_and_add_none_of_its_own() -> None:
    placeholders = ["how it ended: a number or what changed"]
    kept = FAITHFUL + " [how it ended: a number or what changed]"
    assert trust.rewrite_problem(kept, ANSWER, placeholders) is None
    assert "drops the placeholder" in trust.rewrite_problem(FAITHFUL, ANSWER, placeholders)
    assert "bracket of its own" in trust.rewrite_problem(kept + " [the bank was Barclays]", ANSWER, placeholders)


def test_a_rewrite_that_is_mostly_new_words_is_set_aside() -> None:
    invented = ("Facing an enormous migration, I heroically coordinated sprawling cross-functional efforts, "
                "leading stakeholders through relentless uncertainty to deliver flawless outcomes.")
    assert "not mostly the answer's own words" in trust.rewrite_problem(invented, ANSWER, [])


def test_json_or_schema_junk_is_set_aside_before_its_facts_are_read() -> None:
    assert trust.rewrite_problem('{"text": "We had two weeks."}', ANSWER, []) == "came back as JSON, not a message"
    assert trust.rewrite_problem("   ", ANSWER, []) == "is empty"


def test_the_offline_example_of_the_answer_passes_its_own_gate() -> None:
    example = build(QUESTION, ANSWER)
    assert trust.rewrite_problem(example.text, ANSWER, example.placeholders) is None
    skeleton = build(QUESTION, "Nothing comes to mind.")
    assert skeleton.text.startswith("[")
    assert trust.rewrite_problem(skeleton.text, "Nothing comes to mind.", skeleton.placeholders) is None


def test_a_reply_is_cleaned_of_controls_prefaces_and_quotes() -> None:
    # A pasted colour sequence goes whole (no "[31m" left behind), as does the bidi override.
    text = cleaned_reply("Here is the rewritten example:\n\"We had \x1b[31mtwo weeks.\u202e\"")
    assert text == "We had two weeks."
    broken = cleaned_reply("\"We had [two weeks.\"")
    assert trust.rewrite_problem(broken, ANSWER, []) is not None
    assert trust.placeholder_problem(broken, []) == "has a broken [placeholder]"


# ------------------------------------------------------------------ the service, against a scripted server


def completion(content: str) -> dict:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
    }


def stronger_via(replies: list[Reply], backend_name: str = "openai"):
    async def run(base_url: str):
        opts = OpenAISettings(base_url=base_url, model="fake-model", timeout_s=10, max_retries=0)
        async with ReviewService(Settings(backend=backend_name, openai=opts), backend_name) as service:
            return await asyncio.wait_for(service.stronger(QUESTION, ANSWER, round="second"), 30)

    with FakeOpenAIServer(replies) as fake:
        result = asyncio.run(run(fake.base_url))
    return result, fake


def test_a_fact_adding_rewrite_from_the_model_is_rejected_with_a_notice_and_the_offline_text() -> None:
    offline = build(QUESTION, ANSWER, round="second")
    sneaky = FAITHFUL.replace("at the bank", "at Goldman Sachs") + "".join(f" [{p}]" for p in offline.placeholders)
    result, fake = stronger_via([Reply(json_body=completion(sneaky))])
    assert len(fake.requests) == 1
    assert result.text == offline.text and result.placeholders == offline.placeholders
    assert result.backend == "offline"
    assert "“Goldman”" in result.notice and "offline example" in result.notice


def test_a_faithful_rewrite_from_the_model_is_accepted_with_its_provenance() -> None:
    offline = build(QUESTION, ANSWER, round="second")
    faithful = FAITHFUL + "".join(f" [{p}]" for p in offline.placeholders)
    result, fake = stronger_via([Reply(json_body=completion(faithful))])
    assert result.text == faithful
    assert result.backend == "openai" and result.model == "fake-model" and result.notice is None
    assert result.placeholders == offline.placeholders
    sent = fake.requests[0]["messages"][1]["content"]
    assert "<example>" in sent and offline.placeholders[0] in sent


def test_a_server_error_gives_the_offline_example_and_says_so() -> None:
    result, _fake = stronger_via([Reply(status=500, json_body={"error": {"message": "boom"}})])
    assert result.backend == "offline" and result.text == build(QUESTION, ANSWER, round="second").text
    assert "could not smooth the example" in result.notice


def test_the_offline_service_never_calls_out() -> None:
    async def run():
        async with ReviewService(None) as service:
            return await service.stronger(QUESTION, ANSWER)

    result = asyncio.run(run())
    assert result.backend == "offline" and result.notice is None
    assert result.text == build(QUESTION, ANSWER).text


def test_a_backend_that_cannot_be_made_leaves_the_offline_example_with_a_notice() -> None:
    async def run():
        async with ReviewService(None, "no-such-backend") as service:
            return await service.stronger(QUESTION, ANSWER)

    result = asyncio.run(run())
    assert result.backend == "offline" and result.notice and "stands in" in result.notice


def test_the_cli_makes_the_example_with_the_backend_that_made_the_lines_pointers(tmp_path) -> None:
    """A review the gate turned down is the offline rules': its example is theirs too, with no second call."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    unusable = Reply(stream=['{"pointers": [], "strength": null}'])
    with FakeOpenAIServer([unusable]) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
        env.update(COACH_OPENAI_BASE_URL=fake.base_url, COACH_OPENAI_MODEL="fake-model", PYTHONPATH=str(repo),
                   COACH_CONFIG_DIR=str(tmp_path / "c"), COACH_DATA_DIR=str(tmp_path / "d"),
                   COACH_SYSTEM_DIR=str(tmp_path / "s"))
        out = subprocess.run([sys.executable, "-m", "coach", "analyze", "--backend", "openai", "--stronger"],
                             input=json.dumps({"question": QUESTION, "answer": ANSWER}) + "\n", capture_output=True,
                             text=True, env=env, cwd=repo, timeout=60)
    assert out.returncode == 0, out.stderr
    line = json.loads(out.stdout)
    assert line["backend"] == "offline" and line["stronger"]["backend"] == "offline"
    assert line["stronger"]["text"] == build(QUESTION, ANSWER).text
    assert len(fake.requests) == 1  # the review only


def test_the_cli_asks_the_llm_that_made_the_pointers_for_the_example_and_gates_it(tmp_path) -> None:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[2]
    review = json.dumps({"pointers": [{"kind": "no-result", "title": "Finish with how it ended", "question_id": "7",
                                       "evidence": "I wrote the scripts", "tip": "Close with the result: did the reports move on time?"}],
                         "strength": None})
    offline = build(QUESTION, ANSWER)
    smooth = FAITHFUL + "".join(f" [{p}]" for p in offline.placeholders)
    sneaky = smooth.replace("the bank", "Barclays")

    def run(reply: str) -> tuple[dict, int]:
        with FakeOpenAIServer([Reply(stream=[review]), Reply(json_body=completion(reply))]) as fake:
            env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
            env.update(COACH_OPENAI_BASE_URL=fake.base_url, COACH_OPENAI_MODEL="fake-model", PYTHONPATH=str(repo),
                       COACH_CONFIG_DIR=str(tmp_path / "c"), COACH_DATA_DIR=str(tmp_path / "d"),
                       COACH_SYSTEM_DIR=str(tmp_path / "s"))
            out = subprocess.run([sys.executable, "-m", "coach", "analyze", "--backend", "openai", "--stronger"],
                                 input=json.dumps({"id": 7, "question": QUESTION, "answer": ANSWER}) + "\n",
                                 capture_output=True, text=True, env=env, cwd=repo, timeout=60)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout), len(fake.requests)

    line, calls = run(smooth)
    assert line["backend"] == "openai" and calls == 2
    assert line["stronger"] == {"text": smooth, "placeholders": offline.placeholders, "backend": "openai"}
    line, calls = run(sneaky)
    assert line["stronger"]["backend"] == "offline" and line["stronger"]["text"] == offline.text
    assert "“Barclays”" in line["stronger"]["notice"]
