"""The trust gate: what an LLM's reply must pass before a candidate reads it.

Verbatim quotes are not enough. A small model can copy the schema's names
into its titles, say the same thing twice, or hand the candidate's own
sentence back as advice, with every quote real. Each rule below exists
because a real model (SmolLM2-135M on llama.cpp) did that, and a candidate
who read it would stop trusting coach. A pointer (or the strength) that
breaks a rule is dropped, never edited; the reasons are counted so the
notice can say what the reply failed.

Rules, and why:

- **empty title** — a pointer without a headline is not a pointer.
- **placeholder title** ("string", "<short line>", "TODO", "...") — the model
  filled in the form's blanks instead of the content.
- **schema name as title** ("DraftFeedback", "Pointers", "One-Pointers",
  "question_id", a kind id, a field's description such as "One thing that
  worked, or null") — the model copied the request's structure; that is
  junk labelled as feedback.
- **unreadable title** (no two words, code-like tokens such as snake_case,
  camelCase, braces or JSON punctuation, or more than MAX_TITLE_WORDS words)
  — a headline must read as a short phrase to a person.
- **title copies the question or the answer** — repeating what was asked or
  said tells the candidate nothing.
- **duplicate pointer** (same kind and quote, the same tip, or the same
  title as one kept) — the same point twice wastes the one or two pointers
  the candidate gets and looks broken.
- **tip copies the answer** — the candidate's own sentence handed back as
  "next time" is not advice.
- **tip not addressed to the candidate** (written as "I ..." / "my ...", or
  neither "you" nor an instruction) — the model is speaking as the
  candidate, or about nobody.
- **tip too short** (fewer than MIN_TIP_WORDS words: "1", "2. I am an") —
  it cannot say what to do.
- **unknown kind, or `other` without a real title** — the kind picks the
  wording and help everywhere; `other` is allowed only when the title says
  what the point is.
- **kind needs a quote, and none verifies** (hedging, filler, negative,
  ownership, vague-impact are about the words said) — the point stands or
  falls with the words it names.
- **made-up quote** (the model gave a quote that is not in the answer) — a
  model that invents the evidence is not trusted on that point; the quote
  was already removed by `coach.engine.verify`, and now the pointer goes too.

The strength is held to the title rules and must quote the answer.

An example rewrite ("what it could sound like") an LLM smoothed is held to
`rewrite_problem`: it adds no number or name the answer lacks (`fact_problem`),
keeps every [placeholder] of the offline example and adds none (a made-up fact
could hide in brackets), and is mostly the candidate's own words. A small
model asked to reword a story invents a colleague, a count or a company.

Pure functions over coach's models; `ReviewService` applies them to every
LLM result and decides what to show instead.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from coach.domain.kinds import KIND_IDS, KINDS
from coach.domain.models import Pointer, Strength

MIN_TIP_WORDS = 4
MAX_TITLE_WORDS = 14
#: A tip or title whose words are this much a contiguous run of the answer is a copy.
COPY_SHARE = 0.6
#: Kinds about the words said: without a real quote there is nothing to point at.
QUOTE_KINDS = frozenset({"hedging", "filler", "negative", "ownership", "vague-impact"})

#: Names in the request's structure (models, fields, the reply's keys).
SCHEMA_WORDS = frozenset(
    "draft feedback feedbacks pointer pointers strength strengths kind kinds title titles evidence tip tips"
    " question id question_id answer_id schema json null none object string array items properties"
    " one two or first most useful".split()
)
#: Field descriptions and shape placeholders the model has been seen to copy word for word.
SCHEMA_PHRASES = frozenset(
    {
        "one thing that worked, or null",
        "one thing that worked",
        "one or two pointers, most useful first",
        "one short line",
        "short line",
        "pointer kind from the taxonomy, or 'other'",
        "what to do next time, one or two sentences",
        "what you should do next time",
        "the candidate's exact words from that answer, or empty",
        "exact quote, or empty",
        "id of the answer this is about",
        "answer id",
        "something else worth changing",
        "your headline",
        "what worked",
        "their exact words",
        "their exact words, or empty",
    }
)
PLACEHOLDERS = frozenset(
    {"", "string", "str", "text", "title", "tip", "todo", "tbd", "n/a", "na", "none", "null", "example",
     "placeholder", "lorem ipsum", "xxx", "...", "…", "-", "?", "untitled", "no title"}
)
_SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself|you're|you've|you'll|you'd)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|my|me|myself)\b", re.I)
#: Verbs a tip may open with as an instruction ("Name the result", "Cut the filler").
IMPERATIVES = frozenset(
    "add answer ask avoid be begin bring check choose close connect consider cut describe drop end explain"
    " finish focus frame give go have highlight include keep lead link list make mention name note open"
    " own pause pick practise practice prepare put quantify rehearse replace say share show skip speak"
    " spell start state stick structure swap take talk tell think trim try turn use walk write".split()
)
_CODEY = re.compile(r"[{}\[\]<>=|\\]|\":|\w_\w|[a-z][A-Z]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def words(text: str) -> list[str]:
    """Lower-case words (letters, apostrophes and inner hyphens split)."""
    return [w.lower().strip("'’-") for w in _WORD.findall(text.replace("-", " ")) if w.strip("'’-")]


def _norm(text: str) -> str:
    return " ".join(text.split()).strip().lower()


def copies(part: str, whole: str, share: float = COPY_SHARE) -> bool:
    """True when ``part`` is mostly a contiguous run of ``whole``'s words (at least 3 words)."""
    a, b = words(part), words(whole)
    if len(a) < 3 or not b:
        return False
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= 3 and match.size / len(a) >= share


