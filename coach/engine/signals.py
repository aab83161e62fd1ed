"""Reading an answer: cleaning, tokens, sentences and the lexicons rules use.

Everything here is plain `re` and `str` work with linear-time patterns (no
nested quantifiers, alternations of literals only), so a pathological or huge
answer costs time proportional to its length. Work beyond `ANALYSIS_CHARS` is
not read: a spoken answer never needs more, and a 1 MB paste must stay cheap.

Evidence rule: rules look at the *cleaned* answer (control characters
removed); `Text.verbatim` maps a cleaned span back to the original so that
evidence is a slice of what the candidate typed whenever possible (always,
unless a control character sat inside the quoted span, in which case the
longest clean run of it is quoted instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

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
SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")


def strip_controls(text: str) -> str:
    """The answer without control characters (kept: newline and tab)."""
    return text.translate(_CONTROL_TABLE)


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
        # A control character sat inside the span: quote the longest clean run.
        best = max(re.split(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]", quote), key=len)
        best = best.strip()
        return best if best in self.original else ""

    def said(self, m: re.Match) -> str:
        """The words of a match on ``lower`` as the candidate typed them."""
        return self.clean[m.start() : m.end()]

    def sentence_quote(self, pos: int) -> str:
        """Evidence: the sentence around ``pos``, verbatim."""
        return self.verbatim(*self.sentence_at(pos))


def words_re(*phrases: str) -> re.Pattern[str]:
    """A pattern matching any of the phrases as whole words in lower-cased text (`Text.lower`).

    Phrases are literal text with optional ``\\w*`` style fragments; longer
    phrases go first so the most specific wins at a position.
    """
    ordered = sorted((p.lower() for p in phrases), key=len, reverse=True)
    # Matched against the lower-cased text: far faster than re.IGNORECASE.
    return re.compile(r"\b(?:" + "|".join(ordered) + r")\b")


# ------------------------------------------------------------------ lexicons

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not of off on once only or other our ours ourselves out over own
    same she should so some such than that the their theirs them themselves then there these they
    this those through to too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves i'm i've i'd i'll it's don't didn't
    we're they're that's there's can't won't wasn't weren't also get got really much many well
    one two lot things thing something anything way make made like""".split()
)

#: Words that say what kind of answer is wanted, not what it is about.
QUESTION_BOILERPLATE = frozenset(
    """tell describe share give example time times situation experience instance moment story
    account walk through recall talk explain discuss provide specific particular detailed narrate
    can could would please us me handled handle faced face approach process steps took took
    occasion ever recent recently think kind type best describe perhaps including
    project projects proud achievement accomplishment success successful challenge challenging work job""".split()
)

#: Very common English words; a text with none of them is rarely English prose.
ENGLISH_FUNCTION = frozenset(
    """the a an and or but to of in on at for with is are was were be been it i you we they he she
    my our your this that not have has had do did so as by from if when what which who""".split()
)

#: Frequent function words of other Latin-script languages (for the gentle non-English note).
FOREIGN_FUNCTION = frozenset(
    """el la los las de que y en por para con una un es del se lo como pero más muy
    le les et est une des du pour dans avec pas qui sur au ce sont je nous vous
    der die das und ist nicht ich wir sie mit auf den dem zu ein eine auch es
    il di che non per sono una gli della anche questo
    os uma não com mais mas foi ser está
    het een van ik niet zijn met voor op""".split()
) - ENGLISH_FUNCTION

IRREGULAR_PAST = frozenset(
    """was were had did went made took told said got saw found came became began led ran wrote
    built gave felt thought knew brought bought kept left lost met paid put sent set spent stood
    taught understood won chose spoke heard held grew drew drove fell fought forgot caught sought
    meant rose sat slept split spread struck swore threw woke wore withdrew overcame undertook
    oversaw rebuilt rewrote""".split()
)
NOT_PAST_ED = frozenset(
    """need feed seed speed indeed proceed succeed exceed bed red shed bleed breed greed weed
    interested based related detailed experienced skilled organized motivated dedicated
    talented qualified required supposed advanced""".split()
)

