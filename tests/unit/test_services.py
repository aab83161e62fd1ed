"""The review door: backend lifecycle, fallback with a notice, merging, and the one 'made by' label."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from coach.domain.models import Feedback, Pointer
from coach.engine import AnswerItem, Backend, BackendError, ReviewRequest
from coach.engine.abilities import Diagnoser, FollowUpAsker, TextRewriter
from coach.services.jobs import MAX_JOB_CHARS, JobError, read_job_file, resolve_job
from coach.services.provenance import backend_label, is_offline, made_by
from coach.services.review import ReviewService, answer_notes, offline_review

ITEM = AnswerItem(
    question_id="q1",
    question="Tell me about a time you disagreed with a colleague.",
    answer="I think maybe we kind of talked it over as a team and it went well.",
)
REQUEST = ReviewRequest(items=(ITEM,), round="second", role="general")


def llm_feedback() -> Feedback:
    return Feedback(
        backend="fake-llm",
        model="m1",
        pointers=[Pointer(kind="no-example", title="Tell one real story", evidence="talked it over",
                          question_id="q1", tip="Pick one time and walk through it.")],
    )


class FakeLLM(Backend):
    name = "fake-llm"
    model = "m1"

    def __init__(self, fail: Exception | None = None) -> None:
        self.fail = fail
        self.closed = 0
        self.reviews = 0

    async def review(self, request, progress=None):
        self.reviews += 1
        if self.fail is not None:
            raise self.fail
        return llm_feedback()

    async def aclose(self) -> None:
        self.closed += 1


def service_with(backend: Backend | Exception, name: str = "fake-llm", **kw) -> ReviewService:
    def factory(_name, _settings):
        if isinstance(backend, Exception):
            raise backend
        return backend

    return ReviewService(None, name, factory=factory, **kw)


def run(coro):
    return asyncio.run(coro)


# ---------------------------------------------------------------- lifecycle


def test_backend_is_made_once_used_and_closed_exactly_once() -> None:
    llm = FakeLLM()

    async def go():
        service = service_with(llm)
        async with service:
            first = await service.review_round(REQUEST)
            second = await service.review_answer(ITEM, round="second")
        await service.aclose()  # a second close does nothing
        return first, second

    first, second = run(go())
    assert (first.backend, second.backend) == ("fake-llm", "fake-llm")
    assert llm.reviews == 2 and llm.closed == 1


def test_an_unused_service_makes_nothing_and_closes_cleanly() -> None:
    made = []

    async def go():
        async with ReviewService(None, "fake-llm", factory=lambda n, s: made.append(n)):
            pass

    run(go())
    assert made == []


# ---------------------------------------------------------------- fallback


def test_a_backend_that_cannot_be_made_falls_back_with_a_notice() -> None:
    async def go():
        async with service_with(BackendError("unknown backend 'nope'"), "nope") as service:
            return service, await service.review_round(REQUEST)

    service, feedback = run(go())
    assert is_offline(feedback) and feedback.pointers
    assert feedback.notice and "Offline rules stood in" in feedback.notice and "nope" in feedback.notice
    assert service.unavailable == "unknown backend 'nope'"


def test_a_backend_that_raises_falls_back_with_a_notice_and_is_still_closed() -> None:
    llm = FakeLLM(fail=RuntimeError("plugin exploded"))

    async def go():
        async with service_with(llm) as service:
            return await service.review_round(REQUEST)

    feedback = run(go())
    assert is_offline(feedback)
    assert "plugin exploded" in feedback.notice and "offline rules" in feedback.notice
    assert feedback.pointers == offline_review(REQUEST).pointers
    assert llm.closed == 1


def test_strict_service_says_the_backend_does_not_exist() -> None:
    async def go():
        async with service_with(BackendError("unknown backend 'nope'"), "nope", strict=True):
            pass

    with pytest.raises(BackendError, match="nope"):
        run(go())


def test_the_offline_rules_failing_is_not_hidden() -> None:
    class Broken(Backend):
        name = "offline"

        async def review(self, request, progress=None):
            raise RuntimeError("rules bug")

    async def go():
        async with service_with(Broken(), "offline") as service:
            return await service.review_round(REQUEST)

    with pytest.raises(RuntimeError, match="rules bug"):
        run(go())


def test_blocking_door_for_batches_closes_the_backend() -> None:
    llm = FakeLLM()
    service = service_with(llm)
    with service.blocking() as review:
        assert review(REQUEST).backend == "fake-llm"
    assert llm.closed == 1
    with ReviewService(None, "offline").blocking() as review:
        assert is_offline(review(REQUEST))


# ---------------------------------------------------------------- merging


def test_llm_feedback_without_notes_borrows_the_offline_notes(store) -> None:
    from coach.domain.models import Answer

    session = store.create("second", "general", answers=[
        Answer(question_id="q1", question=ITEM.question, text=ITEM.answer, status="submitted"),
    ])
    notes, borrowed = answer_notes(session, llm_feedback())
    assert borrowed and notes == offline_review(ReviewRequest.from_session(session)).notes
    own = offline_review(ReviewRequest.from_session(session))
    assert answer_notes(session, own) == (own.notes, False)


def test_rerun_uses_the_other_backend_and_closes_it(store) -> None:
    from coach.domain.models import Answer

    session = store.create("second", "general", answers=[
        Answer(question_id="q1", question=ITEM.question, text=ITEM.answer, status="submitted"),
    ])
    llm = FakeLLM()

    async def go():
        async with ReviewService(None, "offline", factory=lambda n, s: llm) as service:
            return await service.rerun(session, "fake-llm")

    assert run(go()).backend == "fake-llm" and llm.closed == 1


# ---------------------------------------------------------------- abilities


def test_follow_up_prefers_the_backends_own_then_the_offline_choice() -> None:
    class Asker(FakeLLM):
        async def follow_up(self, item, round=None):
            return "Which part did you do yourself?"

    async def go(backend):
        async with service_with(backend) as service:
            return await service.follow_up(ITEM, "second", candidates=("What did you personally do?",))

    generated = run(go(Asker()))
    assert generated.generated and generated.question == "Which part did you do yourself?"
    chosen = run(go(FakeLLM()))  # the base Backend makes none
    assert not chosen.generated and chosen.question


def test_abilities_are_protocols() -> None:
    from coach.engine.openai import OpenAIBackend

    assert issubclass(OpenAIBackend, TextRewriter) and issubclass(OpenAIBackend, Diagnoser)
    assert isinstance(FakeLLM(), FollowUpAsker) and not isinstance(FakeLLM(), TextRewriter)


# ---------------------------------------------------------------- made by


def test_made_by_wording() -> None:
    when = datetime(2026, 3, 14, 10, 5, tzinfo=timezone.utc)
    offline = offline_review(REQUEST).model_copy(update={"created_at": when, "notice": None})
    assert made_by(offline) == "Feedback by offline rules"
    assert made_by(offline, when=True) == "Feedback by offline rules, 2026-03-14 10:05"
    llm = llm_feedback()
    assert made_by(llm) == "Feedback by fake-llm · m1"
    fallback = offline.model_copy(update={"notice": "The m1 model could not be used: timeout."})
    assert made_by(fallback, notice=True) == "Feedback by offline rules\nNote: The m1 model could not be used: timeout."
    assert backend_label("offline") == "offline rules"
    assert backend_label("openai", "gpt-4o-mini", "http://x/v1") == "openai · gpt-4o-mini at http://x/v1"
    assert backend_label("plugin", "gpt-4o-mini") == "plugin"


# ---------------------------------------------------------------- job file


def test_job_file_is_read_one_way(tmp_path) -> None:
    good = tmp_path / "job.txt"
    good.write_text("  Data analyst: SQL " + "x" * (MAX_JOB_CHARS + 50), encoding="utf-8")
    text = read_job_file(good)
    assert text.startswith("Data analyst") and len(text) == MAX_JOB_CHARS
    assert resolve_job(str(good)) == text
    binary = tmp_path / "job.bin"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(JobError, match="not UTF-8"):
        read_job_file(binary)
    with pytest.raises(JobError, match="no such file"):
        read_job_file(tmp_path / "missing.txt")


@pytest.fixture
def store():
    from coach.config import load_settings
    from coach.store import Store

    return Store.from_settings(load_settings())


# ---------------------------------------------------------------- trust gate


class ScriptedLLM(FakeLLM):
    """An LLM backend whose review is whatever the test says."""

    def __init__(self, feedback: Feedback) -> None:
        super().__init__()
        self.feedback = feedback

    async def review(self, request, progress=None):
        self.reviews += 1
        return self.feedback


def junk_feedback() -> Feedback:
    """What SmolLM2 sent: the shape's placeholders, the schema's class name, the same pointer twice."""
    junk = Pointer(kind="no-example", title="<your headline>", question_id="q1",
                   tip="<what you should do next time>")
    named = Pointer(kind="no-result", title="DraftFeedback", question_id="q1", tip="Say how it ended for the team.")
    return Feedback(backend="fake-llm", model="m1", pointers=[junk, named])


def test_a_reply_that_fails_the_gate_becomes_the_offline_result_with_a_notice_naming_why() -> None:
    async def go():
        async with service_with(ScriptedLLM(junk_feedback())) as service:
            return await service.review_round(REQUEST)

    feedback = run(go())
    assert is_offline(feedback) and feedback.pointers == offline_review(REQUEST).pointers
    assert feedback.notice.startswith(
        "The reply from m1 didn't pass coach's checks: placeholder titles, titles taken from the schema."
    )
    assert "offline rules" in feedback.notice


def test_one_surviving_pointer_is_completed_by_the_best_offline_pointer_of_another_kind() -> None:
    good = llm_feedback().pointers[0]
    dup = good.model_copy(update={"title": "Tell one real story, please"})
    scripted = Feedback(backend="fake-llm", model="m1", pointers=[good, dup])

    async def go():
        async with service_with(ScriptedLLM(scripted)) as service:
            return await service.review_round(REQUEST)

    feedback = run(go())
    offline = offline_review(REQUEST).pointers
    extra = next(p for p in offline if p.kind != good.kind)
    assert feedback.backend == "fake-llm" and len(feedback.pointers) == 2
    first, second = feedback.pointers
    assert (first.title, first.source) == (good.title, "fake-llm · m1")
    assert (second.kind, second.title, second.source) == (extra.kind, extra.title, "offline rules")
    assert feedback.notice == (
        "Coach set aside 1 of the model's 2 pointers (duplicate pointers); the second pointer comes from the offline rules."
    )


def test_a_clean_reply_passes_with_every_pointer_labelled_by_its_maker() -> None:
    async def go():
        async with service_with(FakeLLM()) as service:
            return await service.review_round(REQUEST)

    feedback = run(go())
    assert [p.source for p in feedback.pointers] == ["fake-llm · m1"] and feedback.notice is None


def test_a_real_interviews_llm_review_is_gated_too(store) -> None:
    from coach.domain.models import Answer, RealInterview, Session

    session = Session(
        id="real-1", kind="real", round="second", role="general", status="complete",
        real=RealInterview(company="Acme", stage="final", outcome="rejected"),
        answers=[Answer(question_id="q1", question=ITEM.question, text=ITEM.answer, status="submitted")],
    )

    async def go():
        async with service_with(ScriptedLLM(junk_feedback())) as service:
            return await service.review_round(session)

    feedback = run(go())
    assert is_offline(feedback) and "didn't pass coach's checks" in feedback.notice


def test_a_generated_follow_up_that_repeats_the_question_is_set_aside() -> None:
    class Asker(FakeLLM):
        async def follow_up(self, item, round=None):
            return item.question  # the question again, as a small model does

    async def go():
        async with service_with(Asker()) as service:
            return await service.follow_up(ITEM, "second", candidates=("What did you do yourself?",))

    result = run(go())
    assert not result.generated and "repeats the question" in (result.problem or "")


def test_a_follow_up_already_asked_this_round_is_not_asked_again() -> None:
    class Asker(FakeLLM):
        async def follow_up(self, item, round=None):
            return "Which part did you do yourself?"

    async def go(backend, asked):
        async with service_with(backend) as service:
            return await service.follow_up(ITEM, "second", candidates=(), asked=asked)

    repeat = run(go(Asker(), ("which part did you do yourself",)))
    assert not repeat.generated and repeat.question != "Which part did you do yourself?"
    assert "already asked this round" in (repeat.problem or "")
    offline_first = run(go(FakeLLM(), ()))
    assert offline_first.question
    offline_again = run(go(FakeLLM(), (offline_first.question,)))
    assert offline_again.question != offline_first.question


def test_a_fifo_named_as_the_job_is_refused_without_opening_it(tmp_path) -> None:
    import os

    fifo = tmp_path / "job.txt"
    os.mkfifo(fifo)
    for call in (read_job_file, resolve_job):
        with pytest.raises(JobError, match="FIFO"):
            call(str(fifo))


def test_a_cap_that_falls_inside_a_character_is_still_utf8(tmp_path) -> None:
    from coach.services import jobs

    path = tmp_path / "job.txt"
    path.write_text("é" * (jobs._MAX_JOB_BYTES // 2 + 10), encoding="utf-8")
    text = read_job_file(path)
    assert set(text) == {"é"} and len(text) == MAX_JOB_CHARS
