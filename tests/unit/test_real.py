"""Real interviews: recording, and a debrief that leans to fit or technique by stage."""

from __future__ import annotations

import asyncio
import json

import pytest

from coach.config import load_settings
from coach.engine import ReviewRequest
from coach.engine.offline import analyze
from coach.domain.models import Feedback, Pointer
from coach.real import (
    RealInterviewError,
    build_answers,
    debrief_offline,
    fit_report,
    job_key_terms,
    leans_to_fit,
    record_real,
    round_for_stage,
    stage_note,
    term_touched,
)
from coach.services.real import debrief_real
from coach.store import Store
from tests.helpers.real import FINAL_ANSWERS, JOB, PHONE_ANSWERS, WHY_US

FIT_KINDS = {"no-job-link"}


@pytest.fixture
def store() -> Store:
    return Store.from_settings(load_settings())


def _phone_rejection(store: Store):
    return record_real(
        store,
        company="Brightwave",
        role="Data Analyst",
        stage="phone",
        outcome="rejected",
        date="2026-11-20",
        job=JOB,
        answers=PHONE_ANSWERS,
        employer_feedback="We went with another candidate.",
    )


def _answer_text(session, question_id):
    answer = session.answer_for(question_id)
    assert answer is not None
    return answer.text


def test_stages_map_to_practice_rounds():
    assert [round_for_stage(s) for s in ("cv", "phone", "second", "final")] == [
        "phone",
        "phone",
        "second",
        "final",
    ]
    with pytest.raises(RealInterviewError, match="stage"):
        round_for_stage("onsite")


def test_record_saves_a_complete_real_session(store: Store):
    session = _phone_rejection(store)
    loaded = store.load(session.id)
    assert loaded.kind == "real"
    assert loaded.status == "complete"
    assert loaded.round == "phone"
    assert loaded.role == "Data Analyst"
    assert loaded.job and "SQL" in loaded.job
    assert loaded.real is not None
    assert (loaded.real.company, loaded.real.stage, loaded.real.outcome) == (
        "Brightwave",
        "phone",
        "rejected",
    )
    assert loaded.real.employer_feedback == "We went with another candidate."
    assert [a.question for a in loaded.answers] == [q for q, _ in PHONE_ANSWERS]
    assert all(a.status == "submitted" for a in loaded.answers)


def test_real_session_is_listed_in_history(store: Store, capsys):
    session = _phone_rejection(store)
    rows = store.list_sessions()
    assert [(r.id, r.kind) for r in rows] == [(session.id, "real")]

    from coach.cli import main

    assert main(["history", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["kind"]) for r in listed] == [(session.id, "real")]


def test_remembered_question_without_answer_is_pending_not_skipped():
    answers = build_answers([("Why us?", ""), ("", "orphan answer"), ("Salary?", "Flexible")])
    assert [(a.question_id, a.status) for a in answers] == [
        ("real-1", "pending"),
        ("real-2", "submitted"),
    ]


def test_role_is_required(store: Store):
    with pytest.raises(RealInterviewError, match="role"):
        record_real(store, company="X", role="  ", stage="phone", outcome="rejected")


def test_job_key_terms_read_the_requirements():
    terms = job_key_terms(JOB)
    for expected in ("SQL", "Python", "stakeholder management", "running A/B tests"):
        assert expected in terms
    assert "experience" not in " ".join(terms).lower().split()
    assert term_touched("stakeholder management", "I managed our stakeholders weekly")
    assert not term_touched("SQL", "I like squirrels")


def test_phone_rejection_gets_a_fit_pointer_with_verbatim_evidence(store: Store):
    session = _phone_rejection(store)
    assert leans_to_fit(session)
    feedback = debrief_offline(session)

    assert isinstance(feedback, Feedback)
    assert 1 <= len(feedback.pointers) <= 2
    first = feedback.pointers[0]
    assert first.kind in FIT_KINDS
    assert first.evidence
    assert first.evidence in _answer_text(session, first.question_id)
    # The tip names the requirements the answers never touched.
    assert "SQL" in first.tip and "Python" in first.tip
    for pointer in feedback.pointers:
        if pointer.evidence:
            assert pointer.evidence in _answer_text(session, pointer.question_id)
    assert feedback.backend == "offline"


def test_phone_rejection_flags_a_generic_motivation_answer(store: Store):
    session = _phone_rejection(store)
    report = fit_report(session)
    assert report.motivation_question_id == "real-2"
    assert report.motivation_linked is False
    motivation = [p for p in report.pointers if p.question_id == "real-2"]
    assert motivation and motivation[0].evidence in WHY_US
    assert "Brightwave" in motivation[0].tip
    assert "SQL" in report.untouched


def test_answers_that_meet_the_job_get_no_fit_pointer(store: Store):
    session = record_real(
        store,
        company="Brightwave",
        role="Data Analyst",
        stage="phone",
        outcome="rejected",
        job=JOB,
        answers=[
            (
                "Tell me about yourself.",
                "For three years I have written SQL and Python every day, run A/B tests on "
                "our checkout, handled stakeholder management with product leads, presented "
                "findings to non-technical audiences and built dashboards in Looker.",
            )
        ],
    )
    report = fit_report(session)
    assert report.pointers == ()
    assert report.strength is not None
    assert report.strength.evidence in _answer_text(session, "real-1")
    assert "other candidates" in stage_note(session, report)