TIME_MARKERS = words_re(
    r"last (?:year|month|week|summer|semester|spring|fall|autumn|winter|quarter|term)",
    r"(?:\d+|a few|a couple of|two|three|four|five|six|several) (?:years?|months?|weeks?|days?) ago",
    r"in (?:19|20)\d\d",
    r"when I was",
    r"when I worked",
    r"at my (?:last|previous|old|first|current|summer|part-time|former) (?:job|role|internship|company|position|workplace|employer)",
    r"during (?:my|an|a|the|our) \w+",
    r"one (?:time|day|semester|summer|evening|morning|week)",
    r"once,? when",
    r"back in",
    r"in my (?:first|second|third|final|last|previous|junior|senior|sophomore|freshman) (?:year|job|role|semester|internship)",
    r"my (?:internship|job|time) at",
    r"while (?:working|I was|interning|studying)",
    r"at the time",
    r"that (?:year|semester|summer|week|day)",
    r"for example,? (?:when|last|at|in)",
    r"there was a time",
    r"an instance",
    r"a time when",
)

HYPOTHETICAL_MARKERS = words_re(r"I would(?! say| have)", r"I'd(?! say)", r"I will", r"I'll", r"I could")
ADVICE_MARKERS = words_re(
    r"you (?:should|need to|have to|must|want to|can)", r"(?:it is|it's) (?:important|essential|key|crucial|vital|best|good) to",
    r"the best way", r"one should", r"people should",
)
GENERIC_MARKERS = words_re(
    r"I (?:usually|always|typically|generally|often|normally|tend to|try to|like to|prefer to|make sure|would(?! say| have)|will)",
    r"I'd(?! say)",
    r"I'll",
    r"you (?:should|need to|have to|must|want to|can)",
    r"(?:it is|it's) (?:important|essential|key|crucial|vital|best|good) to",
    r"whenever",
    r"in general",
    r"generally",
    r"typically",
    r"usually",
    r"my approach is",
    r"the best way",
    r"one should",
    r"people should",
    r"I believe (?:that )?(?:it|you|a|the|communication|teamwork)",
    r"if (?:I|you) (?:am|are|were|was|have|had|get|feel|see|need|notice)",
)

#: Adverbs that make a first-person clause a habit ("I always kept", "I usually call").
HABIT_ADVERBS = frozenset("always usually typically generally often normally sometimes frequently regularly constantly never".split())
#: Words that may sit between "I" and its verb without changing the tense.
CLAUSE_SKIP = frozenset(
    """also just then first really still even actually quickly immediately finally eventually later soon
    kind sort of kinda sorta maybe probably basically literally um uh uhm erm like personally myself""".split()
)
#: After "I", these are opinions or states, not things the candidate does or did.
NEUTRAL_AFTER_I = frozenset(
    """think believe feel felt thought know knew guess mean hope am was were have has 've i'm i've i'd i'll
    wish wonder suppose realize realise realized realised learned learnt want wanted""".split()
)
#: Modals that make a first-person clause hypothetical, a plan or a habit ("I would", "I will", "I can").
HABIT_MODALS = frozenset("would will can could should must might 'll 'd".split())
#: Habit words that need no "I": "whenever it happens", "every time a customer…".
HABIT_WORDS = words_re(r"whenever", r"every time", r"each time", r"any time", r"on a daily basis", r"every day")
#: "I don't have experience with X", "I have never led a team": the candidate says the story doesn't exist.
NO_EXPERIENCE = words_re(
    r"I (?:don't|do not|didn't|did not) (?:really )?(?:have|get|got) (?:any |much |an |a |the )?(?:real |direct |professional |prior |formal |work )?(?:experience|chance|opportunity)",
    r"I (?:haven't|have not|have never|'ve never|never) (?:really |actually )?(?:had|been in|managed|led|worked|dealt|handled|faced|done|experienced|presented|run|budgeted|supervised|had the chance)",
    r"no (?:real |direct |professional |prior |formal |work )?experience (?:with|in|of|doing)",
    r"never had (?:a|the) (?:chance|opportunity)",
)

