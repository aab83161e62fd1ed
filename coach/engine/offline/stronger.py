"""What an answer could sound like, from the candidate's own sentences: `build`.

No new facts, ever. The offline rewrite reorders the candidate's sentences
into the order an interviewer follows and deletes what adds nothing:

- a story (behavioral): the situation, then what they did themselves, then
  how it ended;
- a plan (situational): their position and its steps, then the reason, then
  how they would handle the hard part;
- other questions (fit, closing, "walk me through your approach"): their
  order, trimmed.

Deleted: sentences that carry nothing (fillers, apologies, "that's all"),
near-repeats, general habits once there is a story to tell, and hedges or
fillers inside a sentence ("I think maybe", "kind of", "basically"). What the
answer lacks, judged from the offline pointers (`analyze` on this one answer)
and from which roles its sentences fill, becomes a visible ``[placeholder]``
from a small fixed set, so the candidate sees the gap instead of an invented
fill. An answer that is not there yet gets placeholders only.
"""

from __future__ import annotations

from coach.domain.models import Stronger
from coach.engine import AnswerItem, ReviewRequest
import coach.engine.offline.stronger_parts as P
from coach.engine.offline.pipeline import analyze
from coach.engine.offline.question import QuestionInfo
from coach.engine.offline.reading import Reading
from coach.engine.offline.rules_story import endings

#: When the answer is too long, at most this many sentences per part are kept (the first ones).
LONG_KEEP = {"situation": 2, "actions": 5, "ending": 2, "plan": 4, "reason": 2, "hard": 2, "body": 6}


def _kinds(question: str, answer: str, type: str | None, round: str | None, role: str | None,
           job: str | None) -> list[str]:
    """Every pointer kind the offline rules give this answer: the headline ones and its notes."""
    item = AnswerItem(question_id="answer", question=question, answer=answer, type=type)
    feedback = analyze(ReviewRequest(items=(item,), round=round, role=role, job=job))
    kinds = [p.kind for p in feedback.pointers]
    for note in feedback.notes:
        kinds += [p.kind for p in note.pointers if p.kind not in kinds]
    return kinds


def _ending_sentences(reading: Reading) -> set[int]:
    """Indexes of the sentences that say how the story ended (the engine's own reading of endings)."""
    found = set()
    spans = reading.text.sentences
    for m in endings(reading):
        for i, (s, e) in enumerate(spans):
            if s <= m.start() < e:
                found.add(i)
    return found


def _cap(part: str, lines: list[P.Line], long: bool) -> list[P.Line]:
    return lines[: LONG_KEEP[part]] if long else lines


def _story(lines: list[P.Line], kinds: list[str], long: bool) -> list[str | P.Line]:
    """Situation → what they did → how it ended, with placeholders where a part is missing."""
    told = any(line.event for line in lines)
    # General habits say what the candidate usually does; once there is a story they only dilute it.
    kept = [line for line in lines if not (told and line.habit and not line.ending)]
    first_event = next((i for i, line in enumerate(kept) if line.event and not line.ending), len(kept))
    situation = [line for i, line in enumerate(kept) if i < first_event and not line.ending]
    actions = [line for i, line in enumerate(kept) if i >= first_event and not line.ending]
    ending = [line for line in kept if line.ending]
    out: list[str | P.Line] = []
    if "no-example" in kinds:
        out.append(P.OCCASION)
    out += _cap("situation", situation, long)
    if "ownership" in kinds or not told:
        out.append(P.DID_YOURSELF)
    out += _cap("actions", actions, long)
    if not ending or "no-result" in kinds:
        out += _cap("ending", ending, long)
        out.append(P.ENDING)
    else:
        out += _cap("ending", ending, long)
        if "vague-impact" in kinds:
            out.append(P.SCALE)
    return out


def _plan(lines: list[P.Line], kinds: list[str], long: bool) -> list[str | P.Line]:
    """Position (and its steps) → the reason → the hard part, with placeholders where one is missing."""
    position = next((line for line in lines if line.plan), None)
    rest = [line for line in lines if line is not position]
    hard = [line for line in rest if line.hard and not (line.plan and not line.reason and line.index < 2)]
    reason = [line for line in rest if line.reason and line not in hard]
    steps = [line for line in rest if line not in hard and line not in reason]
    out: list[str | P.Line] = []
    if position is None:
        out.append(P.POSITION)
        out += _cap("plan", steps, long)
    else:
        out += _cap("plan", sorted([position, *steps], key=lambda line: line.index), long)
    out += _cap("reason", reason, long)
    if not reason and not (position is not None and position.reason):
        out.append(P.REASON)
    out += _cap("hard", hard, long)
    if not hard and not (position is not None and position.hard):
        out.append(P.HARD_PART)
    if "no-example" in kinds:
        out.append(P.PLAN_PROOF)
    return out


def _other(lines: list[P.Line], kinds: list[str], q: QuestionInfo, long: bool) -> list[str | P.Line]:
    """Any other question: the candidate's order, trimmed, and what the pointers say is missing."""
    out: list[str | P.Line] = list(_cap("body", lines, long))
    if "no-questions" in kinds:
        out.append(P.QUESTIONS)
    if "no-example" in kinds:
        out.append(P.EXAMPLE)
    if "no-result" in kinds:
        out.append(P.ENDING)
    elif "vague-impact" in kinds:
        out.append(P.SCALE)
    if "no-job-link" in kinds:
        out.append(P.JOB_LINK)
    if "too-short" in kinds and len(out) == len(lines):
        out.append(P.MORE)
    return out


def _render(parts: list[str | P.Line]) -> tuple[str, list[str]]:
    """The example's text (sentences and ``[placeholders]`` in order) and its placeholders."""
    words, placeholders = [], []
    for part in parts:
        if isinstance(part, P.Line):
            words.append(part.text)
        elif part not in placeholders:
            placeholders.append(part)
            words.append(f"[{part}]")
    return " ".join(words), placeholders


def build(question: str, answer: str, *, type: str | None = None, attempt: int = 1, round: str | None = None,
          role: str | None = None, job: str | None = None) -> Stronger:
    """An example of the answer in a clear order, from the candidate's own words (backend "offline")."""
    item = AnswerItem(question_id="answer", question=question or "", answer=answer or "", type=type)
    reading = Reading.of(item, round, role)
    kinds = _kinds(item.question, item.answer, type, round, role, job)
    q = reading.q
    lines = P.without_repeats(P.lines_of(reading.text, _ending_sentences(reading)))
    if "no-answer" in kinds or not lines:
        parts: list[str | P.Line] = list(P.skeleton(item.question, q))
    else:
        long = "too-long" in kinds
        if q.situational:
            parts = _plan(lines, kinds, long)
        elif q.story or (not q.closing and not q.fit and reading.text.story.is_story):
            parts = _story(lines, kinds, long)
        else:
            parts = _other(lines, kinds, q, long)
    text, placeholders = _render(parts)
    return Stronger(attempt=max(1, attempt), text=text, placeholders=placeholders, backend="offline", model=None)


__all__ = ["LONG_KEEP", "build"]
