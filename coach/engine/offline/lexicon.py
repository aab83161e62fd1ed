"""The words the rules listen for: answer lexicons as linear-time patterns.

Every pattern is an alternation of literal phrases matched as whole words
against the lower-cased answer (`Text.lower`), so a huge or pathological
answer costs time proportional to its length. The question's own vocabulary
(what kind of answer it asks for) lives in `question`; job descriptions in `job`.
"""

from __future__ import annotations

import re

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
    # "During my internship" anchors a story; "during the process", "during the day" describe a habit.
    r"during (?:my|an|a|the|our) (?!process\b|day\b|week\b|course\b|time\b|breaks?\b)\w+",
    r"one (?:time|day|semester|summer|evening|morning|week)",
    r"once,? when",
    r"back in",
    r"in my (?:first|second|third|final|last|previous|junior|senior|sophomore|freshman) (?:year|job|role|semester|internship)",
    r"my (?:internship|job|time) at",
    r"while (?:working|I was|interning|studying)",
    r"at the time",
    r"that (?:year|semester|summer|week|day)",
    r"this (?:past )?(?:semester|summer|spring|fall|autumn|winter|term|quarter)",
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
#: Everyday verbs that read as function words elsewhere: after "I" in the present ("I make
#: sure", "I get everyone together") they state a habit, not an event.
PRESENT_HABIT_VERBS = frozenset("make get go take give keep let put see ask tell find start look".split())
#: Modals that make a first-person clause hypothetical, a plan or a habit ("I would", "I will", "I can").
HABIT_MODALS = frozenset("would will can could should must might 'll 'd".split())
#: Habit words that need no "I": "whenever it happens", "every time a customer…".
HABIT_WORDS = words_re(r"whenever", r"every time", r"each time", r"any time", r"on a daily basis", r"every day",
                       r"oftentimes", r"often times", r"in (?:these|those|such) (?:cases|situations|instances)",
                       # How often, not when: "all the time", "there have been many times".
                       r"all the time", r"most of the time", r"there (?:have|has) been (?:many |several |a few |some )?times",
                       r"in cases like (?:this|these)", r"I would have to", r"I would often")