OUTCOME_MARKERS = words_re(
    # How the candidate felt or coped afterwards: an ending, if only an evaluation.
    r"got used to", r"felt (?:much |a lot |far |way )?(?:more )?(?:comfortable|confident|proud|relaxed|prepared|capable|at ease)",
    r"(?:was|were|got) (?:solved|resolved|fixed|settled|cleared up)",
    r"(?:was|were) glad", r"stuck with it", r"by the (?:end of|next|following|time)", r"(?:earlier|sooner|later) than (?:planned|expected|scheduled|usual)",
    r"as a result", r"in the end", r"at the end", r"ended up", r"end result", r"the result",
    r"resulted", r"outcome", r"because of (?:this|that)", r"thanks to",
    r"which (?:led|meant|helped|saved|cut|increased|reduced|improved|allowed|made)",
    r"(?:I|we|they|he|she) (?:finished|delivered|launched|shipped|won|hit|met|reached|completed|passed|achieved|resolved|solved|fixed|managed to|were able|was able|got|earned|received|agreed|closed)",
    r"learn(?:ed|t)", r"taught me", r"lesson", r"takeaway", r"since then", r"from then on",
    r"now (?:I|we|the|it|they)",
    r"successful(?:ly)?", r"succeeded", r"worked out", r"went (?:well|smoothly|great|fine)",
    r"paid off", r"improved", r"increased", r"reduced", r"decreased", r"saved", r"grew", r"doubled",
    r"tripled", r"promoted", r"praised", r"thanked", r"appreciated", r"positive feedback",
    r"on time", r"ahead of schedule", r"(?:was|were|felt) (?:happy|pleased|satisfied|relieved|grateful)",
    r"turned out", r"it worked", r"no longer", r"got better", r"made a difference", r"was okay",
    r"was fine", r"it helped", r"helped (?:us|them|me|the)", r"realized", r"realised",
    # Change verbs and comparatives: how things were different afterwards.
    r"dropped", r"fell", r"rose", r"went (?:up|down|from)", r"freed", r"cleared", r"halved", r"stopped",
    r"disappeared", r"signed", r"renewed", r"adopted", r"kept using", r"still use", r"still uses",
    r"(?:much |a lot |way )?(?:better|faster|easier|shorter|quicker|smoother|fewer|higher|lower|calmer)",
    r"led to", r"leading to", r"allowed (?:us|me|them|her|him|everyone) to", r"ultimately",
    r"now", r"since then", r"ever since", r"since(?=\s*[.!,])", r"no more", r"got (?:an?|the) (?:A|offer|job|contract|grade|award)",
)

SCALE_MARKERS = words_re(
    r"\d[\d,.]*", r"percent", r"half", r"double[d]?", r"triple[d]?", r"twice",
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozen|dozens|million",
    r"from \w+ to \w+", r"down from", r"up from", r"instead of", r"compared to", r"fewer",
    r"more than", r"less than", r"within (?:a|an|one|two|three) (?:day|week|hour|month)s?",
    r"every (?:week|day|month)", r"a week early", r"days early", r"ahead of schedule",
    r"record", r"top \w+", r"first place", r"award", r"promoted", r"zero",
    r"(?:a|an|one|\w+) (?:days?|weeks?|months?) (?:early|earlier|ahead|sooner)", r"(?:first|second|third|next) (?:day|week|month|shift|review)",
)

VAGUE_OUTCOME = words_re(
    r"went (?:well|smoothly|great|fine|good)", r"it worked", r"worked out(?: well| great| fine)?",
    r"(?:was|were) (?:a )?success(?:ful)?", r"everyone was (?:happy|pleased|satisfied)",
    r"turned out (?:well|great|fine|good|okay)", r"it helped", r"good (?:result|outcome)s?",
    r"positive (?:result|outcome|impact)s?", r"made a (?:big )?difference", r"was (?:okay|ok|fine)",
    r"things got better", r"(?:went|got|were|was|is) (?:much |a lot |a bit |way )?better", r"improved (?:a lot|things|greatly|significantly|overall)",
    r"(?:a )?valuable lesson", r"learned a lot", r"learnt a lot", r"a lot better",
    r"was happy with", r"were happy with", r"all was well", r"it was great",
    # Evaluations of oneself that stand in for a result ("I felt much more comfortable").
    r"got used to", r"felt (?:much |a lot |far |way )?(?:more )?(?:comfortable|confident|proud|relaxed|prepared|capable|at ease)",
    r"(?:was|were) glad", r"stuck with it", r"(?:I|we) (?:was|were) able to (?:do it|manage|get through|handle it|finish|complete)",
    r"managed it", r"got through it", r"good for me", r"felt (?:really |very |so )?(?:proud|good|great|accomplished)",
    r"(?:was|were) (?:a )?(?:huge|big|great) success",
)

