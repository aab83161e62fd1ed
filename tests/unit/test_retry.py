"""The retry verdict: a previous take and a new one, compared pointer by pointer.

Offline, the rules decide (`coach.engine.offline.retry.compare`); through the
service an LLM backend's two reviews pass the trust gate first, and a fallback
or a fix coach cannot quote gives the offline verdict with a notice.
"""

from __future__ import annotations

import asyncio
import json

import pytest

from coach.config import OpenAISettings, Settings
from coach.domain.models import Feedback, Pointer, RetryVerdict
from coach.engine import Backend
from coach.engine.offline.retry import UNSHOWN, compare, review_take, whole_words
from coach.services.review import ReviewService
from tests.helpers.llama import FakeOpenAIServer, Reply

QUESTION = "Tell me about a time you had to deal with a difficult deadline."
#: A story with the situation and the actions, and no ending.
NO_ENDING = (
    "Last spring our build was slow and the release kept slipping every week. I looked at the pipeline"
    " and found that the tests ran one after another. I split them into parallel jobs and moved the slow"
    " ones to a nightly run, and I wrote a short guide so the others could add tests the same way."
)
ENDING = " As a result, we cut the build from 40 to 12 minutes and shipped the release on time."
HEDGED = " I think maybe it kind of helped a bit, I guess, but I'm not sure, sort of."
#: Terminal controls of every sort: an escape sequence, a C1 CSI, a bidi override, a zero-width space.
CONTROLS = ("\x1b[2J", "\x9b31m", "\u202e", "\u200b", "\x07")


def assert_clean(verdict: RetryVerdict, answer: str) -> None:
    """Every quote is a verbatim, whole-word slice of the new take; nothing carries a control character."""
    for line in verdict.lines:
        for ch in CONTROLS:
            assert ch not in line.says and ch not in line.evidence, line
        assert line.says.strip() and line.says.rstrip().endswith("."), line
        if line.evidence:
            assert line.evidence in answer, line
            assert whole_words(line.evidence, answer), line


def line(verdict: RetryVerdict, kind: str):
    return next(ln for ln in verdict.lines if ln.kind == kind)


def test_the_story_without_an_ending_is_seen_as_such() -> None:
    # The premise of the tests below: the offline rules point at the missing ending.
    assert "no-result" in review_take(QUESTION, NO_ENDING).shown()


def test_an_ending_with_a_number_resolves_no_result_and_quotes_the_clause_with_the_number() -> None:
    answer = NO_ENDING + ENDING
    verdict = compare(QUESTION, NO_ENDING, answer)
    assert "no-result" in verdict.kinds("resolved")
    ended = line(verdict, "no-result")
    assert "40 to 12 minutes" in ended.evidence
    # The clause that states the ending, not the whole sentence's connective, and never the old words.
    assert ended.evidence.startswith("we cut the build") and ended.evidence in ENDING
    assert "what changed" in ended.says
    assert verdict.backend == "offline" and verdict.notice is None
    assert_clean(verdict, answer)


def test_still_no_ending_remains_and_quotes_where_the_story_now_stops() -> None:
    more = " Then I asked the team lead to review the guide before the next sprint started."
    answer = NO_ENDING + more
    verdict = compare(QUESTION, NO_ENDING, answer)
    assert "no-result" in verdict.kinds("remaining") and "no-result" not in verdict.kinds("resolved")
    stays = line(verdict, "no-result")
    assert stays.evidence and stays.evidence in more
    assert_clean(verdict, answer)


def test_a_retry_that_adds_hedging_has_hedging_as_new() -> None:
    previous = NO_ENDING + ENDING
    answer = previous + HEDGED
    verdict = compare(QUESTION, previous, answer)
    assert "hedging" in verdict.kinds("new")
    assert "hedging" not in review_take(QUESTION, previous).present()
    assert line(verdict, "hedging").evidence in HEDGED
    assert_clean(verdict, answer)


def test_dropping_the_hedges_resolves_hedging_and_says_they_are_gone() -> None:
    previous = NO_ENDING + ENDING + HEDGED
    answer = NO_ENDING + ENDING
    verdict = compare(QUESTION, previous, answer)
    assert "hedging" in verdict.kinds("resolved")
    assert "gone" in line(verdict, "hedging").says
    assert_clean(verdict, answer)


@pytest.mark.parametrize("previous", [NO_ENDING, NO_ENDING + HEDGED, "We did it as a team and it went well.", "idk"])
def test_an_identical_retry_leaves_every_pointer_remaining(previous: str) -> None:
    verdict = compare(QUESTION, previous, previous)
    assert verdict.lines and verdict.kinds("resolved") == [] and verdict.kinds("new") == []
    assert verdict.kinds("remaining") == review_take(QUESTION, previous).shown()
    assert_clean(verdict, previous)


def test_a_vague_ending_made_concrete_quotes_the_measure() -> None:
    vague = NO_ENDING + " In the end it went well and everyone was happy."
    concrete = NO_ENDING + " In the end the build took 12 minutes instead of 40, and the release went out that Friday."
    assert "vague-impact" in review_take(QUESTION, vague).shown()
    verdict = compare(QUESTION, vague, concrete)
    assert "vague-impact" in verdict.kinds("resolved")
    assert "12 minutes" in line(verdict, "vague-impact").evidence
    assert_clean(verdict, concrete)


