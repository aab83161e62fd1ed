"""Reading an answer once: cleaning, tokens, sentences and the facts the rules share.

Everything here is plain `re` and `str` work with linear-time patterns (no
nested quantifiers, alternations of literals only), so a pathological or huge
answer costs time proportional to its length. Work beyond `ANALYSIS_CHARS` is
not read: a spoken answer never needs more, and a 1 MB paste must stay cheap.
Facts several rules ask for (how much of the answer is a story, how its
clauses are told) are read once per answer and kept on the `Text`.

Evidence rule: rules look at the *cleaned* answer (control characters and
whole pasted escape sequences removed); `Text.verbatim` maps a cleaned span back to the original so that
evidence is a slice of what the candidate typed whenever possible (always,
unless a control character sat inside the quoted span, in which case the
longest clean run of it is quoted instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import coach.engine.offline.lexicon as L

#: How much of one answer the rules read (about 3,000 words).
ANALYSIS_CHARS = 20_000
#: Longest evidence quote, in characters (cut at a word boundary).
MAX_EVIDENCE = 220

_KEEP = {"\n", "\t"}
_CONTROL_TABLE = {
    cp: None
    for cp in list(range(0x00, 0x20)) + [0x7F] + list(range(0x80, 0xA0))
    if chr(cp) not in _KEEP
}
# Zero-width and bidi controls also hide or reorder what the user sees.
_CONTROL_TABLE.update(
    {cp: None for cp in (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF)}
)
_CONTROL_TABLE.update({cp: None for cp in range(0x202A, 0x202F)})
_CONTROL_TABLE.update({cp: None for cp in range(0x2066, 0x206A)})

#: A whole terminal escape sequence pasted with an answer (colour "ESC[38;5;196m", a window title
#: "ESC]0;build ok BEL"): dropped with its parameters, so "38;5;196" is never read as a result.
#: Bounded bodies keep it linear; an unterminated title stops at the line's end.
_SEQUENCE_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]{0,64}[ -/]{0,8}[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x9d\x98\x9e\x9f])[^\x07\x1b\x9c\n]{0,256}(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]{0,4}[0-~]"
)
_SEQUENCE_START = re.compile("[\x1b\x9b\x90\x9d\x98\x9e\x9f]")

WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’]*|\d[\d,.]*%?")
NUMBER_RE = re.compile(r"\d")
#: A figure: digits, or a number spelled out with what it counts ("four minutes",
#: "twenty tickets"), the way people say results aloud. Linear: no nested repeats.
FIGURE_RE = re.compile(
    r"\d|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty"
    r"|fifty|hundred|thousand|half an?|a dozen) (?:minutes?|hours?|days?|weeks?|months?|years?|percent"
    r"|times|people|customers|users|clients|tickets|calls|complaints|orders|sales|students|members"
    r"|volunteers|errors|bugs|incidents|steps|points|places)\b"
)
#: A sentence ends at . ! ? followed by a space or the end: "0.5 percent", "e.g." and
#: "node.js" stay inside their sentence, so a quote never stops at "under 0.".
SENTENCE_RE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")


def _has_sequence(text: str) -> bool:
    """One C-speed scan; almost no answer has an escape, so the sequence pattern rarely runs."""
    return _SEQUENCE_START.search(text) is not None


def strip_controls(text: str) -> str:
    """The answer without escape sequences or control characters (kept: newline and tab)."""
    if _has_sequence(text):
        text = _SEQUENCE_RE.sub("", text)
    return text.translate(_CONTROL_TABLE)


def kept_positions(text: str) -> list[int]:
    """Where each character of ``strip_controls(text)`` sits in ``text``."""
    spans = [m.span() for m in _SEQUENCE_RE.finditer(text)] if _has_sequence(text) else []
    out: list[int] = []
    pos = 0
    for start, end in [*spans, (len(text), len(text))]:
        out.extend(i for i in range(pos, start) if ord(text[i]) not in _CONTROL_TABLE)
        pos = end
    return out


def _cut(span: str, limit: int = MAX_EVIDENCE) -> str:
    """Shorten a quote to ``limit`` characters at a word boundary, still verbatim."""
    span = span.strip()
    if len(span) <= limit:
        return span
    head = span[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:-")


def _same_length_lower(text: str) -> str:
    """Lower case that keeps every index in place (a few letters grow when lower-cased)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


