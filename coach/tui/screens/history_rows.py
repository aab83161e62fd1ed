"""History's rows: filters and search, and cells that fit the width by rule.

Pure functions of session summaries (no widgets), so the rules are tested
without a terminal. The columns fit the width (`columns_for`), never by
cutting text mid-word: with room, all seven; narrower, Backend and Kind go (a
real interview says "real" in its Round cell), the date loses its year, and
Role and First pointer share what is left, each cell shortened at a word
with "…" (`fit`).

A session with retries says so at the start of its First pointer cell, before
the pointer: "2 attempts, 1 of 2 fixed · Say how it ended" (`retries_text`:
the most takes at one question, then the newest verdict in short). When any
listed session has retries, the narrow layout gives that column at least
`MIN_RETRY_POINTER` cells (Role gives them up), so the count and the verdict
stay whole at 80 columns and only the pointer title is shortened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.markup import escape

from coach.domain.rounds import ROUND_TITLES
from coach.domain.text import visible

if TYPE_CHECKING:
    from coach.store import SessionSummary

COLUMNS = ("Date", "Round", "Role", "Kind", "Status", "First pointer", "Backend")
STATUSES = ("in-progress", "complete", "abandoned", "unreadable")

#: Columns a table keeps on its right for the vertical scrollbar, and around each cell.
SCROLLBAR = 2
CELL_PADDING = 2
#: Fixed widths (the longest value each can hold) in the wide and the narrow layout.
WIDE = {"Date": 16, "Round": 6, "Role": 17, "Kind": 8, "Status": 11, "Backend": 8}
NARROW = {"Date": 12, "Round": 11, "Status": 11}
#: The first pointer gets at least this many cells before the wide layout is used.
MIN_WIDE_POINTER = 30
#: In the narrow layout the pointer keeps this many cells; Role gets the rest, up to ROLE_MAX.
MIN_NARROW_POINTER = 20
ROLE_MIN, ROLE_MAX = 8, 17
#: In the narrow layout with retries listed: room for "2 attempts, fixed no-result".
MIN_RETRY_POINTER = 27


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; ``None`` means any."""

    round: str | None = None
    role: str | None = None
    status: str | None = None
    text: str = ""

    def describe(self) -> str:
        bits = [
            f"round {self.round}" if self.round else "",
            f"role {self.role}" if self.role else "",
            f"status {self.status}" if self.status else "",
            f"“{self.text}”" if self.text.strip() else "",
        ]
        return ", ".join(b for b in bits if b) or "all sessions"


def status_of(summary: SessionSummary) -> str:
    return "unreadable" if summary.error else (summary.status or "?")


def matches(summary: SessionSummary, filters: Filters, extra: str = "") -> bool:
    """Whether ``summary`` passes ``filters`` (search: role, pointer, id, path, and ``extra``:
    a real interview's company)."""
    if filters.round and summary.round != filters.round:
        return False
    if filters.role and summary.role != filters.role:
        return False
    if filters.status and status_of(summary) != filters.status:
        return False
    needle = filters.text.strip().casefold()
    if not needle:
        return True
    haystack = " ".join(
        str(v or "")
        for v in (summary.id, summary.role, summary.first_pointer, retries_text(summary),
                  Path(summary.path).name, extra,
                  "real interview" if summary.kind == "real" else "")
    ).casefold()
    return all(word in haystack for word in needle.split())


def filter_summaries(
    summaries: Iterable[SessionSummary], filters: Filters, companies: Mapping[str, str] | None = None
) -> list[SessionSummary]:
    """The summaries that pass ``filters``; ``companies`` (`row_key` -> company) are searched too."""
    companies = companies or {}
    return [s for s in summaries if matches(s, filters, companies.get(row_key(s), ""))]


def cycle(value: str | None, options: Sequence[str]) -> str | None:
    """The next option after ``value``; after the last one, back to any (None)."""
    if not options:
        return None
    if value is None or value not in options:
        return options[0]
    index = options.index(value) + 1
    return options[index] if index < len(options) else None


def format_date(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str) and value:
        return value[:16].replace("T", " ")
    return "?"


def short_date(value: Any) -> str:
    """``2 Dec, 02:37``: how a round is named in a sentence."""
    if isinstance(value, datetime):
        return f"{value.day} {value:%b}, {value:%H:%M}"
    return format_date(value)


