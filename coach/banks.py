"""Question banks: load and validate them, and choose the questions for a round.

Banks are TOML files: a top-level ``id``, ``title`` and ``description``, then
one ``[[questions]]`` table per question (see `coach.domain.models.Question`).

Where banks come from, in order (later wins):

1. the shipped banks (``prompts/questions/*.toml``),
2. the administrator's system directory (``paths.system_banks_dir()``,
   ``COACH_SYSTEM_BANKS``),
3. the user's directory (``paths.user_banks_dir()``),
4. any ``extra_dirs`` given to `load_banks` (tests, one-off runs).

Within a directory files are read in name order. Override rules:

* A file whose bank ``id`` is new adds a bank.
* A file whose bank ``id`` already exists is **merged** into it: its title and
  description replace the old ones, its questions replace earlier questions
  with the same question id and the rest are appended. (Merging rather than
  replacing lets an administrator add three questions to the shipped
  ``software-engineer`` bank without copying the other forty.)
* A question id defined in an earlier directory is overridden wherever it
  lives: the later question wins, and moves to the later file's bank.
* The same question id twice in one directory (or in one file) is a mistake,
  not an override: the second one is skipped and reported.

Nothing here raises on a bad bank: a broken file is skipped and a broken
question is skipped, each with a one-line `BankProblem`, so one typo in
``/etc/coach/banks`` never stops anyone practising.
"""

from __future__ import annotations

import random
import re
import tomllib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from coach.limits import MAX_QUESTIONS, MIN_QUESTIONS
from coach.domain.models import QUESTION_TYPES, ROUNDS, Bank, Id, NonEmpty, QuestionType, RoundPlan, Strict, Question

