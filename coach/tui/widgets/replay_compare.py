"""Answers to the same question in earlier sessions, for "how did I answer this last time?".

(A retry within the session is a take, shown by `coach.tui.widgets.replay_takes`;
the word "attempt" is kept for those, so an answer from another session is
labelled "Earlier session N of M".)

The store finds them (``Store.attempts_of``): a widget never opens session
files itself, so the file format and its reading rules stay in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from coach.domain.models import Take
from coach.domain.text import visible
from coach.store import PastAnswer
from coach.tui.widgets.replay_takes import COMPARE_HINT

if TYPE_CHECKING:
    from coach.store import Store

__all__ = ("MAX_ATTEMPTS", "PastAnswer", "ReplayCompare", "attempt_text", "find_attempts")

#: Stop after this many attempts: enough to see progress, bounded work.
MAX_ATTEMPTS = 10


def find_attempts(store: Store, question_id: str, *, exclude: str,
                  limit: int = MAX_ATTEMPTS) -> list[PastAnswer]:
    """Answers to ``question_id`` in other readable sessions, newest first."""
    return store.attempts_of(question_id, exclude=exclude, limit=limit)


def words(text: str) -> int:
    return len(text.split())


def attempt_text(attempt: PastAnswer, *, index: int, count: int, this: Take | None) -> Text:
    out = Text()
    out.append(f"Earlier session {index + 1} of {count} · {attempt.created_at:%Y-%m-%d %H:%M}\n",
               style="bold")
    key_hint = (f"{COMPARE_HINT} ({count} earlier)" if count > 1
                else f"{COMPARE_HINT} — this is the only earlier one")
    out.append(key_hint + "\n", style="dim italic")
    stats = f"{words(attempt.answer.text)} words"
    if this is not None:
        stats += f" (this one: {words(this.text)})"
    if attempt.answer.think_ms is not None:
        stats += f" · think {attempt.answer.think_ms / 1000:.1f} s"
    out.append(stats + "\n", style="dim")
    for title in attempt.pointer_titles:
        out.append(f"pointer then: {visible(title)}\n", style="italic")
    out.append("\n")
    out.append(visible(attempt.answer.text, multiline=True))
    return out


class ReplayCompare(Static):
    """Shows another take of this answer, or an earlier session's answer, and what was said about it."""

    def show_text(self, text: Text) -> None:
        self.update(text)

    def show_attempt(self, attempt: PastAnswer, *, index: int, count: int,
                     this: Take | None) -> None:
        self.update(attempt_text(attempt, index=index, count=count, this=this))

    def show_message(self, message: str) -> None:
        self.update(Text(visible(message, multiline=True), style="dim italic"))