@dataclass
class Text:
    """One answer, cleaned once and read many times by the rules."""

    original: str
    clean: str = field(init=False)
    lower: str = field(init=False)
    n_words: int = field(init=False)

    def __post_init__(self) -> None:
        window = self.original[: ANALYSIS_CHARS * 2]
        self.clean = strip_controls(window)[:ANALYSIS_CHARS]
        self.lower = _same_length_lower(self.clean)
        if len(self.original) > len(window):
            # Counting words on a huge paste: str.split is linear and cheap.
            self.n_words = len(self.original.split())
        else:
            self.n_words = len(self.tokens)

    @cached_property
    def tokens(self) -> list[str]:
        """Lower-cased word tokens of the analysed window."""
        low = self.lower.replace("’", "'") if "’" in self.lower else self.lower
        return WORD_RE.findall(low)

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """(start, end) of each sentence in ``clean``, whitespace trimmed."""
        spans = []
        for m in SENTENCE_RE.finditer(self.clean):
            s, e = m.span()
            chunk = self.clean[s:e]
            lead = len(chunk) - len(chunk.lstrip(" \t\n\"'”’)]"))
            trail = len(chunk) - len(chunk.rstrip())
            if e - trail > s + lead:
                spans.append((s + lead, e - trail))
        return spans

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence that holds character ``pos`` (or the whole text)."""
        for s, e in self.sentences:
            if s <= pos < e:
                return s, e
        return 0, len(self.clean)

    def sentence_words(self, span: tuple[int, int]) -> int:
        return len(WORD_RE.findall(self.clean[span[0] : span[1]]))

    def verbatim(self, start: int, end: int) -> str:
        """The cleaned span [start, end) as a verbatim slice of the original, cut to size."""
        quote = _cut(self.clean[start:end])
        if not quote or quote in self.original:
            return quote
        # Control characters sat inside the span: quote its longest run between
        # them, trimmed to whole words, so the quote is verbatim and control-free.
        at = self.clean.find(quote, start)
        if at < 0:
            return ""
        index, clean = self._original_index, self.clean
        end = at + len(quote)
        cuts = [k for k in range(at + 1, end) if index[k] - index[k - 1] > 1]
        best = ""
        for lo, hi in zip([at, *cuts], [*cuts, end]):
            piece = clean[lo:hi]
            if lo > at and clean[lo - 1].isalnum() and piece[:1].isalnum():
                piece = piece.partition(" ")[2]  # a control split this word
            if hi < end and piece[-1:].isalnum() and clean[hi].isalnum():
                piece = piece.rpartition(" ")[0]
            piece = piece.strip()
            if len(piece) > len(best):
                best = piece
        return best if best in self.original else ""

    @cached_property
    def _original_index(self) -> list[int]:
        """Where each character of ``clean`` sits in ``original`` (controls were dropped)."""
        return kept_positions(self.original[: ANALYSIS_CHARS * 2])

    def said(self, m: re.Match) -> str:
        """The words of a match on ``lower`` as the candidate typed them."""
        return self.clean[m.start() : m.end()]

    def sentence_quote(self, pos: int) -> str:
        """Evidence: the sentence around ``pos``, verbatim."""
        return self.verbatim(*self.sentence_at(pos))

    def count(self, pattern: re.Pattern[str]) -> int:
        """How often a lexicon pattern occurs in the analysed window."""
        return len(pattern.findall(self.lower))

    @cached_property
    def story(self) -> Story:
        """How much of the answer is one past situation, and how much is habit or advice."""
        return story_signals(self)

    @cached_property
    def voice(self) -> Voice:
        """The candidate's own clauses as events or habits (see `Voice`)."""
        return voice(self)


def stem(word: str) -> str:
    """A crude stem: enough to see that 'empathetic' is about 'empathy'."""
    word = word.replace("'", "")
    return word[:5] if len(word) > 5 else word


def past_verbs(tokens: list[str]) -> int:
    """Past-tense verbs: regular -ed forms and the common irregular ones."""
    n = 0
    for t in tokens:
        if t in L.IRREGULAR_PAST:
            n += 1
        elif len(t) > 4 and t.endswith("ed") and t not in L.NOT_PAST_ED:
            n += 1
    return n


