"""Wording a finding as a pointer: a title and a tip in a kind recruiter's voice.

Tips are written here, by us, and depend on the finding's sub-case, the
question (its topic is named) and the candidate's own words (quoted), so two
answers with the same weakness get advice about *their* answer, not one fixed
sentence per kind. No scores, no verdicts on the person, never "why you were
rejected": only what to try next time.
"""

from __future__ import annotations

import re
import zlib

from coach.domain.kinds import KINDS

_LEAD_IN = re.compile(
    r"^\s*(?:(?:can|could|would|will) you\s+)?(?:please\s+)?"
    r"(?:tell (?:me|us) about|describe|share|give (?:me |us )?|walk (?:me|us) through|talk (?:me |us )?about|"
    r"discuss|narrate|recall|recount|provide|explain)?\b\s*",
    re.IGNORECASE,
)
_ARTICLE_IN = re.compile(
    r"^(?:(?:a time (?:when|that|where|you)|a time|a situation (?:where|when|in which)|an experience (?:where|when|that)|"
    r"a moment (?:when|where)|an instance (?:when|where)|an example (?:of|where|when)|a story (?:about|of|that)|"
    r"a detailed account of a time)\b|an? )\s*",
    re.IGNORECASE,
)


_ASKING = re.compile(
    r"\b(?:tell|describe|share|give|walk|talk|discuss|narrate|recall|provide|explain|what|how|why|when|can you|could you)\b",
    re.IGNORECASE,
)
_FRAME = re.compile(
    r"^(?:when (?:thinking about|it comes to)|in terms of|regarding|thinking about)\s+", re.IGNORECASE
)
_APPROACH = re.compile(
    r"^(?:your (?:approach|process|strategy|strategies|method|methods) (?:to|for|when|of)|how you (?:approach|handle|go about))\s+",
    re.IGNORECASE,
)


def _asking_sentence(question: str) -> str:
    """The sentence of the question that asks (skipping a scene-setting preamble)."""
    parts = [p.strip() for p in re.split(r"(?<=[.?!])\s+", question.strip()) if p.strip()]
    for part in parts:
        if _ASKING.search(part):
            return part
    return parts[0] if parts else ""


def topic(question: str, words: int = 8) -> str:
    """The question's subject in a few words, e.g. 'acquiring new skills'."""
    first = _asking_sentence(question).rstrip(".?!")
    framed = _FRAME.match(first)
    if framed:
        first = first[framed.end():].split(",", 1)[0]
    rest = _ARTICLE_IN.sub("", _LEAD_IN.sub("", first, count=1), count=1).strip(" ,:")
    rest = _APPROACH.sub("", rest, count=1)
    rest = re.split(r",\s+(?:and |perhaps |providing |including |with |how |what )", rest, maxsplit=1)[0]
    parts = rest.split()
    if not parts:
        return "this question"
    text = " ".join(parts[:words]).rstrip(",;:")
    return text + ("…" if len(parts) > words else "")


def _short(quote: str, words: int = 10) -> str:
    parts = quote.split()
    text = " ".join(parts[:words]).rstrip(".,;:!?")
    return text + ("…" if len(parts) > words else "")