def title_problem(title: str) -> str | None:
    """Why a headline is not one a person should read, or None."""
    plain = _norm(title).strip(" .:;!\"'`")
    if not plain:
        return "empty titles"
    if plain in PLACEHOLDERS or re.fullmatch(r"[\W\d_]+", plain) or "{{" in plain or re.fullmatch(r"<.*>", plain):
        return "placeholder titles"
    if plain in SCHEMA_PHRASES or plain in KIND_IDS:
        return "titles taken from the schema"
    camel = re.sub(r"([a-z])([A-Z])", r"\1 \2", title)
    ws = words(camel.replace("_", " "))
    if ws and all(w in SCHEMA_WORDS for w in ws):
        return "titles taken from the schema"
    if _CODEY.search(title) or len(ws) < 2 or len(ws) > MAX_TITLE_WORDS:
        return "titles that are not a readable phrase"
    letters = sum(ch.isalpha() or ch.isspace() for ch in plain)
    if letters < 0.8 * len(plain):
        return "titles that are not a readable phrase"
    return None


def tip_problem(tip: str, answer: str) -> str | None:
    """Why a tip does not tell the candidate what to do, or None."""
    ws = words(tip)
    if len(ws) < MIN_TIP_WORDS:
        return "tips too short to act on"
    if _norm(tip) in SCHEMA_PHRASES:
        return "tips taken from the schema"
    if answer and copies(tip, answer):
        return "tips that copy the answer"
    unquoted = re.sub(r"[\"“][^\"”]*[\"”]", " ", tip)  # the candidate's words may say "I"
    openers = {(words(sentence) or [""])[0] for sentence in re.split(r"[.!?;:]\s+", unquoted)}
    addressed = bool(_SECOND_PERSON.search(unquoted)) or bool(openers & IMPERATIVES)
    if not addressed or (_FIRST_PERSON.search(unquoted) and not _SECOND_PERSON.search(unquoted)):
        return "tips not addressed to you"
    return None


def _copies_context(title: str, question: str, answer: str) -> str | None:
    if question and (copies(title, question) or _norm(title) == _norm(question)):
        return "titles copying the question"
    if answer and copies(title, answer):
        return "titles copying the answer"
    return None


