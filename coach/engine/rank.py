"""From per-answer findings to a round's debrief: one or two pointers and a strength.

Ranking follows how a recruiter remembers a round: a habit seen in three of
five answers matters more than a one-off, but the single worst answer still
gets its due (it is the one they'll remember). The round type shifts weight
toward what that stage judges: fit and the job link on a phone screen,
stories and outcomes in a competency round, the closing questions in a final.

Short answers. The headline for an answer is the single change that would most
improve it, and "make it longer" is only that change when nothing more specific
is missing. A short story in which the candidate never acts ("the team looked at
the logs and it was fixed") would grow into a longer story that still hides
them; "say what you did yourself" fixes the missing part and the length at once.
So, for a story answer of 15-44 words with no clause where "I" does something
and others (or the passive voice) acting instead, ownership leads over
too-short (`offline.ABSENT_LEADS_FROM`); under 15 words there is too little to
judge anything but length, and too-short leads. Whatever leads, the per-answer
notes list every finding at or above `REPORT_THRESHOLD`, up to four, most
severe first: rules for a missing or vague ending also read short stories, at
severities that keep them below too-short, so a thin answer's note names its
length, its missing "I" and its missing outcome together.

Skipped questions. A skipped main question outranks a skipped follow-up; a
follow-up skipped after a strong main answer is a note that leads only when
nothing else in the round is a real weakness (`offline.weigh_unanswered`); the
tip counts the round's skips ("you skipped 3 of 5 questions").
"""

from __future__ import annotations

from coach.engine import AnswerItem, ReviewRequest
from coach.engine import signals as S
from coach.engine import tips
from coach.engine.offline import REPORT_THRESHOLD, Finding, QuestionInfo, _first_person_past
from coach.domain.models import AnswerNote, Feedback, Pointer, Strength

ROUND_WEIGHTS: dict[str, dict[str, float]] = {
    "phone": {"no-job-link": 1.2, "off-topic": 1.1, "structure": 1.1, "too-long": 1.1,
              "no-example": 0.9, "no-result": 0.9, "ownership": 0.9},
    "second": {"no-example": 1.1, "no-result": 1.1, "ownership": 1.1, "vague-impact": 1.05},
    "final": {"no-questions": 1.2, "negative": 1.1, "no-job-link": 1.05},
}
#: How much each further answer showing the same weakness adds to its weight.
REPEAT_BONUS = 0.12
NOTES_PER_ANSWER = 4


class _View:
    """What the tip writer needs to know about a question: its type and the round."""

    def __init__(self, q: QuestionInfo, round: str | None) -> None:
        self.story, self.fit, self.closing, self.round = q.story, q.fit, q.closing, round


def _pointer(f: Finding, item: AnswerItem, round: str | None) -> Pointer:
    title, tip = tips.word(f, item.question, _View(QuestionInfo.read(item), round))
    # Built from our own checked values: construct without re-validating (hot path in batches).
    return Pointer.model_construct(kind=f.kind, title=title, evidence=f.evidence, question_id=item.question_id,
                                   tip=tip, verified=True)


def _weighted(f: Finding, round: str | None) -> float:
    return f.severity * ROUND_WEIGHTS.get(round or "", {}).get(f.kind, 1.0)


def rank_kinds(per_answer: list[tuple[AnswerItem, list[Finding]]], round: str | None) -> list[tuple[float, Finding]]:
    """Kinds by round-level score; each with its most severe finding (the one to quote)."""
    best: dict[str, Finding] = {}
    seen: dict[str, int] = {}
    for _item, found in per_answer:
        for kind in {f.kind for f in found if f.severity >= REPORT_THRESHOLD}:
            seen[kind] = seen.get(kind, 0) + 1
        for f in found:
            if f.severity >= REPORT_THRESHOLD and (f.kind not in best or _weighted(f, round) > _weighted(best[f.kind], round)):
                best[f.kind] = f
    scored = [
        (min(1.5, _weighted(f, round) + REPEAT_BONUS * (seen[k] - 1)), f) for k, f in best.items()
    ]
    order = {k: i for i, k in enumerate(best)}
    scored.sort(key=lambda sf: (-sf[0], order[sf[1].kind]))
    return scored


def choose(per_answer: list[tuple[AnswerItem, list[Finding]]], round: str | None) -> list[Finding]:
    """The one or two findings to lead with, per the ranking rules above."""
    ranked = rank_kinds(per_answer, round)
    if not ranked:
        return []
    picks = [ranked[0][1]]
    worst = _worst_answer_top(per_answer, round)
    if worst is not None and worst.kind != picks[0].kind and _weighted(worst, round) >= 0.6:
        picks.append(worst)
    elif len(ranked) > 1:
        picks.append(ranked[1][1])
    else:
        # Nothing else stands out: the same weakness in another answer, if there is one.
        same = [f for _i, fs in per_answer for f in fs
                if f.kind == picks[0].kind and f.question_id != picks[0].question_id and f.severity >= 0.5]
        if same:
            picks.append(max(same, key=lambda f: f.severity))
    return picks