#: Example endings by topic family, written by us: a few per family so the same tip doesn't
#: repeat word for word across a round. Families are tried in order; the first whose keys
#: appear in the question wins (failure before learning: "what did you learn from a mistake").
_EXAMPLE_OUTCOMES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("mistake", "fail", "setback", "wrong", "error", "obstacle"), (
        "“we caught it before launch, and I added a check so it hasn't happened since”",
        "“I re-sent the corrected figures the same afternoon, and the checklist I wrote is now part of onboarding”",
        "“the second version passed review first time, and I've double-checked every handover since”",
    )),
    (("conflict", "disagree", "disagreement", "argument", "tension", "difficult team", "challenging team member"), (
        "“the two of them agreed a hand-off plan and we shipped on the Friday”",
        "“we settled on a weekly check-in, and there wasn't another blow-up for the rest of the term”",
        "“my supervisor adopted the compromise, and the rota complaints stopped within a month”",
    )),
    (("customer", "client", "guest", "patient", "caller", "service"), (
        "“the customer renewed, and complaints about it dropped from weekly to none”",
        "“she left a five-star review naming me, and my manager used the call in training”",
        "“he came back the next week to thank me and placed a bigger order”",
    )),
    (("deadline", "pressure", "time management", "tight", "juggl", "priorit", "overwhelm", "stress"), (
        "“we delivered two days early and I kept a checklist I still use”",
        "“all three assignments went in on time, and I got my best mark of the year on the biggest one”",
        "“the report went out on the Monday as promised, and the team used my schedule for the next one”",
    )),
    (("lead", "delegat", "motivat", "manag", "mentor", "captain", "supervis"), (
        "“all five tasks landed on time, and two people asked to keep their roles”",
        "“attendance at practice went from half the squad to nearly all of it by the end of the season”",
        "“the new volunteer ran the Saturday shift on her own within a month”",
    )),
    (("team", "group", "collaborat", "colleague", "coworker", "together"), (
        "“we handed the project in a week early and got the top mark in the class”",
        "“the group met every deadline after that, and the tutor asked us to share our plan”",
        "“our stand-ups went from forty minutes to fifteen, and nobody missed a hand-off again”",
    )),
    (("learn", "skill", "growth", "develop", "training", "new", "adapt", "change"), (
        "“within six weeks I was running the reports on my own”",
        "“by the end of the month I was the one answering the others' questions about it”",
        "“I passed the certification on the first attempt and used it on the next project”",
    )),
)
_GENERIC_OUTCOMES = (
    "“the backlog went from forty tickets to ten in a month”",
    "“it saved the team about three hours a week, and they still use it”",
    "“my manager asked me to do the same for the other two branches”",
)


def _pick(question: str, options: tuple[str, ...]) -> str:
    """A stable choice among options for this question (deterministic: no random, no hash seed)."""
    return options[zlib.crc32(question.encode("utf-8", "replace")) % len(options)]


def _example_outcome(question: str) -> str:
    q = question.lower()
    for keys, examples in _EXAMPLE_OUTCOMES:
        if any(k in q for k in keys):
            return _pick(question, examples)
    return _pick(question, _GENERIC_OUTCOMES)


_POOR_TOPIC = re.compile(
    r"^(?:how|what|why|when|where|which|who|do|does|did|are|is|was|were|can|could|would|will|have|has|in|on|to|"
    r"for|with|this|these|that|those|it|they)\b|,",
    re.IGNORECASE,
)


def good_topic(question: str, words: int = 7) -> str | None:
    """The question's topic when it reads as a noun phrase ('a conflict in your team'), else None.

    A topic that still starts with "How do you…" or is cut mid-clause would read
    oddly inside a quote, so callers then word the tip without quoting it.
    """
    t = topic(question, words)
    if t == "this question" or t.endswith("…") or len(t.split()) < 2 or _POOR_TOPIC.search(t):
        return None
    first = t.split()[0].lower()
    if first.endswith("ed") or first in ("had", "made", "led", "took", "felt", "saw", "found", "went", "faced"):
        t = "you " + t  # "a time you resolved a conflict": the lead-in took the "you"
    # "you made a mistake" reads as a clause: "the time you made a mistake" reads as a topic.
    return "the time " + t if t.lower().startswith("you ") else t


# ----------------------------------------------------------------- per kind


def _no_answer(f, q: str, ctx) -> tuple[str, str]:
    reason = f.facts.get("reason")
    if reason == "not-english":
        return ("The offline coach reads English only",
                "The offline rules can only read English, so they couldn't look at this answer. If the interview "
                "will be in English, practise it in English; an LLM backend can review answers in other languages.")
    if reason == "non-answer":
        return ("Find the nearest example you have",
                f"“{_short(f.evidence, 10)}” is honest, and it happens to everyone. Next time, take a few seconds and "
                "reach for the closest thing you have — a class project, a part-time job, a team you played on, "
                "something at home — and say plainly how it compares. A near example told well beats no answer.")
    if reason in ("blank", "skipped", "no words"):
        skipped, total = f.facts.get("skipped", 0), f.facts.get("total", 0)
        if f.facts.get("follow_up"):
            if f.facts.get("after_strong"):
                return ("Stay with the follow-up",
                        f"Your main answer gave them plenty, then the follow-up “{topic(q)}” went unanswered. Follow-ups "
                        "are where interviewers dig in; two sentences — what you'd keep, what you'd change — are enough.")
            return ("Use the follow-up as a second chance",
                    f"The follow-up “{topic(q)}” was left blank. It's a second go at the question: answer it in two or "
                    "three sentences with one thing you actually did.")
        if skipped >= 2:
            return ("Give every question a real answer",
                    f"You skipped {skipped} of {total} questions, including “{topic(q)}”. That's fine while you "
                    "practise — next round, try a short answer to each: the nearest experience you have, in two or "
                    "three honest sentences, tells them far more than a pass.")
        return ("Give every question a real answer",
                f"“{topic(q)}” was left without an answer. When a question stumps you, take a breath, pick the "
                "nearest experience you have and say how it relates; a short honest answer beats silence.")
    return ("Give every question a real answer",
            f"“{_short(f.evidence, 6)}” doesn't give the interviewer anything to go on about “{topic(q)}”. "
            "Even two or three sentences — what happened, what you did — would give them something to work with.")