WE_RE = words_re(r"we", r"we're", r"we've", r"we'd", r"our", r"ours", r"us", r"the team", r"my team", r"the group", r"our group", r"together", r"everyone")
I_RE = words_re(r"I", r"I'm", r"I've", r"I'd", r"I'll", r"my", r"me", r"myself")
I_THINK_RE = words_re(r"I think", r"I guess", r"I feel", r"I believe", r"I mean", r"I'm not sure", r"I would say", r"I'd say")
PASSIVE_RE = re.compile(
    r"\b(?:was|were|got|been|being|is|are) (?:\w+ly )?(?:[a-z]{3,}ed|made|done|given|taken|told|sent|"
    r"chosen|built|written|found|brought|held|put|paid|seen|known|called|decided|handled|"
    r"determined|agreed|assigned|resolved|fixed|solved)\b(?! to\b)",
)
PASSIVE_EXCEPT = words_re(
    r"was (?:interested|excited|surprised|worried|scared|tired|stressed|overwhelmed|frustrated|"
    r"concerned|pleased|satisfied|prepared|supposed|used|involved|based|located|married|asked|"
    r"tasked|hired|promoted|confused|impressed|motivated|exhausted|determined|committed|"
    r"embarrassed|disappointed|excited|relieved|amazed|shocked|inspired|required|expected|"
    r"allowed|needed|named|called|assigned|placed|paired|selected|chosen|given|told)",
    r"were (?:interested|excited|surprised|worried|supposed|used|involved|based|asked|tasked|"
    r"required|expected|allowed|assigned|paired|given|told|disappointed|frustrated|stressed)",
    r"(?:is|are) (?:interested|excited|based|located|used|supposed|required|expected|called|needed|involved)",
    r"got (?:married|promoted|hired|fired|tired|frustrated|stressed|overwhelmed|used|involved|excited)",
)

#: "I think" qualifies a claim ("I think I did well"); "I think of/about/back…" is thinking, not hedging.
_I_THINK = r"I think(?! of| about| back| through| ahead| over| it through| carefully| critically)"
HEDGES = words_re(
    r"I think maybe", _I_THINK, r"maybe", r"kind of", r"kinda", r"sort of", r"sorta", r"I guess",
    r"I'm not sure", r"I am not sure", r"not sure (?:if|whether|but|how|that)", r"probably", r"I feel like", r"somewhat",
    r"a little bit", r"I suppose", r"hopefully", r"perhaps", r"I might", r"might have", r"possibly",
    r"I hope", r"not really", r"I'm not an expert", r"if that makes sense", r"I don't know if",
    r"or something", r"more or less", r"I would say", r"I'd say", r"it seems", r"I believe",
)
#: Hedges that undermine on their own (the rest only count in number).
STRONG_HEDGES = words_re(
    r"I think maybe", r"I guess", r"I'm not sure", r"I am not sure", r"I don't know if",
    r"kind of", r"kinda", r"sort of", r"sorta", r"maybe", r"probably", r"not sure (?:if|whether|but|how|that)", r"I suppose", r"I might", r"if that makes sense",
    r"I'm not an expert", r"or something", r"more or less",
)

#: The word before a hit that makes it ordinary language, not a hedge or a filler: "the kind of
#: person", "I like, …" (a verb), "as you know", "what I mean". Checked in Python after the match
#: (a lookbehind inside the alternation would run at every position and slow every answer down).
NOT_AFTER: dict[str, frozenset[str]] = {
    "kind of": frozenset("the a an what this that any which same one every some no right new different".split()),
    "sort of": frozenset("the a an what this that any which same one every some no right new different".split()),
    "like": frozenset("i to would you they we people really 'd i'd we'd was is were be looks look feel felt".split()),
    "you know": frozenset("as if do did let".split()),
    "i mean": frozenset(["what"]),
    "was like": frozenset(["what", "it"]),
}


