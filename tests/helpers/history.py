"""Fixed sessions for the export, history and replay tests.

Built straight from the models with fixed dates, so Markdown, tables and
snapshots are the same on every run.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from textual.app import App

from coach.domain.models import Answer, Edit, Feedback, Pointer, Session, Strength

BASE = datetime(2026, 3, 14, 9, 30, tzinfo=timezone.utc)

CONFLICT_Q = "Tell me about a time you disagreed with a colleague."
CONFLICT_A = (
    "We had a disagreement about the release date. I think maybe it went well in the end,"
    " basically the team sorted it out."
)
CONFLICT_B = (
    "At Acme I disagreed with our lead about shipping before load tests. I ran the tests"
    " myself over a weekend, found a 3x slowdown, and we moved the date by a week."
)
MOTIVE_Q = "Why do you want this role?"
MOTIVE_A = "I like building things for people.\n# not a heading\n1. not a list"


def typed_edits(text: str, *, start_ms: int = 1500, step_ms: int = 120, pause_after: int = -1,
                pause_ms: int = 4200) -> list[Edit]:
    """One edit per character; optionally a long pause after character ``pause_after``."""
    edits, t = [], start_ms
    for i, ch in enumerate(text):
        edits.append(Edit(t_ms=t, pos=i, text=ch))
        t += step_ms + (pause_ms if i == pause_after else 0)
    return edits


def answer(qid: str, question: str, text: str, **extra) -> Answer:
    edits = typed_edits(text, pause_after=extra.pop("pause_after", 10))
    return Answer(
        question_id=qid,
        question=question,
        type="behavioral",
        text=text,
        status="submitted",
        shown_at=extra.pop("shown_at", BASE),
        think_ms=edits[0].t_ms if edits else None,
        answer_ms=edits[-1].t_ms + 800 if edits else None,
        edits=edits,
        **extra,
    )


def feedback(**extra) -> Feedback:
    values = dict(
        pointers=[
            Pointer(
                kind="hedging",
                title="Say what you did without softening it",
                evidence="I think maybe it went well",
                question_id="conflict",
                tip="Drop 'I think maybe' and state the outcome plainly.",
            ),
            Pointer(
                kind="ownership",
                title="Show your own part, not the team's",
                evidence="the team sorted it out",
                question_id="conflict",
                tip="Say which step you took yourself, in the first person.",
            ),
        ],
        strength=Strength(
            title="A clear motivation", evidence="I like building things", question_id="motive"
        ),
        backend="offline",
        created_at=BASE + timedelta(minutes=20),
    )
    values.update(extra)
    return Feedback(**values)


def session(sid: str = "20260314T093000000-abc1", *, days: int = 0, **extra) -> Session:
    """A complete second-round session with feedback, ``days`` after BASE."""
    created = BASE + timedelta(days=days)
    values = dict(
        id=sid,
        created_at=created,
        updated_at=created + timedelta(minutes=20),
        round="second",
        role="software-engineer",
        status="complete",
        answers=[
            answer("conflict", CONFLICT_Q, CONFLICT_A, shown_at=created),
            answer("motive", MOTIVE_Q, MOTIVE_A, shown_at=created),
        ],
        feedback=[feedback(created_at=created + timedelta(minutes=20))],
    )
    values.update(extra)
    return Session(**values)


def persist(store, session: Session):
    """Write ``session`` into ``store`` as its file, exactly as given.

    Not `Store.save`: that bumps ``updated_at`` (snapshots want fixed data)
    and remembers ids process-wide, so reusing a fixed id in a second test's
    tmp store would write into the first test's directory.
    """
    from coach.fsutil import atomic_write_text, ensure_private_dir
    from coach.store import session_to_toml

    ensure_private_dir(store.sessions_dir)
    path = store.path_for(session.id)
    atomic_write_text(path, session_to_toml(session))
    return path


def ctx_for(store):
    """An app context around ``store`` (default settings, no banks): what History and Replay are handed."""
    from coach.banks import LoadedBanks
    from coach.config import Settings
    from coach.tui.context import AppContext

    return AppContext(Settings(data_dir=store.root), store, LoadedBanks())


RETRY_A = (
    "We disagreed about the release date. I ran the load tests myself and moved the date by a week,"
    " and the team agreed."
)


def retried_session(sid: str = "20260314T093000000-abc1", *, days: int = 0, **extra) -> Session:
    """`session` whose first answer was tried again (take 2, on the hedging pointer), with a verdict and an example."""
    from coach.domain.models import Attempt, RetryVerdict, Stronger, VerdictLine

    s = session(sid, days=days, **extra)
    first = s.answers[0]
    edits = typed_edits(RETRY_A, start_ms=900, step_ms=60, pause_after=-1)
    verdict = RetryVerdict(
        lines=[
            VerdictLine(kind="hedging", status="resolved", says="Now it says what you did plainly.",
                        evidence="I ran the load tests myself"),
            VerdictLine(kind="ownership", status="remaining", says="The end still credits the team.",
                        evidence="the team agreed"),
        ],
        backend="offline",
        created_at=s.created_at + timedelta(minutes=30),
    )
    first.attempts.append(Attempt(
        number=2, pointer="hedging", text=RETRY_A, status="submitted",
        shown_at=s.created_at + timedelta(minutes=25), think_ms=edits[0].t_ms,
        answer_ms=edits[-1].t_ms + 500, edits=edits, verdict=verdict,
    ))
    first.stronger.append(Stronger(
        attempt=2,
        text="We disagreed about the release date. I ran the load tests myself and moved the date by a week."
             " [how it ended: a number or what changed]",
        placeholders=["how it ended: a number or what changed"],
        backend="offline",
        created_at=s.created_at + timedelta(minutes=31),
    ))
    return s


class FakeClock:
    """A monotonic clock the test moves by hand (replay's pace)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


class ScreenApp(App[None]):
    """A bare app that opens one screen: for screens tested outside CoachApp."""

    def __init__(self, screen) -> None:
        super().__init__()
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first)