def _no_example(f, q: str, ctx) -> tuple[str, str]:
    phrase = (f.facts.get("phrase") or "").strip()
    low = phrase.lower()
    mode = f.facts.get("mode")
    if mode == "no-experience":
        return ("Bring the nearest real example",
                f"You said “{_short(f.evidence, 10)}”, then answered in general. Bring the closest thing you have done — "
                "a class project, a volunteer role, your own money or time — and tell it as one short example.")
    if mode == "plan":
        return ("Back your plan with a time you did it",
                f"Your plan is clear (“{_short(f.evidence, 10)}”). What makes it convincing is proof you work this way: "
                "add one sentence on a time you faced something similar — “When this happened at my last job, I…” — "
                "and how it turned out.")
    if not ctx.story:
        t = good_topic(q)
        return ("Back your approach with one real example",
                f"Your approach{' to ' + t if t else ''} is clear, but it stays general. After outlining it, add one short "
                "example — “Last term, for instance, I…” — so they can see you really work that way.")
    if mode == "no-experience":
        return ("Bring the nearest real example",
                f"You said “{_short(f.evidence, 10)}” and then described what you would do. Interviewers would rather hear "
                "the closest thing you have actually done — a class project, a volunteer role, a part-time job, "
                "something at home — told as one story: what happened, what you did, how it ended.")
    if mode == "would":
        return ("Tell what you did, not what you would do",
                f"You said what you would do (“{phrase}…”), but “{topic(q, 7)}” asks for something that happened. "
                "Pick one real occasion and tell it in the past tense: where you were, what you did, how it ended.")
    if mode == "advice":
        return ("Tell your own story, not advice",
                f"On “{topic(q, 6)}”, “{_short(f.evidence)}” is advice anyone could give. Anchor the answer in one situation you lived — "
                "“Last spring, on my placement, I…” — and let the story show the lesson.")
    return (KINDS["no-example"].title,
            f"On “{topic(q, 6)}”, you described what you {_habit_word(low)} do (“{_short(f.evidence, 8)}”). "
            "Pick one specific time instead: when it was, what you did, and how it turned out.")


def _habit_word(low: str) -> str:
    for w in ("usually", "always", "typically", "generally", "often", "normally", "tend to"):
        if w in low:
            return w
    return "generally"


def _no_result(f, q: str, ctx) -> tuple[str, str]:
    if f.facts.get("plan"):
        return ("Say why, and what it would lead to",
                f"Your plan lists the steps but ends on “{_short(f.evidence)}” without the reason. Add a sentence "
                "on why you would do it this way and what you expect to happen — that is the judgement the "
                "question is asking to see.")
    if f.facts.get("lesson"):
        return ("Say what you took from it",
                f"You tell how it was put right, ending on “{_short(f.evidence)}”, but not what you learned. A question "
                "about a mistake or a setback is asking what you do differently since: add one sentence on the "
                "lesson and one on a time you have used it.")
    t = good_topic(q)
    about = f"Your story about {t}" if t else "Your story"
    return (KINDS["no-result"].title,
            f"{about} stops at “{_short(f.evidence)}”. Add one or two sentences on how it "
            f"ended — what changed, what it led to, or what you'd do again — for example {_example_outcome(q)}.")


def _vague_impact(f, q: str, ctx) -> tuple[str, str]:
    phrase = (f.facts.get("phrase") or "").strip() if f.facts.get("vague") else ""
    lead = (f"You ended on “{phrase}”" if phrase
            else f"Your ending (“{_short(f.evidence, 8)}”) says what happened but not how much it mattered")
    return (KINDS["vague-impact"].title,
            f"{lead}. Show how you know: a number, a before and after, or what someone said — "
            f"something like {_example_outcome(q)}.")