def first_person_past(tokens: list[str]) -> int:
    """'I called', 'I quickly rewrote': the candidate doing things in the past."""
    n = 0
    for i, t in enumerate(tokens[:-1]):
        if t != "i":
            continue
        nxt = tokens[i + 1]
        if nxt.endswith("ly") or nxt in ("then", "also", "finally", "first", "just", "immediately"):
            nxt = tokens[i + 2] if i + 2 < len(tokens) else ""
        if nxt in L.IRREGULAR_PAST or (len(nxt) > 4 and nxt.endswith("ed") and nxt not in L.NOT_PAST_ED):
            n += 1
    return n


@dataclass
class Voice:
    """How the candidate's own clauses are told: as events that happened, or as habits and plans.

    A behavioral question wants one past situation. "I called the client" is an
    event; "I call", "I always called", "I would call", "I will call" are habits,
    hypotheticals and plans: true of the candidate, perhaps, but not a story.
    """

    events: int
    habits: int
    #: Per sentence (start, end, habit clauses) for choosing the evidence.
    habit_sentences: list[tuple[int, int, int]]


def past_form(word: str) -> bool:
    return word in L.IRREGULAR_PAST or (len(word) > 3 and word.endswith("ed") and word not in L.NOT_PAST_ED)


def clause(tokens: list[str], i: int) -> str | None:
    """'event', 'habit' or None for the clause whose subject is tokens[i] ('i' or 'we')."""
    j, habitual = i + 1, False
    while j < len(tokens) and (tokens[j] in L.CLAUSE_SKIP or tokens[j] in L.HABIT_ADVERBS):
        habitual = habitual or tokens[j] in L.HABIT_ADVERBS
        j += 1
    if j >= len(tokens):
        return None
    verb = tokens[j]
    if verb in ("would", "'d", "i'd", "we'd"):
        nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
        return None if nxt in ("say", "like", "love", "have", "rather") else "habit"
    if verb in L.HABIT_MODALS or tokens[i] in ("i'll", "we'll"):
        return "habit"
    if verb in ("don't", "do", "try", "tend"):
        return "habit"
    if verb in ("didn't", "had"):
        return "habit" if habitual else "event"
    if verb in L.NEUTRAL_AFTER_I or not verb.isalpha():
        return None
    if past_form(verb):
        return "habit" if habitual else "event"
    if verb in L.PRESENT_HABIT_VERBS:
        return "habit"
    if verb.endswith("ly") or verb in L.STOPWORDS:
        return None
    return "habit"


def voice(text: Text) -> Voice:
    """Count first-person event clauses against habit/plan clauses, sentence by sentence."""
    events = habits = 0
    per_sentence = []
    for s, e in text.sentences:
        toks = [t.replace("’", "'") for t in WORD_RE.findall(text.lower[s:e])]
        h = len(L.HABIT_WORDS.findall(text.lower, s, e))
        for i, t in enumerate(toks):
            # "the shop where I work" sets the scene; it is not a habit being offered as the answer.
            if t in ("i", "we", "i'll", "we'll") and (i == 0 or toks[i - 1] not in ("where", "whom")):
                kind = "habit" if t.endswith("'ll") else clause(toks, i)
                if kind == "event":
                    events += 1
                elif kind == "habit":
                    h += 1
        habits += h
        per_sentence.append((s, e, h))
    return Voice(events, habits, per_sentence)


def is_english(text: Text) -> bool:
    """False only when the answer is clearly in another language or script."""
    if not text.clean.isascii():
        letters = [c for c in text.clean[:1500] if c.isalpha()]
        latin = sum(1 for c in letters if c.isascii())
        if letters and latin / len(letters) < 0.5:
            return False
    toks = text.tokens[:600]
    if len(toks) < 4:
        return True
    eng = sum(1 for t in toks if t in L.ENGLISH_FUNCTION)
    foreign = sum(1 for t in toks if t in L.FOREIGN_FUNCTION)
    return not (foreign >= 3 and foreign > 2 * eng)