def test_cv_rejection_without_answers_speaks_about_the_cv(store: Store):
    session = record_real(
        store, company="Brightwave", role="Data Analyst", stage="cv", outcome="rejected", job=JOB
    )
    feedback = debrief_offline(session)
    assert [p.kind for p in feedback.pointers] == ["no-job-link"]
    assert feedback.pointers[0].evidence == ""
    assert "CV" in feedback.pointers[0].title
    assert "SQL" in feedback.pointers[0].tip


def test_nothing_to_review_is_a_clear_error(store: Store):
    session = record_real(store, company="X", role="Analyst", stage="final", outcome="rejected")
    with pytest.raises(RealInterviewError, match="questions"):
        debrief_offline(session)


def test_final_round_rejection_gets_technique_pointers(store: Store):
    session = record_real(
        store,
        company="Brightwave",
        role="Data Analyst",
        stage="final",
        outcome="rejected",
        job=JOB,
        answers=FINAL_ANSWERS,
    )
    assert not leans_to_fit(session)
    request = ReviewRequest.from_session(session)
    assert (request.round, request.real_stage, request.real_outcome) == (
        "final",
        "final",
        "rejected",
    )
    feedback = debrief_offline(session)
    expected = analyze(request)
    assert [(p.kind, p.evidence) for p in feedback.pointers] == [
        (p.kind, p.evidence) for p in expected.pointers
    ]
    kinds = {p.kind for p in feedback.pointers}
    assert kinds <= {
        "no-example", "no-result", "vague-impact", "ownership", "hedging", "filler",
        "structure", "too-short", "too-long", "negative", "off-topic",
    }
    assert "technique" in stage_note(session)


class _FakeLLM:
    """A stand-in LLM backend: returns one technique pointer, records what it saw."""

    name = "fake-llm"

    def __init__(self) -> None:
        self.requests: list[ReviewRequest] = []

    async def review(self, request, progress=None):
        self.requests.append(request)
        item = request.items[0]
        return Feedback(
            pointers=[
                Pointer(
                    kind="structure",
                    title="Lead with a headline",
                    evidence=item.answer.split(".")[0],
                    question_id=item.question_id,
                    tip="Say the point first.",
                ),
                Pointer(
                    kind="no-job-link",
                    title="Link to the job",
                    evidence="",
                    question_id=item.question_id,
                    tip="Mention the job.",
                ),
            ],
            backend="fake-llm",
            model="m1",
        )


def test_llm_debrief_of_a_phone_rejection_keeps_fit_first_and_says_where_it_came_from(
    store: Store,
):
    session = _phone_rejection(store)
    backend = _FakeLLM()
    feedback = asyncio.run(debrief_real(session, backend))
    assert backend.requests[0].real_stage == "phone"
    assert backend.requests[0].real_outcome == "rejected"
    assert len(feedback.pointers) == 2
    assert feedback.pointers[0].kind == "no-job-link"
    assert "SQL" in feedback.pointers[0].tip
    assert (feedback.backend, feedback.model) == ("fake-llm", "m1")
    assert feedback.notice and "offline rules" in feedback.notice


def test_llm_debrief_of_a_later_round_is_the_backends_own(store: Store):
    session = record_real(
        store, company="B", role="Analyst", stage="second", outcome="rejected", answers=FINAL_ANSWERS
    )
    feedback = asyncio.run(debrief_real(session, _FakeLLM()))
    assert [p.kind for p in feedback.pointers] == ["structure", "no-job-link"]
    assert feedback.notice is None


def test_a_failed_save_leaves_no_half_recorded_session(store: Store, monkeypatch):
    from coach.store import StoreError

    real_save = Store.save
    calls = {"n": 0}

    def flaky_save(self, session):
        calls["n"] += 1
        if calls["n"] == 2:
            raise StoreError(self.path_for(session.id), "could not save (disk full)")
        return real_save(self, session)

    monkeypatch.setattr(Store, "save", flaky_save)
    with pytest.raises(StoreError, match="disk full"):
        _phone_rejection(store)
    assert store.list_sessions() == []


class _SessionLLM(_FakeLLM):
    """Also counts `review_session` calls, the practice-round path."""

    def __init__(self) -> None:
        super().__init__()
        self.session_calls = 0

    async def review_session(self, session, progress=None):
        self.session_calls += 1
        return await self.review(ReviewRequest.from_session(session), progress)


def test_review_any_picks_the_stage_aware_path_for_real_sessions(store: Store):
    from coach.services.real import review_any

    real = _phone_rejection(store)
    backend = _SessionLLM()
    feedback = asyncio.run(review_any(real, backend))
    assert backend.session_calls == 0 and len(backend.requests) == 1
    assert feedback.pointers[0].kind == "no-job-link" and "SQL" in feedback.pointers[0].tip

    practice = store.create("second", "general", answers=build_answers(FINAL_ANSWERS))
    feedback = asyncio.run(review_any(practice, backend))
    assert backend.session_calls == 1
    assert (feedback.backend, feedback.model) == ("fake-llm", "m1")

    offline = asyncio.run(review_any(practice, None))
    assert offline.backend == "offline"
    assert offline == analyze(ReviewRequest.from_session(practice)).model_copy(update={"created_at": offline.created_at})
