"""Choosing the follow-up an interviewer would ask, offline.

A real interviewer probes where an answer is thin: "and how did it turn out?"
after a story with no ending, "what did you do yourself?" after a story told
in "we". They don't probe a complete answer, and they ask one thing at a time.
`choose_follow_up` does that: it reads the answer's findings, takes the
biggest gap a question could help with, and asks the bank's follow-up that
addresses it, or our own when none of the bank's does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import coach.engine.offline.lexicon as L
from coach.engine import AnswerItem
from coach.engine.offline.job import job_terms
from coach.engine.offline.reading import REPORT_THRESHOLD, Reading
from coach.engine.offline.rules import apply_rules

#: Gaps a follow-up question can help with, and what a follow-up for each is about.
#: Delivery (hedging, filler, structure, length over the limit) and tone are for the
#: debrief; another question would not fix them.
_PROBES: dict[str, tuple[re.Pattern[str] | None, str]] = {
    "no-example": (
        re.compile(r"\b(a time|an example|example of|specific|particular|has (something|that) like that happened"
                   r"|when did you last|tell me about a)\b"),
        "Can you think of a particular time that happened? What did you do?",
    ),
    "no-result": (
        re.compile(r"\b(turn(ed)? out|in the end|outcome|result|what happened|happened (afterwards|next|after)"
                   r"|afterwards|what changed|difference|how did it (go|do|end)|did the [a-z]+ (go|end|close)"
                   r"|how was it resolved|conversation end|how did (they|the customer|your manager) (react|take it)"
                   r"|^did you (make|keep|hit|close|win)|held up)\b"),
        "And how did it turn out in the end?",
    ),
    "vague-impact": (
        re.compile(r"\b(numbers?|measure[ds]?|how (did|do) you know|how much|how many|how long|before and after"
                   r"|figure|evidence|where did you land|quota|percent(age)?|data actually show|save)\b"),
        "How could you tell it had worked? Was there anything you could measure?",
    ),
    "ownership": (
        re.compile(r"\b(personally|you yourself|by yourself|as opposed to the team|your (own )?(part|role|contribution)"
                   r"|what did you (actually )?(do|say)\b)"),
        "What was your own part in that, as opposed to the team's?",
    ),
    "no-job-link": (
        re.compile(r"\b(this (role|job|position|company|team)|here|join(ed|ing)?|you'd bring|you would bring|job description"
                   r"|our (team|company|product|customers)|fit|work on)\b"),
        "What would you bring from that to this role?",
    ),
    # A thin answer: the bank's follow-ups each ask about one thing; "say more" is ours.
    "too-short": (None, "Could you tell me a bit more about that?"),
}
#: "Say more" only for an answer well under the too-short floor (about half of it):
#: a compact answer that has its example and its ending is complete, not thin.
THIN_ENOUGH_TO_PROBE = 0.7


#: Gaps in a story already told: a hypothetical follow-up ("what would have made the
#: result more trustworthy?") is about something else.
_ABOUT_WHAT_HAPPENED = ("no-example", "no-result", "vague-impact", "ownership")
_HYPOTHETICAL = re.compile(r"\b(would|what if)\b")


def _probe_score(kind: str, candidate: str) -> int:
    """How many distinct cues of the gap ``kind`` a candidate follow-up has (0 = it is about something else)."""
    pattern = _PROBES[kind][0]
    if pattern is None or (kind in _ABOUT_WHAT_HAPPENED and _HYPOTHETICAL.search(candidate.lower())):
        return 0
    return len({m.group(0) for m in pattern.finditer(candidate.lower())})


def _said(text: str) -> str:
    """A follow-up as compared with those already asked: case, spacing and end punctuation aside."""
    return " ".join(text.casefold().split()).rstrip("?.! ")


def told_in_first_person(reading: Reading) -> bool:
    """An answer in which the candidate acts ("I ..." at least twice, more often than "we").

    Asking "what was your own part, as opposed to the team's?" after it reads
    as not having listened.
    """
    me = reading.text.count(L.I_RE) - reading.text.count(L.I_THINK_RE)
    return me >= 2 and me > reading.text.count(L.WE_RE)


def choose_follow_up(item: AnswerItem, candidates: Sequence[str], round: str | None = None, *,
                     role: str | None = None, job: str | None = None,
                     asked: Sequence[str] = ()) -> str | None:
    """The follow-up an interviewer would ask after this answer, or None when there is nothing to probe.

    The answer's most severe finding that a question could help with decides the
    gap (no concrete example, a missing ending, a vague outcome, "we" for "I", no
    link to the role); an answer with none of those but far too thin to judge gets
    "tell me more". Of ``candidates`` (the bank's follow-ups for the question), the
    one with the most cues of that gap is asked, the earlier on a tie; when none
    addresses it, our own short question for it. A follow-up in ``asked`` (the
    round's follow-ups so far) is never asked again: the next gap's is, or none.
    No ownership probe after an answer told in the first person. None for a
    skipped, empty or junk answer, for a follow-up's answer (one probe per
    question), for a closing question, and for an answer with no such gap.
    Deterministic: no randomness, no network.
    """
    if item.skipped or item.follow_up_of or not (item.answer or "").strip():
        return None
    reading = Reading.of(item, round, role, job_terms(job))
    if reading.q.closing:
        return None
    found = apply_rules(reading)
    if not found or found[0].kind in ("no-answer", "no-questions"):
        return None
    first_person = told_in_first_person(reading)
    gaps = [f.kind for f in found if f.kind in _PROBES and f.kind != "too-short" and f.severity >= REPORT_THRESHOLD]
    if not gaps and any(f.kind == "too-short" and f.severity >= THIN_ENOUGH_TO_PROBE for f in found):
        gaps = ["too-short"]
    seen = {_said(a) for a in asked if a}
    usable = [c.strip() for c in candidates if c and c.strip() and _said(c) not in seen
              and not (first_person and _PROBES["ownership"][0].search(c.lower()))]
    for gap in dict.fromkeys(gaps):
        if gap == "ownership" and first_person:
            continue
        scored = [(_probe_score(gap, c), -i, c) for i, c in enumerate(usable)]
        best = max(scored, default=None)
        if best is not None and best[0] > 0:
            return best[2]
        if _said(_PROBES[gap][1]) not in seen:
            return _PROBES[gap][1]
    return None