def _worst_answer_top(per_answer, round) -> Finding | None:
    tops = [fs[0] for _i, fs in per_answer if fs and fs[0].severity >= REPORT_THRESHOLD]
    return max(tops, key=lambda f: _weighted(f, round)) if tops else None


def _polish(per_answer: list[tuple[AnswerItem, list[Finding]]]) -> Pointer | None:
    """No rule fired anywhere: the most useful next step for the fullest answer, by question type.

    Never praise, and not one generic tip for everything: a story without a
    scale needs a number; a process answer with no real occasion in it needs one
    example; a fit answer needs its headline reason first; otherwise, lead with
    the headline.
    """
    from coach.engine.offline import voice

    answered = [item for item, _ in per_answer if item.answer and item.answer.strip()]
    if not answered:
        return None
    item = max(answered, key=lambda i: len(i.answer))
    text = S.Text(item.answer)
    if not text.sentences:
        return None
    q = QuestionInfo.read(item)
    mode = "headline"
    if q.story and not S.SCALE_MARKERS.search(text.lower):
        s, e = text.sentences[-1]
        kind = "vague-impact"
    elif not (q.story or q.fit or q.closing) and voice(text).events < 2 and not S.TIME_MARKERS.search(text.lower):
        s, e = text.sentences[0]
        kind = "no-example"
    else:
        s, e = text.sentences[0]
        kind = "structure"
        mode = "fit" if q.fit else "closing" if q.closing else "headline"
    evidence = text.verbatim(s, e)
    title, tip = tips.polish(item.question, kind, evidence, mode)
    return Pointer(kind=kind, title=title, evidence=evidence, question_id=item.question_id, tip=tip)


def strength(per_answer: list[tuple[AnswerItem, list[Finding]]]) -> Strength | None:
    """One thing that worked, quoted; only from an answer that is a real answer."""
    blocking = {"no-answer", "too-short", "off-topic", "no-questions"}
    for item, found in sorted(per_answer, key=lambda p: sum(f.severity for f in p[1])):
        kinds = {f.kind for f in found if f.severity >= REPORT_THRESHOLD}
        if kinds & blocking or not item.answer:
            continue
        got = _strength_in(item, kinds)
        if got:
            return got
    return None


def _strength_in(item: AnswerItem, kinds: set[str]) -> Strength | None:
    text = S.Text(item.answer)
    q = QuestionInfo.read(item)
    if q.closing:
        for s, e in text.sentences:
            if "?" in text.clean[s:e] or S.QUESTION_ASKED.search(text.lower, s, e):
                return Strength(title="You came with a real question", evidence=text.verbatim(s, e), question_id=item.question_id)
        return None
    cut = len(text.clean) // 3
    if q.story and not kinds & {"no-result", "vague-impact", "no-example"}:
        outcome = S.OUTCOME_MARKERS.search(text.lower, cut)
        if outcome:
            s, e = text.sentence_at(outcome.start())
            if S.SCALE_MARKERS.search(text.lower, s, e):
                return Strength(title="You gave the result a scale", evidence=text.verbatim(s, e), question_id=item.question_id)
    if q.story and not kinds & {"ownership", "no-example"}:
        for s, e in text.sentences:
            toks = S.WORD_RE.findall(text.lower[s:e]) + [""]
            if _first_person_past(toks) >= 1:
                return Strength(title="You said plainly what you did", evidence=text.verbatim(s, e), question_id=item.question_id)
    if q.fit and "no-job-link" not in kinds:
        m = S.JOB_LINK.search(text.lower)
        if m:
            return Strength(title="You tied yourself to the role", evidence=text.sentence_quote(m.start()), question_id=item.question_id)
    return None


def notes(per_answer: list[tuple[AnswerItem, list[Finding]]], round: str | None) -> list[AnswerNote]:
    """Per-answer detail for the 'one key away' view: each answer's own findings as pointers."""
    out = []
    for item, found in per_answer:
        shown = [f for f in found if f.severity >= REPORT_THRESHOLD][:NOTES_PER_ANSWER]
        out.append(AnswerNote.model_construct(question_id=item.question_id,
                                              pointers=[_pointer(f, item, round) for f in shown]))
    return out


def _empty_round() -> Pointer:
    return Pointer(kind="no-answer", title="Give every question a real answer", evidence="",
                   tip="There were no answers to review. Answer at least one question, even briefly, and run the debrief again.")


def build_feedback(request: ReviewRequest, per_answer: list[tuple[AnswerItem, list[Finding]]],
                   terms: tuple[str, ...]) -> Feedback:
    """Assemble the Feedback model: ranked pointers, strength, notes, provenance."""
    items = {item.question_id: item for item, _ in per_answer}
    picks = choose(per_answer, request.round)
    pointers = [_pointer(f, items[f.question_id], request.round) for f in picks]
    if not pointers:
        polished = _polish(per_answer)
        pointers = [polished or _empty_round()]
    notice = None
    if any(f.facts.get("reason") == "not-english" for _i, fs in per_answer for f in fs):
        notice = "Some answers are not in English; the offline rules read English only."
    return Feedback(
        pointers=pointers,
        strength=strength(per_answer),
        notes=notes(per_answer, request.round),
        backend="offline",
        model=None,
        notice=notice,
    )
