"""An answer's takes within one session, for replay: which to compare, and how each reads.

A retry (take 2, 3, …) is kept on its answer; replay steps through every take
and its compare pane can show another take of the same answer beside the one
being replayed, each with what the comparison said about it (the verdict
lines, drawn as the retry screen draws them). Everything from the file is
drawn through `coach.domain.text.visible`.
"""

from __future__ import annotations

from rich.text import Text

from coach.domain.models import Answer, Feedback, Take
from coach.domain.text import visible
from coach.export import pointer_title
from coach.tui.widgets.takes import verdict_provenance, verdict_text

COMPARE_HINT = "a: compare with another take or an earlier session"


def other_takes(answer: Answer, current: int) -> list[int]:
    """The take numbers to compare ``current`` with: the ones before it (nearest first), then the later ones."""
    count = len(answer.takes)
    return [*range(current - 1, 0, -1), *range(current + 1, count + 1)]


def take_label(answer: Answer, number: int) -> str:
    """"take 2 of 3" when the answer was retried; "" when it has one take."""
    count = len(answer.takes)
    return f"take {number} of {count}" if count > 1 else ""


def verdict_block(answer: Answer, number: int, feedback: Feedback | None) -> Text:
    """What take ``number`` (≥ 2) worked on and what the comparison with the take before it said."""
    take = answer.take(number)
    out = Text()
    working = pointer_title(feedback, answer.question_id, getattr(take, "pointer", None))
    if working:
        out.append(f"Working on: {visible(working)}\n", style="italic")
    verdict = getattr(take, "verdict", None)
    if verdict is None:
        out.append("Not compared with the take before it." if take.answered else "Not submitted.", style="dim italic")
        return out
    out.append(f"Compared with take {number - 1}:\n", style="bold")
    out.append_text(verdict_text(verdict))
    out.append("\n")
    out.append(visible(verdict_provenance(verdict), multiline=True), style="dim")
    return out


def words(text: str) -> int:
    return len(text.split())


def take_text(answer: Answer, number: int, *, this: Take | None, count: int, feedback: Feedback | None) -> Text:
    """The compare pane for take ``number`` of this session's answer (``count``: how many there are to compare with)."""
    take = answer.take(number)
    out = Text()
    out.append(f"Take {number} of {len(answer.takes)} · this session\n", style="bold")
    hint = f"{COMPARE_HINT} ({count} in all)" if count > 1 else f"{COMPARE_HINT} — this is the only one"
    out.append(hint + "\n", style="dim italic")
    stats = f"{words(take.text)} words"
    if this is not None:
        stats += f" (this one: {words(this.text)})"
    if take.think_ms is not None:
        stats += f" · think {take.think_ms / 1000:.1f} s"
    out.append(stats + "\n", style="dim")
    if number == 1:
        if feedback is not None:
            for pointer in feedback.pointers:
                if pointer.question_id == answer.question_id:
                    out.append(f"pointer then: {visible(pointer.title)}\n", style="italic")
    else:
        out.append_text(verdict_block(answer, number, feedback))
        out.append("\n")
    out.append("\n")
    if take.text.strip():
        out.append(visible(take.text, multiline=True))
    else:
        out.append("Nothing typed.", style="dim italic")
    return out
