"""Other attempts at the same question, for "how did I answer this last time?".

Finding them must not parse the whole history: the store's summaries say
which files exist, a plain substring check on each file's bytes rules out the
ones that never mention the question id, and only the rest are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from coach.domain.models import Answer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from coach.store import SessionSummary, Store

#: Stop after this many attempts: enough to see progress, bounded work.
MAX_ATTEMPTS = 10


@dataclass(frozen=True)
class Attempt:
    """One answer to the question from another session."""

    session_id: str
    created_at: datetime
    answer: Answer
    pointer_titles: tuple[str, ...]


def find_attempts(store: Store, question_id: str, *, exclude: str,
                  limit: int = MAX_ATTEMPTS) -> list[Attempt]:
    """Answers to ``question_id`` in other readable sessions, newest first."""
    from coach.store import StoreError

    needle = question_id.encode("utf-8")
    found: list[Attempt] = []
    for summary in _newest_first(store):
        if summary.error or summary.id == exclude or not summary.n_answers:
            continue
        try:
            if needle not in summary.path.read_bytes():
                continue
            session = store.load(summary.path)
        except (OSError, StoreError):
            continue  # changed or vanished since it was listed: not an attempt
        answer = session.answer_for(question_id)
        if answer is None or not answer.text.strip():
            continue
        feedback = session.latest_feedback
        titles = tuple(p.title for p in feedback.pointers if p.question_id == question_id) \
            if feedback else ()
        found.append(Attempt(session.id, session.created_at, answer, titles))
        if len(found) >= limit:
            break
    return found


def _newest_first(store: Store) -> Iterator[SessionSummary]:
    """Summaries newest first, read a batch at a time: the search usually stops early."""
    for batch in store.iter_summaries(batch=100):
        yield from batch


def words(text: str) -> int:
    return len(text.split())


def attempt_text(attempt: Attempt, *, index: int, count: int, this: Answer | None) -> Text:
    out = Text()
    out.append(f"Attempt {index + 1} of {count} · {attempt.created_at:%Y-%m-%d %H:%M}\n",
               style="bold")
    stats = f"{words(attempt.answer.text)} words"
    if this is not None:
        stats += f" (this one: {words(this.text)})"
    if attempt.answer.think_ms is not None:
        stats += f" · think {attempt.answer.think_ms / 1000:.1f} s"
    out.append(stats + "\n", style="dim")
    for title in attempt.pointer_titles:
        out.append(f"pointer then: {title}\n", style="italic")
    out.append("\n")
    out.append(attempt.answer.text)
    return out


class ReplayCompare(Static):
    """Shows another attempt's final answer, its date and what was said about it."""

    def show_attempt(self, attempt: Attempt, *, index: int, count: int,
                     this: Answer | None) -> None:
        self.update(attempt_text(attempt, index=index, count=count, this=this))

    def show_message(self, message: str) -> None:
        self.update(Text(message, style="dim italic"))