def ordinary_use(lower: str, m: re.Match) -> bool:
    """True when the word before the match shows it is ordinary language (see `NOT_AFTER`)."""
    key = m.group()
    if key not in NOT_AFTER:
        key = key.split(" ", 1)[-1] if key.startswith(("i ", "he ", "she ", "they ", "we ")) and key.endswith("like") else key
        if key not in NOT_AFTER:
            return False
    start = m.start()
    if start == 0:
        return False
    head = lower[max(0, start - 12) : start].rstrip()
    prev = head.rsplit(None, 1)[-1] if head and lower[start - 1] == " " else ""
    return prev in NOT_AFTER[key]


FILLERS = words_re(
    r"um+", r"uh+", r"uhm", r"erm", r"er", r"hmm+", r"like(?=,)", r"(?<=, )like(?=,| um| uh| you know| literally| really| super| totally)",
    r"(?:I|he|she|they|we) (?:was|were|is|'s) like(?=,| \"| “| okay| ok| oh| what| no| yes| yeah| wow| um)",
    r"like literally", r"like really", r"like super", r"like totally", r"basically",
    r"you know(?! the| how| what| that| when| where| who| whether| if| your| about| it| them| him| her| this| more| why| which)",
    r"literally", r"actually", r"honestly", r"I mean(?! to| that| it| by)", r"so yeah", r"yeah so",
    r"and stuff", r"or whatever", r"stuff like that", r"right(?=\?)", r"okay so", r"ok so", r"like so",
    r"anyways", r"anyway", r"totally", r"super",
)

#: Verdicts on people or an employer: character and competence judgements and blame. A
#: recruiter hears these as the candidate running others down, whatever the question asked.
JUDGEMENT_WORDS = words_re(
    r"lazy", r"incompetent", r"useless", r"stupid", r"idiots?", r"terrible", r"awful", r"toxic",
    r"clueless", r"horrible", r"didn't care", r"did not care", r"couldn't be bothered",
    r"their fault", r"his fault", r"her fault", r"not my fault", r"wasn't my fault",
    r"dumb", r"pathetic", r"no idea what (?:he|she|they) (?:was|were) doing", r"selfish", r"arrogant",
    r"disorganized mess", r"total mess", r"bad manager", r"bad boss", r"a joke", r"slackers?", r"freeloaders?",
    r"never did (?:his|her|their) (?:part|share|work)", r"dead weight", r"a bully", r"hopeless",
)
#: Words that describe a hard situation or someone's behaviour ("he was rude", "she refused to").
#: Expected when the question asks about a difficult person or a conflict; critical otherwise.
DESCRIBING_WORDS = words_re(
    r"never listened", r"did nothing", r"refused to", r"rude", r"annoying", r"micromanag\w*", r"worst",
    r"hated", r"blamed", r"ridiculous", r"unprofessional", r"drove me crazy", r"couldn't stand", r"can't stand",
)
OTHERS_RE = words_re(
    r"he", r"she", r"they", r"them", r"his", r"her", r"their", r"boss", r"manager", r"managers", r"coworkers?",
    r"co-workers?", r"colleagues?", r"teammates?", r"team members?", r"group members?", r"employer",
    r"company", r"management", r"professor", r"supervisor", r"client", r"customer", r"people",
    r"guy", r"guys", r"girl", r"man", r"woman", r"person", r"who", r"staff", r"department", r"volunteers?",
    r"developers?", r"engineers?", r"lecturers?", r"teachers?", r"tutors?", r"classmates?", r"partners?",
    r"landlord", r"leadership", r"directors?", r"the team", r"my team", r"our team", r"the group", r"the other team",
    r"everyone", r"nobody", r"the office", r"the school", r"the university", r"the business",
)
#: Who the nearest subject is: the candidate ("I was useless at Excel") or someone else.
SELF_RE = words_re(r"I", r"I'm", r"I was", r"me", r"myself")
#: Questions that ask the candidate to describe a difficult person, a conflict or a complaint.
INVITES_DIFFICULT_Q = words_re(
    r"difficult", r"challeng\w*", r"ethic\w*", r"dilemma", r"unfair", r"wrongdoing",
    r"rude", r"angry", r"upset", r"irate", r"unhappy", r"frustrated", r"demanding", r"conflict", r"disagree\w*",
    r"clash\w*", r"tension", r"complain\w*", r"didn't pull", r"not pulling", r"underperform\w*",
    r"hard to work with", r"criticism", r"critici[sz]ed", r"push ?back", r"pushed back", r"dispute",
)

