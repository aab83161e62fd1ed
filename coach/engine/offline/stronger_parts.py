"""The pieces of an example rewrite: sentence roles, deletion-only trimming, placeholders.

`stronger.build` puts these together. Everything here works on the cleaned
answer (`Text.clean`, control characters gone) and only ever deletes: a
hedge or a filler inside a sentence, a sentence that adds nothing. The only
words it writes are the placeholders below, always inside square brackets,
so whatever is outside the brackets is the candidate's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import coach.engine.offline.lexicon as L
from coach.engine.offline.question import QuestionInfo
from coach.engine.offline.text import WORD_RE, Text, first_person_past, strip_controls

# ------------------------------------------------------------ placeholders (our words, in brackets)

OCCASION = "one real occasion: when and where"
DID_YOURSELF = "what you did yourself"
ENDING = "how it ended: a number or what changed"
SCALE = "how much it changed: a number, or before and after"
POSITION = "your position: what you would do first"
REASON = "why: the reason behind it"
HARD_PART = "how you'd handle the hard part: what you'd do if it doesn't go to plan"
PLAN_PROOF = "one time you did something like this: when, and how it went"
EXAMPLE = "one real example: when it happened and what you did"
JOB_LINK = "why this job: one thing in it that fits what you have done"
QUESTIONS = "a question for them: about the role, the team or how success is measured"
MORE = "one more detail that shows it: something you did and what came of it"

# ------------------------------------------------------------ trimming inside a sentence

#: Hedges and fillers that can go without changing what a sentence says. "I think" goes only
#: where a plain claim follows it ("I think the hardest part was…"), "kind of" only as a hedge.
_CUTS = re.compile(
    r"(?:,\s*)?\b(?:"
    r"i think maybe|i guess|i feel like|kinda|sorta|basically|honestly|literally|actually|"
    r"um+|uh+|uhm|erm|maybe|probably|perhaps|"
    r"i think that(?= (?:i|we|the|my|our|it|they|he|she|a|an|this)\b)|"
    r"i think(?= (?:i|we|the|my|our|it|they|he|she|a|an|this|that is|that's)\b)|"
    r"kind of|sort of|"
    r"you know(?! the| how| what| that| when| where| who| whether| if| your| about| it| them| him| her| this| more| why| which)"
    r")\b(?:\s*,)?"
)
#: A whole sentence that carries nothing an interviewer would miss.
_EMPTY = L.words_re(
    r"sorry", r"that's all", r"that is all", r"so yeah", r"yeah", r"i hope that answers", r"hope that helps",
    r"if that makes sense", r"i don't know", r"i'm not sure", r"not sure", r"that's it", r"that is it",
    r"that's about it", r"i guess that's it", r"thank you", r"thanks",
)
_APOLOGY = L.words_re(r"sorry", r"i apologi[sz]e", r"excuse my", r"forgive my", r"bear with me")
_PLAN = re.compile(r"\b(?:i would|i'd|i will|i'll|i am going to|i'm going to|i plan to|i'd want to|my first step|first,? i|i would first|i'd first)\b")
#: "I would say…", "I would have liked…": opinions and regrets, not a step of the plan.
_PLAN_NOT = re.compile(r"(?:i would|i'd) (?:say|rather|have(?! to))\b")
_REASON = L.words_re(
    r"because", r"since", r"so that", r"in order to", r"that way", r"this way", r"the reason", r"as it", r"as this",
    r"to ensure", r"to make sure", r"important", r"matters", r"ensures?", r"would help", r"will help", r"helps",
    r"so (?:they|he|she|we|it|the|everyone|nobody|no one)", r"otherwise (?:they|he|she|we|it|the)", r"which would",
    r"to avoid", r"to keep", r"to show", r"best for", r"fair", r"opportunity", r"a chance to", r"benefit\w*",
    r"worth", r"would be (?:a )?(?:good|better|best|right|fair|easier)", r"would look", r"makes sense",
)
_HARD = L.words_re(
    r"if", r"unless", r"otherwise", r"in case", r"even if", r"however", r"but", r"although", r"though",
    r"worst case", r"if not", r"difficult", r"hard", r"tough", r"tricky", r"challenge", r"problem", r"risk",
    r"push back", r"pushback", r"disagree", r"refuse[sd]?", r"still",
)


def trimmed(sentence: str, lower: str) -> str:
    """``sentence`` with its hedges and fillers deleted (``lower``: the same text lower-cased, same length)."""
    out, last = [], 0
    for m in _CUTS.finditer(lower):
        core = m.group().strip(" ,")
        if core in ("kind of", "sort of"):
            inner = lower.find(core, m.start())
            if L.ordinary_use(lower, _At(inner, core)):
                continue
        out.append(sentence[last : m.start()])
        out.append(" ")
        last = m.end()
    out.append(sentence[last:])
    text = " ".join("".join(out).split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"^[\s,;:\-–—]+", "", text)
    text = re.sub(r"[,;:\-–—]+(?=[.!?]?$)", "", text).strip()
    # Square brackets mark our placeholders; the candidate's own become parentheses.
    text = text.replace("[", "(").replace("]", ")")
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    if text and text[-1] not in ".!?\"”'’)":
        text += "."
    return text


class _At:
    """A stand-in match (start, group) for `lexicon.ordinary_use`."""

    def __init__(self, start: int, text: str) -> None:
        self._start, self._text = start, text

    def start(self) -> int:
        return self._start

    def group(self) -> str:
        return self._text


# ------------------------------------------------------------ sentence roles


@dataclass
class Line:
    """One sentence of the answer, trimmed, with what it does in the answer."""

    index: int
    text: str
    words: frozenset[str]
    event: bool = False
    habit: bool = False
    ending: bool = False
    empty: bool = False
    plan: bool = False
    reason: bool = False
    hard: bool = False


def lines_of(text: Text, ending_at: set[int]) -> list[Line]:
    """Every sentence of the answer as a `Line` (``ending_at``: indexes of sentences that tell an ending)."""
    habit_by_start = {s: h for s, _e, h in text.voice.habit_sentences}
    out = []
    for i, (s, e) in enumerate(text.sentences):
        low = text.lower[s:e]
        toks = [t.replace("’", "'") for t in WORD_RE.findall(low)]
        body = trimmed(text.clean[s:e], low)
        ws = frozenset(t for t in toks if t not in L.STOPWORDS)
        event = first_person_past(toks + [""]) > 0
        generic = bool(L.GENERIC_MARKERS.search(low)) or habit_by_start.get(s, 0) > 0
        n = len(WORD_RE.findall(body))
        empty = n < 3 or (n <= 8 and bool(_EMPTY.search(low))) or bool(_APOLOGY.search(low)) and n <= 14
        plan = any(not _PLAN_NOT.match(low, m.start()) for m in _PLAN.finditer(low))
        out.append(Line(i, body, ws, event=event, habit=generic and not event, ending=i in ending_at,
                        empty=empty, plan=plan, reason=bool(_REASON.search(low)), hard=bool(_HARD.search(low))))
    return out


#: Fewer content words than this and a sentence is too short to call a repeat ("I did both assignments").
REPEAT_MIN_WORDS = 4


def without_repeats(lines: list[Line]) -> list[Line]:
    """The lines that say something new: empty ones and near-repeats of an earlier one go."""
    kept: list[Line] = []
    for line in lines:
        if line.empty:
            continue
        # A repeat says the same content again: judged on sentences with enough content words to tell.
        if len(line.words) >= REPEAT_MIN_WORDS and any(
                len(line.words & k.words) >= 0.8 * len(line.words) for k in kept if k.words):
            continue
        kept.append(line)
    return kept


# ------------------------------------------------------------ the question's subject

_SUBJECT = re.compile(
    r"(?:a time|an? (?:example|instance|occasion|moment|situation|experience|case|story)(?: of a time)?)"
    r"(?:,)?\s+(?:when|where|in which|that|of)?\s*(.+)",
    re.IGNORECASE,
)


def subject(question: str) -> str:
    """What the question is about, in its own words, short enough for a placeholder."""
    q = " ".join(strip_controls(question).replace("[", "(").replace("]", ")").split())
    m = _SUBJECT.search(q)
    said = (m.group(1) if m else q).strip(" .?!,;:")
    first = re.split(r"(?<=[.?!])\s", said, maxsplit=1)[0].strip(" .?!,;:")
    if len(first) > 90:
        cut = first[:90].rsplit(" ", 1)[0]
        first = cut + "…"
    return first


def skeleton(question: str, q: QuestionInfo) -> list[str]:
    """Placeholders only, for an answer that is not there yet; the first names what the question asks."""
    about = subject(question)
    if q.situational:
        return [f"{POSITION}, on “{about}”" if about else POSITION, REASON, HARD_PART]
    if q.closing:
        return [QUESTIONS]
    if q.fit:
        return [f"{EXAMPLE}, on “{about}”" if about else EXAMPLE, JOB_LINK]
    return [f"{OCCASION}, on “{about}”" if about else OCCASION, DID_YOURSELF, ENDING]