def _ownership(f, q: str, ctx) -> tuple[str, str]:
    if f.facts.get("mode") == "absent":
        return ("Say what you did yourself",
                f"In “{_short(f.evidence)}” others act, or things just get done, and you never appear. Tell it with "
                "you in it — “I checked…, I found…, I changed…” — and give it room: three or four sentences on what "
                "you did and how it ended.")
    if f.facts.get("mode") == "handled":
        return ("Say what you did when it was solved",
                f"The turning point, “{f.facts.get('phrase') or _short(f.evidence, 3)}…”, belongs to the whole group, so the "
                "interviewer can't tell what you did. Keep “we” for the setting, then say your own move at that "
                "moment — “I suggested…, I took on…, I talked to…” — and what it changed.")
    if f.facts.get("mode") == "we":
        we, me = f.facts.get("we", 0), max(0, f.facts.get("me", 0))
        return (KINDS["ownership"].title,
                f"You say “we” or “the team” {we} times and “I” only {me}, so your own part is hard to see. "
                " Keep “we” for the setting, then switch to “I” for the two or three things you did yourself.")
    return ("Say who did it — especially if it was you",
            f"“{_short(f.evidence)}” hides who acted. If it was you, say “I decided…” or “I called…”; if it was "
            "someone else, say so, then say what you did.")


def _too_short(f, q: str, ctx) -> tuple[str, str]:
    n = f.facts.get("words", 0)
    if f.facts.get("plan") and f.facts.get("thin"):
        return ("Give the plan a little more room",
                f"At {n} words the plan is there, but brief. One more sentence on what you'd do if the first step "
                "didn't work, or on what you'd expect to happen, shows the judgement behind it.")
    if f.facts.get("plan"):
        return ("Give the plan room to show your judgement",
                f"At {n} words the interviewer sees a decision but not how you'd get there. Say what you'd do first, "
                "what you'd do if that didn't work, and why that's the right call for everyone involved.")
    if f.facts.get("follow_up"):
        return ("Answer the follow-up in full",
                f"A follow-up asks for the one thing the first answer left out, and at {n} words this reply still "
                "leaves the interviewer guessing. Give them that piece itself in a sentence or two: the occasion, "
                "the number, or what you did yourself.")
    if f.facts.get("named"):
        return ("Show what you weighed",
                f"You say “{f.facts.get('phrase') or _short(f.evidence, 6)}”, but not what was on each side, and that "
                "thinking is what the question wants to see. Name the two or three things you weighed, which one "
                "tipped it, and why.")
    if f.facts.get("thin"):
        return ("Give the story its detail",
                f"At {n} words the story is all there but told in outline. Spend a sentence each on what you weighed, "
                "what you did yourself, and what changed because of it.")
    if ctx.fit:
        need = "why this role appeals to you and one thing you'd bring to it"
    elif ctx.story:
        need = "one specific situation, what you did, and how it turned out"
    else:
        need = "how you'd go about it and one real example"
    if n < 15:
        return ("Give the answer room to show something",
                f"At {n} words, this says very little about “{topic(q, 6)}”. Aim for four to six sentences: {need}.")
    return (KINDS["too-short"].title,
            f"This is a start, but at {n} words the interviewer still has to guess. Add {need}.")


def _too_long(f, q: str, ctx) -> tuple[str, str]:
    if f.facts.get("setup"):
        return ("Get to your part sooner",
                f"Your own actions only start about halfway through; the setup (“{_short(f.evidence, 8)}”) could be one "
                "sentence. Set the scene briefly, then spend most of the time on what you did and how it ended.")
    n = f.facts.get("words", 0)
    minutes = max(2, round(n / 140))
    return (KINDS["too-long"].title,
            f"At about {n} words this would run {minutes} minutes or more out loud. Open with your point in one "
            "sentence, keep to three or four beats, and stop once you've said the result.")


def _hedging(f, q: str, ctx) -> tuple[str, str]:
    phrases = f.facts.get("phrases") or []
    shown = " and ".join(f"“{p}”" for p in phrases[:2]) or "the hedges"
    if f.facts.get("mode") == "chance":
        return ("Say what you'd do if it happens",
                f"You name what {shown} happen, which shows you see the risk. Make sure the plan says what you'd "
                "do if it does: one line is enough, and it turns a worry into a decision.")
    if f.facts.get("soft"):
        return ("Commit to what you'd do",
                f"Saying {shown} leaves the decision a little open. Lead with what you will do "
                "and why, then name the one condition that would change it.")
    if f.facts.get("plan"):
        return ("Commit to what you'd do",
                f"With {shown}, the plan reads as things you might attempt rather than a decision. Say what you will "
                "do — “I'd ask my manager for ten minutes and…” — keep one condition at most, and give your reason.")
    return (KINDS["hedging"].title,
            f"Phrases like {shown} make you sound unsure of your own experience. Say it plainly — "
            "“I did X” rather than “I think I kind of did X” — and let the facts carry the modesty.")


