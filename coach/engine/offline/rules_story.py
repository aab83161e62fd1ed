"""Rules about the story itself: one real occasion, the candidate in it, and its ending.

Each rule reads the answer's `Reading` and, when it fires, returns a `Finding`
with a severity in [0, 1] and a verbatim evidence span. Severities are
calibrated against the other rules (see `rules`).
"""

from __future__ import annotations

import re

import coach.engine.offline.lexicon as L
from coach.engine.offline.reading import SHORT_LEADS_BELOW, Finding, Reading
from coach.engine.offline.text import FIGURE_RE, NUMBER_RE, WORD_RE, generic_mode, i_events, past_verbs


def rule_no_example(c: Reading) -> Finding | None:
    """A story was asked for (or expected) and the answer gives habits, hypotheticals, plans or advice.

    Three ways in: the candidate says they have no such experience and answers
    with what they would do; the answer is told in the habitual or future voice
    with no anchored past event ("I make sure…", "I would…", "I will…"); or there
    is little narrative at all. Past-tense clauses only count as a story when they
    are events, not habits ("I always kept my composure").
    """
    if c.q.closing or c.q.situational or c.text.n_words < 12:
        return None
    sig = c.text.story
    v = c.text.voice
    anchored = sig.time > 0
    no_exp = L.NO_EXPERIENCE.search(c.text.lower)
    if no_exp and v.events < 3 and not c.q.fit:
        severity = 0.9 if c.q.story else 0.7
        evidence = c.text.sentence_quote(no_exp.start())
        return c.find("no-example", severity, evidence, "no experience, then a hypothetical", generic=v.habits,
                      phrase=c.text.said(no_exp), mode="no-experience")
    habit_voice = v.habits >= 2 and v.habits >= v.events and not anchored
    if sig.is_story and not habit_voice:
        return None
    if c.text.n_words < 25 and sig.i_past >= 1 and not habit_voice:
        return None  # a thin but concrete story: too short, not too general
    narrative = sig.narrative
    if c.q.story:
        severity = 0.88 if narrative < 3 or v.habits >= 2 * max(1, v.events) else 0.72
    elif c.q.fit:
        return None
    else:
        # "Walk me through your process": a process is fine, an example makes it credible.
        if sig.generic + v.habits < 3 or v.events >= 2 or anchored:
            return None
        severity = 0.5
    turn = _example_turn(c)
    if turn is not None:
        # Habits first, then one occasion told in the past: the example is there, and what it
        # lacks (its ending, or the ending's scale) is the thing to fix first.
        severity = min(severity, 0.55)
    if c.text.n_words < SHORT_LEADS_BELOW:
        severity = min(severity, 0.6)  # a thin answer leads with its length (rules_style)
    mode, m = generic_mode(c.text)
    if v.habits > sig.generic or m is None:
        s, e, h = max(v.habit_sentences, key=lambda seh: seh[2]) if v.habit_sentences else (0, len(c.text.clean), 0)
        if h:
            evidence = c.text.verbatim(s, e)
            m2 = L.GENERIC_MARKERS.search(c.text.lower, s, e)
            if m2:
                m = m2
            return c.find("no-example", severity, evidence, "habits, not one situation", generic=v.habits,
                          phrase=c.text.said(m) if m and s <= m.start() < e else "", mode=mode if m and s <= m.start() < e else "habit")
    evidence = c.text.sentence_quote(m.start()) if m else c.text.verbatim(*c.text.sentences[0])
    return c.find("no-example", severity, evidence, "habits, not one situation", generic=sig.generic,
                  phrase=c.text.said(m) if m else "", mode=mode)


#: Past-tense verbs after the turn to an example that make it an occasion told, not named.
TOLD_AFTER_TURN = 2


def _example_turn(c: Reading):
    """Where the answer turns from habits to one occasion it then tells in the past, or None."""
    m = L.EXAMPLE_TURN.search(c.text.lower)
    if m is None or past_verbs(WORD_RE.findall(c.text.lower, m.start())) < TOLD_AFTER_TURN:
        return None
    return m


#: An outcome marker with the two words after it, to see whether it only repeats the question.
ECHO_RE = re.compile(r"[\w']+(?:\s+[\w']+){2}")
#: "…was when", "…is the time": the words before name the story about to be told.
NAMING = re.compile(r"[^.!?]{0,40}?\b(?:was|is) (?:when|the time|at|during|with|in)\b")