#: Interview topics and the everyday words people use for them (prefixes), so that an
#: answer about "arguing" counts as being about the question's "conflict".
CONCEPTS: tuple[tuple[str, ...], ...] = (
    ("conflict", "disagree", "argu", "tension", "clash", "dispute", "fight", "friction"),
    ("colleague", "coworker", "co-worker", "teammate", "peer", "junior", "staff", "mentee", "new hire", "new starter"),
    ("grow", "develop", "improv", "learn", "confiden", "mentor", "coach", "progress"),
    ("customer", "client", "guest", "patient", "user", "caller", "shopper", "buyer"),
    ("deadline", "pressure", "rush", "urgent", "due", "timeline", "late", "days", "hours", "week"),
    ("budget", "money", "cost", "spend", "expens", "saving", "pound", "dollar", "price", "fund"),
    ("lead", "captain", "manag", "organis", "organiz", "coordinat", "supervis", "in charge", "ran "),
    ("data", "number", "report", "dashboard", "analys", "analyz", "spreadsheet", "metric", "statistic", "figures"),
    ("feedback", "critic", "review", "comment", "told me"),
    ("mistake", "error", "wrong", "fail", "slip", "oversight"),
    ("change", "adapt", "switch", "transition", "new "),
    ("persuad", "convinc", "agree", "pitch", "win over", "buy-in", "influenc"),
    ("learn", "skill", "course", "tutorial", "study", "train", "practis", "practic"),
    ("priorit", "juggl", "multiple", "several", "competing", "list", "urgent"),
    ("stakeholder", "manager", "director", "client", "head of", "sponsor", "owner"),
    ("problem", "issue", "challeng", "fix", "solv", "bug", "broke", "difficult"),
    ("team", "group", "together", "colleague", "crew", "squad"),
    ("decision", "decid", "choice", "chose", "choose", "judgement", "judgment"),
    ("quality", "standard", "accura", "check", "detail", "error"),
    ("communic", "explain", "talk", "email", "meeting", "present", "conversation", "message"),
    ("stress", "overwhelm", "pressure", "anxi", "calm", "busy", "burnout"),
    ("ethic", "integrity", "honest", "right thing", "report", "rules", "policy"),
    ("empath", "feel", "understand", "listen", "support", "care", "compassion"),
    ("creativ", "idea", "innovat", "novel", "imagin", "invent"),
    ("initiativ", "suggest", "offer", "propos", "volunteer", "took it upon"),
    ("goal", "target", "objective", "aim", "achiev"),
    ("setback", "obstacle", "fail", "problem", "went wrong", "hurdle"),
    ("delegat", "assign", "hand off", "divide", "split", "who does what"),
    ("process", "step", "system", "workflow", "procedure", "routine"),
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
)
SITUATIONAL_Q = words_re(
    r"what would you do", r"how would you (?:handle|approach|respond|deal|react|manage|prioriti[sz]e)",
    r"imagine", r"suppose", r"if you (?:were|had|found|discovered|noticed)", r"let's say",
)

QUESTION_ASKED = words_re(
    r"I'd (?:like|love) to (?:know|hear|ask|understand|learn)", r"I would (?:like|love) to (?:know|hear|ask|understand|learn)",
    r"I was wondering", r"I wonder", r"I'm curious", r"I am curious", r"curious (?:about|to|how|what|whether)",
    r"could you (?:tell|share|walk|explain|describe)", r"can you (?:tell|share|walk|explain|describe)",
    r"what (?:is|are|does|do|would|will|kind|sort|type)", r"how (?:do|does|is|are|would|will|soon|long|many|much)",
    r"is there", r"are there", r"who (?:is|are|would|will)", r"where do", r"when do", r"when will",
)
DECLINE_Q = words_re(
    r"no", r"nope", r"nah", r"none", r"not really", r"no questions", r"I'm good", r"I am good",
    r"you covered (?:it|everything)", r"I think you covered", r"that's all", r"nothing",
    r"not at the moment", r"not right now", r"I don't have any", r"I do not have any",
)