def pointer_problem(pointer: Pointer, question: str = "", answer: str = "") -> str | None:
    """The first rule ``pointer`` breaks on its own (duplicates are judged by `check`), or None."""
    if pointer.kind not in KIND_IDS:
        return "unknown kinds"
    problem = title_problem(pointer.title)
    if problem is None and pointer.kind == "other" and _norm(pointer.title) == _norm(KINDS["other"].title):
        problem = "'other' pointers without a real title"
    if problem is not None:
        return "'other' pointers without a real title" if pointer.kind == "other" else problem
    problem = _copies_context(pointer.title, question, answer)
    if problem is not None:
        return problem
    if pointer.evidence == "" and not pointer.verified:
        return "made-up quotes"
    if pointer.kind in QUOTE_KINDS and not (pointer.evidence.strip() and pointer.verified):
        return f"{pointer.kind} pointers without a quote"
    return tip_problem(pointer.tip, answer)


def strength_problem(strength: Strength, question: str = "", answer: str = "") -> str | None:
    """Why a strength is not one to show: the title rules, and it must quote the answer."""
    problem = title_problem(strength.title) or _copies_context(strength.title, question, answer)
    if problem is not None:
        return problem.replace("titles", "strength titles", 1)
    if not strength.evidence.strip() or (answer and strength.evidence not in answer):
        return "a strength without a quote"
    return None


@dataclass
class Verdict:
    """What passed, and what was dropped, counted by reason (most frequent first)."""

    pointers: list[Pointer]
    strength: Strength | None
    failures: Counter[str] = field(default_factory=Counter)
    offered: int = 0

    @property
    def passed(self) -> bool:
        return bool(self.pointers)

    @property
    def dropped(self) -> int:
        return self.offered - len(self.pointers)

    def reasons(self) -> str:
        """'duplicate pointers, placeholder titles' (most frequent first)."""
        return ", ".join(reason for reason, _ in self.failures.most_common())


def check(
    pointers: Iterable[Pointer],
    strength: Strength | None,
    questions: Mapping[str, str],
    answers: Mapping[str, str],
) -> Verdict:
    """Hold every pointer and the strength to the rules (``questions``/``answers``: by question id)."""
    kept: list[Pointer] = []
    failures: Counter[str] = Counter()
    offered = 0
    for pointer in pointers:
        offered += 1
        qid = pointer.question_id or ""
        problem = pointer_problem(pointer, questions.get(qid, ""), answers.get(qid, ""))
        if problem is None and any(_same(pointer, other) for other in kept):
            problem = "duplicate pointers"
        if problem is not None:
            failures[problem] += 1
            continue
        kept.append(pointer)
    if strength is not None:
        qid = strength.question_id or ""
        problem = strength_problem(strength, questions.get(qid, ""), answers.get(qid, ""))
        if problem is not None:
            failures[problem] += 1
            strength = None
    return Verdict(kept, strength, failures, offered)


def _same(a: Pointer, b: Pointer) -> bool:
    """Two pointers that make the same point: same kind and quote, same tip, or same title."""
    return (
        (a.kind == b.kind and _norm(a.evidence) == _norm(b.evidence))
        or _norm(a.tip) == _norm(b.tip)
        or _norm(a.title) == _norm(b.title)
    )


#: Longest follow-up worth asking aloud: an interviewer's probe is one short sentence.
MAX_FOLLOW_UP_WORDS = 40


def follow_up_problem(question: str, asked: str, answer: str) -> str | None:
    """Why a generated follow-up question should not be asked, or None.

    A probe asks one thing, briefly: a paragraph, or three questions in a row,
    is a model thinking aloud, not an interviewer.
    """
    ws = words(question)
    if _norm(question).strip("?") in PLACEHOLDERS or (ws and all(w in SCHEMA_WORDS for w in ws)):
        return "the question is a placeholder"
    if len(ws) < 4:
        return "the question is too short"
    if len(ws) > MAX_FOLLOW_UP_WORDS:
        return f"the question is too long to ask aloud ({len(ws)} words)"
    if question.count("?") > 2:
        return "the question asks several things at once"
    if _CODEY.search(question):
        return "the question is not a readable sentence"
    if copies(question, asked, 0.8) or copies(question, answer):
        return "the question repeats the question or the answer"
    return None