def endings(c: Reading) -> list:
    """Outcome markers in the last two thirds that say what changed, in order.

    An ending says what changed for the situation, the people or the work (a result, a
    decision taken, someone's reaction, a number), not one more thing the candidate did
    or realised ("I resolved it by listening", "I realized it was best"), not a thing
    named with a comparative ("a better option"), and not what they hoped or meant to
    happen ("so that we could finish on time").
    """
    cached = c.__dict__.get("_endings")
    if cached is not None:
        return cached  # read once per answer: the ending and its scale rules both ask
    low = c.text.lower
    q_low = c.q.lower
    out = []
    for m in L.OUTCOME_MARKERS.finditer(low, len(c.text.clean) // 3):
        if L.ACTION_NOT_ENDING.match(low, m.start()):
            continue
        if L.CHANGE_VERB.fullmatch(m.group()) and (L.DONE_BY_SPEAKER.search(low, max(0, m.start() - 4), m.start())
                                                  or L.PHRASAL_AFTER.match(low, m.end())):
            continue  # "I stopped what I was doing", "dropped off at practice": an action, not a change
        if L.COMPARATIVE.fullmatch(m.group()) and L.ATTRIBUTIVE.search(low, max(0, m.start() - 8), m.start()):
            continue
        echo = ECHO_RE.match(low, m.start() + m.group().rfind(" ") + 1)
        if echo and echo.group() in q_low and NAMING.match(low, echo.end()):
            continue  # "one time I resolved a conflict was when…": the question's words naming the story
        s = c.text.sentence_at(m.start())[0]
        if L.NOT_YET.search(low, max(s, m.start() - 80), m.start()):
            continue
        out.append(m)
    c.__dict__["_endings"] = out
    return out


def reported(c: Reading, m) -> bool:
    """Whether the figure at ``m`` reports what happened, not the aim set or a hope."""
    low = c.text.lower
    s = c.text.sentence_at(m.start())[0]
    return not L.GOAL_FIGURE.search(low, s, m.start()) and not L.NOT_YET.search(low, max(s, m.start() - 80), m.start())


def _late_figure(c: Reading) -> bool:
    """A figure late in the story that reports what happened: digits in the second half, or a
    spelled-out figure in the last sentence ("undone in four minutes")."""
    low = c.text.lower
    s, e = c.text.sentences[-1]
    return (any(reported(c, m) for m in NUMBER_RE.finditer(low, len(c.text.clean) // 2))
            or any(reported(c, m) for m in FIGURE_RE.finditer(low, s, e)))


def rule_no_result(c: Reading) -> Finding | None:
    """A story with no ending: nothing about how it turned out or what was learned."""
    # Below the too-short floor a missing ending is part of the answer being thin: a note
    # (severity under too-short's), never the lead.
    if not c.q.story or c.text.n_words < 15:
        return None
    short = c.text.n_words < 45
    sig = c.text.story
    told = sig.past >= 2 if short else sig.is_story
    if not told and (short or sig.past < 2):
        return None
    s, e = c.text.sentences[-1]
    if endings(c) or _late_figure(c):
        # An ending, or a figure late in the story that reports it (a grade, a count, a
        # percentage); earlier, spelled-out durations are usually part of the actions.
        return _no_lesson(c, s, e) if not short else None
    # A mostly general answer with some events in it and no ending: the missing example
    # leads, and the missing ending is the next thing to fix (below no-example).
    severity = 0.45 if short else 0.74 if told else 0.4
    if not told and not short and _example_turn(c) is not None:
        # Habits first, then one occasion told that stops at the actions: the example is
        # there (no-example steps back, see there), so its missing ending leads.
        severity = 0.6
    return c.find("no-result", severity, c.text.verbatim(s, e), "story without an ending", short=short)


def _no_lesson(c: Reading, s: int, e: int) -> Finding | None:
    """A mistake, failure or setback story that ends with the fix but not with what was learned.

    A soft note (under a vague ending's): it leads only when the story is otherwise
    complete, where "say what you took from it" is the next step a recruiter would name.
    """
    if not L.LESSON_Q.search(c.q.lower) or L.LESSON_SAID.search(c.text.lower):
        return None
    return c.find("no-result", 0.36, c.text.verbatim(s, e), "no lesson after a mistake", lesson=True)


def rule_vague_impact(c: Reading) -> Finding | None:
    """The story ends, but only with 'it went well': no scale, number or before/after.

    A story answer is read for its ending from 12 words (a short answer's ending is
    still worth a note); other answers from 30.
    """
    if c.q.closing or c.q.fit or c.text.n_words < (12 if c.q.story else 30):
        return None
    found = endings(c)
    if not found:
        return None
    outcome = found[-1]  # the last outcome is the story's ending
    s0 = c.text.sentence_at(outcome.start())[0]
    if L.SCALE_MARKERS.search(c.text.lower, s0) or L.CHECKABLE_OUTCOME.search(c.text.lower, s0):
        return None
    vague = L.VAGUE_OUTCOME.search(c.text.lower, s0)
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


def _absent_ownership(c: Reading) -> Finding | None:
    """A short story told entirely through 'we', 'the team' or the passive: the candidate never acts.

    Counting "we" against "I" needs a longer answer; in a short one the plainer
    signal is that no clause has the candidate doing anything while others (or
    nobody: "it was fixed") do.
    """
    n = c.text.n_words
    if not c.q.story or n < 12 or n >= 45 or i_events(c.text):
        return None
    agents = [m for m in L.WE_RE.finditer(c.text.lower)]
    passive = [m for m in L.PASSIVE_RE.finditer(c.text.lower) if not L.PASSIVE_EXCEPT.match(c.text.lower, m.start())]
    if len(agents) + len(passive) < 2 or not (agents or len(passive) >= 2):
        return None
    severity = 0.82 if n >= ABSENT_LEADS_FROM else 0.55
    at = (passive or agents)[-1].start() if passive else agents[-1].start()
    return c.find("ownership", severity, c.text.sentence_quote(at), "the candidate never acts",
                  we=len(agents), me=0, passive=len(passive), mode="absent")


def rule_ownership(c: Reading) -> Finding | None:
    """'We', 'the team' or the passive voice where the candidate's own actions should be."""
    if c.q.closing or c.q.fit:
        return None
    absent = _absent_ownership(c)
    if c.text.n_words < OWNERSHIP_FLOOR:
        return absent
    we = c.text.count(L.WE_RE)
    me = c.text.count(L.I_RE) - c.text.count(L.I_THINK_RE)
    passive = [m for m in L.PASSIVE_RE.finditer(c.text.lower) if not L.PASSIVE_EXCEPT.match(c.text.lower, m.start())]
    we_heavy = we >= 3 and we >= 1.5 * max(me, 1)
    passive_heavy = len(passive) >= 2 and me <= 3 + len(passive)
    if not (we_heavy or passive_heavy):
        return absent or (_team_handled(c) if we else None)
    if we_heavy:
        severity = 0.5 + min(0.3, 0.05 * (we - me))
        best = max(c.text.sentences, key=lambda se: len(L.WE_RE.findall(c.text.lower, se[0], se[1])))
        evidence = c.text.verbatim(*best)
    else:
        severity = 0.5 + min(0.25, 0.08 * (len(passive) - 2))
        evidence = c.text.sentence_quote(passive[0].start())
    if not c.q.story:
        severity -= 0.1
    if not c.text.story.is_story:
        # Habits and advice told with "we": the missing example is the bigger gap, and
        # once there is one the candidate's part in it is the next thing to check.
        severity = min(severity, 0.45)
    if absent is not None and absent.severity > severity:
        return absent
    return c.find("ownership", severity, evidence, "we/passive over I", we=we, me=me, passive=len(passive), mode="we" if we_heavy else "passive")


#: Most things the candidate may do themselves in a story whose turning point is the team's
#: before their own part counts as told.
TEAM_HANDLED_OWN_STEPS = 2


def _team_handled(c: Reading) -> Finding | None:
    """The problem is handled by 'we' ("we handled it", "we persevered"), never by 'I', and the candidate barely acts.

    The question asks how the candidate handled it: when the turning point belongs to the
    team, their own part is the gap an interviewer notices first, before the ending.
    """
    if not c.q.story:
        return None
    low = c.text.lower
    team = None
    for m in L.HANDLED.finditer(low):
        by = L.HANDLED_BY.search(low, max(0, m.start() - 24), m.start())
        if by is None:
            continue
        if by.group(1) == "i":
            return None  # the candidate handles it somewhere: their part is there to see
        team = team or (by.start(), m.end())
    if team is None or i_events(c.text) > TEAM_HANDLED_OWN_STEPS:
        return None  # "I proposed a rota…, and together we solved it": their part is told
    return c.find("ownership", 0.78, c.text.sentence_quote(team[0]), "the team handled it",
                  phrase=" ".join(c.text.clean[team[0]:team[1] + 40].split()[:3]).rstrip(",.;:!?"), mode="handled")
