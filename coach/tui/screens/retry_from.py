"""Trying a question again from History or Replay, as the debrief's `t` does.

A past session's pointers are the ones its latest feedback gave, about an
answer (a pointer about the round as a whole has no question to retry). From
Replay the answer is the one on show; from History the candidate picks one of
the session's pointers (`PickRetry`). Either way the session is held for
editing first (its lease, as the interview and debrief hold it) and read
fresh, then the retry screen opens; it lets the lease go when it closes.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from coach.domain.models import Answer, Pointer, Session
from coach.domain.numbering import answer_label
from coach.tui.widgets.plain import note, plain

if TYPE_CHECKING:
    from coach.tui.context import AppContext


def retry_available() -> bool:
    """Whether this build has the retry screen."""
    return importlib.util.find_spec("coach.tui.screens.retry") is not None


def retry_pointers(session: Session) -> list[tuple[int, Pointer]]:
    """(answer index, pointer) for each pointer of the latest feedback that is about an answer, headline first."""
    feedback = session.latest_feedback
    if feedback is None:
        return []
    index = {a.question_id: i for i, a in enumerate(session.answers)}
    out: list[tuple[int, Pointer]] = []
    seen: set[tuple[str, str]] = set()
    for pointer in [*feedback.pointers, *(p for n in feedback.notes for p in n.pointers)]:
        qid = pointer.question_id
        if qid in index and (qid, pointer.kind) not in seen and session.answers[index[qid]].answered:
            seen.add((qid, pointer.kind))
            out.append((index[qid], pointer))
    return out


def pointer_for(session: Session, answer: Answer, take: int) -> Pointer | None:
    """The pointer to work on for ``answer``: one a retry left still there, else the first about it."""
    here = [p for i, p in retry_pointers(session) if session.answers[i] is answer]
    if take > 1:
        verdict = answer.attempts[take - 2].verdict
        remaining = verdict.kinds("remaining") if verdict else []
        for pointer in here:
            if pointer.kind in remaining:
                return pointer
    return here[0] if here else None


class PickRetry(ModalScreen["tuple[str, Pointer] | None"]):
    """Which pointer of a past session to try again: (question id, pointer), or None."""

    DEFAULT_CSS = """
    PickRetry { align: center middle; }
    PickRetry > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 90%; padding: 0 1;
        border: thick $primary; background: $surface;
    }
    PickRetry OptionList { height: auto; max-height: 14; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="history.retry-cancel")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.choices = retry_pointers(session)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(plain("Try again: which pointer to work on? (Enter picks, Esc cancels)"))
            options = [
                Option(plain(f"{answer_label(self.session, i)} · {p.title}"), id=str(n))
                for n, (i, p) in enumerate(self.choices)
            ]
            yield OptionList(*options, id="retry-choices")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#retry-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        index, pointer = self.choices[int(event.option.id or 0)]
        self.dismiss((self.session.answers[index].question_id, pointer))

    def action_cancel(self) -> None:
        self.dismiss(None)


async def open_retry(screen: Screen[Any], ctx: AppContext, session_id: str, question_id: str, pointer: Pointer,
                     done: Callable[[Session | None], None]) -> None:
    """Hold the session and push the retry screen on a fresh copy (``done`` hears its result); run in a worker.

    The holding and reading is the retry screen's own `prepare_retry`; here a
    session open elsewhere, or one that cannot be read, is said in a notice.
    """
    from coach.store import LeaseHeld, StoreError
    from coach.tui.screens.retry import prepare_retry

    try:
        retry = await prepare_retry(ctx, session_id, question_id, pointer)
    except LeaseHeld as held:
        where = held.holder.describe() if held.holder else "another process"
        screen.notify(note(f"This session is open in another terminal ({where}); close it there first."),
                      title="Cannot try again here", severity="warning", markup=False, timeout=10)
        return
    except (StoreError, OSError, KeyError) as exc:
        screen.notify(note(f"Cannot try again: {exc}"), title="Try again", severity="error", markup=False)
        return
    screen.app.push_screen(retry, done)
