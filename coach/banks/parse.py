"""One bank file: parse its TOML and validate it question by question.

A broken file or question becomes a one-line `BankProblem` (file:line, the
question and field, what is wrong) rather than an exception, so a typo costs
one question, not the practice session.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.domain.models import QUESTION_TYPES, ROUNDS, Bank, Id, NonEmpty, Question, Strict
from coach.fsutil import NestedTooDeepError, loads_toml, read_regular_file

#: The largest bank file read; the shipped ones are a few tens of KB.
MAX_BANK_BYTES = 4 * 1024 * 1024

# ------------------------------------------------------------------ problems


@dataclass(frozen=True)
class BankProblem:
    """One thing wrong with a bank file, printable as a single line.

    Every part but ``file`` and ``message`` is optional because some problems
    (an unreadable file) have no line, question or field to point at.
    """

    file: Path | str
    line: int | None
    question_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = str(self.file) + (f":{self.line}" if self.line else "")
        parts = [where]
        if self.question_id:
            parts.append(f"question {self.question_id!r}")
        if self.field:
            parts.append(f"field {self.field!r}")
        parts.append(" ".join(self.message.split()))
        return ": ".join(parts)


class _BankHeader(Strict):
    """The top-level keys of a bank file, validated apart from its questions.

    Kept separate from `Bank` so that one bad question does not make the
    whole file invalid: the header decides whether the file is usable, each
    question is then validated on its own.
    """

    id: Id
    title: NonEmpty
    description: str = ""


# --------------------------------------------------------- locating lines

_TABLE_RE = re.compile(r"^\s*\[")
_QUESTIONS_RE = re.compile(r"^\s*\[\[\s*questions\s*\]\]")
_SYNTAX_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_SYNTAX_END_RE = re.compile(r"\s*\(at end of document\)\s*$")


class _SourceMap:
    """A light scan of a bank file's text to turn keys into line numbers.

    tomllib gives no positions for values, so we find them by looking for
    ``[[questions]]`` headers and ``key =`` lines; good enough to point a
    person at the right place, and it degrades to ``None`` rather than lie.
    """

    def __init__(self, text: str) -> None:
        # As TOML counts lines: splitlines() would also break at U+2028, U+0085...
        self.lines = text.removesuffix("\n").split("\n")
        self.question_starts = [i for i, ln in enumerate(self.lines) if _QUESTIONS_RE.match(ln)]
        self.table_starts = [i for i, ln in enumerate(self.lines) if _TABLE_RE.match(ln)]

    def _find_key(self, key: str, start: int, end: int) -> int | None:
        """1-based line of ``key =`` (bare or quoted) within [start, end)."""
        pattern = re.compile(rf"^\s*(\"{re.escape(key)}\"|{re.escape(key)})\s*=")
        for i in range(start, min(end, len(self.lines))):
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def top_level_line(self, key: str | None) -> int | None:
        """Line of a top-level key (before the first table), if written so."""
        end = self.table_starts[0] if self.table_starts else len(self.lines)
        return self._find_key(key, 0, end) if key else None

    def question_line(self, index: int, qid: str | None, key: str | None) -> int | None:
        """Line of ``key`` in the ``index``-th question, else of its table header.

        Falls back to the line holding the question's id string, which also
        covers banks written as an inline array of tables.
        """
        if index < len(self.question_starts):
            start = self.question_starts[index]
            later = [t for t in self.table_starts if t > start]
            end = later[0] if later else len(self.lines)
            found = self._find_key(key, start + 1, end) if key else None
            return found or start + 1
        if qid:
            needle = re.compile(rf"[\"']{re.escape(qid)}[\"']")
            for i, ln in enumerate(self.lines):
                if needle.search(ln):
                    return i + 1
        return None


# ------------------------------------------------------- validating a file


def _field_name(loc: tuple[Any, ...]) -> str | None:
    """The top-level field of a pydantic error location ('rounds' for rounds[0])."""
    return str(loc[0]) if loc else None


_EXPECTED = {
    "list_type": "a list",
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "dict_type": "a table",
}


def _toml_type(value: Any) -> str:
    """The TOML name of a parsed value's type, as a bank author would say it."""
    names = {str: "string", int: "integer", float: "float", bool: "boolean", list: "array"}
    return "table" if isinstance(value, dict) else names.get(type(value), type(value).__name__)


def _describe_error(err: dict[str, Any], allowed: Iterable[str]) -> str:
    """Turn one pydantic error into a short, human sentence about one field.

    Pydantic's own wording ("Input should be 'phone', 'second' or 'final'")
    is fine for programmers; bank authors get the value they wrote and the
    values they may write instead.
    """
    kind = err.get("type", "")
    value = err.get("input")
    field_name = _field_name(tuple(err.get("loc", ())))
    if kind == "missing":
        return "required but missing"
    if kind == "extra_forbidden":
        return "unknown field (allowed: " + ", ".join(allowed) + ")"
    if kind == "literal_error":
        choices = ROUNDS if field_name == "rounds" else QUESTION_TYPES
        return f"{value!r} is not one of " + ", ".join(choices)
    if kind == "string_pattern_mismatch":
        return f"{value!r} is not a valid id (lowercase letters, digits, '.', '_', '-')"
    if kind in _EXPECTED:
        return f"must be {_EXPECTED[kind]}, got {_toml_type(value)} {value!r}"
    return str(err.get("msg", "is not valid"))


