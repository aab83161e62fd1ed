"""`coach analyze` with ``previous``: a retry line's output says what it resolved, what remains, what is new.

The pool check reads the real answers in ../shared/data at test time (skipped
when they are absent); no answer text is stored in the repository.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach.commands.analyze import EXIT_FAIL, EXIT_OK, _offline_review, parse_line, process
from coach.engine.offline.retry import compare, review_take

ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = ROOT.parent / "shared" / "data"
POOLS = ("siop2024", "siop2019")
ENDING_KINDS = ("no-result", "vague-impact")
#: How many pool answers the batch check takes.
SAMPLE = 30
#: Outcome sentences with a number, appended to the previous answer to make the retry.
OUTCOMES = (
    "As a result, we cut the wait from 10 days to 3 days.",
    "In the end, complaints dropped by 40 percent within two months.",
    "The result: 12 of the 15 people finished on time, and our score rose from 62 to 85.",
    "Because of this, the team saved about 6 hours every week.",
    "By the end of the term my grade went from a C to an A, and I kept it for 2 years.",
)

QUESTION = "Tell me about a time you had to deal with a difficult deadline."
NO_ENDING = (
    "Last spring our build was slow and the release kept slipping every week. I looked at the pipeline"
    " and found that the tests ran one after another. I split them into parallel jobs and moved the slow"
    " ones to a nightly run, and I wrote a short guide so the others could add tests the same way."
)


def pool_rows() -> list[dict]:
    rows = []
    for pool in POOLS:
        path = SHARED_DATA / pool / "answers.jsonl"
        if not path.is_file():
            pytest.skip(f"{path} is absent")
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def retry_lines() -> list[dict]:
    """The rule: the first SAMPLE answers, in file order (siop2024 then siop2019), whose offline
    pointers (headline or notes) include an ending kind; each retried with an outcome sentence."""
    picked = []
    for row in pool_rows():
        if not set(ENDING_KINDS) & set(review_take(row["question"], row["answer"]).shown()):
            continue
        previous = row["answer"].rstrip()
        joint = " " if previous.endswith((".", "!", "?")) else ". "
        outcome = OUTCOMES[len(picked) % len(OUTCOMES)]
        picked.append({"id": row["id"], "question": row["question"], "answer": previous + joint + outcome,
                       "previous": {"answer": row["answer"]}})
        if len(picked) == SAMPLE:
            break
    assert len(picked) == SAMPLE, "the pools hold fewer answers without an ending than the check needs"
    return picked


def ending_kinds(line: dict) -> list[str]:
    shown = review_take(line["question"], line["previous"]["answer"]).shown()
    return [k for k in shown if k in ENDING_KINDS]


def test_an_outcome_sentence_resolves_the_ending_pointer_on_thirty_pool_answers_through_the_cli() -> None:
    lines = retry_lines()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "coach", "analyze"], input="\n".join(json.dumps(x) for x in lines) + "\n",
                          capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=300)
    assert done.returncode == EXIT_OK, done.stderr
    out = [json.loads(x) for x in done.stdout.splitlines()]
    assert [o["id"] for o in out] == [x["id"] for x in lines]
    for line, result in zip(lines, out):
        retry = result["retry"]
        assert set(retry) == {"resolved", "remaining", "new"}
        expected = ending_kinds(line)
        assert expected and all(k in retry["resolved"] for k in expected), (line["id"], expected, retry)
        assert not set(retry["resolved"]) & set(retry["remaining"])


def test_the_resolving_quote_is_the_appended_outcome_for_every_pool_retry() -> None:
    for line in retry_lines():
        verdict = compare(line["question"], line["previous"]["answer"], line["answer"])
        appended = line["answer"][len(line["previous"]["answer"].rstrip()):]
        for ln in verdict.lines:
            if ln.status == "resolved" and ln.kind in ENDING_KINDS:
                assert ln.evidence and ln.evidence in appended, (line["id"], ln)
                assert any(ch.isdigit() for ch in ln.evidence) or "two" in ln.evidence, (line["id"], ln)


def run_lines(*records: object) -> tuple[int, list[dict]]:
    out = io.StringIO()
    raw = [r if isinstance(r, str) else json.dumps(r) for r in records]
    code = process(raw, out, _offline_review, {})
    return code, [json.loads(x) for x in out.getvalue().splitlines()]


def test_a_retry_line_carries_the_verdict_kinds_and_a_plain_line_does_not() -> None:
    retry = {"id": "r", "question": QUESTION, "answer": NO_ENDING + " As a result, we cut the build from 40 to 12 minutes.",
             "previous": {"answer": NO_ENDING}}
    plain = {"id": "p", "question": QUESTION, "answer": NO_ENDING}
    code, (first, second) = run_lines(retry, plain)
    assert code == EXIT_OK
    assert "no-result" in first["retry"]["resolved"]
    verdict = compare(QUESTION, NO_ENDING, retry["answer"])
    assert first["retry"] == {s: verdict.kinds(s) for s in ("resolved", "remaining", "new")}
    assert "retry" not in second and list(second)[:4] == ["id", "backend", "model", "pointers"]


def test_an_identical_retry_line_has_everything_remaining() -> None:
    code, (out,) = run_lines({"question": QUESTION, "answer": NO_ENDING, "previous": {"answer": NO_ENDING}})
    assert code == EXIT_OK
    assert out["retry"]["resolved"] == [] and out["retry"]["new"] == []
    assert "no-result" in out["retry"]["remaining"]


@pytest.mark.parametrize(("previous", "error"), [
    ("an answer", "field 'previous' must be an object with a string 'answer', got str"),
    (["an answer"], "field 'previous' must be an object with a string 'answer', got list"),
    ({}, "field 'previous' is missing its 'answer'"),
    ({"text": "an answer"}, "field 'previous' is missing its 'answer'"),
    ({"answer": 3}, "field 'previous.answer' must be a string, got int"),
    ({"answer": None}, "field 'previous.answer' must be a string, got NoneType"),
])
def test_a_bad_previous_is_a_bad_line_naming_the_field(previous: object, error: str) -> None:
    good = {"id": 2, "question": QUESTION, "answer": NO_ENDING}
    code, (bad, ok) = run_lines({"id": 1, "question": QUESTION, "answer": NO_ENDING, "previous": previous}, good)
    assert code == EXIT_FAIL
    assert bad == {"id": 1, "line": 1, "error": error}
    assert ok["id"] == 2 and "pointers" in ok


def test_a_null_previous_is_no_retry() -> None:
    ident, fields = parse_line(json.dumps({"question": "q", "answer": "a", "previous": None}), {})
    assert fields["previous"] is None


def llm_review(kinds_by_answer: dict[str, list[str]], seen: list[str]):
    """A batch review door for a model that points at the given kinds for each take (clean, gated replies)."""
    from coach.domain.models import Feedback, Pointer

    def review(request):
        answer = request.items[0].answer
        seen.append(answer)
        pointers = [Pointer(kind=k, title="Say how the deadline turned out", question_id=request.items[0].question_id,
                            tip="Add one sentence that says what changed.") for k in kinds_by_answer[answer]]
        return Feedback(backend="fake-llm", model="m1", pointers=pointers)

    return review


def test_with_a_model_both_takes_are_reviewed_and_compared_in_order_whatever_the_jobs() -> None:
    import asyncio

    from coach.commands.analyze import process_concurrently

    retried = NO_ENDING + " As a result, we cut the build from 40 to 12 minutes."
    kinds = {NO_ENDING: ["no-result"], retried: ["structure"]}
    line = {"id": "r", "question": QUESTION, "answer": retried, "previous": {"answer": NO_ENDING}}
    expected = {"resolved": ["no-result"], "remaining": [], "new": ["structure"]}

    seen: list[str] = []
    out = io.StringIO()
    assert process([json.dumps(line)], out, llm_review(kinds, seen), {}) == EXIT_OK
    assert json.loads(out.getvalue())["retry"] == expected
    assert sorted(seen) == sorted([NO_ENDING, retried])

    blocking = llm_review(kinds, [])

    async def review(request):
        return blocking(request)

    out = io.StringIO()
    lines = [json.dumps({**line, "id": i}) for i in range(5)]
    assert asyncio.run(process_concurrently(lines, out, review, {}, jobs=3)) == EXIT_OK
    results = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in results] == list(range(5))
    assert all(r["retry"] == expected and r["backend"] == "fake-llm" for r in results)


def test_a_model_verdict_that_fell_back_says_so_in_the_retry_object() -> None:
    retried = NO_ENDING + " As a result, we cut the build from 40 to 12 minutes."
    kinds = {NO_ENDING: ["no-result"], retried: ["structure"]}
    model = llm_review(kinds, [])

    def review(request):
        if request.items[0].answer == NO_ENDING:  # the previous take's review fell back to the rules
            from coach.engine.offline import analyze

            return analyze(request).model_copy(update={"notice": "openai: timed out; offline rules used"})
        return model(request)

    line = {"id": "r", "question": QUESTION, "answer": retried, "previous": {"answer": NO_ENDING}}
    out = io.StringIO()
    assert process([json.dumps(line)], out, review, {}) == EXIT_OK
    retry = json.loads(out.getvalue())["retry"]
    assert "timed out" in retry["notice"]
    assert "no-result" in retry["resolved"]
