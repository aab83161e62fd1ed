"""What a question asks for: a story, a plan, the candidate's fit, or their questions.

Read from the question's type when the bank gives one and from its wording
otherwise; the rules and the ranking judge an answer against this.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from coach.engine import AnswerItem
from coach.engine.offline.lexicon import STOPWORDS, words_re
from coach.engine.offline.text import WORD_RE, stem, strip_controls

#: Words that say what kind of answer is wanted, not what it is about.
QUESTION_BOILERPLATE = frozenset(
    """tell describe share give example time times situation experience instance moment story
    account walk through recall talk explain discuss provide specific particular detailed narrate
    can could would please us me handled handle faced face approach process steps took took
    occasion ever recent recently think kind type best describe perhaps including
    project projects proud achievement accomplishment success successful challenge challenging work job""".split()
)

CLOSING_Q = words_re(
    r"questions? for (?:us|me|the team)", r"anything (?:you'd|you would|you want to|to) ask",
    r"do you have any questions", r"what questions do you have", r"anything you'd like to know",
    r"anything else you'd like to know", r"anything you want to know",
    r"any questions (?:about|before)",
)
FIT_Q = words_re(
    r"why (?:do|would) you want", r"why are you interested", r"why (?:this|our) (?:role|job|company|position|team)",
    r"why (?:us|here)", r"why should we hire", r"why did you apply", r"what (?:interests|attracts|draws|excites) you",
    r"tell me about yourself", r"walk me through your (?:cv|resume|résumé|background)",
    r"what do you know about (?:us|our|the company|this company)", r"why are you (?:leaving|looking)",
    r"makes? you a (?:good |great |strong )?fit", r"a good fit", r"what are you looking for",
    r"interest(?:ed)? in (?:this|the) (?:role|job|position)", r"what would you bring",
    r"introduce yourself",
)
STORY_Q = words_re(
    r"tell me about a time", r"tell us about a time", r"describe a (?:time|situation|moment|occasion|challenge|project|experience|setback|conflict|mistake|decision)",
    r"give (?:me |us )?an example", r"specific example", r"an example of", r"share (?:an|a|one) (?:experience|instance|moment|story|time|example|situation|occasion)",
    r"a time (?:when|you|that|where)", r"have you ever", r"recall a", r"an instance", r"a story",
    r"an account of", r"talk about a time", r"walk me through a (?:time|situation|project)",
    r"describe a \w+ (?:experience|situation|time|moment)", r"a situation (?:where|when|in which)",
    r"an experience (?:where|when|that)", r"a moment when", r"examples from your",
    r"providing examples", r"share a \w+ (?:story|experience|moment)", r"tell me about (?:a|the) (?:project|challenge|conflict|mistake|decision|setback)",
    r"discuss a situation", r"an anecdote", r"provide an instance", r"(?:an|one) instance",
    r"an occasion", r"a case where",
    # "Recount a time at work…", "Narrate an experience with…", "Think back to a time…",
    # "Describe an impactful team project…": the same request for one past situation.
    r"recount (?:a|an|one)", r"narrate (?:a|an|one)", r"think back", r"a time at", r"an experience with",
    r"describe (?:a|an) \w+ (?:\w+ )?(?:project|experience|situation|time|moment|challenge|decision|mistake)",
    r"personal experiences?", r"a scenario (?:where|when|in which|that)",
    # "…including examples of how you've done this", "share strategies or experiences that
    # have helped you", "perhaps sharing a personal story": asked for alongside an approach,
    # an example from the past is still what the answer is judged on.
    r"(?:an|one|some|specific|relevant|concrete|real) (?:\w+ )?examples?", r"examples (?:of|from)",
    r"experiences? (?:that|where|when|which|you've|you have)", r"(?:a|an) (?:\w+ )?instance",
    r"(?:a|one) (?:personal |real |true )?story",
)
SITUATIONAL_Q = words_re(
    r"what would you do", r"how would you (?:handle|approach|respond|deal|react|manage|prioriti[sz]e)",
    r"imagine", r"suppose", r"if you (?:were|had|found|discovered|noticed)", r"let's say",
    # "Would you find this enjoyable?", "How do you feel about this situation?": a reaction to a scenario.
    r"would you (?:find|enjoy|like|prefer|feel|be|choose|volunteer|go|accept|take|say|tell)",
    r"how (?:do|would) you feel about (?:this|that|the) (?:situation|scenario|decision|news|change|feedback)",
    r"how would you", r"what would you",
)


@dataclass
class QuestionInfo:
    """What the question asks for, read from its type and its wording."""

    text: str
    closing: bool
    fit: bool
    story: bool
    situational: bool
    stems: frozenset[str]

    @cached_property
    def lower(self) -> str:
        """The question lower-cased, once per answer (several rules match their patterns on it)."""
        return self.text.lower()

    @classmethod
    def read(cls, item: AnswerItem) -> QuestionInfo:
        """The question of ``item``, read once per answer (the rules and the ranking share it)."""
        q = strip_controls(item.question or "")[:2000]
        qtype = (item.type or "").lower()
        ql = q.lower()
        closing = qtype == "closing" or bool(CLOSING_Q.search(ql))
        fit = not closing and (qtype == "motivational" or bool(FIT_Q.search(ql)))
        asks_story = bool(STORY_Q.search(ql))
        # "What would you bring to this role?" asks about fit, not for a plan in a scenario.
        situational = qtype == "situational" or (not asks_story and not fit and bool(SITUATIONAL_Q.search(ql)))
        story = not closing and not situational and (qtype == "behavioral" or asks_story)
        stems = frozenset(
            stem(w)
            for w in WORD_RE.findall(ql)
            if len(w) > 2 and w not in STOPWORDS and w not in QUESTION_BOILERPLATE
        )
        return cls(q, closing, fit, story, situational, stems)