def test_a_vague_ending_that_is_cut_is_not_called_resolved() -> None:
    vague = NO_ENDING + " In the end it went well and everyone was happy."
    verdict = compare(QUESTION, vague, NO_ENDING)
    assert "vague-impact" not in verdict.kinds("resolved")
    assert "vague-impact" in verdict.kinds("remaining")
    assert line(verdict, "vague-impact").says == UNSHOWN


def test_ownership_resolved_quotes_the_first_person_action() -> None:
    team = ("Last year our team had a release slipping. We met every day and we split the work between us."
            " We talked to the client together and we rewrote the plan as a group, and our manager was happy."
            " We finished two days late.")
    mine = ("Last year our release was slipping. I called the client the same day and I rewrote the plan"
            " with three smaller deliveries. I moved two people onto the testing, and I reported progress every"
            " morning. We finished two days late instead of three weeks.")
    assert "ownership" in review_take(QUESTION, team).shown()
    verdict = compare(QUESTION, team, mine)
    assert "ownership" in verdict.kinds("resolved")
    assert line(verdict, "ownership").evidence.startswith("I called the client")
    assert_clean(verdict, mine)


def test_a_blank_retry_resolves_nothing() -> None:
    verdict = compare(QUESTION, NO_ENDING, "   ")
    assert verdict.kinds("resolved") == []
    assert "no-answer" in verdict.kinds("new")


def test_control_characters_in_the_answer_never_reach_says_or_evidence() -> None:
    dirty_ending = " As a result, \x1b[2Jwe cut the build \x9b31mfrom 40 to 12\u200b minutes\u202e and\x07 shipped it."
    answer = NO_ENDING + dirty_ending
    previous = NO_ENDING.replace("I looked", "\x1b[HI looked")
    assert "no-result" in review_take(QUESTION, previous).shown()
    verdict = compare(QUESTION, previous, answer)
    assert "no-result" in verdict.kinds("resolved")
    assert_clean(verdict, answer)
    # Quoted around the controls, as clean whole words of what was typed, never dropped for them.
    assert line(verdict, "no-result").evidence


def test_length_lines_say_the_word_counts() -> None:
    short = "I fixed the build last spring."
    longer = NO_ENDING + ENDING
    assert "too-short" in review_take(QUESTION, short).shown()
    grown = line(compare(QUESTION, short, longer), "too-short")
    assert grown.status == "resolved"
    assert f"{review_take(QUESTION, longer).text.n_words} words, up from 6" in grown.says
    still = line(compare(QUESTION, short, short + " It was hard."), "too-short")
    assert still.status == "remaining" and still.says.endswith(": 9 words.")


def test_a_huge_retry_is_compared_without_trouble() -> None:
    huge = (NO_ENDING + " ") * 2000 + ENDING
    verdict = compare(QUESTION, NO_ENDING, huge)
    assert verdict.lines
    assert_clean(verdict, huge)


# ------------------------------------------------------------------ the service


def run(coro):
    return asyncio.run(coro)


def test_the_service_with_the_offline_backend_is_the_offline_verdict() -> None:
    async def go():
        async with ReviewService(None, "offline") as service:
            return await service.retry_verdict(QUESTION, NO_ENDING, NO_ENDING + ENDING, round="second")

    verdict = run(go())
    expected = compare(QUESTION, NO_ENDING, NO_ENDING + ENDING, round="second")
    assert [(ln.kind, ln.status, ln.evidence) for ln in verdict.lines] == [
        (ln.kind, ln.status, ln.evidence) for ln in expected.lines]
    assert verdict.backend == "offline" and verdict.notice is None


def junk_reply() -> str:
    """A schema-valid reply made of the form's own placeholders: the trust gate turns it away."""
    return json.dumps({"pointers": [{"kind": "no-example", "title": "<your headline>", "question_id": "answer",
                                     "evidence": "", "tip": "<what you should do next time>"}], "strength": None})


@pytest.mark.parametrize(("reply", "why"), [
    (Reply(stream=[junk_reply()]), "didn't pass coach's checks: placeholder titles"),
    (Reply(stream=["Sure! Here are", " my thoughts."]), "not valid JSON"),
])
def test_an_llm_backend_whose_replies_fail_gives_the_offline_verdict_with_a_notice(reply: Reply, why: str) -> None:
    answer = NO_ENDING + ENDING
    with FakeOpenAIServer([reply]) as server:
        settings = Settings(backend="openai", openai=OpenAISettings(
            base_url=server.base_url, model="fake-model", timeout_s=10.0, max_retries=1))

        async def go():
            async with ReviewService(settings, "openai") as service:
                return await asyncio.wait_for(service.retry_verdict(QUESTION, NO_ENDING, answer), 60)

        verdict = run(go())
    assert verdict.backend == "offline"
    assert verdict.notice.startswith("Reviewing the previous answer: ") and why in verdict.notice
    assert verdict.notice.endswith("This verdict comes from the offline rules.")
    assert [(ln.kind, ln.status) for ln in verdict.lines] == [
        (ln.kind, ln.status) for ln in compare(QUESTION, NO_ENDING, answer).lines]
    assert "no-result" in verdict.kinds("resolved")
    assert_clean(verdict, answer)