def _filler(f, q: str, ctx) -> tuple[str, str]:
    phrases = f.facts.get("phrases") or []
    shown = ", ".join(f"“{p}”" for p in phrases[:3]) or "crutch words"
    count = f.facts.get("count", 0)
    return (KINDS["filler"].title,
            f"{shown} {'comes' if len(phrases) == 1 else 'come'} up {count} times here; in the room, that's what people remember. Practise the answer "
            "once out loud and pause where you'd reach for one.")


def _off_topic(f, q: str, ctx) -> tuple[str, str]:
    return (KINDS["off-topic"].title,
            f"The question is about “{topic(q, 8)}”, but the answer doesn't get to it. Start by echoing its key words "
            "in your first sentence, then keep every part of the story tied to that.")


def _negative(f, q: str, ctx) -> tuple[str, str]:
    word = f.facts.get("word", "")
    if f.facts.get("plan"):
        return ("Keep the people in the scenario on your side",
                f"“{_short(f.evidence, 10)}” turns the plan against someone you'd still have to work with. "
                "Interviewers look for how you'd keep the relationship: say how you'd raise it calmly and what "
                "you'd do if it still didn't go your way.")
    if f.facts.get("verdict") or not word:
        return (KINDS["negative"].title,
                f"Calling others “{word}” can make the interviewer wonder how you'd talk about them. Describe what "
                "they did in neutral words — what happened, not what they're like — then spend your words on what you did about it.")
    return (KINDS["negative"].title,
            f"The question didn't ask about anyone difficult, so “{_short(f.evidence, 10)}” stands out as criticism. "
            "Leave it out, or keep it to one neutral sentence, and put the spotlight on what you did.")


def _no_job_link(f, q: str, ctx) -> tuple[str, str]:
    terms = f.facts.get("terms") or []
    offered = f.facts.get("offered") or []
    if terms and offered:
        return ("Bridge what you bring to what they ask",
                f"You talk about {' and '.join(offered)}, and the job asks for {terms[0]}. That can still work: say "
                f"what carries over — “I've built this in {offered[0]}; the same thinking applies to {terms[0]}, "
                "and I've started picking it up by…”.")
    if terms:
        quoted = [f"“{t}”" for t in terms]
        named = ", ".join(quoted[:-1]) + (" and " if len(quoted) > 1 else "") + quoted[-1]
        return (KINDS["no-job-link"].title,
                f"The job asks for {named}, and this answer doesn't touch {'it' if len(terms) == 1 else 'them'}. "
                f"Tie one thing you've done to one of those — “At my last job I…, which is the {terms[0]} "
                "side of this role.”")
    if f.facts.get("linked"):
        return (KINDS["no-job-link"].title,
                "You mention the role but not what you'd bring to it. Name one thing from the job and one "
                "experience of yours that matches it.")
    return ("Connect your story to this role",
            f"This tells them about you but not why this job. Finish “{topic(q, 6)}” with one sentence that ties "
            "your background to the role: what draws you to it and what you'd bring on day one.")


def _no_questions(f, q: str, ctx) -> tuple[str, str]:
    final = ctx.round == "final"
    example = ("“What would you want me to have achieved in the first six months?”" if final
               else "“What does a good first three months look like in this role?”")
    if f.facts.get("declined"):
        return (KINDS["no-questions"].title,
                f"“{_short(f.evidence, 8)}” can read as low interest at the point they hand you the floor. Bring two "
                f"questions — one about the work, such as {example}, and one about the team.")
    return ("Turn the floor into a question",
            f"You used the invitation to say more about yourself. Ask something instead — {example} — it shows "
            "you're already picturing yourself in the job.")