GENERAL_ROLE = "general"
ANY_ROLE = "any"

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
        self.lines = text.splitlines()
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
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError as exc:
        return None, BankProblem(path, None, None, None, f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
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
        data = tomllib.loads(text)
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


# -------------------------------------------------------------- loading all


@dataclass
class LoadedBanks:
    """Every bank in use after merging the shipped, system and user layers.

    ``sources`` maps a bank id to the last file that defined or changed it;
    ``origins`` keeps every file that contributed, in load order.
    """

    banks: dict[str, Bank] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    problems: list[BankProblem] = field(default_factory=list)
    origins: dict[str, list[Path]] = field(default_factory=dict)

    def questions(self) -> dict[str, Question]:
        """All questions by id (ids are unique after merging)."""
        return {q.id: q for bank in self.banks.values() for q in bank.questions}

    def bank_of(self, question_id: str) -> str | None:
        """The id of the bank holding a question, for display."""
        for bank in self.banks.values():
            if any(q.id == question_id for q in bank.questions):
                return bank.id
        return None

    def roles(self) -> list[str]:
        """Role ids that can be practised: every named role, plus 'general'."""
        named = {r for q in self.questions().values() for r in q.roles if r != ANY_ROLE}
        return [GENERAL_ROLE] + sorted(named - {GENERAL_ROLE})


def shipped_banks_dir() -> Path:
    """Where the banks that come with coach live."""
    from coach import resources

    return resources.prompts_dir() / "questions"


def bank_dirs(extra_dirs: Sequence[Path] | None = None) -> list[Path]:
    """The directories searched, lowest precedence first."""
    from coach import paths

    dirs = [shipped_banks_dir(), paths.system_banks_dir(), paths.user_banks_dir()]
    return dirs + [Path(d) for d in (extra_dirs or ())]


def _bank_files(directory: Path) -> tuple[list[Path], list[BankProblem]]:
    """The *.toml files of one directory in name order; a missing dir is fine."""
    try:
        if not directory.is_dir():
            return [], []
        return sorted(p for p in directory.glob("*.toml") if p.is_file()), []
    except OSError as exc:
        return [], [BankProblem(directory, None, None, None, f"cannot list: {exc.strerror or exc}")]


@dataclass
class _Merger:
    """Accumulates banks layer by layer, applying the override rules above."""

    titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    questions: dict[str, dict[str, Question]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)
    defined_in: dict[str, tuple[int, Path]] = field(default_factory=dict)
    result: LoadedBanks = field(default_factory=LoadedBanks)

    def add(self, bank: Bank, path: Path, layer: int) -> None:
        """Merge one file's bank; report same-layer duplicate question ids."""
        self.titles[bank.id] = (bank.title, bank.description)
        target = self.questions.setdefault(bank.id, {})
        self.result.sources[bank.id] = path
        self.result.origins.setdefault(bank.id, []).append(path)
        for q in bank.questions:
            earlier = self.defined_in.get(q.id)
            if earlier and earlier[0] == layer and earlier[1] != path:
                self.result.problems.append(
                    BankProblem(
                        path, None, q.id, "id", f"duplicate question id (already in {earlier[1]})"
                    )
                )
                continue
            old_bank = self.owner.get(q.id)
            if old_bank is not None and old_bank != bank.id:
                del self.questions[old_bank][q.id]
            target[q.id] = q
            self.owner[q.id] = bank.id
            self.defined_in[q.id] = (layer, path)

    def finish(self) -> LoadedBanks:
        """Build the final `Bank` objects, dropping banks emptied by overrides."""
        for bank_id, qs in self.questions.items():
            if not qs:
                self.result.sources.pop(bank_id, None)
                self.result.origins.pop(bank_id, None)
                continue
            title, description = self.titles[bank_id]
            self.result.banks[bank_id] = Bank(
                id=bank_id, title=title, description=description, questions=list(qs.values())
            )
        return self.result


def load_banks(extra_dirs: Sequence[Path] | None = None) -> LoadedBanks:
    """Load every bank: shipped, then system, then user, then ``extra_dirs``.

    Never raises for a bad file; see `LoadedBanks.problems`.
    """
    merger = _Merger()
    for layer, directory in enumerate(bank_dirs(extra_dirs)):
        files, problems = _bank_files(directory)
        merger.result.problems.extend(problems)
        for path in files:
            bank, file_problems = read_bank_file(path)
            merger.result.problems.extend(file_problems)
            if bank is not None:
                merger.add(bank, path, layer)
    return merger.finish()


# ------------------------------------------------------------------ planner


class PlanError(ValueError):
    """A round cannot be planned as asked; the message is one clear line."""


# Which questions exercise a recurring weakness: (types, competencies).
_STORY_KINDS = ("no-example", "no-result", "vague-impact", "ownership", "structure", "too-short")
FOCUS_BIAS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    **{
        kind: (frozenset({"behavioral"}), frozenset())
        for kind in _STORY_KINDS + ("too-long", "hedging", "filler", "off-topic")
    },
    "ownership": (frozenset({"behavioral"}), frozenset({"ownership", "leadership", "initiative"})),
    "no-result": (
        frozenset({"behavioral"}),
        frozenset({"results", "data-driven", "impact", "delivery"}),
    ),
    "vague-impact": (
        frozenset({"behavioral"}),
        frozenset({"results", "data-driven", "impact", "delivery"}),
    ),
    "negative": (frozenset(), frozenset({"conflict", "failure", "resilience", "feedback"})),
    "no-job-link": (frozenset({"motivational", "technical-light"}), frozenset({"role-fit"})),
    "no-questions": (frozenset({"closing"}), frozenset()),
    "no-answer": (frozenset(), frozenset()),
}

_WORD_RE = re.compile(r"[a-z][a-z-]{2,}")


def _job_words(job: str | None) -> set[str]:
    """Words of a job description, split like competency ids, for overlap."""
    if not job:
        return set()
    words = set(_WORD_RE.findall(job.lower()))
    return words | {part for w in words for part in w.split("-") if len(part) > 2}


def _is_role_specific(q: Question, role: str) -> bool:
    """True for a question written for this role rather than for 'any'."""
    return role != GENERAL_ROLE and role in q.roles


