"""Rules for a plan: the answer to a situational "what would you do (and why)?" question.

A situational answer is judged as a plan, not as a story. A recruiter reading
one asks: is it long enough to show judgement (a plan needs a position, a step
or two and the reason, which takes about 50 words)? Does it commit, or hedge
every step ("I would try to… maybe… depending")? Does it treat the people in
the scenario fairly, or turn on them (anger at the manager, making a colleague
look bad, "not my problem")? A solid plan of that size is still stronger backed
by one time the candidate actually did it — the usual next step, not a fault.
"""

from __future__ import annotations

import re

from coach.engine.offline.lexicon import STOPWORDS, words_re
from coach.engine.offline.reading import Finding, Reading
from coach.engine.offline.text import WORD_RE, stem

#: Words a plan needs to show judgement: a position, a step or two, and why.
PLAN_FLOOR = 50
#: Under this many words a plan that clears the floor still gets a note that its reasoning has room to grow.
THIN_PLAN = 65

#: From this many words a plan is clear enough that one time it worked is worth asking for:
#: below `PLAN_FLOOR` that is the second note, after its length.
EXAMPLE_FROM = 40

#: Tentative commitment in a plan: attempts, maybes and conditions instead of a decision.
#: "I might" hedges the candidate's step; "tasks might come up" weighs the scenario, so it is no hedge.
PLAN_HEDGES = words_re(
    r"maybe", r"probably", r"perhaps", r"(?:I|we) might", r"possibly", r"hopefully", r"I think", r"I guess",
    r"I suppose", r"not sure", r"try to", r"try and", r"attempt to", r"depending", r"it depends", r"depends on",
    r"if possible", r"for the most part", r"kind of", r"sort of", r"I feel like", r"I may", r"I hope",
    r"if I can", r"see if", r"I don't know", r"somewhat", r"I could", r"I'd consider", r"I would consider",
    r"I don't think", r"may have to", r"it would depend",
)
#: Hedges about the candidate's own position ("probably", "for the most part", "it depends"):
#: these undermine the decision itself. The rest ("try to", "see if", "I could") are about
#: effort or the scenario's chances and only weigh in number.
POSITION_HEDGES = words_re(
    r"maybe", r"probably", r"perhaps", r"possibly", r"I guess", r"I suppose", r"not sure", r"I don't know",
    r"depending", r"it depends", r"depends on", r"it would depend", r"for the most part", r"kind of", r"sort of",
    r"I'd consider", r"I would consider", r"somewhat", r"hopefully",
)
#: Conditions that keep a plan open ("if… if still… otherwise"): a plan can weigh a
#: condition, but a chain of them leaves the decision to the circumstances.
PLAN_CONDITIONS = words_re(r"otherwise", r"unless", r"if not", r"if (?:that|it|this|they|he|she) (?:doesn't|does not|didn't|fails|still)",
                           r"if (?:I|we) (?:still|can't|cannot|couldn't)", r"if after", r"worst case", r"as a last resort",
                           r"if neither")
#: One hedge or a chain of conditions: not the lead, but the next thing a plan can firm up.
SOFT_HEDGING = 0.35
#: A plan that hedges this often (count, or count per 100 words) reads as no decision.
HEDGES_FIRM = 3
HEDGE_RATE = 3.0

#: Turning on the people in the scenario: anger or contempt aimed at someone, an intent to
#: shame, punish or expose them, or brushing the obligation aside. Any one of these is what
#: an interviewer remembers about a plan, whatever else it says.
HOSTILE = words_re(
    r"(?:angry|upset|mad|annoyed|furious|irritated|pissed) (?:at|with) (?:my|the|him|her|them|this|that|your)",
    r"make (?:him|her|them|my \w+|the \w+) look bad", r"set (?:him|her|them|my \w+|the \w+) straight",
    r"get back at", r"teach (?:him|her|them) a lesson", r"behind my back", r"false information",
    r"let (?:him|her|them) know it", r"(?:won't|will not|wouldn't|would not|don't|do not) care",
    r"(?:that's|that is|it's) too bad", r"not my problem", r"(?:it is|it's) my right", r"mean nothing",
    r"(?:doesn't|does not) (?:really )?know (?:my|what)", r"air my grievances",
    r"(?:over|above) (?:his|her|their|my manager's|my boss's|the manager's|the boss's) heads?",
    # Telling the people in the scenario what they may not expect of you, or that they
    # cannot walk over you: a stand-off, not a plan.
    r"(?:should|shouldn't|should not) expect me", r"run over me",
    r"screw (?:him|her|them)", r"tough luck", r"their problem",
)
#: Contempt words: hostile when the sentence is about a person ("my colleague is lazy"),
#: not when it is about a choice ("it would be stupid not to go").
INSULTS = words_re(r"sissy", r"idiots?", r"stupid", r"lazy", r"selfish", r"incompetent", r"pathetic", r"whin\w+")
_PEOPLE = re.compile(r"\b(?:he|she|they|them|him|her|manager|boss|colleague|co-?worker|supervisor|someone|people|girl|guy)\b")


