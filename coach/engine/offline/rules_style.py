"""Rules about how the answer meets the question and the room: length, topic, tone, delivery, the job.

Each rule reads the answer's `Reading` and, when it fires, returns a `Finding`
with a severity in [0, 1] and a verbatim evidence span. Surface habits (hedges,
filler) fire only when they are dense enough to be what the interviewer remembers.
"""

from __future__ import annotations

import coach.engine.offline.lexicon as L
from coach.engine.offline.job import offered_skills, term_touched
from coach.engine.offline.reading import SHORT_LEADS_BELOW, Finding, Reading
from coach.engine.offline.text import concepts, first_action_pos, stem


#: Under this many words a story has room for more of its detail (a note, below the rest).
THIN_STORY = 70
#: A follow-up is the interviewer asking for one missing piece (the outcome, a measure, your
#: own part): a sentence that gives it is a complete answer. One that asks for a time wants
#: a short story.
FOLLOW_UP_FLOOR = 10
FOLLOW_UP_STORY_FLOOR = 30
#: Under this many words, naming a deliberation ("I weighed the pros and cons") leaves no room
#: for what was weighed.
NAMED_ROOM = 120


def rule_too_short(c: Reading) -> Finding | None:
    """Too thin to show anything: the bar is higher where a story is expected."""
    n = c.text.n_words
    if c.q.closing:
        return None
    if c.item.follow_up_of:
        return _follow_up_short(c)
    # A story needs about 45 words; an approach or process ("walk me through how you…") 40;
    # a fit answer 30.
    floor = 45 if c.q.story else 30 if c.q.fit else 40
    if n >= floor:
        named = None
        if c.q.story and n < NAMED_ROOM and any(h in c.text.lower for h in L.DELIBERATION_HINTS):
            named = L.DELIBERATION_NAMED.search(c.text.lower)
        if named and L.DELIBERATION_SHOWN.search(c.text.lower, named.end(), c.text.sentence_at(named.start())[1]):
            named = None  # "I weighed the pros and cons: the pay against the commute…" shows them
        if named:
            # "I weighed the pros and cons" with nothing on either side: the thinking the question
            # asks to see is named, not shown; more of it leads over the ending's scale.
            return c.find("too-short", 0.55, c.text.sentence_quote(named.start()), "deliberation named, not shown",
                          words=n, floor=floor, phrase=c.text.said(named), named=True)
        if c.q.story and n < THIN_STORY:
            # A whole story in four or five sentences: a note that there is room for the detail
            # (what you weighed, what you did, how it ended), never the lead.
            return c.find("too-short", 0.32, c.text.verbatim(0, len(c.text.clean)), f"{n} words", words=n,
                          floor=THIN_STORY, thin=True)
        return None
    severity = 0.5 + 0.45 * (1 - n / floor)
    if n < SHORT_LEADS_BELOW and not c.q.fit:
        # Two or three sentences are too few to judge the example or its ending: asking for
        # more of the story is the change that helps most, so length leads (a missing example
        # or ending is the next note).
        severity = max(severity, 0.66)
    return c.find("too-short", severity, c.text.verbatim(0, len(c.text.clean)), f"{n} words", words=n, floor=floor)


def _follow_up_short(c: Reading) -> Finding | None:
    """A follow-up answer judged as one: too short only for what the follow-up asked."""
    n = c.text.n_words
    floor = FOLLOW_UP_STORY_FLOOR if L.FOLLOW_UP_ASKS_TIME.search(c.q.lower) else FOLLOW_UP_FLOOR
    if n >= floor:
        return None
    # Below a main answer's: a thin reply to a probe is a note unless little else is wrong.
    severity = 0.4 + 0.3 * (1 - n / floor)
    return c.find("too-short", severity, c.text.verbatim(0, len(c.text.clean)), f"{n} words", words=n, floor=floor,
                  follow_up=True)