#: Where a general answer turns to one occasion: "For example, in my fraternity…", "I had this
#: one employee who…", "Specifically, I had a goal of…".
EXAMPLE_TURN = words_re(
    r"for example", r"for instance", r"one example", r"an example", r"one time", r"specifically",
    r"one (?:day|year|semester|summer|evening|morning|week|night|season)", r"this one time",
    r"I had (?:this|one|a) (?:one )?(?:\w+ )?(?:who|that|where|when)", r"I had this one", r"recently when", r"like (?:the )?time",
)
#: A follow-up that asks for one occasion ("Can you think of a particular time…?") wants a short story.
FOLLOW_UP_ASKS_TIME = words_re(r"a (?:particular |specific |real )?time", r"an? (?:\w+ )?example", r"tell me about a",
                               r"an occasion", r"an instance", r"when did you last")
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
    r"(?:was|were|got) (?:quickly |soon |finally |eventually )?(?:solved|resolved|fixed|settled|cleared up|implemented|adopted)",
    r"worked (?:out )?for (?:everyone|everybody|all of us|both of us|us|them|both)", r"(?:we|they|I) moved on",
    r"(?:was|were) glad", r"stuck with it", r"by the (?:end of|next|following|time)", r"(?:earlier|sooner|later) than (?:planned|expected|scheduled|usual)",
    r"as a result", r"in the end", r"at the end(?! of (?:each|every|the) (?:day|shift|week))", r"ended up", r"end result", r"the result",
    r"resulted", r"outcome", r"because of (?:this|that)", r"thanks to",
    r"which (?:led|meant|helped|saved|cut|increased|reduced|improved|allowed|made)",
    r"(?:I|we|they|he|she) (?:finished|delivered|launched|shipped|won|hit|met|reached|completed|passed|achieved|resolved|solved|fixed|managed to|were able|was able|got|earned|received|agreed|closed)",
    r"learn(?:ed|t)", r"taught me", r"lesson", r"takeaway", r"since then", r"from then on",
    r"now (?:I|we|the|it|they)",
    r"successful(?:ly)?", r"succeeded", r"worked out", r"went (?:well|smoothly|great|fine)",
    r"paid off", r"improved", r"increased", r"reduced", r"decreased", r"saved", r"grew", r"doubled",
    r"elevated", r"boosted", r"enhanced", r"strengthened",
    r"tripled", r"promoted", r"praised", r"thanked", r"appreciated", r"positive feedback",
    r"on time", r"ahead of schedule", r"(?:was|were|felt) (?:happy|pleased|satisfied|relieved|grateful)",
    r"turned out", r"(?<!how )(?<!what )it worked", r"no longer", r"got better", r"made a difference", r"was okay",
    r"was fine", r"it helped", r"helped (?:us|them|me|the|him|her|everyone|others|people|many|so many|a lot of|lots of|other)",
    # A decision the people reached is an ending, however it is worded.
    r"came to (?:an|a) (?:understanding|agreement|compromise|conclusion|decision)",
    r"reached (?:an|a) (?:understanding|agreement|compromise|decision)", r"realized", r"realised",
    # Change verbs and comparatives: how things were different afterwards.
    r"dropped", r"fell", r"rose", r"went (?:up|down|from)", r"freed", r"cleared", r"halved", r"stopped",
    r"disappeared", r"signed", r"renewed", r"adopted", r"kept using", r"still use", r"still uses",
    r"(?:much |a lot |way )?(?:better|faster|easier|shorter|quicker|smoother|fewer|higher|lower|calmer)",
    r"led to", r"led (?:me|us|them|him|her|the team) to", r"leading to", r"allowed (?:us|me|them|her|him|everyone) to", r"ultimately",
    r"now", r"since then", r"ever since", r"since(?=\s*[.!,])", r"no more", r"got (?:an?|the) (?:A|offer|job|contract|grade|award)",
    # What others gave or said at the end: a grade, an approval, a reaction.
    r"(?:gave|awarded|offered) (?:me|us|them|him|her|the team) (?:an?|the) (?:a|b|grade|award|raise|job|offer|promotion|position|role|spot)",
    r"ended (?:the|that|this|my) (?:class|course|semester|year|season|term) with", r"got (?:approval|approved|accepted|hired|the go-ahead)",
    r"(?:he|she|they|it|was|were) approved", r"(?:was|were) (?:ecstatic|thrilled|excited|impressed|grateful|relieved)",
    r"it (?:really|definitely|greatly|truly|actually|also) helped", r"(?:still )?regret", r"to this day",
)

#: Outcome words that, where they stand, still tell an action or an insight, not what changed:
#: "I resolved the conflict by listening" (the how, not what it changed), "I realized it was
#: best" (a thought). A final decision ("I ended up quitting") is an ending. Matched at an
#: outcome marker's start.
ACTION_NOT_ENDING = re.compile(
    r"(?:(?:i|we|they|he|she) )?(?:(?:was|were) able to )?(?:resolved?|solved?|fixed|fix|handled?|managed?|dealt with|deal with|found a (?:solution|way))\b"
    r"(?:\s+[\w']+){0,4}?\s+by\s+(?:\w+ly\s+)?\w+ing\b"
    r"|(?:(?:i|we|they|he|she) )?reali[sz]ed\b"
    # "Ultimately, I decided to…" is the choice made, not what came of it.
    r"|(?:ultimately|in the end|at the end|eventually|finally),? (?:i|we) (?:\w+ly )?(?:decided|chose|made (?:the|a|my) (?:decision|choice))\b"
    # Meeting people and getting somewhere are steps of the story: "I met each of them",
    # "when we got there" ("we met the deadline", "I got the job" still end it).
    r"|(?:i|we|they|he|she) met (?:with|up|each|every|him|her|them|us|someone|some|one|two|three|a (?:friend|colleague|coworker|client|customer|man|woman|girl|guy))\b"
    r"|(?:i|we|they|he|she) got (?:there|here|home|back|to|together|up|ready|started|in|into|on|off|out|through to|hold of|a call|a text|an email|the call|the email)\b"
)
#: Change verbs among the outcome markers: an ending when things change ("complaints dropped",
#: "the calls stopped"), an action when the candidate does them ("I stopped what I was doing").
CHANGE_VERB = re.compile(r"dropped|fell|stopped")
DONE_BY_SPEAKER = re.compile(r"\b(?:i|we) $")
#: "dropped off", "dropped by the office": a visit or an errand ("dropped by half" is a change).
PHRASAL_AFTER = re.compile(r" (?:off|by (?:the|my|his|her|their|our|to|for))\b")
#: A comparative naming a thing ("a better option", "the lower level class"), not saying
#: that something changed ("it got faster", "calls were shorter"). Matched before the marker.
ATTRIBUTIVE = re.compile(r"\b(?:a|an|the|my|our|their|his|her|this|that|some|any)\s+$")
COMPARATIVE = re.compile(r"(?:much |a lot |way )?(?:better|faster|easier|shorter|quicker|smoother|fewer|higher|lower|calmer)$")