def _problems_from(
    exc: ValidationError,
    path: Path,
    allowed: Iterable[str],
    locate: Any,
    question_id: str | None = None,
) -> list[BankProblem]:
    """One `BankProblem` per pydantic error, each with its best-guess line."""
    out: list[BankProblem] = []
    for err in exc.errors():
        field_name = _field_name(tuple(err.get("loc", ())))
        out.append(
            BankProblem(
                path,
                locate(field_name),
                question_id,
                field_name,
                _describe_error(dict(err), allowed),
            )
        )
    return out


def _syntax_problem(path: Path, exc: tomllib.TOMLDecodeError, n_lines: int) -> BankProblem:
    """A TOML syntax error as file:line, taken from tomllib's own message."""
    message = str(exc)
    line: int | None = None
    m = _SYNTAX_POS_RE.search(message)
    if m:
        line = int(m.group(1))
        message = message[: m.start()] + f" (column {m.group(2)})"
    elif _SYNTAX_END_RE.search(message):
        line = max(n_lines, 1)
        message = _SYNTAX_END_RE.sub(" at end of file", message)
    return BankProblem(path, line, None, None, f"TOML syntax error: {message}")


def _read_text(path: Path) -> tuple[str | None, BankProblem | None]:
    """The file's text, or the one-line reason it could not be read."""
    try:
        # Never a FIFO or device (it would hang every command that loads banks), never a huge file.
        return read_regular_file(path, limit=MAX_BANK_BYTES).decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, BankProblem(path, None, None, None, f"not UTF-8 text ({exc.reason})")
    except OSError as exc:  # also a FIFO, a device or a file over the size cap: strerror says which
        return None, BankProblem(path, None, None, None, f"cannot read: {exc.strerror or exc}")


def _validate_questions(
    raw: Any, path: Path, smap: _SourceMap
) -> tuple[list[Question], list[BankProblem]]:
    """Validate each question on its own; keep the good ones, report the rest."""
    if not isinstance(raw, list):
        line = smap.top_level_line("questions")
        return [], [BankProblem(path, line, None, "questions", "must be [[questions]] tables")]
    allowed = list(Question.model_fields)
    good: list[Question] = []
    problems: list[BankProblem] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        qid = item.get("id") if isinstance(item, dict) else None
        qid = qid if isinstance(qid, str) else None

        def locate(key: str | None, index: int = index, qid: str | None = qid) -> int | None:
            return smap.question_line(index, qid, key)

        if not isinstance(item, dict):
            problems.append(BankProblem(path, locate(None), None, None, "question is not a table"))
            continue
        try:
            question = Question.model_validate(item)
        except ValidationError as exc:
            problems.extend(_problems_from(exc, path, allowed, locate, qid))
            continue
        if question.id in seen:
            problems.append(
                BankProblem(
                    path,
                    locate("id"),
                    question.id,
                    "id",
                    f"duplicate question id (first defined at line {seen[question.id]})",
                )
            )
            continue
        seen[question.id] = locate("id") or 0
        good.append(question)
    return good, problems


def read_bank_file(path: Path) -> tuple[Bank | None, list[BankProblem]]:
    """Parse and validate one bank file.

    Returns the bank made of its valid questions (``None`` when the file as a
    whole is unusable: unreadable, bad TOML, bad header, no valid question)
    and every problem found. A bank with some bad questions is still returned,
    so a single typo costs one question, not the whole file.
    """
    path = Path(path)
    text, problem = _read_text(path)
    if problem or text is None:
        return None, [problem] if problem else []
    smap = _SourceMap(text)
    try:
        data = loads_toml(text)
    except NestedTooDeepError as exc:
        return None, [BankProblem(path, None, None, None, f"TOML not read: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return None, [_syntax_problem(path, exc, len(smap.lines))]
    if not data:
        return None, [BankProblem(path, None, None, None, "empty file: no id, title or questions")]
    header_raw = {k: v for k, v in data.items() if k != "questions"}
    allowed_header = list(_BankHeader.model_fields) + ["questions"]
    problems: list[BankProblem] = []
    header: _BankHeader | None = None
    try:
        header = _BankHeader.model_validate(header_raw)
    except ValidationError as exc:
        problems.extend(_problems_from(exc, path, allowed_header, smap.top_level_line))
    if "questions" not in data:
        problems.append(
            BankProblem(path, None, None, "questions", "no [[questions]] tables in the file")
        )
        return None, problems
    questions, q_problems = _validate_questions(data["questions"], path, smap)
    problems.extend(q_problems)
    if header is None:
        return None, problems
    if not questions:
        problems.append(BankProblem(path, None, None, None, "bank skipped: no valid questions"))
        return None, problems
    bank = Bank(
        id=header.id, title=header.title, description=header.description, questions=questions
    )
    return bank, problems


def check_file(path: Path) -> list[BankProblem]:
    """Every problem in one bank file (empty list when it is valid)."""
    return read_bank_file(Path(path))[1]