def rule_too_long(c: Reading) -> Finding | None:
    """Rambling, or a long run-up before the candidate does anything."""
    n = c.text.n_words
    # About two minutes spoken for a story, a minute and a bit for fit questions.
    limit = 170 if (c.q.fit or c.q.closing or c.round == "phone") else 250
    if n > limit:
        severity = 0.55 + min(0.4, (n - limit) / limit)
        s, e = c.text.sentences[0] if c.text.sentences else (0, len(c.text.clean))
        return c.find("too-long", severity, c.text.verbatim(s, e), f"{n} words", words=n, limit=limit, setup=False)
    if n >= 150 and c.q.story:
        first_action = first_action_pos(c.text)
        if first_action is not None and first_action > 0.45 * len(c.text.clean):
            s, e = c.text.sentences[0]
            return c.find("too-long", 0.5, c.text.verbatim(s, e), "long setup", words=n, limit=limit, setup=True)
    return None


def rule_off_topic(c: Reading) -> Finding | None:
    """Neither a content word nor a topic of the question appears in the answer."""
    # Under 40 words an answer that misses the topic is, first of all, too thin to judge.
    if c.q.closing or c.q.fit or len(c.q.stems) < 2 or c.text.n_words < 40:
        return None
    if c.text.story.is_story:
        # A first-person story is nearly always the candidate's attempt at the question in
        # words we do not know; word overlap is too weak a signal to call it off-topic.
        return None
    answer_stems = {stem(t) for t in c.text.tokens if len(t) > 2}
    if c.q.stems & answer_stems:
        return None
    if concepts(c.q.lower) & concepts(c.text.lower[:6000]):
        return None
    s, e = c.text.sentences[0] if c.text.sentences else (0, len(c.text.clean))
    # General advice that misses the question's words is first of all general: the missing
    # example leads (no-example), and the topic is the second thing to fix.
    severity = 0.72 if c.text.voice.habits < 2 else 0.48
    return c.find("off-topic", severity, c.text.verbatim(s, e), "no overlap with the question")


def rule_no_questions(c: Reading) -> Finding | None:
    """Invited to ask questions, the candidate asked none."""
    if not c.q.closing:
        return None
    asked = "?" in c.text.clean or L.QUESTION_ASKED.search(c.text.lower)
    if asked:
        return None
    declined = bool(L.DECLINE_Q.search(c.text.lower[:300]))
    severity = 0.95 if declined or c.text.n_words < 40 else 0.8
    evidence = c.text.verbatim(*(c.text.sentences[0] if c.text.sentences else (0, len(c.text.clean))))
    return c.find("no-questions", severity, evidence, "no question asked", declined=declined)


def _about_others(c: Reading, m) -> bool:
    """Whether the word at ``m`` is said of someone else (not of the candidate, not of a thing).

    The nearest person word before it in its sentence decides ("my old boss was terrible",
    "a guy who was lazy"); "I was useless at Excel then" is about the speaker.
    """
    s, e = c.text.sentence_at(m.start())
    others = self_ = -1
    for o in L.OTHERS_RE.finditer(c.text.lower, s, m.start()):
        others = o.start()
    for i in L.SELF_RE.finditer(c.text.lower, s, m.start()):
        self_ = i.start()
    if others >= 0 or self_ >= 0:
        return others > self_
    return bool(L.OTHERS_RE.search(c.text.lower, m.end(), e))


def rule_negative(c: Reading) -> Finding | None:
    """Running others down: a verdict on someone, or criticism the question didn't ask for.

    Describing a difficult person is the answer when the question asks about one
    ("a difficult customer", "a conflict with a colleague"): "he was rude", "she
    refused to share the file" set the scene. What a recruiter notes is a verdict
    on someone's character or competence ("lazy", "useless", "the company was a
    joke") or blame, which reads the same whatever the question; and critical
    description where nobody asked for it ("why are you leaving?", "a project
    you're proud of").
    """
    invited = bool(L.INVITES_DIFFICULT_Q.search(c.q.lower))
    hits = [m for m in L.JUDGEMENT_WORDS.finditer(c.text.lower) if _about_others(c, m)]
    verdicts = len(hits)
    if not invited:
        hits += [m for m in L.DESCRIBING_WORDS.finditer(c.text.lower) if _about_others(c, m)]
    if not hits:
        return None
    first = min(range(len(hits)), key=lambda i: hits[i].start())
    m = hits[first]
    s, e = c.text.sentence_at(m.start())
    severity = (0.78 if verdicts else 0.7) + 0.06 * min(3, len(hits) - 1)
    return c.find("negative", severity, c.text.verbatim(s, e), f"{len(hits)} critical remarks", word=c.text.said(m),
                  count=len(hits), invited=invited, verdict=first < verdicts)