#: A clause that makes what follows it a wish, a plan or a condition ("so that we could finish
#: on time", "to see if I had met it"): what follows is not something that happened.
NOT_YET = re.compile(r"\b(?:could|would|will|can|might|should|if|whether|hope|hoped|hoping|want|wanted|plan|planned|try|tried|trying) [^,.;!?]*$")
#: A figure set as the aim ("a goal of raising $8,000", "my target was 95%") is where the story
#: was headed, not where it ended.
GOAL_FIGURE = re.compile(r"\b(?:goals?|targets?|aim(?:ed)?|objectives?|quota|set out|hope[ds]?|hoping|wants?|wanted|planned|plans?) [^.;!?]*$")

SCALE_MARKERS = words_re(
    r"\d[\d,.]*", r"percent", r"half", r"double[d]?", r"triple[d]?", r"twice",
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|hundreds|thousand|thousands|dozen|dozens|million",
    r"from \w+ to \w+", r"down from", r"up from", r"compared to", r"fewer",
    r"more than", r"less than", r"within (?:a|an|one|two|three) (?:day|week|hour|month)s?",
    r"every (?:week|day|month)", r"a week early", r"days early", r"ahead of schedule",
    r"record", r"top \w+", r"first place", r"award", r"promoted", r"zero",
    r"(?:a|an|one|\w+) (?:days?|weeks?|months?) (?:early|earlier|ahead|sooner)", r"(?:first|second|third|next) (?:day|week|month|shift|review)",
)

#: An ending anyone could check, with no number needed: a grade, an exam passed, a game or a
#: place won, an offer, a selection. "It went well" needs a scale; "I ended with an A" has one.
CHECKABLE_OUTCOME = words_re(
    r"(?:an?|the) (?:a|b|c)[+-]?(?= (?:in|on|for|at)\b|[.,!;]|$)", r"(?:an?|the) (?:a|b)(?:-| )?(?:plus|minus)", r"full marks",
    r"(?:top|highest|best|perfect) (?:grade|score|mark)s?", r"straight as",
    r"pass(?:ed|ing) (?:the|my|that|this|our|every|all) (?:\w+ )?(?:exam|test|class|course|module|audit|inspection|certification|interview)s?",
    r"(?:won|winning|win) (?:the|a|an|first|our|my|that|this)", r"came (?:in )?first",
    r"(?:got|was given|was offered|received|landed|accepted) (?:the|a|an) (?:job|offer|position|internship|role|scholarship|promotion|raise)",
    r"(?:was|were|got) (?:hired|accepted|admitted|selected|chosen|elected|awarded|approved|allowed)",
    r"got into",
)

#: Saying a step of thinking happened without what was in it: "I weighed the pros and cons",
#: "I considered my options", "I thought it through". The deliberation is named, not shown.
DELIBERATION_NAMED = words_re(
    r"(?:weigh(?:ed|ing)?|evaluated|considered|compared|went over) (?:all |both )?(?:of )?(?:my |the |our |all the |both )?"
    r"(?:pros and cons|options|outcomes|choices|consequences|possibilities|alternatives)",
    r"pros and cons", r"thought (?:it|things|everything) (?:through|over)",
)
#: What follows a named deliberation when it goes on to show it: a list, the two sides, a measure.
DELIBERATION_SHOWN = re.compile(r":|\b(?:such as|like|including|namely|versus|vs|against|on one hand|on the one hand|the pros were|the cons were)\b")
#: Substrings every DELIBERATION_NAMED match contains: a quick check before the pattern runs.
DELIBERATION_HINTS = ("pros and cons", "weigh", "evaluated", "considered", "compared", "went over", "thought")

