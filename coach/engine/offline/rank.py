"""From per-answer findings to a round's choices: the one or two to lead with, a strength, a next step.

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
too-short (`rules_story.ABSENT_LEADS_FROM`); under 15 words there is too little to
judge anything but length, and too-short leads. Whatever leads, the per-answer
notes list every finding at or above `REPORT_THRESHOLD`, up to four, most
severe first: rules for a missing or vague ending also read short stories, at
severities that keep them below too-short, so a thin answer's note names its
length, its missing "I" and its missing outcome together.

Skipped questions. A skipped main question outranks a skipped follow-up; a
follow-up skipped after a strong main answer is a note that leads only when
nothing else in the round is a real weakness (`rules.weigh_unanswered`); the
tip counts the round's skips ("you skipped 3 of 5 questions").
"""

from __future__ import annotations

import coach.engine.offline.lexicon as L
from coach.domain.models import Strength
from coach.engine.offline.job import term_touched
from coach.engine.offline.reading import REPORT_THRESHOLD, Finding, Reading
from coach.engine.offline.rules import PerAnswer
from coach.engine.offline.text import WORD_RE, first_person_past

ROUND_WEIGHTS: dict[str, dict[str, float]] = {
    "phone": {"no-job-link": 1.2, "off-topic": 1.1, "structure": 1.1, "too-long": 1.1,
              "no-example": 0.9, "no-result": 0.9, "ownership": 0.9},
    "second": {"no-example": 1.1, "no-result": 1.1, "ownership": 1.1, "vague-impact": 1.05},
    "final": {"no-questions": 1.2, "negative": 1.1, "no-job-link": 1.05},
}
#: How much each further answer showing the same weakness adds to its weight.
REPEAT_BONUS = 0.12


#: One deliberately skipped question, weighed against a weakness that runs through the
#: answers given: the skip is a one-off, so a pattern seen twice or more outranks it.
ONE_SKIP_WEIGHT = 0.8


def _weighted(f: Finding, round: str | None) -> float:
    w = f.severity * ROUND_WEIGHTS.get(round or "", {}).get(f.kind, 1.0)
    if f.kind == "no-answer" and f.facts.get("skipped") == 1 and not f.facts.get("follow_up"):
        w = min(w, ONE_SKIP_WEIGHT)
    return w


def rank_kinds(per_answer: PerAnswer, round: str | None) -> list[tuple[float, Finding]]:
    """Kinds by round-level score; each with its most severe finding (the one to quote)."""
    best: dict[str, Finding] = {}
    seen: dict[str, int] = {}
    for _r, found in per_answer:
        for kind in {f.kind for f in found if _weakness(f)}:
            seen[kind] = seen.get(kind, 0) + 1
        for f in found:
            if f.severity >= REPORT_THRESHOLD and (f.kind not in best or _weighted(f, round) > _weighted(best[f.kind], round)):
                best[f.kind] = f
    scored = [
        (min(1.5, _weighted(f, round) + REPEAT_BONUS * max(0, seen.get(k, 0) - 1)), f) for k, f in best.items()
    ]
    order = {k: i for i, k in enumerate(best)}
    scored.sort(key=lambda sf: (-sf[0], order[sf[1].kind]))
    return scored


def choose(per_answer: PerAnswer, round: str | None) -> list[Finding]:
    """The one or two findings to lead with, per the ranking rules above."""
    ranked = rank_kinds(per_answer, round)
    if not ranked:
        return []
    if ranked[0][1].kind == "no-answer" and ranked[0][1].facts.get("skipped") == 1:
        # One skipped question against a weakness running through two or more answers: the pattern leads.
        pattern = [sf for sf in ranked[1:] if _answers_with(per_answer, sf[1].kind) >= 2]
        if pattern:
            ranked = [pattern[0], ranked[0]] + [sf for sf in ranked[1:] if sf is not pattern[0]]
            return [ranked[0][1], ranked[1][1]]
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


def _weakness(f: Finding) -> bool:
    """Whether a finding counts toward a pattern: reported, and not a soft "room for more detail"
    note on an answer that is complete (those never lead, so three of them are not a habit)."""
    return f.severity >= REPORT_THRESHOLD and not f.facts.get("thin")


def _answers_with(per_answer: PerAnswer, kind: str) -> int:
    return sum(1 for _r, fs in per_answer if any(f.kind == kind and _weakness(f) for f in fs))