@dataclass
class _Scorer:
    """Ranks candidate questions: role first, then focus and job, then chance.

    The random part comes from one `random.Random(seed)` draw per question in
    id order, so a seed always gives the same plan for the same banks.
    """

    role: str
    jitter: dict[str, float]
    avoid_rank: dict[str, int]
    focus_kind: str | None
    job_words: set[str]

    def focus_bonus(self, q: Question) -> float:
        """How strongly a question exercises the weakness being practised."""
        if not self.focus_kind or self.focus_kind not in FOCUS_BIAS:
            return 0.0
        types, comps = FOCUS_BIAS[self.focus_kind]
        bonus = 2.0 if q.type in types else 0.0
        bonus += 1.5 if comps.intersection(q.competencies) else 0.0
        if self.focus_kind == "no-job-link" and _is_role_specific(q, self.role):
            bonus += 1.0
        return bonus

    def job_bonus(self, q: Question) -> float:
        """A pull towards competencies the job description mentions.

        Strong enough to beat chance between two otherwise equal questions,
        capped so it cannot outweigh a role's own questions on its own.
        """
        if not self.job_words:
            return 0.0
        parts = {p for c in q.competencies for p in [c, *c.split("-")]}
        return min(1.0 * len(parts & self.job_words), 1.4)

    def score(self, q: Question) -> float:
        """Higher is better. Recently answered questions sink below all others;
        among them, the least recently answered sinks least."""
        value = self.jitter[q.id]
        value += 1.5 if _is_role_specific(q, self.role) else 0.0
        value += self.focus_bonus(q) + self.job_bonus(q)
        if q.id in self.avoid_rank:
            value -= 100.0 + (len(self.avoid_rank) - self.avoid_rank[q.id])
        return value


def _is_closing(q: Question) -> bool:
    """Closing items ("any questions for us?") only ever end a round."""
    return q.type == "closing"


def _is_logistics(q: Question) -> bool:
    """Notice period, salary, working pattern: one per phone screen, near the end."""
    return "logistics" in q.competencies


def _is_opening(q: Question) -> bool:
    """An opener is mainly about the candidate's background ("walk me through your CV")."""
    return _main_competency(q) == "background"


def _main_competency(q: Question) -> str | None:
    """The first competency listed is what the question mainly probes."""
    return q.competencies[0] if q.competencies else None


# A slot is a named wish: a test a question should pass to fill it.
_SLOT_TESTS = {
    "opening": _is_opening,
    "motivation": lambda q: "motivation" in q.competencies and not _is_logistics(q),
    "role-skill": lambda q: q.type in ("technical-light", "behavioral") and not _is_logistics(q),
    "logistics": _is_logistics,
    "behavioral": lambda q: q.type == "behavioral",
    "situational": lambda q: q.type == "situational",
    "culture": lambda q: q.type == "motivational" or "culture" in q.competencies,
    "closing": _is_closing,
    "fill": lambda q: not _is_logistics(q),
}


def _phone_slots(n: int) -> list[str]:
    """Opening, motivation, one or two role skills, fill, logistics last."""
    if n == 1:
        return ["opening"]
    head = ["opening", "motivation"]
    body = ["role-skill"] if n <= 4 else ["role-skill", "role-skill"]
    slots = head + body
    if n >= 4:
        slots.append("logistics")
    while len(slots) < n:
        slots.insert(len(slots) - 1, "fill")
    return slots[:n]


def _second_slots(n: int) -> list[str]:
    """A competency round is behavioral deep dives."""
    return ["behavioral"] * n


def _final_slots(n: int) -> list[str]:
    """Situational and culture questions in turn, the closing item last."""
    cycle = ["situational", "culture"]
    return [cycle[i % 2] for i in range(n - 1)] + ["closing"]


_ROUND_SLOTS = {"phone": _phone_slots, "second": _second_slots, "final": _final_slots}


def _plan_slots(round: str, n: int, focus_kind: str | None, has_closing: bool) -> list[str]:
    """The slot list for a round; practising 'no-questions' always ends on a closing item."""
    slots = _ROUND_SLOTS[round](n)
    if focus_kind == "no-questions" and has_closing and slots[-1] != "closing":
        slots = (_ROUND_SLOTS[round](n - 1) if n > 1 else []) + ["closing"]
    return slots