def text_problem(text: str) -> str | None:
    """Why a reworded message is junk before its facts are even read: JSON, schema names, placeholders."""
    stripped = text.strip()
    if stripped.startswith(("{", "[", "```")) or re.search(r"\"\w+\"\s*:", stripped):
        return "came back as JSON, not a message"
    if re.search(r"Draft(Feedback|Pointer|Strength)|\{\{|<[a-z _]+>", stripped):
        return "contains placeholders or schema names"
    return None



# ------------------------------------------------------------ example rewrites
#
# An LLM may smooth the offline example's wording, never add to it. A fact is
# a number (digits always; spelled-out counts such as "forty" too) or a name:
# a capitalised word that is not "I" and does not open a sentence, or one that
# opens a sentence but is neither in the answer nor an everyday word. Each must
# be in the candidate's answer (case and simple inflections aside: "Postgres"
# is "postgres", "teams" is "team") or inside a [placeholder]. Lower-case
# inventions are bounded by the share of the rewrite's words the answer has.

#: At least this share of a rewrite's words (outside brackets) must be the answer's own.
OWN_WORDS_SHARE = 0.75
_BRACKETED = re.compile(r"\[[^\[\]]*\]")
_FACT_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’]*|\d[\d,.]*\d|\d")
_NUMBER_WORDS = {
    w: i for i, w in enumerate(
        "zero _ two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen"
        " seventeen eighteen nineteen twenty".split()
    ) if w != "_"
}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                      "ninety": 90, "hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9, "dozen": 12})
#: Words that claim a size without a digit ("cut the wait by half", "doubled sign-ups"), grouped by the
#: size they claim: known only when the answer has a word of the same group ("halved" vouches for "half";
#: a bare "2" does not vouch for "twice": "two weeks" is no doubling).
_QUANTITY_WORDS = {
    **dict.fromkeys(("half", "halve", "halved", "halves", "halving"), "50"),
    **dict.fromkeys(("double", "doubled", "doubles", "doubling", "twice", "twofold"), "2"),
    **dict.fromkeys(("triple", "tripled", "triples", "tripling", "thrice", "threefold"), "3"),
    **dict.fromkeys(("quadruple", "quadrupled", "fourfold"), "4"),
    **dict.fromkeys(("tenfold",), "10"),
}
#: Words a smoothed sentence may open with although the answer never says them: joining words, not facts.
_OPENERS = frozenset(
    "a an the i i'm i've i'd i'll my we our it its this that these those there then next after afterwards"
    " before first second third finally later eventually meanwhile also so and but because since when while"
    " once as at in on by for from to with without during over within if however instead still yet now"
    " here overall together in this that's it's there's what who how why which where he she they his her"
    " their them us me one each every both".split()
)


def _forms(word: str) -> set[str]:
    """A word and its simple inflections, lower-cased: enough that "Teams" matches "team"."""
    w = word.lower().replace("’", "'")
    w = w[:-2] if w.endswith("'s") else w.rstrip("'")
    forms = {w}
    for end in ("ies", "es", "s", "ed", "d", "ing"):
        if w.endswith(end) and len(w) - len(end) >= 3:
            forms.add(w[: -len(end)] + ("y" if end == "ies" else ""))
    return forms


def _number(token: str) -> str:
    return token.replace(",", "").rstrip(".")


