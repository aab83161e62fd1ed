"""Evidence verification: an LLM's pointers are only as good as their quotes.

A pointer is meant to quote the candidate's own words. Models paraphrase,
tidy punctuation, or invent a quote outright; a made-up quote presented as the
candidate's words would be worse than no quote. So every evidence span is
checked against the answers (whitespace-normalised, case kept), replaced by
the exact text from the answer when found, and removed (with the pointer
marked unverified) when not.

Pure functions, no I/O: the openai backend calls `verify_draft` on whatever the
model returned, after schema validation.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from coach.domain.kinds import KIND_IDS
from coach.domain.models import Pointer, Strength

_WS = re.compile(r"\s+")
#: Wrappers models like to put around a quote; they are not the candidate's words.
_QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019`\u00ab\u00bb"
_ELLIPSES = ("...", "\u2026")
#: Controls and invisible format characters: a model never copies them into a
#: quote, so matching ignores them (the span returned still holds them).
_INVISIBLE = frozenset(
    [chr(c) for c in range(0x20) if not chr(c).isspace()]
    + [chr(c) for c in range(0x7F, 0xA0) if not chr(c).isspace()]
    + list("\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)
MAX_POINTERS = 2


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space and trim, so line breaks don't break a match."""
    return _WS.sub(" ", text).strip()


def _clean_quote(evidence: str) -> str:
    """Strip wrapping quotes and leading/trailing ellipses a model adds around a span."""
    text = normalise(html.unescape(evidence))
    changed = True
    while changed and text:
        changed = False
        for mark in _ELLIPSES:
            if text.startswith(mark):
                text, changed = text[len(mark):].strip(), True
            if text.endswith(mark):
                text, changed = text[: -len(mark)].strip(), True
        if len(text) >= 2 and text[0] in _QUOTE_CHARS and text[-1] in _QUOTE_CHARS:
            text, changed = text[1:-1].strip(), True
    return text


def find_span(answer: str, evidence: str) -> str | None:
    """The exact text of ``answer`` that ``evidence`` quotes, ignoring whitespace and controls.

    Returns the original characters (line breaks and all) so what we show is
    really what the candidate typed; None when the quote is not there.
    """
    quote = "".join(ch for ch in _clean_quote(evidence) if ch not in _INVISIBLE)
    if not quote:
        return None
    # Map every character of the normalised answer back to its original index.
    norm_chars: list[str] = []
    index: list[int] = []
    pending_space = False
    for i, ch in enumerate(answer):
        if ch in _INVISIBLE:
            continue
        if ch.isspace():
            pending_space = bool(norm_chars)
            continue
        if pending_space:
            norm_chars.append(" ")
            index.append(i - 1)
            pending_space = False
        norm_chars.append(ch)
        index.append(i)
    at = "".join(norm_chars).find(quote)
    if at < 0:
        return None
    return answer[index[at] : index[at + len(quote) - 1] + 1]


@dataclass
class Located:
    """Where a quote was found: the answer's id and the exact span (or nothing)."""

    question_id: str | None
    span: str | None


def locate(evidence: str, named: str | None, answers: Mapping[str, str]) -> Located:
    """Find ``evidence`` in the answer it names, else in any answer (then re-attribute it)."""
    if named in answers:
        span = find_span(answers[named], evidence)
        if span is not None:
            return Located(named, span)
    for qid, text in answers.items():
        span = find_span(text, evidence)
        if span is not None:
            return Located(qid, span)
    return Located(named if named in answers else None, None)


@dataclass
class Verified:
    """The checked pointers and strength, with a plain account of what was changed."""

    pointers: list[Pointer]
    strength: Strength | None
    removed_quotes: int = 0
    dropped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.pointers)

    def notice(self) -> str | None:
        """One line for the Feedback's notice when verification changed anything."""
        parts: list[str] = []
        if self.removed_quotes:
            n = self.removed_quotes
            parts.append(
                f"{n} quote{'s' if n != 1 else ''} could not be found in your answers and "
                f"{'were' if n != 1 else 'was'} removed (marked unverified)"
            )
        if self.dropped:
            parts.append("dropped: " + "; ".join(self.dropped))
        return ". ".join(parts) + "." if parts else None


def _field(item: Any, name: str, default: Any = None) -> Any:
    if isinstance(item, Mapping):
        return item.get(name, default)
    return getattr(item, name, default)


def _default_qid(answers: Mapping[str, str]) -> str | None:
    return next(iter(answers)) if len(answers) == 1 else None


def verify_pointer(item: Any, answers: Mapping[str, str]) -> tuple[Pointer | None, str | None, bool]:
    """One draft pointer → (checked Pointer or None, why it was dropped, quote removed?)."""
    kind = _field(item, "kind")
    title = normalise(str(_field(item, "title") or ""))
    tip = normalise(str(_field(item, "tip") or ""))
    if kind not in KIND_IDS:
        return None, f"unknown kind {kind!r}", False
    if not title or not tip:
        return None, f"a {kind} pointer with no {'title' if not title else 'tip'}", False
    evidence = str(_field(item, "evidence") or "")
    named = _field(item, "question_id")
    named = named if isinstance(named, str) else None
    if not normalise(evidence):
        qid = named if named in answers else _default_qid(answers)
        return Pointer(kind=kind, title=title[:160], evidence="", question_id=qid, tip=tip), None, False
    found = locate(evidence, named, answers)
    qid = found.question_id or _default_qid(answers)
    pointer = Pointer(
        kind=kind,
        title=title[:160],
        evidence=found.span or "",
        question_id=qid,
        tip=tip,
        verified=found.span is not None,
    )
    return pointer, None, found.span is None


def verify_strength(item: Any, answers: Mapping[str, str]) -> Strength | None:
    """Keep a strength only when its quote is real (praise without evidence is canned praise)."""
    if item is None:
        return None
    title = normalise(str(_field(item, "title") or ""))
    evidence = str(_field(item, "evidence") or "")
    if not title or not normalise(evidence):
        return None
    named = _field(item, "question_id")
    found = locate(evidence, named if isinstance(named, str) else None, answers)
    if found.span is None:
        return None
    return Strength(title=title, evidence=found.span, question_id=found.question_id)


def verify_draft(
    pointers: Iterable[Any], strength: Any, answers: Mapping[str, str]
) -> Verified:
    """Check a model's pointers and strength against the answers (question_id -> text)."""
    checked: list[Pointer] = []
    dropped: list[str] = []
    removed = 0
    for item in pointers:
        pointer, why, quote_removed = verify_pointer(item, answers)
        if pointer is None:
            dropped.append(why or "invalid pointer")
            continue
        if len(checked) >= MAX_POINTERS:
            dropped.append(f"pointers beyond the first {MAX_POINTERS}")
            break
        checked.append(pointer)
        removed += int(quote_removed)
    return Verified(checked, verify_strength(strength, answers), removed, dropped)
