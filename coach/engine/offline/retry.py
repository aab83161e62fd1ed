"""Did the retry fix it? The previous take and the new one, compared pointer by pointer.

Both takes are read by the same offline rules the debrief uses (`rules.per_answer`
and `pipeline.build_feedback`), so a verdict can never disagree with what the
candidate would be told about the new take. Each pointer the previous take was
shown (the headline and the per-answer notes) gets one line:

* ``remaining`` when the new take still has a finding of that kind (quoting
  where, from the finding's own evidence);
* ``resolved`` when it has none and the words that fix it can be found in the
  new take, by the same detectors the rule uses (an ending found by
  `rules_story.endings`, a measure by `SCALE_MARKERS`, the candidate acting by
  `text.clause`...), quoted verbatim and in whole words, preferring words the
  previous take did not have;
* ``remaining`` too when the rule no longer fires but nothing in the new take
  shows the fix (a vague ending deleted rather than made concrete): a pointer is
  only called resolved when coach can show why.

Then one ``new`` line per kind the new take is shown that the previous take did
not have at all. ``says`` is coach's own sentence (no answer text in it); the
answer's words are only ever in ``evidence``, checked to be a clean, whole-word
slice of the new take.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import coach.engine.offline.lexicon as L
from coach.domain.kinds import KINDS
from coach.domain.models import Feedback, RetryVerdict, VerdictLine
from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline.job import term_touched
from coach.engine.offline.pipeline import build_feedback
from coach.engine.offline.reading import REPORT_THRESHOLD, Finding, Reading
from coach.engine.offline.rules import per_answer
from coach.engine.offline.rules_plan import PLAN_HEDGES
from coach.engine.offline.rules_story import reported, endings
from coach.engine.offline.text import FIGURE_RE, MAX_EVIDENCE, NUMBER_RE, WORD_RE, Text, clause, stem

#: Below these word counts the ending rules do not read a story at all (their own floors in
#: `rules_story`): an ending kind that stops firing there was not fixed, the answer got thinner.
ENDING_READ_FROM = {"no-result": 15, "vague-impact": 12}
#: A clause shorter than this says too little on its own: the whole sentence is quoted instead.
MIN_CLAUSE_WORDS = 4
#: Where a sentence divides into clauses: a comma, semicolon, colon or dash followed by a space.
_CLAUSE_BREAK = re.compile(r"[,;:\u2013\u2014](?=\s)|\s[-\u2013\u2014]\s")
#: Longest quote looked for again around control characters (quotes are cut at 220 characters).
MAX_QUOTE_SEARCH = MAX_EVIDENCE + 30
#: Characters a quote must not carry to a terminal (the single ones `text.strip_controls` removes).
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class TakeReview:
    """One take read by the offline rules: the reading, every finding, and the feedback shown."""

    reading: Reading
    findings: list[Finding]
    feedback: Feedback

    @property
    def text(self) -> Text:
        return self.reading.text

    @cached_property
    def said(self) -> str:
        """The take lower-cased with its spacing evened out, to tell new sentences from old ones."""
        return " ".join(self.text.lower.split())

    def shown(self) -> list[str]:
        """The pointer kinds the candidate was shown for this take: the headline, then the notes."""
        kinds = [p.kind for p in self.feedback.pointers]
        kinds += [p.kind for note in self.feedback.notes for p in note.pointers]
        return list(dict.fromkeys(kinds))

    def present(self) -> dict[str, str]:
        """Every kind this take has (all reported findings, however many, and the headline): its evidence.

        A length note on an answer that clears the floor ("all there but told in outline")
        is not the answer still being too short: a retry that grew past the floor fixed that.
        """
        found: dict[str, str] = {}
        thin = {f.kind for f in self.findings if f.facts.get("thin")}
        thin -= {f.kind for f in self.findings if not f.facts.get("thin") and f.severity >= REPORT_THRESHOLD}
        for f in self.findings:
            if f.severity >= REPORT_THRESHOLD and f.kind not in thin:
                found.setdefault(f.kind, f.evidence)
        for p in self.feedback.pointers:
            if p.kind not in thin:
                found.setdefault(p.kind, p.evidence)
        return found


def review_take(question: str, answer: str, *, type: str | None = None, round: str | None = None,
                role: str | None = None, job: str | None = None) -> TakeReview:
    """Read one take as the debrief would (one answer, in its round and job)."""
    item = AnswerItem(question_id="answer", question=question, answer=answer, type=type)
    request = ReviewRequest(items=(item,), round=round, role=role, job=job)
    found = per_answer(request)
    reading, findings = found[0]
    return TakeReview(reading, findings, build_feedback(request, found))


# ------------------------------------------------------------------ quotes


def whole_words(quote: str, text: str) -> bool:
    """Whether ``quote`` occurs in ``text`` without cutting a word at either end."""
    for m in re.finditer(re.escape(quote), text):
        s, e = m.span()
        cut_before = s > 0 and text[s - 1].isalnum() and quote[0].isalnum()
        cut_after = e < len(text) and text[e].isalnum() and quote[-1].isalnum()
        if not cut_before and not cut_after:
            return True
    return False


def _words_only(piece: str, answer: str) -> str:
    """``piece`` with a word cut at either end dropped, so what is left is whole words of ``answer``."""
    piece = piece.strip(" \t\n,;:")
    words = piece.split(" ")
    for a, b in ((0, len(words)), (1, len(words)), (0, len(words) - 1), (1, len(words) - 1)):
        cand = " ".join(words[a:b]).strip(" \t\n,;:")
        if cand and any(ch.isalnum() for ch in cand) and cand in answer and whole_words(cand, answer):
            return cand
    return ""


def safe_quote(answer: str, quote: str) -> str:
    """``quote`` as a clean, whole-word slice of ``answer``, or "" when there is none.

    A quote is read from the cleaned answer, so where the answer carried control
    characters inside the span the quote is not in it as such: the span is found
    again with them in place and its longest clean run is quoted (whole words).
    """
    quote = (quote or "").strip()
    if not quote:
        return ""
    if _HIDDEN.search(quote):
        quote = max(_HIDDEN.split(quote), key=len).strip()
    if quote and quote in answer and whole_words(quote, answer):
        return quote
    if not quote or len(quote) > MAX_QUOTE_SEARCH:
        return ""
    spread = re.compile(f"{_HIDDEN.pattern}*".join(re.escape(ch) for ch in quote))
    m = spread.search(answer)
    if m is None:
        return _words_only(quote, answer)
    for piece in sorted(_HIDDEN.split(m.group()), key=len, reverse=True):
        found = _words_only(piece, answer)
        if found:
            return found
    return ""


def _clause_span(t: Text, pos: int) -> tuple[int, int]:
    """The clause of the sentence that holds ``pos`` (the sentence when the clause is too short)."""
    s, e = t.sentence_at(pos)
    start, end = s, e
    for m in _CLAUSE_BREAK.finditer(t.clean, s, e):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    while start < end and t.clean[start].isspace():
        start += 1
    if len(WORD_RE.findall(t.clean[start:end])) < MIN_CLAUSE_WORDS:
        return s, e
    return start, end


def _fresh(before: TakeReview, t: Text, pos: int) -> bool:
    """Whether the sentence at ``pos`` is new in this take (not word for word in the previous one)."""
    s, e = t.sentence_at(pos)
    return " ".join(t.lower[s:e].split()) not in before.said


def _pick(before: TakeReview, t: Text, positions: list[int], better: Callable[[int], bool] | None = None) -> int | None:
    """The position to quote: in a new sentence first, then one ``better`` likes, then the latest."""
    if not positions:
        return None
    return max(positions, key=lambda p: (_fresh(before, t, p), better(p) if better else False, p))


def _quote_at(t: Text, span: tuple[int, int]) -> str:
    """The cleaned span as a safe quote of what the candidate typed (found again around any controls)."""
    quote = t.verbatim(*span)
    if not quote:
        quote = t.clean[span[0]:span[1]].strip()
        if len(quote) > MAX_EVIDENCE:
            quote = quote[: quote.rfind(" ", 0, MAX_EVIDENCE) if " " in quote[:MAX_EVIDENCE] else MAX_EVIDENCE]
    return safe_quote(t.original, quote)


# ------------------------------------------------------------------ what resolves each kind

Resolution = tuple[str, str]  # (says, evidence)


def _ending(before: TakeReview, after: TakeReview) -> Resolution | None:
    """no-result: the ending the rule now finds, preferring the clause with a measure in it."""
    r, t = after.reading, after.text
    if t.n_words < ENDING_READ_FROM["no-result"]:
        return None
    low = t.lower
    marks = [m.start() for m in endings(r)]
    figures = [m.start() for m in NUMBER_RE.finditer(low, len(t.clean) // 2) if reported(r, m)]
    if t.sentences:
        s, e = t.sentences[-1]
        figures += [m.start() for m in FIGURE_RE.finditer(low, s, e) if reported(r, m)]
    at = _pick(before, t, marks + figures, lambda p: L.SCALE_MARKERS.search(low, *t.sentence_at(p)) is not None)
    if at is None:
        return None
    scale = L.SCALE_MARKERS.search(low, at, t.sentence_at(at)[1]) or L.SCALE_MARKERS.search(low, *t.sentence_at(at))
    quote = _quote_at(t, _clause_span(t, scale.start() if scale else at))
    if scale:
        return "Now it ends with what changed, and by how much.", quote
    return "Now it says how it ended.", quote


def _measure(before: TakeReview, after: TakeReview) -> Resolution | None:
    """vague-impact: a measure in the ending (where the rule looks: from the ending's sentence on)."""
    t = after.text
    if t.n_words < ENDING_READ_FROM["vague-impact"]:
        return None
    low = t.lower
    found = endings(after.reading)
    start = t.sentence_at(found[-1].start())[0] if found else len(t.clean)
    scales = [m.start() for m in L.SCALE_MARKERS.finditer(low, start)]
    if not scales:
        # No ending the rules can place: a measure late in the story, if there is one.
        scales = [m.start() for m in L.SCALE_MARKERS.finditer(low, len(t.clean) // 2) if _fresh(before, t, m.start())]
    at = _pick(before, t, scales)
    if at is None:
        return None
    return "Now the ending is concrete: it says how much changed.", _quote_at(t, _clause_span(t, at))


def _first_person_events(t: Text) -> list[int]:
    """Where the candidate says 'I <did something>' (the start of each such clause)."""
    out = []
    for m in re.finditer(r"\bi\b", t.lower):
        toks = [w.replace("’", "'") for w in WORD_RE.findall(t.lower, m.start(), t.sentence_at(m.start())[1])]
        if toks and clause(toks, 0) == "event":
            out.append(m.start())
    return out


def _owned(before: TakeReview, after: TakeReview) -> Resolution | None:
    """ownership: the first-person action, from 'I' to the end of its clause."""
    t = after.text
    events = _first_person_events(t)
    fresh = [p for p in events if _fresh(before, t, p)]
    at = (fresh or events or [None])[0]
    if at is None:
        return None
    _s, e = _clause_span(t, at)
    return "Now it says what you did yourself.", _quote_at(t, (at, max(e, at + 1)))


def _occasion(before: TakeReview, after: TakeReview) -> Resolution | None:
    """no-example: the words that anchor it in one real occasion (a time, a turn to an example, or 'I did')."""
    t = after.text
    anchors = [m.start() for m in L.TIME_MARKERS.finditer(t.lower)] + [m.start() for m in L.EXAMPLE_TURN.finditer(t.lower)]
    anchors = anchors or _first_person_events(t)
    fresh = [p for p in anchors if _fresh(before, t, p)]
    at = min(fresh or anchors or [-1])
    if at < 0:
        return None
    return "Now it is one real occasion, not a habit.", _quote_at(t, t.sentence_at(at))


def _length(before: TakeReview, after: TakeReview) -> Resolution | None:
    n, was = after.text.n_words, before.text.n_words
    if n <= was:
        return None
    return f"Now it has {n} words, up from {was}: room to show something.", ""


def _shorter(before: TakeReview, after: TakeReview) -> Resolution | None:
    n, was = after.text.n_words, before.text.n_words
    if n < was:
        return f"Now it gets to the point in {n} words, down from {was}.", ""
    return "Now it gets to what you did sooner.", ""


def _count(t: Text, pattern: re.Pattern[str]) -> int:
    return sum(1 for m in pattern.finditer(t.lower) if not L.ordinary_use(t.lower, m))


def _hedges(before: TakeReview, after: TakeReview) -> Resolution | None:
    pattern = PLAN_HEDGES if after.reading.q.situational else L.HEDGES
    n, was = _count(after.text, pattern), _count(before.text, pattern)
    if n == 0:
        return "The hedges are gone: it sounds sure of itself.", ""
    return f"Fewer hedges now ({n}, down from {was}): it sounds surer.", ""


def _fillers(before: TakeReview, after: TakeReview) -> Resolution | None:
    n, was = _count(after.text, L.FILLERS), _count(before.text, L.FILLERS)
    if n == 0:
        return "The filler words are gone.", ""
    return f"Fewer filler words now ({n}, down from {was}).", ""


def _fair(before: TakeReview, after: TakeReview) -> Resolution | None:
    return "It no longer runs anyone down.", ""


def _on_topic(before: TakeReview, after: TakeReview) -> Resolution | None:
    """off-topic: a sentence that uses the question's own words."""
    t, stems = after.text, after.reading.q.stems
    hits = [s for s, e in t.sentences if stems & {stem(w) for w in WORD_RE.findall(t.lower[s:e]) if len(w) > 2}]
    at = _pick(before, t, hits) if hits else (t.sentences[0][0] if t.sentences else None)
    if at is None:
        return None
    return "Now it answers the question that was asked.", _quote_at(t, t.sentence_at(at))


def _job(before: TakeReview, after: TakeReview) -> Resolution | None:
    """no-job-link: the sentence that names the job (a term from it, or the role itself)."""
    t, r = after.text, after.reading
    role_words = L.ROLE_WORDS.get((r.role or "").lower(), ())
    hits = [s for s, e in t.sentences
            if L.JOB_LINK.search(t.lower, s, e)
            or any(term_touched(term, t.clean[s:e]) for term in r.job_terms)
            or any(w in WORD_RE.findall(t.lower[s:e]) for w in role_words)]
    at = _pick(before, t, hits)
    if at is None:
        return None
    return "Now it connects your experience to this job.", _quote_at(t, t.sentence_at(at))


def _asks(before: TakeReview, after: TakeReview) -> Resolution | None:
    """no-questions: the question the candidate now asks."""
    t = after.text
    hits = [s for s, e in t.sentences if "?" in t.clean[s:e] or L.QUESTION_ASKED.search(t.lower, s, e)]
    at = _pick(before, t, hits)
    if at is None:
        return None
    return "Now you ask them a real question.", _quote_at(t, t.sentence_at(at))


def _ordered(before: TakeReview, after: TakeReview) -> Resolution | None:
    t = after.text
    if not t.sentences:
        return None
    longest = max(t.sentence_words(se) for se in t.sentences)
    return f"It is easier to follow now: the longest sentence is {longest} words.", ""


def _answered(before: TakeReview, after: TakeReview) -> Resolution | None:
    """no-answer: the first real sentence."""
    t = after.text
    if not t.sentences:
        return None
    return "Now there is a real answer.", _quote_at(t, t.sentences[0])


RESOLVERS: dict[str, Callable[[TakeReview, TakeReview], Resolution | None]] = {
    "no-example": _occasion,
    "no-result": _ending,
    "vague-impact": _measure,
    "ownership": _owned,
    "too-short": _length,
    "too-long": _shorter,
    "hedging": _hedges,
    "filler": _fillers,
    "off-topic": _on_topic,
    "negative": _fair,
    "no-job-link": _job,
    "no-questions": _asks,
    "structure": _ordered,
    "no-answer": _answered,
}

STILL: dict[str, str] = {
    "no-example": "It still describes what you usually do, not one real occasion.",
    "no-result": "It still stops before saying how it ended.",
    "vague-impact": "The ending is still vague: no number, scale or before and after.",
    "ownership": "It still hides what you did yourself behind 'we' or the passive.",
    "too-short": "It is still too short to show much.",
    "too-long": "It still takes a long time to get to the point.",
    "hedging": "The hedges are still there.",
    "filler": "The filler words are still there.",
    "off-topic": "It still doesn't answer the question that was asked.",
    "negative": "It still criticises other people.",
    "no-job-link": "It still doesn't connect to this job.",
    "no-questions": "There is still no question for them.",
    "structure": "It is still hard to follow.",
    "no-answer": "There is still no real answer.",
    "other": "The reviewer still points at this.",
}

#: The rule stopped firing but nothing in the new take shows the fix (e.g. the vague ending was cut).
UNSHOWN = "The rules no longer flag this, but nothing in the new answer shows it fixed."


def resolution(kind: str, before: TakeReview, after: TakeReview) -> Resolution | None:
    """What resolves ``kind`` in the new take, as (says, evidence), or None when nothing shows it."""
    find = RESOLVERS.get(kind)
    if find is None:
        return None
    found = find(before, after)
    if found is None:
        return None
    says, quote = found
    return says, safe_quote(after.text.original, quote)


def still_line(kind: str, evidence: str, answer: str, words: int | None = None) -> VerdictLine:
    """A pointer the new take still has, quoting where (``words``: the new take's length, for the length kinds)."""
    says = STILL.get(kind, STILL["other"])
    if words is not None and kind in ("too-short", "too-long"):
        says = f"{says[:-1]}: {words} words."
    return VerdictLine(kind=kind, status="remaining", says=says, evidence=safe_quote(answer, evidence))


def new_line(kind: str, evidence: str, answer: str) -> VerdictLine:
    title = KINDS[kind].title
    return VerdictLine(kind=kind, status="new", says=f"Something new to work on: {title[0].lower()}{title[1:]}.",
                       evidence=safe_quote(answer, evidence))


def verdict_lines(before: TakeReview, after: TakeReview) -> list[VerdictLine]:
    """One line per pointer the previous take was shown, then one per new kind (see the module docstring)."""
    answer = after.text.original
    now = after.present()
    blank = "no-answer" in now
    lines = []
    for kind in before.shown():
        if kind in now:
            lines.append(still_line(kind, now[kind], answer, after.text.n_words))
            continue
        # With no real answer now, whatever the previous take lacked the new one lacks too.
        found = None if blank else resolution(kind, before, after)
        if found is None:
            lines.append(VerdictLine(kind=kind, status="remaining", says=UNSHOWN))
        else:
            lines.append(VerdictLine(kind=kind, status="resolved", says=found[0], evidence=found[1]))
    had = before.present()
    for kind in after.shown():
        if kind not in had and kind not in before.shown():
            lines.append(new_line(kind, now.get(kind, ""), answer))
    return lines


def compare(question: str, previous: str, answer: str, *, type: str | None = None, round: str | None = None,
            role: str | None = None, job: str | None = None) -> RetryVerdict:
    """The offline verdict on a retry: each previous pointer resolved or remaining, and any new ones."""
    context = {"type": type, "round": round, "role": role, "job": job}
    before = review_take(question, previous, **context)
    after = review_take(question, answer, **context)
    return RetryVerdict(lines=verdict_lines(before, after), backend="offline", model=None)