def _vocabulary(answer: str) -> tuple[set[str], set[str]]:
    """(word forms, numbers) the answer says; a spelled-out count also counts as its digits."""
    forms: set[str] = set()
    numbers: set[str] = set()
    for tok in _FACT_TOKEN.findall(answer):
        if tok[0].isdigit():
            numbers.add(_number(tok))
        else:
            forms |= _forms(tok)
            if tok.lower() in _NUMBER_WORDS:
                numbers.add(str(_NUMBER_WORDS[tok.lower()]))
    return forms, numbers


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at ``at`` starts the text, a line, or a sentence (after . ! ? : or a placeholder)."""
    i = at - 1
    while i >= 0 and text[i] in " \t\"'“”‘’(*-•":
        i -= 1
    return i < 0 or text[i] in ".!?:]\n"


def fact_problem(rewrite: str, answer: str) -> str | None:
    """Why a rewrite adds a fact the answer never gives (the first one, named), or None."""
    outside = _BRACKETED.sub(lambda m: " " * len(m.group()), rewrite)
    forms, numbers = _vocabulary(answer)
    for m in _FACT_TOKEN.finditer(outside):
        tok = m.group()
        low = tok.lower().replace("’", "'")
        if tok[0].isdigit():
            known = _number(tok) in numbers
        elif low in _NUMBER_WORDS and low != "zero":
            known = bool(_forms(tok) & forms) or str(_NUMBER_WORDS[low]) in numbers
        elif low in _QUANTITY_WORDS:
            figure = _QUANTITY_WORDS[low]
            known = any(_QUANTITY_WORDS.get(w) == figure for w in forms)
        elif not tok[0].isupper() or low in ("i", "i'm", "i've", "i'd", "i'll"):
            continue
        elif _opens_sentence(outside, m.start()) and not (len(tok) > 1 and tok.isupper()):
            known = bool(_forms(tok) & forms) or low in _OPENERS or low.endswith(("ly", "ing"))
        else:
            known = bool(_forms(tok) & forms)
        if not known:
            return f"adds “{tok}”, which the answer never says"
    return None


def placeholder_problem(rewrite: str, placeholders: Iterable[str]) -> str | None:
    """Why a rewrite's [placeholders] are not the example's: one dropped, or one of its own added."""
    wanted = {_norm(p): p for p in placeholders}
    found = {_norm(m.group()[1:-1]) for m in _BRACKETED.finditer(rewrite)}
    for key, p in wanted.items():
        if key not in found:
            return f"drops the placeholder “[{p}]”"
    extra = sorted(found - set(wanted))
    if extra:
        return f"adds a bracket of its own, “[{extra[0][:60]}]”"
    if "[" in _BRACKETED.sub("", rewrite) or "]" in _BRACKETED.sub("", rewrite):
        return "has a broken [placeholder]"
    return None


def own_words_problem(rewrite: str, answer: str, share: float = OWN_WORDS_SHARE) -> str | None:
    """Why a rewrite is not mostly the candidate's own words, or None."""
    said = words(_BRACKETED.sub(" ", rewrite))
    if not said:
        return None  # placeholders only (an answer not there yet): nothing of the model's own to weigh
    forms, _numbers = _vocabulary(answer)
    own = sum(1 for w in said if _forms(w) & forms)
    if own < share * len(said):
        return f"is not mostly the answer's own words ({len(said) - own} of {len(said)} are new)"
    return None


def rewrite_problem(rewrite: str, answer: str, placeholders: Iterable[str] = ()) -> str | None:
    """The first reason an LLM's smoothing of an example must be set aside, or None."""
    if not rewrite.strip():
        return "is empty"
    # An added fact is named first: it is the failure a candidate most needs to hear about.
    return (
        fact_problem(rewrite, answer)
        # Placeholders are square brackets: without them, a rewrite that opens with one is not JSON.
        or text_problem(_BRACKETED.sub(" ", rewrite))
        or placeholder_problem(rewrite, placeholders)
        or own_words_problem(rewrite, answer)
    )


__all__ = [
    "QUOTE_KINDS",
    "Verdict",
    "check",
    "copies",
    "fact_problem",
    "follow_up_problem",
    "own_words_problem",
    "placeholder_problem",
    "pointer_problem",
    "rewrite_problem",
    "strength_problem",
    "text_problem",
    "tip_problem",
    "title_problem",
]
