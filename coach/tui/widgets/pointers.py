"""Rendering feedback: a pointer with its evidence highlighted in the answer.

Principle 2 of the design ("evidence, not verdicts") is made visible here: the
quoted span is shown *inside* the candidate's own answer, so they see where it
was said. Long answers are cut to a window around the span. Styles use bold,
underline and reverse rather than colour alone, so the highlight survives 16
colours and NO_COLOR. Every outside text is drawn through
`coach.domain.text.visible` (after the span is found in the raw answer, so
the highlight stays on the right words). Who made the feedback is said by
`coach.services.provenance.made_by`, the same label everywhere; a pointer that
names its own maker (``source``, set when a model's pointers passed coach's
checks, or an offline pointer completed them) says "by ..." under its title.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from coach.domain.models import Answer, Pointer, Session, Strength
from coach.domain.text import visible

CONTEXT_CHARS = 180
HIGHLIGHT = "bold reverse"


def find_span(text: str, evidence: str) -> tuple[int, int] | None:
    """Where ``evidence`` occurs in ``text`` (exact first, then ignoring case)."""
    evidence = evidence.strip()
    if not evidence:
        return None
    start = text.find(evidence)
    if start < 0:
        start = text.lower().find(evidence.lower())
    if start < 0:
        return None
    return start, start + len(evidence)


def _context_window(text: str, start: int, end: int, context: int) -> tuple[int, int]:
    """About ``context`` characters either side of [start, end), cut between words, never inside one.

    "… g guide I wrote" reads as a typo of the candidate's; "… guide I wrote" does not.
    """
    lo = max(0, start - context)
    if lo > 0 and not text[lo - 1].isspace():
        gap = next((i for i in range(lo, start) if text[i].isspace()), None)
        lo = start if gap is None else gap + 1
    hi = min(len(text), end + context)
    if hi < len(text) and not text[hi].isspace():
        gap = next((i for i in range(hi - 1, end - 1, -1) if text[i].isspace()), None)
        hi = end if gap is None else gap
    return lo, hi


def answer_excerpt(text: str, evidence: str, context: int = CONTEXT_CHARS) -> Text:
    """The answer (or a window of it) with ``evidence`` highlighted."""
    span = find_span(text, evidence)
    if span is None:
        shown = text
        if len(text) > 2 * context:
            cut = _context_window(text, 0, 0, 2 * context)[1] or 2 * context  # (one huge word: cut it)
            shown = text[:cut].rstrip() + " …"
        return Text(visible(shown, multiline=True) or "(no answer)", style="italic")
    start, end = span
    lo, hi = _context_window(text, start, end, context)
    out = Text()
    if lo > 0:
        out.append("… ")
    out.append(visible(text[lo:start], multiline=True))
    out.append(visible(text[start:end], multiline=True), style=HIGHLIGHT)
    out.append(visible(text[end:hi], multiline=True))
    if hi < len(text):
        out.append(" …")
    return out


def pointer_text(
    index: int | None, pointer: Pointer, answer: Answer | None, *, show_question: bool = True
) -> Text:
    """One pointer: title, the question, the answer with evidence, and the tip."""
    out = Text()
    label = f"{index}. " if index is not None else "• "
    out.append(label + visible(pointer.title), style="bold")
    out.append("\n")
    if pointer.source:
        # A model's pointer may sit beside one of the offline rules': each says who made it.
        out.append(f"by {visible(pointer.source)}\n", style="italic")
    if answer is not None:
        if show_question:
            out.append("Q: ", style="bold")
            out.append(visible(answer.question, multiline=True), style="italic")
            out.append("\n")
        out.append_text(answer_excerpt(answer.text, pointer.evidence))
        out.append("\n")
    elif pointer.evidence:
        out.append(f"“{visible(pointer.evidence, multiline=True)}”", style=HIGHLIGHT)
        out.append("\n")
    if pointer.evidence and not pointer.verified:
        out.append("(this quote could not be found in your answer)\n", style="italic")
    out.append("Next time: ", style="bold")
    out.append(visible(pointer.tip, multiline=True))
    return out


def strength_text(strength: Strength, answer: Answer | None) -> Text:
    out = Text()
    out.append("What worked: ", style="bold")
    out.append(visible(strength.title))
    if strength.source:
        out.append(f" (by {visible(strength.source)})", style="italic")
    if answer is not None and strength.evidence:
        out.append("\n")
        out.append_text(answer_excerpt(answer.text, strength.evidence, context=80))
    elif strength.evidence:
        out.append(f"\n“{visible(strength.evidence, multiline=True)}”")
    return out


def answer_for(session: Session, question_id: str | None) -> Answer | None:
    return session.answer_for(question_id) if question_id else None


class PointerCard(Static):
    """A single pointer, rendered with its evidence in context."""

    DEFAULT_CSS = """
    PointerCard { padding: 0 1; margin: 0 0 1 0; height: auto; }
    """

    def __init__(
        self,
        index: int | None,
        pointer: Pointer,
        answer: Answer | None,
        *,
        show_question: bool = True,
        **kw: object,
    ) -> None:
        text = pointer_text(index, pointer, answer, show_question=show_question)
        super().__init__(text, **kw)  # type: ignore[arg-type]
        self.pointer = pointer


class StrengthCard(Static):
    DEFAULT_CSS = """
    StrengthCard { padding: 0 1; margin: 0 0 1 0; height: auto; }
    """

    def __init__(self, strength: Strength, answer: Answer | None, **kw: object) -> None:
        super().__init__(strength_text(strength, answer), **kw)  # type: ignore[arg-type]