#: "Tasks might come up": the scenario's chances, not the candidate's doubt; a soft note at most.
_CHANCES = re.compile(r"(?<!\bi )(?<!\bwe )\bmight\b")


def _hedges(c: Reading) -> list[re.Match]:
    return list(PLAN_HEDGES.finditer(c.text.lower))


def rule_plan_short(c: Reading) -> Finding | None:
    """A plan under `PLAN_FLOOR` words: too little to show a position, the steps and the reason."""
    n = c.text.n_words
    if not c.q.situational or n >= THIN_PLAN:
        return None
    if n >= PLAN_FLOOR:
        # Long enough to judge, still short for the reasoning: a note after the lead, never the lead.
        return c.find("too-short", 0.31, c.text.verbatim(0, len(c.text.clean)), f"{n} words", words=n,
                      floor=THIN_PLAN, plan=True, thin=True)
    severity = 0.62 + 0.3 * (1 - n / PLAN_FLOOR)
    return c.find("too-short", severity, c.text.verbatim(0, len(c.text.clean)), f"{n} words", words=n,
                  floor=PLAN_FLOOR, plan=True)


def rule_plan_hedging(c: Reading) -> Finding | None:
    """A plan that never commits: attempts, maybes and conditions at every step."""
    if not c.q.situational:
        return None
    hits = _hedges(c)
    conditions = list(PLAN_CONDITIONS.finditer(c.text.lower))
    n = c.text.n_words or 1
    rate = 100 * len(hits) / n
    positions = sum(1 for h in hits if POSITION_HEDGES.fullmatch(h.group()))
    if len(hits) < 2 or not (len(hits) >= HEDGES_FIRM or rate >= HEDGE_RATE or positions >= 2):
        # The scenario's chances are the note only when there is no hedge or chain of conditions to name.
        chances = [] if hits or len(conditions) >= 2 else list(_CHANCES.finditer(c.text.lower))
        if not hits and not chances and len(conditions) < 2:
            return None
        # A single hedge, or conditions stacked on the plan: a note for the plan's next draft.
        hits = sorted(hits + conditions + chances, key=lambda m: m.start())
        severity = SOFT_HEDGING
    elif positions >= 2:
        # Two hedges on the position itself ("probably… for the most part"): the plan reads
        # as undecided, and saying it firmly is the change, even before its length.
        severity = 0.72 + min(0.18, 0.04 * len(hits))
    elif len(hits) >= HEDGES_FIRM:
        # From three hedges the indecision is what the interviewer remembers, even in a short plan.
        severity = 0.6 + min(0.3, 0.05 * len(hits) + 0.02 * rate)
    else:
        severity = 0.6
    seen: dict[str, str] = {}
    for h in hits:
        seen.setdefault(h.group(), c.text.said(h))
    # Only the scenario's chances ("tasks might come up"): the note is to answer them, not to firm up.
    chance = severity == SOFT_HEDGING and all(_CHANCES.fullmatch(h.group()) for h in hits)
    return c.find("hedging", severity, c.text.sentence_quote(hits[0].start()), f"{len(hits)} hedges in a plan",
                  phrases=list(seen.values()), count=len(hits), plan=True, soft=severity == SOFT_HEDGING,
                  mode="chance" if chance else "")


def rule_plan_hostile(c: Reading) -> Finding | None:
    """A plan that turns on the people in the scenario, or brushes the obligation aside."""
    if not c.q.situational:
        return None
    low = c.text.lower
    m = HOSTILE.search(low)
    if m is None:
        m = next((i for i in INSULTS.finditer(low) if _PEOPLE.search(low, *c.text.sentence_at(i.start()))), None)
    if m is None:
        return None
    return c.find("negative", 0.86, c.text.sentence_quote(m.start()), "turns on the people in the scenario",
                  word=c.text.said(m), count=1, invited=True, verdict=False, plan=True)


#: "I would go… I would not go": the same step asserted and then denied (or the reverse).
_STEP = re.compile(r"\b(?:i would|i'd|i will|i'll|i wouldn't|i won't)(?: (not|never))?(?: (?:just|still|then|also|maybe|probably|definitely|really))?(?: (not|never))? ([a-z]+)")
#: A single sentence this long carrying most of a plan is hard to follow, whatever its content.
RUN_ON_WORDS = 45


def _steps(low: str) -> dict[str, set[bool]]:
    seen: dict[str, set[bool]] = {}
    for m in _STEP.finditer(low):
        negated = bool(m.group(1) or m.group(2)) or "n't" in m.group(0) or "won't" in m.group(0)
        verb = m.group(3)
        if verb in ("be", "have", "like", "love", "want", "need", "say", "feel", "find", "do", "make", "try"):
            continue  # too general to contradict: "I would be glad… I would not be upset"
        seen.setdefault(verb, set()).add(negated)
    return seen


