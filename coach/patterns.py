"""Patterns across interviews: which pointer kinds keep coming back, and what to practise.

One debrief is one data point; the same kind of pointer in four of the last six
rounds is a habit, and a habit is worth a practice round of its own. This module
reads the store's recent sessions (real and practice alike, since habits do not
care which), counts in how many of them each pointer kind appeared, and turns
the top recurring kind into a suggested practice round whose questions are
chosen to exercise it.

A session counts once per kind. Its latest feedback is read: the headline
pointers and the per-answer notes, because the headline is capped at two and
a habit can hide behind a louder pointer.

A retry that resolves a pointer is progress, and is counted as such: a kind
is "fixed in a retry" in a session when a retry verdict there says
``resolved`` for it (any question, any take), counted once per session and
only in sessions where the kind counts. It stays counted as having appeared
(the first answer still had it, so the habit is still there), but it is told
("no-result in 3 of your last 6 sessions, fixed in a retry twice") and, of two
kinds seen equally often, the one fixed less often is suggested first.

No Textual here: the home and history screens call these functions.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.domain.kinds import KIND_IDS, KINDS

if TYPE_CHECKING:
    from coach.banks import LoadedBanks
    from coach.domain.models import Feedback, RoundPlan, Session
    from coach.store import Store

#: How many recent sessions with feedback are looked at by default.
DEFAULT_WINDOW = 6
#: A kind must appear in at least this many sessions to count as recurring.
MIN_RECURRENCE = 2

#: The practice round that best exercises each kind.
FOCUS_ROUND: dict[str, str] = {
    "no-job-link": "phone",
    "no-questions": "final",
    "negative": "final",
}
DEFAULT_FOCUS_ROUND = "second"

#: Why that round helps, in a few words, per kind (completes "so you can ...").
_PRACTISE: dict[str, str] = {
    "no-example": "practise answering with one real past situation each time",
    "no-result": "practise finishing every story with how it ended",
    "vague-impact": "practise giving each outcome a number, a scale or a before/after",
    "ownership": "practise saying what you did yourself, with “I”",
    "too-short": "practise giving each answer room for a situation, your actions and a result",
    "too-long": "practise getting to the point in the first two sentences",
    "hedging": "practise stating what you did without softening it",
    "filler": "practise slower, cleaner answers without crutch words",
    "off-topic": "practise answering the question asked, first",
    "negative": "practise telling hard stories fairly, focused on what you did",
    "no-job-link": "practise tying your experience to the job you are applying for",
    "no-questions": "practise bringing two good questions for the interviewer",
    "structure": "practise opening with a one-line headline, then telling it in order",
    "no-answer": "practise giving every question a real attempt, even a short one",
}


@dataclass(frozen=True)
class KindCount:
    """One pointer kind and the recent sessions it appeared in (newest first)."""

    kind: str
    count: int
    window: int
    session_ids: tuple[str, ...]
    real_sessions: int = 0
    headline_sessions: int = 0
    #: Of those sessions, in how many a retry resolved it (progress; see the module docstring).
    fixed_in_retry: int = 0

    @property
    def title(self) -> str:
        info = KINDS.get(self.kind)
        return info.title if info else self.kind

    @property
    def summary(self) -> str:
        """"no-result in 4 of your last 6 sessions", with ", fixed in a retry twice" when it was."""
        noun = "session" if self.window == 1 else "sessions"
        text = f"{self.kind} in {self.count} of your last {self.window} {noun}"
        return text + (f", {self.progress}" if self.progress else "")

    @property
    def progress(self) -> str:
        """"fixed in a retry twice" (once, twice, 3 times), or "" when no retry fixed it."""
        if not self.fixed_in_retry:
            return ""
        return f"fixed in a retry {_times(self.fixed_in_retry)}"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


@dataclass(frozen=True)
class Patterns:
    """Recurring kinds over the most recent sessions that have feedback."""

    window: int
    counts: tuple[KindCount, ...]
    session_ids: tuple[str, ...] = ()
    skipped: tuple[str, ...] = field(default=())

    @property
    def recurring(self) -> tuple[KindCount, ...]:
        """Kinds seen in at least `MIN_RECURRENCE` sessions, most frequent first."""
        return tuple(c for c in self.counts if c.count >= MIN_RECURRENCE)

    @property
    def top(self) -> KindCount | None:
        return self.recurring[0] if self.recurring else None

    def lines(self, limit: int = 3) -> list[str]:
        """Short summaries of the top recurring kinds, for the history screen."""
        return [c.summary for c in self.recurring[:limit]]


@dataclass(frozen=True)
class PracticeSuggestion:
    """A practice round aimed at one recurring kind, as the home screen offers it."""

    round: str
    focus_kind: str
    reason: str
    plan: RoundPlan | None = None


def _kinds_in(feedback: Feedback) -> tuple[set[str], set[str]]:
    headline = {p.kind for p in feedback.pointers}
    everything = set(headline)
    for note in feedback.notes:
        everything.update(p.kind for p in note.pointers)
    return headline, everything


def _fixed_in_retries(session: Session) -> set[str]:
    """Kinds a retry verdict in ``session`` says were resolved."""
    return {
        line.kind
        for answer in session.answers
        for attempt in answer.attempts
        if attempt.verdict is not None
        for line in attempt.verdict.lines
        if line.status == "resolved"
    }


def patterns_from_sessions(sessions: Sequence[Session], window: int = DEFAULT_WINDOW) -> Patterns:
    """Count kinds over the newest ``window`` sessions that have feedback.

    ``sessions`` may come in any order; they are sorted newest first here.
    Ties in count go to the kind fixed in a retry less often, then the one
    in more headlines, then the one seen most recently, then taxonomy order.
    """
    with_feedback = [s for s in sessions if s.latest_feedback is not None]
    with_feedback.sort(key=lambda s: (s.created_at, s.id), reverse=True)
    recent = with_feedback[:window]
    seen: dict[str, list[str]] = {}
    real: dict[str, int] = {}
    headline_n: dict[str, int] = {}
    last_seen: dict[str, int] = {}
    fixed_n: dict[str, int] = {}
    for index, session in enumerate(recent):
        feedback = session.latest_feedback
        assert feedback is not None  # filtered above
        headline, kinds = _kinds_in(feedback)
        fixed = _fixed_in_retries(session)
        for kind in kinds:
            if kind in fixed:
                fixed_n[kind] = fixed_n.get(kind, 0) + 1
            seen.setdefault(kind, []).append(session.id)
            last_seen.setdefault(kind, index)
            if session.kind == "real":
                real[kind] = real.get(kind, 0) + 1
            if kind in headline:
                headline_n[kind] = headline_n.get(kind, 0) + 1
    order = {k: i for i, k in enumerate(KIND_IDS)}
    ranked = sorted(
        seen,
        key=lambda k: (-len(seen[k]), fixed_n.get(k, 0), -headline_n.get(k, 0), last_seen[k], order.get(k, 99)),
    )
    counts = tuple(
        KindCount(
            kind=k,
            count=len(seen[k]),
            window=len(recent),
            session_ids=tuple(seen[k]),
            real_sessions=real.get(k, 0),
            headline_sessions=headline_n.get(k, 0),
            fixed_in_retry=fixed_n.get(k, 0),
        )
        for k in ranked
    )
    return Patterns(window=len(recent), counts=counts, session_ids=tuple(s.id for s in recent))


def recurring_kinds(
    store: Store, window: int = DEFAULT_WINDOW, *, kinds: Collection[str] = ("practice", "real")
) -> Patterns:
    """Patterns over the store's newest ``window`` sessions (of ``kinds``) with feedback.

    Uses the listing to skip sessions without feedback cheaply, then loads
    only as many files as it needs. Files that fail to load are named in
    ``skipped`` (as "path: reason") and left alone.
    """
    from coach.store import StoreError

    sessions: list[Session] = []
    skipped: list[str] = []
    for summary in store.iter_newest():  # stops reading once the window is full
        if len(sessions) >= window:
            break
        if summary.error:
            skipped.append(f"{summary.path}: {summary.error}")
            continue
        if summary.kind not in kinds or summary.backend is None:
            continue
        try:
            session = store.load(summary.path)
        except StoreError as exc:
            skipped.append(str(exc))
            continue
        if session.latest_feedback is not None:
            sessions.append(session)
    found = patterns_from_sessions(sessions, window)
    return Patterns(found.window, found.counts, found.session_ids, tuple(skipped))


def suggest_practice(
    patterns: Patterns,
    banks: LoadedBanks | None = None,
    *,
    role: str = "general",
    n: int = 5,
    avoid: Iterable[str] = (),
    seed: int | None = None,
) -> PracticeSuggestion | None:
    """A practice round aimed at the top recurring kind, or None if nothing recurs.

    With ``banks``, the plan is made with ``plan_round(..., focus_kind=...)``
    so its questions exercise that kind; if the banks cannot make such a
    round, the suggestion still stands and ``plan`` is None (the caller can
    plan a normal round of the same type).
    """
    top = next((c for c in patterns.recurring if c.kind != "other"), None)
    if top is None:
        return None
    round_ = FOCUS_ROUND.get(top.kind, DEFAULT_FOCUS_ROUND)
    practise = _PRACTISE.get(top.kind, "practise that")
    from coach.domain.models import ROUND_TITLES

    progress = f", and a retry fixed it {_times(top.fixed_in_retry)}" if top.fixed_in_retry else ""
    reason = (
        f"“{top.title}” came up in {top.count} of your last {top.window} sessions{progress}. "
        f"This {ROUND_TITLES.get(round_, round_).lower()}'s questions are chosen so you can "
        f"{practise}."
    )
    plan = None
    if banks is not None:
        from coach.banks import PlanError, plan_round

        try:
            plan = plan_round(
                banks, round_, role, n, avoid=set(avoid), seed=seed, focus_kind=top.kind
            )
        except PlanError:
            plan = None
    return PracticeSuggestion(round=round_, focus_kind=top.kind, reason=reason, plan=plan)