def rule_hedging(c: Reading) -> Finding | None:
    """Tentative language dense enough that the candidate sounds unsure of their own story."""
    hits = [m for m in L.HEDGES.finditer(c.text.lower) if not L.ordinary_use(c.text.lower, m)]
    strong = [m for m in hits if L.STRONG_HEDGES.fullmatch(m.group())]
    n = c.text.n_words or 1
    rate = 100 * len(hits) / n
    if not (len(strong) >= 2 or (len(hits) >= 3 and rate >= 2.5) or (len(strong) >= 1 and n < 40)):
        return None
    severity = 0.35 + min(0.5, 0.06 * len(hits) + 0.04 * rate + 0.05 * len(strong))
    m = (strong or hits)[0]
    return c.find("hedging", severity, c.text.sentence_quote(m.start()), f"{len(hits)} hedges", phrases=_as_said(c, strong + hits), count=len(hits))


def rule_filler(c: Reading) -> Finding | None:
    """Crutch words frequent enough to be what the interviewer hears."""
    hits = [m for m in L.FILLERS.finditer(c.text.lower) if not L.ordinary_use(c.text.lower, m)]
    n = c.text.n_words or 1
    rate = 100 * len(hits) / n
    if len(hits) < 3 or rate < 2.5:
        return None
    severity = 0.35 + min(0.55, 0.05 * len(hits) + 0.05 * rate)
    phrases = _as_said(c, hits)
    densest = max(c.text.sentences, key=lambda se: sum(1 for h in hits if se[0] <= h.start() < se[1]))
    return c.find("filler", severity, c.text.verbatim(*densest), f"{len(hits)} fillers", phrases=phrases, count=len(hits))


def _as_said(c: Reading, hits: list) -> list[str]:
    """Distinct phrases in the order given, each quoted as the candidate first typed it ("I think", not "i think")."""
    seen: dict[str, str] = {}
    for h in hits:
        seen.setdefault(h.group(), c.text.said(h))
    return list(seen.values())


def rule_structure(c: Reading) -> Finding | None:
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
    if c.q.story:
        # In a story, a missing ending or example matters more than sentence length.
        severity = min(severity, 0.6) - 0.1
    at = c.text.sentences[lengths.index(longest)]
    return c.find("structure", severity, c.text.verbatim(*at), f"sentence of {longest} words", longest=longest)


def rule_no_job_link(c: Reading) -> Finding | None:
    """A fit question (or a phone screen with a job in view) answered without the job in it."""
    if c.q.closing or c.text.n_words < 8:
        return None
    phone_with_job = c.round == "phone" and bool(c.job_terms) and not c.q.story
    if not (c.q.fit or phone_with_job):
        return None
    answer_stems = {stem(t) for t in c.text.tokens}
    link = L.JOB_LINK.search(c.text.lower)
    if c.job_terms:
        matched = [t for t in c.job_terms if term_touched(t, c.text.lower)]
        if len(matched) >= 2 or (matched and link):
            return None
        severity = 0.8 if not matched and not link else 0.58
    else:
        role_words = L.ROLE_WORDS.get((c.role or "").lower(), ())
        matched = [w for w in role_words if w in answer_stems or stem(w) in answer_stems]
        if link or matched:
            return None
        severity = 0.72
    if not c.q.fit:
        severity -= 0.15
    if c.round == "phone":
        severity += 0.05
    m = L.I_RE.search(c.text.lower)
    evidence = c.text.sentence_quote(m.start()) if m else c.text.verbatim(*c.text.sentences[0])
    missing = [t for t in c.job_terms if t not in matched] if c.job_terms else []
    # What the answer offers instead (React where the job asks for Python): a bridge to suggest.
    offered = offered_skills(c.text.clean, c.job_terms) if c.job_terms else []
    return c.find("no-job-link", severity, evidence, "no link to the role", terms=missing[:3], linked=bool(link),
                  offered=offered, matched=matched[:2])