JUNK_ANSWERS = frozenset(
    """idk dunno pass skip n/a na none nothing test testing asdf qwerty lorem ipsum ? ... - x
    no yes ok okay blah tbd todo""".split()
) | {"i don't know", "i dont know", "no idea", "not sure", "no comment", "skip this", "next question",
     "lorem ipsum", "test test", "i have no idea", "don't know", "dont know", "no answer", "pass."}

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "software-engineer": ("software", "engineer", "engineering", "code", "coding", "developer", "programming", "systems"),
    "product-manager": ("product", "roadmap", "users", "customers", "manager", "features"),
    "data-analyst": ("data", "analyst", "analysis", "analytics", "sql", "dashboards", "insights"),
    "customer-support": ("customer", "customers", "support", "service", "clients", "help"),
    "sales": ("sales", "selling", "clients", "customers", "deals", "revenue"),
}
JOB_LINK = words_re(
    r"this (?:role|position|job|opportunity|team|company|organi[sz]ation|industry|field)",
    r"your (?:company|team|organi[sz]ation|mission|product|products|customers|clients|work|values|culture|platform|service)",
    r"the (?:role|position|job|posting|job description|company|opportunity)", r"you (?:do|build|make|offer|serve)",
    r"(?:here|join|joining|work for|working for|apply|applied|applying)",
)
JOB_BOILERPLATE = frozenset(
    """experience experiences team teams work working role position job ability able strong skills skill years
    year including include responsibilities responsibility requirements required requirement will looking join
    candidate candidates ideal opportunity company our us we you your plus preferred must excellent good great
    knowledge understanding within across across using use ensure help support new based etc degree related
    field fast paced environment who what apply applicant benefits salary offer offers day days week per
    minimum least proven demonstrated track record level senior junior mid communication written verbal""".split()
)


# ------------------------------------------------------------ job descriptions
#
# Shared with coach.real (the real-interview fit debrief), so the offline engine's
# no-job-link pointer and the fit debrief name the same requirements.

JOB_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9+#/.'-]*[A-Za-z0-9+#]|[A-Za-z]")
_BULLET_RE = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+")
_JOB_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_SPLIT_RE = re.compile(
    r"[,;:()]|\b(?:and|or|with|of|in|for|to|on|using|including|such as|e\.g\.|like|against|from|into|via|by|at|as)\b",
    re.IGNORECASE,
)

#: Words that say nothing about what a job needs; they never become key terms.
JOB_STOPWORDS = frozenset(
    """
    a an the and or with of in for to on at by from as is are be been being you your yours
    we our us they their it its this that these those who what which will would can could
    should must may might able ability abilities strong excellent good great solid proven
    demonstrated track record experience experienced years year yrs plus knowledge
    understanding familiarity familiar skills skill working work works role roles team teams
    including such e.g etc ideally preferably preferred nice have has having required
    requirements responsibilities qualifications desirable essential bonus
    all any other new well both across within using use based level high highly key
    environment related relevant equivalent similar hands-on hands comfortable passion
    passionate love looking join help helping ensure make making get building day
    ambitious motivated self-starter fast-paced dynamic opportunity company candidate
    person people someone somebody ideal also into about more most least very up out every date
    """.split()
)

#: Duty verbs a job ad opens a requirement with ("build dashboards", "write SQL"): the
#: requirement is what follows them. Base forms only: "running A/B tests" names a practice.
_DUTY_VERBS = frozenset(
    """build write run present create design develop manage lead own drive deliver analyse analyze
    maintain support partner collaborate communicate report track define conduct perform prepare
    produce apply implement coordinate handle answer resolve troubleshoot escalate keep
    monitor review plan test deploy train mentor sell negotiate research operate ship explain improve
    take talk work need needs require requires want wants expect use using know""".split()
)

_JOB_SUFFIXES = ("ments", "ment", "ings", "ing", "ions", "ion", "ers", "er", "ed", "es", "s")