#: Questions about a mistake, a failure, a setback or criticism: what they test is what the
#: candidate took from it, so the story's real ending is the lesson or the change made.
LESSON_Q = words_re(
    r"mistakes?", r"fail(?:ed|ure|ures|ing)?", r"setbacks?", r"missed", r"criticism", r"negative feedback",
    r"regrets?", r"errors?", r"learn(?:ed|t)? from", r"lessons?", r"went wrong",
)
#: Saying what was learned or what changed afterwards.
LESSON_SAID = words_re(
    r"learn\w*", r"lessons?", r"taught me", r"since then", r"from then on", r"ever since", r"going forward",
    r"moving forward", r"next time", r"in the future", r"(?:now|today) I", r"I now", r"to this day", r"realiz\w+",
    r"realis\w+", r"(?:made|make) sure (?:to|that) (?:I )?(?:always|never)", r"I (?:always|never) (?:\w+ )?again",
    r"changed (?:how|the way|my)", r"takeaway", r"showed me", r"made me (?:realize|see|understand)",
    r"from (?:that|this) (?:day|point|experience)", r"this experience",
)

VAGUE_OUTCOME = words_re(
    r"went (?:well|smoothly|great|fine|good)", r"(?<!how )(?<!what )it worked", r"worked out(?: well| great| fine)?",
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
    # A result said with an intensifier or a judgement instead of a measure: "saved us a lot
    # of time", "more efficient", "it was fantastic", "a lot of positive feedback".
    r"(?:saved|gave|got|received|had|brought|made) (?:us |me |them |the team )?(?:a lot|lots|plenty|tons) of \w+",
    r"a lot of (?:positive |good |great )?(?:feedback|time|progress|praise|compliments|success|people|help)",
    r"(?:more |very |so |really )?(?:efficient|efficiently|productive|smoother|fantastic|amazing|awesome|wonderful)",
    r"(?:more|greater|much) success", r"(?:much |so |a lot |way )(?:faster|easier|quicker|smoother|calmer)",
)

#: The team as the one acting. Not "everyone": "I made sure everyone was heard" names whom
#: the candidate acted for, not someone acting in their place.
WE_RE = words_re(r"we", r"we're", r"we've", r"we'd", r"our", r"ours", r"us", r"the team", r"my team", r"the group", r"our group", r"together")
#: The turning point of a story ("we handled it", "together we solved it", "we persevered"), and
#: who is its subject: the verbs are rare, so they are found first and the subject read before them.
HANDLED = re.compile(r"\b(?:handled|resolved|solved|fixed|diffused|defused|dealt with|overcame|persevered|"
                     r"figured (?:it |this |that )?out|worked through|got through|pulled through|sorted (?:it |this |that )?out|calmed)\b")
HANDLED_BY = re.compile(r"\b(we|we all|together we|the team|my team|the group|our team|i)(?: \w+ly)? $")
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
    r"he", r"she", r"they", r"them", r"his", r"her", r"their", r"boss", r"bosses", r"manager", r"managers", r"coworkers?",
    r"co-workers?", r"colleagues?", r"teammates?", r"team members?", r"group members?", r"employer",
    r"company", r"management", r"professor", r"supervisors?", r"clients?", r"customers?", r"people",
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

#: The candidate says there is no answer: nothing comes to mind, never been there, no idea.
#: In a short answer this is the whole answer, whatever else it says (see `rules.apply_rules`).
NON_ANSWER = words_re(
    r"nothing comes to mind", r"nothing (?:really )?comes to mind", r"can't think of (?:anything|any|one|a time|an example)",
    r"cannot think of (?:anything|any|one|a time|an example)", r"can't remember (?:a time|any|one)",
    r"(?:I've|I have) never (?:really )?been in (?:that|this|such a|a) (?:situation|position)",
    r"(?:I've|I have) never (?:had|experienced|faced) (?:that|this|anything like (?:that|this))",
    r"never happened to me", r"no idea(?=[.!,]|$| sorry)", r"I (?:don't|do not) know what (?:I would|I'd|to) (?:do|say)",
    r"not sure what to say", r"I have no (?:example|experience|answer)", r"I don't have (?:an|any) (?:example|answer)",
    r"not applicable", r"n/a", r"doesn't apply to me", r"does not apply to me",
)
#: Up to this many words, a non-answer phrase is the answer; beyond it the candidate went on to say more.
NON_ANSWER_WORDS = 25
