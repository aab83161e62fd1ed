"""The offline analyzer: rules that find what would most improve an answer.

No network, no model, no randomness: the same request always gives the same
feedback, so people can trust it, tests can pin it, and the LLM backends can
use its findings as hints. Each rule reads one signal of the answer (see
`coach.engine.signals`) and, when it fires, returns a `Finding` with a
severity in [0, 1] and a verbatim evidence span. `coach.engine.rank` turns a
round's findings into one or two pointers; `coach.engine.tips` words them.

Severities are calibrated against one another so that, within an answer, the
finding a recruiter would lead with comes first: a missing answer before a
missing story, a missing story before a missing ending, a missing ending
before a vague one, and surface habits (hedges, filler) only when they are
dense enough to be what the interviewer remembers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from coach.engine import AnswerItem, Backend, Progress, ProgressFn, ReviewRequest
from coach.engine import signals as S
from coach.engine.signals import Text

#: Findings below this severity are kept as hints but never lead on their own.
REPORT_THRESHOLD = 0.3


@dataclass
class Finding:
    """One thing a rule noticed in one answer."""

    kind: str
    severity: float
    question_id: str
    evidence: str
    detail: str = ""
    #: Facts the tip writer may use (counts, quoted phrases, key terms).
    facts: dict = field(default_factory=dict)


# ------------------------------------------------------------------ context


@dataclass
class QuestionInfo:
    """What the question asks for, read from its type and its wording."""

    text: str
    closing: bool
    fit: bool
    story: bool
    situational: bool
    stems: frozenset[str]

    @classmethod
    def read(cls, item: AnswerItem) -> QuestionInfo:
        return _read_question(item.question or "", (item.type or "").lower())


@lru_cache(maxsize=512)
def _read_question(question: str, qtype: str) -> QuestionInfo:
    """QuestionInfo for a question text and type (cached: a batch asks the same questions often)."""
    q = S.strip_controls(question)[:2000]
    ql = q.lower()
    closing = qtype == "closing" or bool(S.CLOSING_Q.search(ql))
    fit = not closing and (qtype == "motivational" or bool(S.FIT_Q.search(ql)))
    asks_story = bool(S.STORY_Q.search(ql))
    situational = qtype == "situational" or (not asks_story and bool(S.SITUATIONAL_Q.search(ql)))
    story = not closing and not situational and (qtype == "behavioral" or asks_story)
    stems = frozenset(
        stem(w)
        for w in S.WORD_RE.findall(ql)
        if len(w) > 2 and w not in S.STOPWORDS and w not in S.QUESTION_BOILERPLATE
    )
    return QuestionInfo(q, closing, fit, story, situational, stems)


def stem(word: str) -> str:
    """A crude stem: enough to see that 'empathetic' is about 'empathy'."""
    word = word.replace("'", "")
    return word[:5] if len(word) > 5 else word


@dataclass
class Ctx:
    """One answer in its round: the text, the question, and the job around it."""

    item: AnswerItem
    text: Text
    q: QuestionInfo
    round: str | None
    role: str | None
    job_terms: tuple[str, ...]

    def find(self, kind: str, severity: float, evidence: str, detail: str = "", **facts) -> Finding:
        return Finding(kind, round(min(max(severity, 0.0), 1.0), 3), self.item.question_id, evidence, detail, facts)


# ---------------------------------------------------------------- helpers


def _count(pattern, text: Text) -> int:
    return len(pattern.findall(text.lower))


def _past_verbs(tokens: list[str]) -> int:
    """Past-tense verbs: regular -ed forms and the common irregular ones."""
    n = 0
    for t in tokens:
        if t in S.IRREGULAR_PAST:
            n += 1
        elif len(t) > 4 and t.endswith("ed") and t not in S.NOT_PAST_ED:
            n += 1
    return n


def _first_person_past(tokens: list[str]) -> int:
    """'I called', 'I quickly rewrote': the candidate doing things in the past."""
    n = 0
    for i, t in enumerate(tokens[:-1]):
        if t != "i":
            continue
        nxt = tokens[i + 1]
        if nxt.endswith("ly") or nxt in ("then", "also", "finally", "first", "just", "immediately"):
            nxt = tokens[i + 2] if i + 2 < len(tokens) else ""
        if nxt in S.IRREGULAR_PAST or (len(nxt) > 4 and nxt.endswith("ed") and nxt not in S.NOT_PAST_ED):
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


def _past_form(word: str) -> bool:
    return word in S.IRREGULAR_PAST or (len(word) > 3 and word.endswith("ed") and word not in S.NOT_PAST_ED)


def _clause(tokens: list[str], i: int) -> str | None:
    """'event', 'habit' or None for the clause whose subject is tokens[i] ('i' or 'we')."""
    j, habitual = i + 1, False
    while j < len(tokens) and (tokens[j] in S.CLAUSE_SKIP or tokens[j] in S.HABIT_ADVERBS):
        habitual = habitual or tokens[j] in S.HABIT_ADVERBS
        j += 1
    if j >= len(tokens):
        return None
    verb = tokens[j]
    if verb in ("would", "'d", "i'd", "we'd"):
        nxt = tokens[j + 1] if j + 1 < len(tokens) else ""
        return None if nxt in ("say", "like", "love", "have", "rather") else "habit"
    if verb in S.HABIT_MODALS or tokens[i] in ("i'll", "we'll"):
        return "habit"
    if verb in ("don't", "do", "try", "tend"):
        return "habit"
    if verb in ("didn't", "had"):
        return "habit" if habitual else "event"
    if verb in S.NEUTRAL_AFTER_I or not verb.isalpha():
        return None
    if _past_form(verb):
        return "habit" if habitual else "event"
    if verb.endswith("ly") or verb in S.STOPWORDS:
        return None
    return "habit"


def voice(text: Text) -> Voice:
    """Count first-person event clauses against habit/plan clauses, sentence by sentence."""
    events = habits = 0
    per_sentence = []
    for s, e in text.sentences:
        toks = [t.replace("’", "'") for t in S.WORD_RE.findall(text.lower[s:e])]
        h = len(S.HABIT_WORDS.findall(text.lower, s, e))
        for i, t in enumerate(toks):
            # "the shop where I work" sets the scene; it is not a habit being offered as the answer.
            if t in ("i", "we", "i'll", "we'll") and (i == 0 or toks[i - 1] not in ("where", "whom")):
                kind = "habit" if t.endswith("'ll") else _clause(toks, i)
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
    eng = sum(1 for t in toks if t in S.ENGLISH_FUNCTION)
    foreign = sum(1 for t in toks if t in S.FOREIGN_FUNCTION)
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
    if stripped.lower().strip(" .!?") in S.JUNK_ANSWERS or stripped.lower().startswith("lorem ipsum"):
        return "placeholder"
    if len(toks) == 0:
        return "no words"
    if len(toks) == 1:
        return "one word"
    sample = toks[:80]
    function_words = sum(1 for t in sample if t in S.ENGLISH_FUNCTION or t in S.FOREIGN_FUNCTION)
    if len(sample) >= 8 and function_words >= 0.15 * len(sample):
        return None  # ordinary prose: no need to look for keyboard mashing
    alpha = [t for t in sample if t.isalpha()]
    odd = sum(1 for t in alpha if _unwordlike(t))
    if alpha and odd / len(alpha) >= 0.4:
        return "gibberish"
    if len(sample) >= 5 and len(set(sample)) / len(sample) < 0.3:
        return "repeated words"
    if len(sample) >= 4 and not any(t in S.ENGLISH_FUNCTION or t in S.FOREIGN_FUNCTION for t in sample):
        long_odd = sum(1 for t in alpha if len(t) > 3 and _unwordlike(t))
        if long_odd >= 1:
            return "gibberish"
    return None


# ------------------------------------------------------------------ rules


def rule_too_short(c: Ctx) -> Finding | None:
    """Too thin to show anything: the bar is higher where a story is expected."""
    n = c.text.n_words
    if c.q.closing:
        return None
    floor = 45 if c.q.story else 30
    if n >= floor:
        return None
    severity = 0.5 + 0.45 * (1 - n / floor)
    return c.find("too-short", severity, c.text.verbatim(0, len(c.text.clean)), f"{n} words", words=n, floor=floor)


def rule_too_long(c: Ctx) -> Finding | None:
    """Rambling, or a long run-up before the candidate does anything."""
    n = c.text.n_words
    # About two minutes spoken for a story, a minute and a bit for fit questions.
    limit = 170 if (c.q.fit or c.q.closing or c.round == "phone") else 250
    if n > limit:
        severity = 0.55 + min(0.4, (n - limit) / limit)
        s, e = c.text.sentences[0] if c.text.sentences else (0, len(c.text.clean))
        return c.find("too-long", severity, c.text.verbatim(s, e), f"{n} words", words=n, limit=limit, setup=False)
    if n >= 150 and c.q.story:
        first_action = _first_action_pos(c.text)
        if first_action is not None and first_action > 0.45 * len(c.text.clean):
            s, e = c.text.sentences[0]
            return c.find("too-long", 0.5, c.text.verbatim(s, e), "long setup", words=n, limit=limit, setup=True)
    return None


def _first_action_pos(text: Text) -> int | None:
    """Where the candidate first says 'I <did something>' (character offset)."""
    for s, e in text.sentences:
        toks = [t.replace("’", "'") for t in S.WORD_RE.findall(text.lower[s:e])]
        if _first_person_past(toks + [""]):
            return s
    return None


def concepts(text: str) -> set[int]:
    """Which interview topics (`signals.CONCEPTS`) a text touches, by word prefix."""
    found = set()
    for i, prefixes in enumerate(S.CONCEPTS):
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


def rule_off_topic(c: Ctx) -> Finding | None:
    """Neither a content word nor a topic of the question appears in the answer."""
    # Under 40 words an answer that misses the topic is, first of all, too thin to judge.
    if c.q.closing or c.q.fit or len(c.q.stems) < 2 or c.text.n_words < 40:
        return None
    answer_stems = {stem(t) for t in c.text.tokens if len(t) > 2}
    if c.q.stems & answer_stems:
        return None
    if concepts(c.q.text.lower()) & concepts(c.text.lower[:6000]):
        return None
    if _is_story(story_signals(c)):
        # A first-person story is nearly always the candidate's attempt at the question in
        # words we do not know; word overlap is too weak a signal to call it off-topic.
        return None
    s, e = c.text.sentences[0] if c.text.sentences else (0, len(c.text.clean))
    return c.find("off-topic", 0.72, c.text.verbatim(s, e), "no overlap with the question")


def rule_no_questions(c: Ctx) -> Finding | None:
    """Invited to ask questions, the candidate asked none."""
    if not c.q.closing:
        return None
    asked = "?" in c.text.clean or S.QUESTION_ASKED.search(c.text.lower)
    if asked:
        return None
    declined = bool(S.DECLINE_Q.search(c.text.lower[:300]))
    severity = 0.95 if declined or c.text.n_words < 40 else 0.8
    evidence = c.text.verbatim(*(c.text.sentences[0] if c.text.sentences else (0, len(c.text.clean))))
    return c.find("no-questions", severity, evidence, "no question asked", declined=declined)


def _about_others(c: Ctx, m) -> bool:
    """Whether the word at ``m`` is said of someone else (not of the candidate, not of a thing).

    The nearest person word before it in its sentence decides ("my old boss was terrible",
    "a guy who was lazy"); "I was useless at Excel then" is about the speaker.
    """
    s, e = c.text.sentence_at(m.start())
    others = self_ = -1
    for o in S.OTHERS_RE.finditer(c.text.lower, s, m.start()):
        others = o.start()
    for i in S.SELF_RE.finditer(c.text.lower, s, m.start()):
        self_ = i.start()
    if others >= 0 or self_ >= 0:
        return others > self_
    return bool(S.OTHERS_RE.search(c.text.lower, m.end(), e))


def rule_negative(c: Ctx) -> Finding | None:
    """Running others down: a verdict on someone, or criticism the question didn't ask for.

    Describing a difficult person is the answer when the question asks about one
    ("a difficult customer", "a conflict with a colleague"): "he was rude", "she
    refused to share the file" set the scene. What a recruiter notes is a verdict
    on someone's character or competence ("lazy", "useless", "the company was a
    joke") or blame, which reads the same whatever the question; and critical
    description where nobody asked for it ("why are you leaving?", "a project
    you're proud of").
    """
    invited = bool(S.INVITES_DIFFICULT_Q.search(c.q.text.lower()))
    hits = [m for m in S.JUDGEMENT_WORDS.finditer(c.text.lower) if _about_others(c, m)]
    verdicts = len(hits)
    if not invited:
        hits += [m for m in S.DESCRIBING_WORDS.finditer(c.text.lower) if _about_others(c, m)]
    if not hits:
        return None
    first = min(range(len(hits)), key=lambda i: hits[i].start())
    m = hits[first]
    s, e = c.text.sentence_at(m.start())
    severity = (0.78 if verdicts else 0.7) + 0.06 * min(3, len(hits) - 1)
    return c.find("negative", severity, c.text.verbatim(s, e), f"{len(hits)} critical remarks", word=c.text.said(m),
                  count=len(hits), invited=invited, verdict=first < verdicts)


def story_signals(c: Ctx) -> dict:
    """How much of the answer is one past situation, and how much is habit or advice."""
    toks = c.text.tokens
    return {
        "past": _past_verbs(toks),
        "i_past": _first_person_past(toks),
        "time": _count(S.TIME_MARKERS, c.text),
        "generic": _count(S.GENERIC_MARKERS, c.text),
    }


def _is_story(sig: dict) -> bool:
    narrative = sig["past"] + 2 * sig["time"] + sig["i_past"]
    return narrative >= 5 and narrative >= 1.5 * sig["generic"]


def rule_no_example(c: Ctx) -> Finding | None:
    """A story was asked for (or expected) and the answer gives habits, hypotheticals, plans or advice.

    Three ways in: the candidate says they have no such experience and answers
    with what they would do; the answer is told in the habitual or future voice
    with no anchored past event ("I make sure…", "I would…", "I will…"); or there
    is little narrative at all. Past-tense clauses only count as a story when they
    are events, not habits ("I always kept my composure").
    """
    if c.q.closing or c.q.situational or c.text.n_words < 12:
        return None
    sig = story_signals(c)
    v = voice(c.text)
    anchored = sig["time"] > 0
    no_exp = S.NO_EXPERIENCE.search(c.text.lower)
    if no_exp and v.habits >= 1 and v.events < 3 and not c.q.fit:
        severity = 0.9 if c.q.story else 0.7
        evidence = c.text.sentence_quote(no_exp.start())
        return c.find("no-example", severity, evidence, "no experience, then a hypothetical", generic=v.habits,
                      phrase=c.text.said(no_exp), mode="no-experience")
    habit_voice = v.habits >= 2 and v.habits >= v.events and not anchored
    if _is_story(sig) and not habit_voice:
        return None
    if c.text.n_words < 25 and sig["i_past"] >= 1 and not habit_voice:
        return None  # a thin but concrete story: too short, not too general
    narrative = sig["past"] + 2 * sig["time"] + sig["i_past"]
    if c.q.story:
        severity = 0.88 if narrative < 3 or v.habits >= 2 * max(1, v.events) else 0.72
    elif c.q.fit:
        return None
    else:
        # "Walk me through your process": a process is fine, an example makes it credible.
        if sig["generic"] + v.habits < 3 or v.events >= 2 or anchored:
            return None
        severity = 0.5
    mode, m = _generic_mode(c.text)
    if v.habits > sig["generic"] or m is None:
        s, e, h = max(v.habit_sentences, key=lambda seh: seh[2]) if v.habit_sentences else (0, len(c.text.clean), 0)
        if h:
            evidence = c.text.verbatim(s, e)
            m2 = S.GENERIC_MARKERS.search(c.text.lower, s, e)
            if m2:
                m = m2
            return c.find("no-example", severity, evidence, "habits, not one situation", generic=v.habits,
                          phrase=c.text.said(m) if m and s <= m.start() < e else "", mode=mode if m and s <= m.start() < e else "habit")
    evidence = c.text.sentence_quote(m.start()) if m else c.text.verbatim(*c.text.sentences[0])
    return c.find("no-example", severity, evidence, "habits, not one situation", generic=sig["generic"],
                  phrase=c.text.said(m) if m else "", mode=mode)


def _generic_mode(text: Text):
    """Which way the answer stays general: 'would' (hypothetical), 'advice', or 'habit'; and the first such phrase."""
    hypo = list(S.HYPOTHETICAL_MARKERS.finditer(text.lower))
    advice = list(S.ADVICE_MARKERS.finditer(text.lower))
    habit = [m for m in S.GENERIC_MARKERS.finditer(text.lower)
             if not S.HYPOTHETICAL_MARKERS.fullmatch(m.group()) and not S.ADVICE_MARKERS.fullmatch(m.group())]
    mode, found = max((("habit", habit), ("would", hypo), ("advice", advice)), key=lambda mf: len(mf[1]))
    return (mode, found[0]) if found else ("habit", None)


def rule_no_result(c: Ctx) -> Finding | None:
    """A story with no ending: nothing about how it turned out or what was learned."""
    # Below the too-short floor a missing ending is part of the answer being thin: a note
    # (severity under too-short's), never the lead.
    if not c.q.story or c.text.n_words < 15:
        return None
    short = c.text.n_words < 45
    sig = story_signals(c)
    if not (sig["past"] >= 2 if short else _is_story(sig)):
        return None
    cut = len(c.text.clean) // 3
    s, e = c.text.sentences[-1]
    if (
        S.OUTCOME_MARKERS.search(c.text.lower, cut)
        or S.NUMBER_RE.search(c.text.lower, len(c.text.clean) // 2)
        or S.FIGURE_RE.search(c.text.lower[s:e])
    ):
        # An ending; a figure late in the story (a grade, a count, a percentage);
        # or a spelled-out figure in the last sentence ("undone in four minutes"):
        # earlier, spelled-out durations are usually part of the actions.
        return None
    return c.find("no-result", 0.45 if short else 0.74, c.text.verbatim(s, e), "story without an ending", short=short)


def rule_vague_impact(c: Ctx) -> Finding | None:
    """The story ends, but only with 'it went well': no scale, number or before/after.

    A story answer is read for its ending from 12 words (a short answer's ending is
    still worth a note); other answers from 30.
    """
    if c.q.closing or c.q.fit or c.text.n_words < (12 if c.q.story else 30):
        return None
    cut = len(c.text.clean) // 3
    outcome = None
    for outcome in S.OUTCOME_MARKERS.finditer(c.text.lower, cut):
        pass  # the last outcome is the story's ending
    if outcome is None:
        return None
    s0 = c.text.sentence_at(outcome.start())[0]
    if S.SCALE_MARKERS.search(c.text.lower, s0):
        return None
    vague = S.VAGUE_OUTCOME.search(c.text.lower, s0)
    if vague:
        severity = 0.62 if c.q.story else 0.5
        at = vague.start()
    elif c.q.story:
        severity = 0.42
        at = outcome.start()
    else:
        return None
    return c.find("vague-impact", severity, c.text.sentence_quote(at), "outcome without scale",
                  phrase=c.text.said(vague or outcome), vague=bool(vague))


#: Below this many words a story is too thin for "we" against "I" counts; whether the
#: candidate appears in it at all still shows (see `_absent_ownership`).
OWNERSHIP_FLOOR = 30
#: From this many words, a short story in which the candidate never acts leads with
#: ownership rather than length (rank.py, "Short answers").
ABSENT_LEADS_FROM = 15


def _i_events(text: Text) -> int:
    """Clauses in which the candidate ('I') does something that happened."""
    toks = [t.replace("’", "'") for t in text.tokens]
    return sum(1 for i, t in enumerate(toks) if t == "i" and _clause(toks, i) == "event")


def _absent_ownership(c: Ctx) -> Finding | None:
    """A short story told entirely through 'we', 'the team' or the passive: the candidate never acts.

    Counting "we" against "I" needs a longer answer; in a short one the plainer
    signal is that no clause has the candidate doing anything while others (or
    nobody: "it was fixed") do.
    """
    n = c.text.n_words
    if not c.q.story or n < 12 or n >= 45 or _i_events(c.text):
        return None
    agents = [m for m in S.WE_RE.finditer(c.text.lower)]
    passive = [m for m in S.PASSIVE_RE.finditer(c.text.lower) if not S.PASSIVE_EXCEPT.match(c.text.lower, m.start())]
    if len(agents) + len(passive) < 2 or not (agents or len(passive) >= 2):
        return None
    severity = 0.82 if n >= ABSENT_LEADS_FROM else 0.55
    at = (passive or agents)[-1].start() if passive else agents[-1].start()
    return c.find("ownership", severity, c.text.sentence_quote(at), "the candidate never acts",
                  we=len(agents), me=0, passive=len(passive), mode="absent")


def rule_ownership(c: Ctx) -> Finding | None:
    """'We', 'the team' or the passive voice where the candidate's own actions should be."""
    if c.q.closing or c.q.fit:
        return None
    absent = _absent_ownership(c)
    if c.text.n_words < OWNERSHIP_FLOOR:
        return absent
    we = _count(S.WE_RE, c.text)
    me = _count(S.I_RE, c.text) - _count(S.I_THINK_RE, c.text)
    passive = [m for m in S.PASSIVE_RE.finditer(c.text.lower) if not S.PASSIVE_EXCEPT.match(c.text.lower, m.start())]
    we_heavy = we >= 3 and we >= 1.5 * max(me, 1)
    passive_heavy = len(passive) >= 2 and me <= 3 + len(passive)
    if not (we_heavy or passive_heavy):
        return absent
    if we_heavy:
        severity = 0.5 + min(0.3, 0.05 * (we - me))
        best = max(c.text.sentences, key=lambda se: len(S.WE_RE.findall(c.text.lower, se[0], se[1])))
        evidence = c.text.verbatim(*best)
    else:
        severity = 0.5 + min(0.25, 0.08 * (len(passive) - 2))
        evidence = c.text.sentence_quote(passive[0].start())
    if not c.q.story:
        severity -= 0.1
    if absent is not None and absent.severity > severity:
        return absent
    return c.find("ownership", severity, evidence, "we/passive over I", we=we, me=me, passive=len(passive), mode="we" if we_heavy else "passive")


def rule_hedging(c: Ctx) -> Finding | None:
    """Tentative language dense enough that the candidate sounds unsure of their own story."""
    hits = [m for m in S.HEDGES.finditer(c.text.lower) if not S.ordinary_use(c.text.lower, m)]
    strong = [m for m in hits if S.STRONG_HEDGES.fullmatch(m.group())]
    n = c.text.n_words or 1
    rate = 100 * len(hits) / n
    if not (len(strong) >= 2 or (len(hits) >= 3 and rate >= 2.5) or (len(strong) >= 1 and n < 40)):
        return None
    severity = 0.35 + min(0.5, 0.06 * len(hits) + 0.04 * rate + 0.05 * len(strong))
    m = (strong or hits)[0]
    return c.find("hedging", severity, c.text.sentence_quote(m.start()), f"{len(hits)} hedges", phrases=_as_said(c, strong + hits), count=len(hits))


def rule_filler(c: Ctx) -> Finding | None:
    """Crutch words frequent enough to be what the interviewer hears."""
    hits = [m for m in S.FILLERS.finditer(c.text.lower) if not S.ordinary_use(c.text.lower, m)]
    n = c.text.n_words or 1
    rate = 100 * len(hits) / n
    if len(hits) < 3 or rate < 2.5:
        return None
    severity = 0.35 + min(0.55, 0.05 * len(hits) + 0.05 * rate)
    phrases = _as_said(c, hits)
    densest = max(c.text.sentences, key=lambda se: sum(1 for h in hits if se[0] <= h.start() < se[1]))
    return c.find("filler", severity, c.text.verbatim(*densest), f"{len(hits)} fillers", phrases=phrases, count=len(hits))


def _as_said(c: Ctx, hits: list) -> list[str]:
    """Distinct phrases in the order given, each quoted as the candidate first typed it ("I think", not "i think")."""
    seen: dict[str, str] = {}
    for h in hits:
        seen.setdefault(h.group(), c.text.said(h))
    return list(seen.values())


def rule_structure(c: Ctx) -> Finding | None:
    """Hard to follow: run-on sentences with no place to breathe, or no headline."""
    n = c.text.n_words
    if n < 80 or not c.text.sentences:
        return None
    lengths = [c.text.sentence_words(se) for se in c.text.sentences]
    longest = max(lengths)
    avg = n / max(1, len(lengths))
    if longest < 70 and avg < 38:
        return None
    severity = 0.55 + min(0.35, (longest - 60) / 100)
    at = c.text.sentences[lengths.index(longest)]
    return c.find("structure", severity, c.text.verbatim(*at), f"sentence of {longest} words", longest=longest)


def job_terms(job: str | None, limit: int = 14) -> tuple[str, ...]:
    """Key requirements of a job description, as the real-interview debrief reads them.

    One reader for both paths (`signals.job_key_terms`, also used by coach.real):
    requirement phrases in the order the job lists them ("Looker", "SQL",
    "A/B test readouts"), never the title's words.
    """
    return tuple(S.job_key_terms(job, limit)) if job else ()


def rule_no_job_link(c: Ctx) -> Finding | None:
    """A fit question (or a phone screen with a job in view) answered without the job in it."""
    if c.q.closing or c.text.n_words < 8:
        return None
    phone_with_job = c.round == "phone" and bool(c.job_terms) and not c.q.story
    if not (c.q.fit or phone_with_job):
        return None
    answer_stems = {stem(t) for t in c.text.tokens}
    link = S.JOB_LINK.search(c.text.lower)
    if c.job_terms:
        matched = [t for t in c.job_terms if S.term_touched(t, c.text.lower)]
        if len(matched) >= 2 or (matched and link):
            return None
        severity = 0.8 if not matched and not link else 0.58
    else:
        role_words = S.ROLE_WORDS.get((c.role or "").lower(), ())
        matched = [w for w in role_words if w in answer_stems or stem(w) in answer_stems]
        if link or matched:
            return None
        severity = 0.72
    if not c.q.fit:
        severity -= 0.15
    if c.round == "phone":
        severity += 0.05
    m = S.I_RE.search(c.text.lower)
    evidence = c.text.sentence_quote(m.start()) if m else c.text.verbatim(*c.text.sentences[0])
    missing = [t for t in c.job_terms if t not in matched] if c.job_terms else []
    return c.find("no-job-link", severity, evidence, "no link to the role", terms=missing[:3], linked=bool(link))


RULES: tuple[Callable[[Ctx], Finding | None], ...] = (
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


def answer_findings(item: AnswerItem, round: str | None = None, role: str | None = None,
                    terms: tuple[str, ...] = ()) -> list[Finding]:
    """Every finding for one answer, most severe first (ties: taxonomy order)."""
    text = Text(item.answer or "")
    c = Ctx(item, text, QuestionInfo.read(item), round, role, terms)
    if item.skipped and not text.clean.strip():
        return [c.find("no-answer", 1.0, "", "skipped", reason="skipped")]
    reason = junk_reason(text)
    if reason:
        if c.q.closing and reason in ("one word", "placeholder") and S.DECLINE_Q.fullmatch(text.lower.strip(" .!?\n\t")):
            return [c.find("no-questions", 0.95, text.verbatim(0, len(text.clean)), "declined", declined=True)]
        return [c.find("no-answer", 1.0, text.verbatim(0, len(text.clean)), reason, reason=reason)]
    if not is_english(text):
        s, e = text.sentences[0] if text.sentences else (0, len(text.clean))
        return [c.find("no-answer", 0.9, text.verbatim(s, e), "not English", reason="not-english")]
    found = [f for f in (rule(c) for rule in RULES) if f is not None]
    found.sort(key=lambda f: (-f.severity, _ORDER[f.kind]))
    return found


_ORDER = {k: i for i, k in enumerate((
    "no-answer", "no-questions", "off-topic", "negative", "no-example", "no-job-link", "too-short",
    "no-result", "ownership", "vague-impact", "too-long", "structure", "hedging", "filler",
))}


#: Why an answer counts as not given at all (junk and placeholders are answers, if poor ones).
_UNANSWERED = ("skipped", "blank", "no words")
#: Severity of a skipped follow-up after a strong main answer: a note, and a pointer only
#: when nothing in the round is a real weakness (those start at about 0.5).
SKIPPED_FOLLOW_UP_AFTER_STRONG = 0.45
#: A skipped follow-up to a weak or missing main answer: below a skipped main question.
SKIPPED_FOLLOW_UP = 0.75


def _unanswered(found: list[Finding]) -> bool:
    return bool(found) and found[0].kind == "no-answer" and found[0].facts.get("reason") in _UNANSWERED


def weigh_unanswered(per_answer: list[tuple[AnswerItem, list[Finding]]]) -> None:
    """Round context for unanswered items, in place.

    A skipped main question is the gap an interviewer notices most; a skipped
    follow-up matters less, and after a strong main answer it is a note, not a
    headline over a real weakness elsewhere. Every unanswered item's finding
    carries the round's count, so the tip can say "you skipped 3 of 5".
    """
    by_id = {item.question_id: found for item, found in per_answer}
    mains = [(item, found) for item, found in per_answer if not item.follow_up_of]
    follows = [(item, found) for item, found in per_answer if item.follow_up_of]
    skipped_main = sum(1 for _i, found in mains if _unanswered(found))
    skipped_follow = sum(1 for _i, found in follows if _unanswered(found))
    if not skipped_main and not skipped_follow:
        return
    for item, found in per_answer:
        if not _unanswered(found):
            continue
        f = found[0]
        f.facts.update(skipped=skipped_main, total=len(mains), skipped_follow=skipped_follow,
                       follow_up=bool(item.follow_up_of))
        if item.follow_up_of:
            main = by_id.get(item.follow_up_of)
            strong = main is not None and not _unanswered(main) and all(
                g.severity < 0.6 and g.kind != "no-answer" for g in main)
            f.severity = SKIPPED_FOLLOW_UP_AFTER_STRONG if strong else SKIPPED_FOLLOW_UP
            f.facts["after_strong"] = strong


def _per_answer(request: ReviewRequest) -> list[tuple[AnswerItem, list[Finding]]]:
    terms = job_terms(request.job)
    per_answer = [(item, answer_findings(item, request.round, request.role, terms)) for item in request.items]
    weigh_unanswered(per_answer)
    return per_answer


def findings(request: ReviewRequest) -> list[Finding]:
    """Per-answer findings for the whole request, answer by answer, most severe first."""
    return [f for _item, found in _per_answer(request) for f in found]


def analyze(request: ReviewRequest):
    """The offline debrief: one or two ranked pointers, an optional strength, per-answer notes."""
    from coach.engine.rank import build_feedback

    return build_feedback(request, _per_answer(request), job_terms(request.job))


class OfflineBackend(Backend):
    """The rules as a Backend: instant, private, always available."""

    name = "offline"

    async def review(self, request: ReviewRequest, progress: ProgressFn | None = None):
        feedback = analyze(request)
        if progress is not None:
            progress(Progress(stage="done"))
        return feedback


# ------------------------------------------------------------- follow-ups
#
# A real interviewer probes where an answer is thin: "and how did it turn out?"
# after a story with no ending, "what did you do yourself?" after a story told
# in "we". They don't probe a complete answer, and they ask one thing at a time.
# `choose_follow_up` does that offline: it reads the answer's findings, takes
# the biggest gap a question could help with, and asks the bank's follow-up
# that addresses it, or our own when none of the bank's does.

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


def choose_follow_up(item: AnswerItem, candidates: Sequence[str], round: str | None = None, *,
                     role: str | None = None, job: str | None = None) -> str | None:
    """The follow-up an interviewer would ask after this answer, or None when there is nothing to probe.

    The answer's most severe finding that a question could help with decides the
    gap (no concrete example, a missing ending, a vague outcome, "we" for "I", no
    link to the role); an answer with none of those but far too thin to judge gets
    "tell me more". Of ``candidates`` (the bank's follow-ups for the question), the
    one with the most cues of that gap is asked, the earlier on a tie; when none
    addresses it, our own short question for it. None for a skipped, empty or junk
    answer, for a follow-up's answer (one probe per question), for a closing
    question, and for an answer with no such gap. Deterministic: no randomness,
    no network.
    """
    if item.skipped or item.follow_up_of or not (item.answer or "").strip() or QuestionInfo.read(item).closing:
        return None
    found = answer_findings(item, round, role, job_terms(job))
    if not found or found[0].kind in ("no-answer", "no-questions"):
        return None
    gap = next((f.kind for f in found
                if f.kind in _PROBES and f.kind != "too-short" and f.severity >= REPORT_THRESHOLD), None)
    if gap is None:
        if not any(f.kind == "too-short" and f.severity >= THIN_ENOUGH_TO_PROBE for f in found):
            return None
        gap = "too-short"
    scored = [(_probe_score(gap, c), -i, c.strip()) for i, c in enumerate(candidates) if c and c.strip()]
    best = max(scored, default=None)
    if best is not None and best[0] > 0:
        return best[2]
    return _PROBES[gap][1]