def job_stem(word: str) -> str:
    """A crude stem so "stakeholders" meets "stakeholder" and "managed" meets "management".

    At most one suffix comes off and the stem keeps most of the word, so
    "experiments" never shrinks far enough to match "experience".
    """
    w = word.lower()
    if word[:1].isupper() and len(word) > 1:
        # A name ("Looker", "Python") or an acronym ("SQL"): match it whole,
        # or "looker" would meet "looking".
        return w[:-1] if len(w) > 3 and w.endswith("s") and not word.isupper() else w
    floor = max(3, len(w) - 4)
    for suffix in _JOB_SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= floor:
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    return w


def has_word(text_lower: str, word: str) -> bool:
    """Whether lower-cased text holds ``word`` (loosely stemmed; names and acronyms whole)."""
    stem = job_stem(word)
    pattern = r"(?<![a-z0-9])" + re.escape(stem)
    if word[:1].isupper() and len(word) > 1:
        pattern += r"(?:s|'s|’s)?(?![a-z0-9])"
    return re.search(pattern, text_lower) is not None


def _is_title(line: str) -> bool:
    """A job title line ("Data Analyst, Retail Insights", "Support Specialist (SaaS platform)").

    Short, not opening with a duty verb, and it opens with capitalised words: a name for the role, not a requirement.
    """
    words = [w for w in JOB_WORD_RE.findall(line) if w.lower() not in JOB_STOPWORDS]
    return (0 < len(words) <= 8 and all(w[0].isupper() for w in words[:2])
            and words[0].lower() not in _DUTY_VERBS)


def _requirement_lines(job: str) -> list[str]:
    """Bulleted lines if the job has any (that is where requirements live), else its sentences.

    Without bullets, a leading title line is the role's name, not a requirement:
    it is skipped when other sentences follow.
    """
    lines = [ln for ln in job.splitlines() if _BULLET_RE.match(ln)]
    if lines:
        return [_BULLET_RE.sub("", ln) for ln in lines]
    sentences = [m.group(0) for m in _JOB_SENTENCE_RE.finditer(job) if m.group(0).strip()]
    if len(sentences) > 1 and _is_title(sentences[0]):
        sentences = sentences[1:]
    return sentences


def job_key_terms(job: str | None, limit: int = 8) -> list[str]:
    """The job description's key requirements as short terms, in the order it lists them.

    A requirement line is cut at commas and joining words, generic job-ad
    words are dropped, a leading duty verb ("build", "write") gives way to
    its object, and what is left (up to three words) is a term:
    "3+ years of experience with Python and SQL" gives "Python" and "SQL";
    "run A/B test readouts" gives "A/B test readouts".
    """
    if not job:
        return []
    return list(_job_key_terms(job[:20000], limit))


@lru_cache(maxsize=64)
def _job_key_terms(job: str, limit: int) -> tuple[str, ...]:
    terms: list[str] = []
    seen: set[str] = set()
    for line in _requirement_lines(job):
        for chunk in _SPLIT_RE.split(line):
            words = [
                w.strip(".'")
                for w in JOB_WORD_RE.findall(chunk)
                if w.lower().strip(".'") not in JOB_STOPWORDS and not w[0].isdigit()
            ]
            words = [w for w in words if w]
            if len(words) > 1 and words[0].lower() in _DUTY_VERBS:
                words = words[1:]
            if not words:
                continue
            if len(words) > 3:
                words = words[:3]
            if len(words) == 1 and (words[0].lower() in _DUTY_VERBS or words[0].islower() and words[0].endswith(("ing", "ed"))):
                continue  # a lone verb ("designing", "write") is not a requirement by itself
            key = " ".join(job_stem(w) for w in words)
            if key in seen or (len(words) == 1 and len(words[0]) < 2):
                continue
            seen.add(key)
            terms.append(" ".join(words))
            if len(terms) >= limit:
                return tuple(terms)
    return tuple(terms)


def term_touched(term: str, text: str) -> bool:
    """Whether ``text`` mentions ``term``: more than half of its words, loosely stemmed."""
    lower = text.lower()
    words = term.split()
    hits = sum(1 for w in words if has_word(lower, w))
    return hits * 2 > len(words)
