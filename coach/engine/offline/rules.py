"""The rules in order, applied to each answer of a round: a request's findings.

No network, no model, no randomness: the same request always gives the same
findings, so people can trust them, tests can pin them, and the LLM backends
can use them as hints. Each rule (`rules_story`, `rules_style`) reads one
signal of the answer's `Reading` and, when it fires, returns a `Finding` with
a severity in [0, 1] and a verbatim evidence span.

Severities are calibrated against one another so that, within an answer, the
finding a recruiter would lead with comes first: a missing answer before a
missing story, a missing story before a missing ending, a missing ending
before a vague one, and surface habits (hedges, filler) only when they are
dense enough to be what the interviewer remembers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline.job import job_terms
from coach.engine.offline.lexicon import DECLINE_Q, NON_ANSWER, NON_ANSWER_WORDS
from coach.engine.offline.reading import REPORT_THRESHOLD, Finding, Reading
from coach.engine.offline.rules_plan import (
    rule_plan_example,
    rule_plan_hedging,
    rule_plan_hostile,
    rule_plan_reason,
    rule_plan_short,
    rule_plan_structure,
)
from coach.engine.offline.rules_story import rule_no_example, rule_no_result, rule_ownership, rule_vague_impact
from coach.engine.offline.rules_style import (
    rule_filler,
    rule_hedging,
    rule_negative,
    rule_no_job_link,
    rule_no_questions,
    rule_off_topic,
    rule_structure,
    rule_too_long,
    rule_too_short,
)
from coach.engine.offline.text import is_english, junk_reason

#: Each answer of a round, read once, with its findings (most severe first).
PerAnswer = list[tuple[Reading, list[Finding]]]

RULES: tuple[Callable[[Reading], Finding | None], ...] = (
    rule_no_questions,
    rule_off_topic,
    rule_negative,
    rule_no_example,
    rule_no_job_link,
    rule_too_short,
    rule_no_result,
    rule_ownership,
    rule_vague_impact,
    rule_too_long,
    rule_structure,
    rule_hedging,
    rule_filler,
)

#: A situational answer is a plan: judged for length, commitment and fairness, not as a story.
PLAN_RULES: tuple[Callable[[Reading], Finding | None], ...] = (
    rule_plan_hostile,
    rule_off_topic,
    rule_negative,
    rule_plan_short,
    rule_plan_hedging,
    rule_plan_example,
    rule_plan_reason,
    rule_too_long,
    rule_structure,
    rule_plan_structure,
    rule_filler,
)

_ORDER = {k: i for i, k in enumerate((
    "no-answer", "no-questions", "off-topic", "negative", "no-example", "no-job-link", "too-short",
    "no-result", "ownership", "vague-impact", "too-long", "structure", "hedging", "filler",
))}


def apply_rules(c: Reading) -> list[Finding]:
    """Every finding for one read answer, most severe first (ties: taxonomy order)."""
    item, text = c.item, c.text
    if item.skipped and not text.clean.strip():
        return [c.find("no-answer", 1.0, "", "skipped", reason="skipped")]
    reason = junk_reason(text)
    if reason:
        if c.q.closing and reason in ("one word", "placeholder") and DECLINE_Q.fullmatch(text.lower.strip(" .!?\n\t")):
            return [c.find("no-questions", 0.95, text.verbatim(0, len(text.clean)), "declined", declined=True)]
        return [c.find("no-answer", 1.0, text.verbatim(0, len(text.clean)), reason, reason=reason)]
    if not is_english(text):
        s, e = text.sentences[0] if text.sentences else (0, len(text.clean))
        return [c.find("no-answer", 0.9, text.verbatim(s, e), "not English", reason="not-english")]
    if not c.q.closing and text.n_words <= NON_ANSWER_WORDS:
        m = NON_ANSWER.search(text.lower)
        if m:
            return [c.find("no-answer", 0.97, text.sentence_quote(m.start()), "says there is no answer",
                           reason="non-answer", phrase=text.said(m))]
    rules = PLAN_RULES if c.q.situational else RULES
    found = [f for f in (rule(c) for rule in rules) if f is not None]
    found.sort(key=lambda f: (-f.severity, _ORDER[f.kind]))
    return found


def answer_findings(item: AnswerItem, round: str | None = None, role: str | None = None,
                    terms: tuple[str, ...] = ()) -> list[Finding]:
    """Every finding for one answer, most severe first (ties: taxonomy order)."""
    return apply_rules(Reading.of(item, round, role, terms))


#: Why an answer counts as not given at all (junk and placeholders are answers, if poor ones).
_UNANSWERED = ("skipped", "blank", "no words")
#: Severity of a skipped follow-up after a strong main answer: a note, and a pointer only
#: when nothing in the round is a real weakness (those start at about 0.5).
SKIPPED_FOLLOW_UP_AFTER_STRONG = 0.45
#: A skipped follow-up to a weak or missing main answer: below a skipped main question.
SKIPPED_FOLLOW_UP = 0.75


def _unanswered(found: list[Finding]) -> bool:
    return bool(found) and found[0].kind == "no-answer" and found[0].facts.get("reason") in _UNANSWERED


def weigh_unanswered(per_answer: PerAnswer) -> None:
    """Round context for unanswered items, in place.

    A skipped main question is the gap an interviewer notices most; a skipped
    follow-up matters less, and after a strong main answer it is a note, not a
    headline over a real weakness elsewhere. Every unanswered item's finding
    carries the round's count, so the tip can say "you skipped 3 of 5".
    """
    by_id = {r.item.question_id: found for r, found in per_answer}
    mains = [found for r, found in per_answer if not r.item.follow_up_of]
    follows = [found for r, found in per_answer if r.item.follow_up_of]
    skipped_main = sum(1 for found in mains if _unanswered(found))
    skipped_follow = sum(1 for found in follows if _unanswered(found))
    if not skipped_main and not skipped_follow:
        return
    for r, found in per_answer:
        if not _unanswered(found):
            continue
        item = r.item
        f = found[0]
        f.facts.update(skipped=skipped_main, total=len(mains), skipped_follow=skipped_follow,
                       follow_up=bool(item.follow_up_of))
        if item.follow_up_of:
            main = by_id.get(item.follow_up_of)
            strong = main is not None and not _unanswered(main) and all(
                g.severity < 0.6 and g.kind != "no-answer" for g in main)
            f.severity = SKIPPED_FOLLOW_UP_AFTER_STRONG if strong else SKIPPED_FOLLOW_UP
            f.facts["after_strong"] = strong


#: Gaps in a main answer that its follow-up's answer can fill (it was asked for the missing piece).
DRAWN_OUT_KINDS = ("too-short", "no-example", "no-result", "vague-impact", "ownership")
#: A gap the follow-up filled still counts (the interviewer had to dig for it), just below the same gap left open.
DRAWN_OUT_WEIGHT = 0.9


def weigh_drawn_out(per_answer: PerAnswer) -> None:
    """Mark, in place, a main answer's gaps that its answered follow-up filled.

    "Tell me more about that" drew out the story: saying "add a specific
    situation" would ignore what the candidate then said. A gap counts as
    filled when the rules no longer find it in what the interviewer heard on
    the question in all (the answer, then the follow-up's). The point that
    stays is the interviewer's: it had to be asked for, so lead with it.
    """
    mains = {r.item.question_id: (r, found) for r, found in per_answer if not r.item.follow_up_of}
    for r, found in per_answer:
        main_reading, main = mains.get(r.item.follow_up_of or "", (None, []))
        if main_reading is None or not main or _unanswered(found) or _unanswered(main):
            continue
        gaps = [f for f in main if f.kind in DRAWN_OUT_KINDS and not f.facts.get("plan")]
        if not gaps:
            continue
        heard = replace(main_reading.item, answer=f"{main_reading.item.answer}\n{r.item.answer}")
        # Told "in outline" (too-short's `thin`) is no longer a story the interviewer must guess at.
        still = {f.kind for f in apply_rules(Reading.of(heard, main_reading.round, main_reading.role,
                                                        main_reading.job_terms))
                 if f.severity >= REPORT_THRESHOLD and not (f.kind == "too-short" and f.facts.get("thin"))}
        for f in gaps:
            if f.kind not in still:
                f.facts.update(drawn_out=True)
                f.severity = round(f.severity * DRAWN_OUT_WEIGHT, 3)
        main.sort(key=lambda f: (-f.severity, _ORDER[f.kind]))


def per_answer(request: ReviewRequest) -> PerAnswer:
    """Each answer of the request read once, with its findings, weighed in its round."""
    terms = job_terms(request.job)
    found = [(r, apply_rules(r)) for r in (Reading.of(item, request.round, request.role, terms) for item in request.items)]
    weigh_unanswered(found)
    weigh_drawn_out(found)
    return found


def findings(request: ReviewRequest) -> list[Finding]:
    """Per-answer findings for the whole request, answer by answer, most severe first."""
    return [f for _r, found in per_answer(request) for f in found]