class ByAnswer(Backend):
    """A model that points at whatever the test says for each take (a clean reply the gate passes)."""

    name = "fake-llm"
    model = "m1"

    def __init__(self, kinds_by_answer: dict[str, list[tuple[str, str]]]) -> None:
        self.kinds_by_answer = kinds_by_answer
        self.seen: list[str] = []

    async def review(self, request, progress=None):
        answer = request.items[0].answer
        self.seen.append(answer)
        titles = {"no-result": "Say how the deadline turned out", "ownership": "Name the part you played",
                  "hedging": "Sound as sure as you were", "structure": "Open with the outcome itself"}
        pointers = [Pointer(kind=k, title=titles[k], evidence=ev, question_id="answer",
                            tip="Next time you tell it, add that in one plain sentence.")
                    for k, ev in self.kinds_by_answer[answer]]
        return Feedback(backend="fake-llm", model="m1", pointers=pointers)


def service_with(backend: Backend) -> ReviewService:
    return ReviewService(None, "fake-llm", factory=lambda _n, _s: backend)


def test_an_llm_verdict_compares_the_gated_kinds_and_quotes_the_fix_from_the_offline_finder() -> None:
    answer = NO_ENDING + ENDING
    llm = ByAnswer({
        NO_ENDING: [("no-result", "moved the slow ones to a nightly run")],
        answer: [("structure", "Last spring our build was slow")],
    })

    async def go():
        async with service_with(llm) as service:
            return await service.retry_verdict(QUESTION, NO_ENDING, answer)

    verdict = run(go())
    assert sorted(llm.seen) == sorted([NO_ENDING, answer])
    assert (verdict.backend, verdict.model, verdict.notice) == ("fake-llm", "m1", None)
    assert verdict.kinds("resolved") == ["no-result"] and verdict.kinds("new") == ["structure"]
    assert "40 to 12 minutes" in line(verdict, "no-result").evidence
    assert line(verdict, "structure").evidence == "Last spring our build was slow"
    assert_clean(verdict, answer)


def test_an_llm_verdict_whose_fix_coach_cannot_show_falls_back_with_a_notice() -> None:
    more = NO_ENDING + " Then I asked the team lead to review the guide before the next sprint."
    llm = ByAnswer({NO_ENDING: [("no-result", "moved the slow ones to a nightly run")], more: []})
    llm.kinds_by_answer[more] = [("structure", "Last spring our build was slow")]

    async def go():
        async with service_with(llm) as service:
            return await service.retry_verdict(QUESTION, NO_ENDING, more)

    verdict = run(go())
    assert verdict.backend == "offline"
    assert verdict.notice and "no-result" in verdict.notice and "offline rules" in verdict.notice
    assert "no-result" in verdict.kinds("remaining")


def test_an_llm_that_drops_a_hedging_pointer_the_rules_still_see_is_not_believed() -> None:
    hedged = NO_ENDING + HEDGED
    still = NO_ENDING + " I think maybe it kind of helped, I guess, sort of, but I'm not sure."
    llm = ByAnswer({hedged: [("hedging", "I think maybe it kind of helped")], still: [("structure", "Last spring")]})

    async def go():
        async with service_with(llm) as service:
            return await service.retry_verdict(QUESTION, hedged, still)

    verdict = run(go())
    assert "hedging" in review_take(QUESTION, still).present()
    assert verdict.backend == "offline" and "hedging" in verdict.notice and "could not confirm" in verdict.notice
    assert "hedging" in verdict.kinds("remaining") and "hedging" not in verdict.kinds("resolved")


def test_a_backend_that_cannot_be_made_gives_the_offline_verdict_saying_so() -> None:
    from coach.engine import BackendError

    def factory(_name, _settings):
        raise BackendError("backend 'fake-llm' could not be set up: no server")

    async def go():
        async with ReviewService(None, "fake-llm", factory=factory) as service:
            return await service.retry_verdict(QUESTION, NO_ENDING, NO_ENDING + ENDING)

    verdict = run(go())
    assert verdict.backend == "offline" and "no server" in verdict.notice
    assert "no-result" in verdict.kinds("resolved")


def test_a_retry_grown_past_the_length_floor_is_no_longer_too_short() -> None:
    short = "Last spring our build was slow. I split the tests into parallel jobs."
    grown = ("Last spring our build was slow and the release kept slipping every week. I found that the tests ran"
             " one after another, so I split them into parallel jobs and moved the slow ones to a nightly run."
             " As a result, we cut the build from 40 to 12 minutes and shipped the release on time.")
    assert 45 <= len(grown.split()) < 70  # past the floor, still brief: the length note, not too short
    verdict = compare(QUESTION, short, grown)
    lines = {line.kind: line for line in verdict.lines}
    assert lines["too-short"].status == "resolved", lines["too-short"]
    assert "words, up from" in lines["too-short"].says
