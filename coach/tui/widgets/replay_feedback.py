"""The session's debrief beside the replay: pointers, evidence, tips, provenance.

Shows the latest `Feedback` of the session; pointers about the answer being
replayed are marked, so watching an answer and reading what to change about
it happen together.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from coach.domain.models import Feedback
from coach.domain.text import visible
from coach.services.provenance import made_by


def feedback_text(feedback: Feedback | None, *, question_id: str | None) -> Text:
    if feedback is None:
        return Text("No feedback yet for this session.", style="dim italic")
    out = Text()
    out.append(visible(made_by(feedback, when=True)), style="dim")
    if feedback.notice:
        out.append(f" · {visible(feedback.notice)}", style="dim italic")
    out.append("\n")
    for number, pointer in enumerate(feedback.pointers, 1):
        here = pointer.question_id == question_id
        out.append("▸ " if here else "  ", style="bold")
        out.append(f"{number}. {visible(pointer.title)}", style="bold" if here else "")
        out.append("\n")
        if pointer.evidence:
            out.append(f"     “{visible(pointer.evidence, multiline=True)}”\n", style="italic")
        out.append(f"     Next time: {visible(pointer.tip, multiline=True)}\n")
    if feedback.strength is not None:
        out.append(f"  + {visible(feedback.strength.title)}\n", style="bold")
        if feedback.strength.evidence:
            out.append(f"     “{visible(feedback.strength.evidence, multiline=True)}”\n", style="italic")
    notes = [n for n in feedback.notes if n.question_id == question_id]
    for note in notes:
        for pointer in note.pointers:
            out.append(f"  · {visible(pointer.title)}: {visible(pointer.tip, multiline=True)}\n", style="dim")
    out.rstrip()
    return out


class ReplayFeedback(Static):
    """Displays the session's latest feedback for the current answer."""

    def show(self, feedback: Feedback | None, *, question_id: str | None) -> None:
        self.update(feedback_text(feedback, question_id=question_id))