def _structure(f, q: str, ctx) -> tuple[str, str]:
    longest = f.facts.get("longest", 0)
    if f.facts.get("mode") == "flip":
        return (KINDS["structure"].title,
                f"The plan says you would {f.facts.get('verb', 'do it')} and then that you would not "
                f"(“{_short(f.evidence, 10)}”). Pick one, say it in the first sentence, then give the reason "
                "and the one condition that would change your mind.")
    if f.facts.get("mode") == "again":
        return (KINDS["structure"].title,
                f"“{_short(f.evidence, 10)}” says again what the plan already said, so it reads as going round in "
                "circles. Say each step once, in order, and use the space for the reason or what you'd do if it "
                "didn't work.")
    if f.facts.get("plan"):
        share = "The whole plan runs" if f.facts.get("whole", True) else "Most of the plan runs"
        return (KINDS["structure"].title,
                f"{share} as one {longest}-word sentence, so the decision gets lost. Open with what "
                "you would do in one short sentence, then the reason, then what you'd do if it didn't work.")
    return (KINDS["structure"].title,
            f"One sentence here runs to {longest} words, which is hard to follow out loud. Open with a one-line "
            "headline, then take the situation, what you did and the result in that order.")


_WRITERS = {
    "no-answer": _no_answer,
    "no-example": _no_example,
    "no-result": _no_result,
    "vague-impact": _vague_impact,
    "ownership": _ownership,
    "too-short": _too_short,
    "too-long": _too_long,
    "hedging": _hedging,
    "filler": _filler,
    "off-topic": _off_topic,
    "negative": _negative,
    "no-job-link": _no_job_link,
    "no-questions": _no_questions,
    "structure": _structure,
}


#: What the follow-up had to draw out, by the gap it filled (see `rules.weigh_drawn_out`).
_DRAWN_OUT = {
    "too-short": ("Lead with the story you told when asked",
                  "the real story only came out when the interviewer asked for more",
                  "open with that occasion — what happened, what you did and how it ended"),
    "no-example": ("Lead with the example you gave when asked",
                   "the real example only came out when the interviewer asked for one",
                   "open with that occasion — when it was, what you did and how it ended"),
    "no-result": ("Finish the story without being asked",
                  "how it ended only came out when the interviewer asked",
                  "end the story yourself with one sentence on how it turned out"),
    "vague-impact": ("Give the measure without being asked",
                     "what changed, in terms anyone could check, only came out when the interviewer asked",
                     "say it as part of the story: the number, or what was different afterwards"),
    "ownership": ("Say your own part the first time",
                  "your own part only came out when the interviewer asked for it",
                  "tell it in “I” from the start: what you decided and did yourself"),
}


def _drawn_out(f) -> tuple[str, str]:
    title, came, instead = _DRAWN_OUT[f.kind]
    return (title,
            f"Your first answer (“{_short(f.evidence, 10)}”) left a gap, and {came}. In an interview a follow-up is "
            f"a second chance, not a given: {instead}, so the follow-up can go deeper instead of catching up.")


def word(finding, question: str, ctx) -> tuple[str, str]:
    """(title, tip) for a finding about an answer to ``question``; ``ctx`` is the QuestionInfo plus round."""
    if finding.facts.get("drawn_out") and finding.kind in _DRAWN_OUT:
        title, tip = _drawn_out(finding)
    else:
        title, tip = _WRITERS[finding.kind](finding, question, ctx)
    return title[:160], tip


def polish(question: str, kind: str, evidence: str, mode: str = "headline") -> tuple[str, str]:
    """Wording for the next step on an answer where no rule fired (never praise, just what's next)."""
    t = good_topic(question, 6)
    on = f" on {t}" if t else ""
    if kind == "vague-impact":
        return ("Put a number on the result",
                f"Your story holds together. To make it stick, give the result a scale — {_example_outcome(question)}.")
    if kind == "no-example":
        return ("Back your approach with one real example",
                f"You describe how you work{on} (“{_short(evidence, 8)}”), but not a time you did it. Add one short "
                "example — “Last term, for instance, I…” — with what happened and how it turned out.")
    if mode == "fit":
        return ("Open with the reason that matters most",
                f"Start with your strongest reason in one sentence — what about this role fits what you've done — "
                f"then back it with one example (you began with “{_short(evidence, 8)}”).")
    if mode == "closing":
        return ("Lead with your best question",
                "Ask the question you most want answered first, in one sentence, and keep a second one ready "
                "about the team or the first months in the role.")
    return ("Lead with a one-line headline",
            f"Open with the answer in one sentence before the detail{on}: say what happened "
            f"and how it ended first, then walk through it (you began with “{_short(evidence, 8)}”).")