def _unwordlike(token: str) -> bool:
    """A token nobody would type as a word: no vowel, a long consonant run, or a key held down."""
    if not token.isalpha() or len(token) < 3:
        return False
    if not any(v in token for v in "aeiouy"):
        return True
    run = 0
    for i, c in enumerate(token):
        run = 0 if c in "aeiouy" else run + 1
        if run >= 5:
            return True
        if i >= 2 and c == token[i - 1] == token[i - 2]:
            return True
    return False


def junk_reason(text: Text) -> str | None:
    """Why this answer is not a real answer (blank, one word, placeholder, gibberish), or None."""
    stripped = text.clean.strip()
    if not stripped:
        return "blank"
    toks = text.tokens
    if stripped.lower().strip(" .!?") in L.JUNK_ANSWERS or stripped.lower().startswith("lorem ipsum"):
        return "placeholder"
    if len(toks) == 0:
        return "no words"
    if len(toks) == 1:
        return "one word"
    sample = toks[:80]
    function_words = sum(1 for t in sample if t in L.ENGLISH_FUNCTION or t in L.FOREIGN_FUNCTION)
    if len(sample) >= 8 and function_words >= 0.15 * len(sample):
        return None  # ordinary prose: no need to look for keyboard mashing
    alpha = [t for t in sample if t.isalpha()]
    odd = sum(1 for t in alpha if _unwordlike(t))
    if alpha and odd / len(alpha) >= 0.4:
        return "gibberish"
    if len(sample) >= 5 and len(set(sample)) / len(sample) < 0.3:
        return "repeated words"
    if len(sample) >= 4 and not any(t in L.ENGLISH_FUNCTION or t in L.FOREIGN_FUNCTION for t in sample):
        long_odd = sum(1 for t in alpha if len(t) > 3 and _unwordlike(t))
        if long_odd >= 1:
            return "gibberish"
    return None


def first_action_pos(text: Text) -> int | None:
    """Where the candidate first says 'I <did something>' (character offset)."""
    for s, e in text.sentences:
        toks = [t.replace("’", "'") for t in WORD_RE.findall(text.lower[s:e])]
        if first_person_past(toks + [""]):
            return s
    return None


def concepts(text: str) -> set[int]:
    """Which interview topics (`signals.CONCEPTS`) a text touches, by word prefix."""
    found = set()
    for i, prefixes in enumerate(L.CONCEPTS):
        for p in prefixes:
            at = text.find(p)
            # a prefix must start a word ("argu" in "arguing", not in "nonargument")
            while at != -1:
                if at == 0 or not text[at - 1].isalpha():
                    found.add(i)
                    break
                at = text.find(p, at + 1)
            if i in found:
                break
    return found


@dataclass(frozen=True)
class Story:
    """How much of an answer is one past situation, and how much is habit or advice."""

    past: int
    i_past: int
    time: int
    generic: int

    @property
    def narrative(self) -> int:
        return self.past + 2 * self.time + self.i_past

    @property
    def is_story(self) -> bool:
        return self.narrative >= 5 and self.narrative >= 1.5 * self.generic


def story_signals(text: Text) -> Story:
    """Past verbs, the candidate acting in the past, time anchors, and general (habit/advice) phrasing."""
    toks = text.tokens
    return Story(
        past=past_verbs(toks),
        i_past=first_person_past(toks),
        time=text.count(L.TIME_MARKERS),
        generic=text.count(L.GENERIC_MARKERS),
    )


def generic_mode(text: Text):
    """Which way the answer stays general: 'would' (hypothetical), 'advice', or 'habit'; and the first such phrase."""
    hypo = list(L.HYPOTHETICAL_MARKERS.finditer(text.lower))
    advice = list(L.ADVICE_MARKERS.finditer(text.lower))
    habit = [m for m in L.GENERIC_MARKERS.finditer(text.lower)
             if not L.HYPOTHETICAL_MARKERS.fullmatch(m.group()) and not L.ADVICE_MARKERS.fullmatch(m.group())]
    mode, found = max((("habit", habit), ("would", hypo), ("advice", advice)), key=lambda mf: len(mf[1]))
    return (mode, found[0]) if found else ("habit", None)


def i_events(text: Text) -> int:
    """Clauses in which the candidate ('I') does something that happened."""
    toks = [t.replace("’", "'") for t in text.tokens]
    return sum(1 for i, t in enumerate(toks) if t == "i" and clause(toks, i) == "event")
