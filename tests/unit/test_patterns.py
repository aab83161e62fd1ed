"""Patterns across interviews: recurring pointer kinds over stored sessions, and what to practise."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from coach.banks import load_banks
from coach.config import load_settings
from coach.domain.models import Answer, AnswerNote, Feedback, Pointer
from coach.patterns import (
    KindCount,
    Patterns,
    patterns_from_sessions,
    recurring_kinds,
    suggest_practice,
)
from coach.store import Store

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def _pointer(kind: str, qid: str = "q1") -> Pointer:
    return Pointer(kind=kind, title=f"about {kind}", evidence="", question_id=qid, tip="Try this.")


def _feedback(headline: list[str], notes: list[str] = ()) -> Feedback:
    return Feedback(
        pointers=[_pointer(k) for k in headline],
        notes=[AnswerNote(question_id="q2", pointers=[_pointer(k, "q2") for k in notes])]
        if notes
        else [],
        backend="offline",
    )


def _add(store: Store, minutes: int, feedback: Feedback | None, kind: str = "practice"):
    session = store.create(
        "second",
        "general",
        kind=kind,
        answers=[Answer(question_id="q1", question="Tell me about a time.", text="x", status="submitted")],
    )
    session.created_at = T0 + timedelta(minutes=minutes)
    session.status = "complete"
    store.save(session)
    if feedback is not None:
        store.add_feedback(session.id, feedback)
    return session


@pytest.fixture
def store() -> Store:
    return Store.from_settings(load_settings())


@pytest.fixture
def history(store: Store) -> Store:
    """Nine sessions, oldest first; the newest six with feedback are the window."""
    _add(store, 0, _feedback(["no-result"]))  # outside the window: must not count
    _add(store, 1, _feedback(["no-result", "ownership"]))  # outside the window too
    _add(store, 10, _feedback(["no-result", "hedging"]))
    _add(store, 20, _feedback(["ownership"], notes=["no-result"]), kind="real")  # via notes
    _add(store, 30, _feedback(["filler"]))
    _add(store, 35, None)  # no feedback yet: skipped, not counted
    _add(store, 40, _feedback(["no-result", "ownership"]))
    _add(store, 50, _feedback(["vague-impact"]))
    _add(store, 60, _feedback(["no-result"]), kind="real")
    return store


def test_counts_recurring_kinds_over_the_last_six_sessions(history: Store):
    patterns = recurring_kinds(history, window=6)
    assert patterns.window == 6
    top = patterns.top
    assert top is not None
    assert top.kind == "no-result"
    assert top.summary == "no-result in 4 of your last 6 sessions"
    assert top.real_sessions == 2
    assert top.headline_sessions == 3
    by_kind = {c.kind: c.count for c in patterns.counts}
    assert by_kind == {"no-result": 4, "ownership": 2, "hedging": 1, "filler": 1, "vague-impact": 1}
    assert [c.kind for c in patterns.recurring] == ["no-result", "ownership"]
    assert patterns.lines() == [
        "no-result in 4 of your last 6 sessions",
        "ownership in 2 of your last 6 sessions",
    ]


def test_practice_only_and_unreadable_files_are_reported(history: Store):
    broken = history.sessions_dir / "20261201T000000000-broken.toml"
    broken.write_text("this is not = [valid toml", encoding="utf-8")
    practice = recurring_kinds(history, window=6, kinds=("practice",))
    assert practice.top is not None and practice.top.real_sessions == 0
    assert any("broken" in line for line in practice.skipped)


def test_fewer_sessions_than_the_window(store: Store):
    _add(store, 0, _feedback(["structure"]))
    _add(store, 5, _feedback(["structure", "filler"]))
    patterns = recurring_kinds(store, window=6)
    assert patterns.top is not None
    assert patterns.top.summary == "structure in 2 of your last 2 sessions"


def test_nothing_recurs_means_no_suggestion(store: Store):
    _add(store, 0, _feedback(["structure"]))
    _add(store, 5, _feedback(["filler"]))
    patterns = recurring_kinds(store)
    assert patterns.top is None
    assert suggest_practice(patterns) is None


def test_ties_go_to_the_kind_seen_most_recently():
    from coach.domain.models import Session

    def session(i: int, kinds: list[str]) -> Session:
        s = Session(id=f"s{i}", round="second", role="general", created_at=T0 + timedelta(hours=i))
        s.feedback.append(_feedback(kinds))
        return s

    patterns = patterns_from_sessions([session(1, ["filler"]), session(2, ["hedging"]),
                                       session(3, ["filler"]), session(4, ["hedging"])])
    assert [c.kind for c in patterns.recurring] == ["hedging", "filler"]


def test_suggestion_targets_the_top_kind_with_questions_that_exercise_it(history: Store):
    patterns = recurring_kinds(history, window=6)
    banks = load_banks()
    suggestion = suggest_practice(patterns, banks, role="general", n=4, seed=7)
    assert suggestion is not None
    assert (suggestion.round, suggestion.focus_kind) == ("second", "no-result")
    assert "4 of your last 6" in suggestion.reason
    assert suggestion.plan is not None
    assert suggestion.plan.round == "second"
    assert len(suggestion.plan.questions) == 4
    assert all(q.type == "behavioral" for q in suggestion.plan.questions)


@pytest.mark.parametrize(("kind", "round_"), [("no-job-link", "phone"), ("no-questions", "final")])
def test_fit_and_closing_kinds_suggest_their_own_round(kind, round_):
    counts = (KindCount(kind=kind, count=3, window=5, session_ids=("a", "b", "c")),)
    suggestion = suggest_practice(Patterns(window=5, counts=counts), load_banks(), n=3)
    assert suggestion is not None and suggestion.round == round_ and suggestion.plan is not None
    if kind == "no-questions":
        assert suggestion.plan.questions[-1].type == "closing"


# ---------------------------------------------------------------- retries


def _retried(store: Store, minutes: int, headline: list[str], resolved: list[str], remaining: list[str] = ()):
    """A stored session with feedback whose answer was retried, the verdict resolving ``resolved``."""
    from coach.domain.models import Attempt, RetryVerdict, VerdictLine

    session = _add(store, minutes, _feedback(headline))
    session = store.load(session.id)
    lines = [VerdictLine(kind=k, status="resolved", says="Fixed.") for k in resolved]
    lines += [VerdictLine(kind=k, status="remaining", says="Still.") for k in remaining]
    session.answers[0].attempts.append(Attempt(
        number=2, pointer=headline[0], text="y", status="submitted",
        verdict=RetryVerdict(backend="offline", lines=lines)))
    store.save(session)
    return session


def test_a_pointer_resolved_in_a_retry_counts_as_progress(store: Store):
    _retried(store, 10, ["no-result"], resolved=["no-result"])
    _add(store, 20, _feedback(["no-result", "hedging"]))
    _retried(store, 30, ["no-result", "hedging"], resolved=["no-result"], remaining=["hedging"])
    _retried(store, 40, ["hedging"], resolved=["ownership"])  # resolved a kind this session's feedback lacks
    patterns = recurring_kinds(store, window=6)
    counts = {c.kind: c for c in patterns.counts}
    assert (counts["no-result"].count, counts["no-result"].fixed_in_retry) == (3, 2)
    assert (counts["hedging"].count, counts["hedging"].fixed_in_retry) == (3, 0)  # "remaining" is not progress
    assert "ownership" not in counts  # counted only where the kind counts
    assert counts["no-result"].summary == "no-result in 3 of your last 4 sessions, fixed in a retry twice"
    assert counts["hedging"].summary == "hedging in 3 of your last 4 sessions"
    # equally frequent: the one not yet fixed in a retry is the one to practise
    assert [c.kind for c in patterns.recurring] == ["hedging", "no-result"]
    assert patterns.lines()[1] == "no-result in 3 of your last 4 sessions, fixed in a retry twice"


def test_the_suggestion_says_when_the_top_kind_was_fixed_in_a_retry(store: Store):
    _retried(store, 10, ["no-result"], resolved=["no-result"])
    _add(store, 20, _feedback(["no-result"]))
    suggestion = suggest_practice(recurring_kinds(store, window=6))
    assert suggestion is not None and suggestion.focus_kind == "no-result"
    assert "came up in 2 of your last 2 sessions, and a retry fixed it once. " in suggestion.reason