def rule_plan_structure(c: Reading) -> Finding | None:
    """A plan that is hard to follow: it changes position, runs as one long sentence, or repeats itself.

    A recruiter wants one line they can repeat: what you would do. A plan that says
    "I would go" and then "I would not go" has no position; a 50-word sentence that
    carries most of the plan buries it, however long the rest; a sentence that only
    says again what came before goes round in circles.
    """
    if not c.q.situational or not c.text.sentences:
        return None
    low = c.text.lower
    flipped = [v for v, signs in _steps(low).items() if len(signs) == 2]
    if flipped:
        m = re.search(r"\b(?:not|never|wouldn't|won't)(?: \w+)? " + re.escape(flipped[0]) + r"\b", low)
        at = c.text.sentence_at(m.start()) if m else c.text.sentences[-1]
        return c.find("structure", 0.48, c.text.verbatim(*at), "the plan changes position", mode="flip",
                      verb=flipped[0], plan=True)
    lengths = [c.text.sentence_words(se) for se in c.text.sentences]
    longest = max(lengths)
    if longest >= RUN_ON_WORDS and longest * 2 > c.text.n_words:
        at = c.text.sentences[lengths.index(longest)]
        return c.find("structure", 0.55, c.text.verbatim(*at), f"sentence of {longest} words", longest=longest,
                      whole=len(lengths) == 1, plan=True)
    again = _restated(c)
    if again is not None:
        return c.find("structure", 0.55, c.text.verbatim(*again), "the plan says the same thing again",
                      mode="again", plan=True)
    return None


#: A sentence whose content words were nearly all said before restates the plan instead of adding to it.
RESTATED_SHARE = 0.7


def _restated(c: Reading) -> tuple[int, int] | None:
    seen: set[str] = set()
    for s, e in c.text.sentences:
        words = {stem(w) for w in WORD_RE.findall(c.text.lower[s:e]) if len(w) > 2 and w not in STOPWORDS}
        if len(words) >= 3 and len(words & seen) >= RESTATED_SHARE * len(words):
            return s, e
        seen |= words
    return None


def rule_plan_example(c: Reading) -> Finding | None:
    """A clear plan of a fair length: the next step is one time the candidate did it.

    From `EXAMPLE_FROM` words: a plan just under the floor is short, and once it is
    longer the proof is what makes it convincing, so that is its second note.
    """
    n = c.text.n_words
    if not c.q.situational or n < EXAMPLE_FROM or n > 200 or not c.text.sentences:
        return None
    # Under the floor the length leads; a hedge in the plan comes before the proof it lacks.
    severity = 0.5 if n >= PLAN_FLOOR else SOFT_HEDGING - 0.02
    return c.find("no-example", severity, c.text.verbatim(*c.text.sentences[0]), "a plan without a time it worked",
                  mode="plan", phrase="")


#: Words that give the reason for a step or say what it would lead to: the "why" half of
#: "what would you do and why?".
PLAN_REASONS = words_re(
    r"because", r"since", r"so that", r"so (?:I|we|it|they|that|there|the|my|everyone|nobody|no one|he|she)",
    r"in order to", r"that way", r"this way",
    # "Otherwise the client…" says what goes wrong; "otherwise, if…" or "but not otherwise" is one more branch.
    r"otherwise,? (?!if\b|i\b|i'd\b|i'll\b)", r"as (?:it|this|that|I|we|they|my|the|he|she)",
    # The candidate's own reason ("the reason is…", "for that reason"), not the other person's reasons.
    r"(?:the|my|one|main|first|second|this|that|a good) reasons? (?:is|are|being|why|that|I)",
    r"reasons? (?:for|being|is) (?:this|that|it|my|doing)", r"for (?:this|that|these|those|the same|two|a few|several) reasons?",
    r"which (?:would|will|could|means)", r"(?:it|this|that) (?:would|will|could|should|means)",
    # What a step would lead to ("that would let us…"); "I would let her know" is just another step.
    r"(?<!i )(?:would|will|could) (?:help|allow|show|give|make|mean|benefit|keep|avoid|let)", r"benefits?",
    r"important", r"(?:to|will|would) (?:make sure|ensure|avoid|show|keep|prevent|protect)", r"therefore",
    r"fair(?:ness|ly)?", r"(?:should|ought to) be", r"(?:I|we) (?:feel|think|believe|know)", r"(?:I'd|I would|I will|I'll) (?:rather|prefer)",
    r"for (?:the|my|our|their) (?:sake|benefit|good)", r"the best", r"better",
)


def rule_plan_reason(c: Reading) -> Finding | None:
    """A plan of fair length that lists steps and never says why, or what they would lead to.

    The question asks what the candidate would do and why; a recruiter judges the
    judgement from the reason, so a plan without one is missing its ending.
    """
    n = c.text.n_words
    if not c.q.situational or n < EXAMPLE_FROM or n > 200 or not c.text.sentences:
        return None
    if PLAN_REASONS.search(c.text.lower):
        return None
    s, e = c.text.sentences[-1]
    # Under the floor the length leads and one time it worked is the next note; the reason comes after.
    severity = 0.55 if n >= PLAN_FLOOR else 0.3
    return c.find("no-result", severity, c.text.verbatim(s, e), "a plan without its reason", plan=True)
