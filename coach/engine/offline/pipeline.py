"""The offline debrief end to end: read, apply the rules, rank, word the tips, build the Feedback.

Each stage only reads what the one before it produced, and imports run the
same way: `reading` (text facts and question, once per answer) → `rules` →
`rank` → `tips` → here.
"""

from __future__ import annotations

from coach.domain.models import AnswerNote, Feedback, Pointer
from coach.engine import ReviewRequest
from coach.engine.offline.rank import choose, next_step, strength
from coach.engine.offline.reading import REPORT_THRESHOLD, Finding, Reading
from coach.engine.offline.rules import PerAnswer, per_answer
from coach.engine.offline.tips import polish, word

NOTES_PER_ANSWER = 4


class _View:
    """What the tip writer needs to know about a question: its type and the round."""

    def __init__(self, r: Reading) -> None:
        self.story, self.fit, self.closing, self.round = r.q.story, r.q.fit, r.q.closing, r.round
        self.situational = r.q.situational


def _pointer(f: Finding, r: Reading) -> Pointer:
    title, tip = word(f, r.item.question, _View(r))
    # Built from our own checked values: construct without re-validating (hot path in batches).
    return Pointer.model_construct(kind=f.kind, title=title, evidence=f.evidence, question_id=r.item.question_id,
                                   tip=tip, verified=True)


def _next_step_pointer(found: PerAnswer) -> Pointer | None:
    step = next_step(found)
    if step is None:
        return None
    r, kind, evidence, mode = step
    title, tip = polish(r.item.question, kind, evidence, mode)
    return Pointer(kind=kind, title=title, evidence=evidence, question_id=r.item.question_id, tip=tip)


def notes(found: PerAnswer) -> list[AnswerNote]:
    """Per-answer detail for the 'one key away' view: each answer's own findings as pointers."""
    out = []
    for r, fs in found:
        shown = [f for f in fs if f.severity >= REPORT_THRESHOLD][:NOTES_PER_ANSWER]
        out.append(AnswerNote.model_construct(question_id=r.item.question_id,
                                              pointers=[_pointer(f, r) for f in shown]))
    return out


def _empty_round() -> Pointer:
    return Pointer(kind="no-answer", title="Give every question a real answer", evidence="",
                   tip="There were no answers to review. Answer at least one question, even briefly, and run the debrief again.")


def build_feedback(request: ReviewRequest, found: PerAnswer) -> Feedback:
    """Assemble the Feedback model: ranked pointers, strength, notes, provenance."""
    readings = {r.item.question_id: r for r, _ in found}
    picks = choose(found, request.round)
    pointers = [_pointer(f, readings[f.question_id]) for f in picks]
    if not pointers:
        pointers = [_next_step_pointer(found) or _empty_round()]
    notice = None
    if any(f.facts.get("reason") == "not-english" for _r, fs in found for f in fs):
        notice = "Some answers are not in English; the offline rules read English only."
    return Feedback(
        pointers=pointers,
        strength=strength(found),
        notes=notes(found),
        backend="offline",
        model=None,
        notice=notice,
    )


def analyze(request: ReviewRequest) -> Feedback:
    """The offline debrief: one or two ranked pointers, an optional strength, per-answer notes."""
    return build_feedback(request, per_answer(request))