def fit(text: str, width: int) -> str:
    """``text`` in ``width`` cells, shortened after a whole word (or hyphenated part) with "…".

    Only a single word longer than the column is cut inside, and then it says so ("…").
    """
    if cell_len(text) <= width:
        return text
    if width < 2:
        return "…" if width == 1 else ""
    head = text
    while cell_len(head) > width - 1:
        head = head[:-1]
    if text[len(head)] not in " -":  # the cut falls inside a word: back to its start
        cut = max(head.rfind(" "), head.rfind("-"))
        if cut > 0:
            head = head[: cut + 1] if head[cut] == "-" else head[:cut]
    return head.rstrip(" ,;:·") + "…"


def columns_for(width: int, *, real: bool = False, retries: bool = False) -> dict[str, int]:
    """Column name -> width for a table ``width`` cells wide (see the module docstring).

    ``real``: some session is a real interview, so the narrow Round cell needs
    room for "real second". ``retries``: some session has retries, so the
    narrow First pointer cell keeps room for "2 attempts, fixed no-result".
    """
    room = width - SCROLLBAR
    wide_rest = room - sum(WIDE.values()) - CELL_PADDING * len(COLUMNS)
    if wide_rest >= MIN_WIDE_POINTER:
        return {name: WIDE.get(name, wide_rest) for name in COLUMNS}
    shown = ("Date", "Round", "Role", "Status", "First pointer")
    fixed = {**NARROW, "Round": NARROW["Round"] if real else WIDE["Round"]}
    rest = max(ROLE_MIN * 2, room - sum(fixed.values()) - CELL_PADDING * len(shown))
    role = max(ROLE_MIN, min(ROLE_MAX, rest - (MIN_RETRY_POINTER if retries else MIN_NARROW_POINTER)))
    widths = {**fixed, "Role": role, "First pointer": rest - role}
    return {name: widths[name] for name in shown}


def retries_text(summary: SessionSummary) -> str:
    """"2 attempts, 1 of 2 fixed" for a session with retries; "" for one without.

    "2 attempts" is the most takes any one question had (the answer itself is
    the first); "on 3 questions" follows when more than one was retried.
    """
    if summary.error or summary.n_attempts < 2:
        return ""
    text = f"{summary.n_attempts} attempts"
    if summary.n_retried > 1:
        text += f" on {summary.n_retried} questions"
    if summary.latest_verdict:
        text += f", {summary.latest_verdict}"
    return text


def row_key(summary: SessionSummary) -> str:
    """The row's key and every action's session reference: the file itself.

    Not the id: a copied file holds the same id as its original, and a renamed
    one's name no longer says it, so only the path names the row chosen.
    """
    return str(summary.path)


def row_cells(summary: SessionSummary, columns: dict[str, int] | None = None,
              company: str = "") -> tuple[str, ...]:
    """The cells of ``summary`` for ``columns`` (all seven, unshortened, when None)."""
    narrow = columns is not None and "Kind" not in columns
    date = format_date(summary.created_at)
    if narrow and isinstance(summary.created_at, datetime):
        date = f"{summary.created_at:%d %b %H:%M}"
    if summary.error:
        name = Path(summary.path).name
        cells = {"Date": date, "Round": "?", "Role": "?", "Kind": "?", "Status": "unreadable",
                 "First pointer": f"{name}: {summary.error}", "Backend": ""}
    else:
        real = summary.kind == "real"
        round_ = summary.round or "?"
        role = summary.role or "?"
        cells = {
            "Date": date,
            "Round": f"real {round_}" if narrow and real else round_,
            "Role": f"{company} · {role}" if company else role,
            "Kind": summary.kind or "practice",
            "Status": summary.status or "?",
            "First pointer": _pointer_cell(summary),
            "Backend": summary.backend or "—",
        }
    # Every value from a file is shown as it reads: controls made visible before fitting,
    # markup escaped after (DataTable reads cells as markup).
    shown = {name: visible(value) for name, value in cells.items()}
    if columns is None:
        return tuple(escape(shown[name]) for name in COLUMNS)
    return tuple(escape(fit(shown[name], w)) for name, w in columns.items())


def _pointer_cell(summary: SessionSummary) -> str:
    retries = retries_text(summary)
    pointer = summary.first_pointer or ""
    if retries:
        return f"{retries} · {pointer}" if pointer else retries
    return pointer or "—"


def round_name(summary: SessionSummary) -> str:
    """``the competency round of 2 Dec, 02:37``: a round named by its title, not "second"."""
    title = ROUND_TITLES.get(summary.round or "", summary.round or "round").lower()
    kind = "real " if summary.kind == "real" else ""
    return f"the {kind}{title} of {short_date(summary.created_at)}"