def _pick(
    slot: str, remaining: list[Question], scorer: _Scorer, used_comps: set[str]
) -> Question:
    """The best remaining question for a slot.

    Prefers questions that pass the slot's test; a closing item is only ever
    used in the closing slot. Repeating a competency already covered costs a
    little, less than repeating a recently answered question.
    """
    test = _SLOT_TESTS[slot]
    allowed = [q for q in remaining if _is_closing(q) == (slot == "closing")] or remaining
    fitting = [q for q in allowed if test(q)] or allowed

    def rank(q: Question) -> tuple[float, str]:
        penalty = 5.0 if _main_competency(q) in used_comps else 0.0
        return (scorer.score(q) - penalty, q.id)

    return max(fitting, key=rank)


def _validate_request(
    banks: LoadedBanks, round: str, role: str, n: int, focus_kind: str | None
) -> None:
    """Raise `PlanError` with the valid values for any bad argument."""
    from coach.domain.kinds import KIND_IDS

    if round not in ROUNDS:
        raise PlanError(f"unknown round {round!r}: choose one of {', '.join(ROUNDS)}")
    roles = banks.roles()
    if role not in roles:
        raise PlanError(f"unknown role {role!r}: choose one of {', '.join(roles)}")
    if isinstance(n, bool) or not isinstance(n, int) or not MIN_QUESTIONS <= n <= MAX_QUESTIONS:
        raise PlanError(
            f"number of questions must be between {MIN_QUESTIONS} and {MAX_QUESTIONS}, got {n!r}"
        )
    if focus_kind is not None and focus_kind not in KIND_IDS:
        raise PlanError(f"unknown focus kind {focus_kind!r}: choose one of {', '.join(KIND_IDS)}")


def _avoid_ranks(avoid: Collection[str]) -> dict[str, int]:
    """Recency rank per avoided id: 0 is the most recent.

    An ordered collection (list, tuple) is read most recent first, so when
    the pool runs out the least recently used question comes back first. A
    set carries no order: every id counts the same.
    """
    if isinstance(avoid, (list, tuple)):
        ranks: dict[str, int] = {}
        for i, qid in enumerate(avoid):
            ranks.setdefault(qid, i)
        return ranks
    return {qid: 0 for qid in avoid}


def candidate_pool(banks: LoadedBanks, round: str, role: str) -> list[Question]:
    """Every question that fits a round and role, in id order (stable for seeding)."""
    return sorted(
        (q for q in banks.questions().values() if q.fits(round, role)), key=lambda q: q.id
    )


def plan_round(
    banks: LoadedBanks,
    round: str,
    role: str,
    n: int,
    *,
    avoid: Collection[str] = (),
    seed: int | None = None,
    job: str | None = None,
    focus_kind: str | None = None,
) -> RoundPlan:
    """Choose ``n`` questions for one round, in the order they will be asked.

    * phone: an opening/background question, motivation, one or two role
      skills, logistics near the end.
    * second: behavioral deep dives, each on a different main competency
      where the pool allows.
    * final: situational and culture/motivation questions, and the closing
      "any questions for us?" item always last.

    Role questions win over general ones; general ones fill in. No question
    repeats; ids in ``avoid`` are used only once the pool runs out. Fewer than
    ``n`` questions come back only when the pool itself is smaller than ``n``.
    ``focus_kind`` (a pointer kind) biases choice toward questions that
    practise that weakness; ``job`` nudges toward competencies it mentions.
    """
    _validate_request(banks, round, role, n, focus_kind)
    pool = candidate_pool(banks, round, role)
    if not pool:
        raise PlanError(f"no questions for role {role!r} in the {round} round")
    rng = random.Random(seed)
    scorer = _Scorer(
        role=role,
        jitter={q.id: rng.random() for q in pool},
        avoid_rank=_avoid_ranks(avoid),
        focus_kind=focus_kind,
        job_words=_job_words(job),
    )
    slots = _plan_slots(round, min(n, len(pool)), focus_kind, any(map(_is_closing, pool)))
    remaining = list(pool)
    chosen: list[Question] = []
    used_comps: set[str] = set()
    for slot in slots:
        q = _pick(slot, remaining, scorer, used_comps)
        remaining.remove(q)
        chosen.append(q)
        if _main_competency(q):
            used_comps.add(_main_competency(q) or "")
    return RoundPlan(round=round, role=role, questions=chosen, job=job, seed=seed)