def _worst_answer_top(per_answer, round) -> Finding | None:
    tops = [fs[0] for _i, fs in per_answer if fs and fs[0].severity >= REPORT_THRESHOLD]
    return max(tops, key=lambda f: _weighted(f, round)) if tops else None


def next_step(per_answer: PerAnswer) -> tuple[Reading, str, str, str] | None:
    """No rule fired anywhere: the most useful next step for the fullest answer, by question type.

    Never praise, and not one generic tip for everything: a story without a
    scale needs a number; a process answer with no real occasion in it needs one
    example; a fit answer needs its headline reason first; otherwise, lead with
    the headline. Returns (reading, kind, evidence, mode) for the tip writer.
    """
    answered = [r for r, _ in per_answer if r.item.answer and r.item.answer.strip()]
    if not answered:
        return None
    r = max(answered, key=lambda r: len(r.item.answer))
    text, q = r.text, r.q
    if not text.sentences:
        return None
    mode = "headline"
    if q.story and not L.SCALE_MARKERS.search(text.lower) and not L.CHECKABLE_OUTCOME.search(text.lower):
        s, e = text.sentences[-1]
        kind = "vague-impact"
    elif not (q.story or q.fit or q.closing) and text.voice.events < 2 and not L.TIME_MARKERS.search(text.lower):
        s, e = text.sentences[0]
        kind = "no-example"
    else:
        s, e = text.sentences[0]
        kind = "structure"
        mode = "fit" if q.fit else "closing" if q.closing else "headline"
    return r, kind, text.verbatim(s, e), mode


def strength(per_answer: PerAnswer) -> Strength | None:
    """One thing that worked, quoted; only from an answer that is a real answer."""
    blocking = {"no-answer", "too-short", "off-topic", "no-questions"}
    for r, found in sorted(per_answer, key=lambda p: sum(f.severity for f in p[1])):
        kinds = {f.kind for f in found if f.severity >= REPORT_THRESHOLD}
        # A story told in outline (a thin note, not too short) can still show something that worked.
        blocked = {f.kind for f in found if f.severity >= REPORT_THRESHOLD and not f.facts.get("thin")}
        if blocked & blocking or not r.item.answer:
            continue
        got = _strength_in(r, kinds)
        if got:
            return got
    return None


def _strength_in(r: Reading, kinds: set[str]) -> Strength | None:
    text, q, item = r.text, r.q, r.item
    if q.closing:
        for s, e in text.sentences:
            if "?" in text.clean[s:e] or L.QUESTION_ASKED.search(text.lower, s, e):
                return Strength(title="You came with a real question", evidence=text.verbatim(s, e), question_id=item.question_id)
        return None
    if r.job_terms and "no-job-link" not in kinds:
        # Matching the job well is worth saying: quote the sentence that names the most of it.
        best, hits = None, 0
        for s, e in text.sentences:
            n = sum(1 for t in r.job_terms if term_touched(t, text.clean[s:e]))
            if n > hits:
                best, hits = (s, e), n
        total = sum(1 for t in r.job_terms if term_touched(t, text.clean))
        if best and total >= 3:
            return Strength(title="You spoke to what the job asks for", evidence=text.verbatim(*best),
                            question_id=item.question_id)
    cut = len(text.clean) // 3
    if q.story and not kinds & {"no-result", "vague-impact", "no-example"}:
        outcome = L.OUTCOME_MARKERS.search(text.lower, cut)
        if outcome:
            s, e = text.sentence_at(outcome.start())
            if L.SCALE_MARKERS.search(text.lower, s, e):
                return Strength(title="You gave the result a scale", evidence=text.verbatim(s, e), question_id=item.question_id)
    if q.story and not kinds & {"ownership", "no-example"}:
        for s, e in text.sentences:
            toks = WORD_RE.findall(text.lower[s:e]) + [""]
            if first_person_past(toks) >= 1:
                return Strength(title="You said plainly what you did", evidence=text.verbatim(s, e), question_id=item.question_id)
    if q.fit and "no-job-link" not in kinds:
        m = L.JOB_LINK.search(text.lower)
        if m:
            return Strength(title="You tied yourself to the role", evidence=text.sentence_quote(m.start()), question_id=item.question_id)
    return None
