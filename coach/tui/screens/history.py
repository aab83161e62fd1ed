"""The history screen: every saved session, newest first, to open, replay, export or delete.

It has to stay smooth with 10,000 sessions on a shared box, so it never parses
session files to list them: `Store.list_sessions()` answers from its index, in
a thread worker, and the table is filled a page at a time (the first page
straight away, the rest in chunks between frames). Filters and search work on
those summaries only. A file that cannot be read is still listed, with the
reason, because silently hiding someone's session is worse than showing an
error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Static

from coach.models import ROUNDS

if TYPE_CHECKING:
    from coach.store import SessionSummary, Store

#: Rows added at once: the first page shows at once, later pages between frames.
PAGE = 200

COLUMNS = ("Date", "Round", "Role", "Kind", "Status", "First pointer", "Backend")
STATUSES = ("in-progress", "complete", "abandoned", "unreadable")


# ------------------------------------------------------------- pure helpers


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


def matches(summary: SessionSummary, filters: Filters) -> bool:
    """Whether ``summary`` passes ``filters`` (search: role, pointer, id, path)."""
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
        for v in (summary.id, summary.role, summary.first_pointer, Path(summary.path).name)
    ).casefold()
    return all(word in haystack for word in needle.split())


def filter_summaries(
    summaries: Iterable[SessionSummary], filters: Filters
) -> list[SessionSummary]:
    return [s for s in summaries if matches(s, filters)]


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


def row_key(summary: SessionSummary) -> str:
    return summary.id or str(summary.path)


def row_cells(summary: SessionSummary) -> tuple[str, ...]:
    if summary.error:
        name = Path(summary.path).name
        return (format_date(summary.created_at), "?", "?", "?", "unreadable",
                f"{name}: {summary.error}", "")
    return (
        format_date(summary.created_at),
        summary.round or "?",
        summary.role or "?",
        summary.kind or "practice",
        summary.status or "?",
        summary.first_pointer or "—",
        summary.backend or "—",
    )


def resolve_store(app: Any, store: Store | None) -> Store:
    """The store to use: the one given, the app's (its context's), or one from the settings."""
    if store is not None:
        return store
    for owner in (getattr(app, "ctx", None), app):
        app_store = getattr(owner, "store", None)
        if app_store is not None:
            return app_store
    from coach.config import load_settings
    from coach.store import Store

    settings = getattr(app, "settings", None) or load_settings()
    return Store.from_settings(settings)


# ----------------------------------------------------------------- modal


class ConfirmDelete(ModalScreen[bool]):
    """Asks before a session file is deleted; Esc or "n" keeps it."""

    DEFAULT_CSS = """
    ConfirmDelete { align: center middle; }
    ConfirmDelete > Vertical {
        width: 60; max-width: 90%; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    ConfirmDelete Horizontal { height: auto; margin-top: 1; align-horizontal: right; }
    ConfirmDelete Button { margin-left: 2; }
    """

    BINDINGS = [
        Binding("y", "confirm", "Delete", id="history.confirm-delete"),
        Binding("n,escape", "cancel", "Keep", id="history.cancel-delete"),
    ]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"Delete {self.what}?\nThe file is removed for good.", id="confirm-text")
            with Horizontal():
                yield Button("Keep (n)", id="keep", variant="primary")
                yield Button("Delete (y)", id="delete", variant="error")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#delete")
    def action_confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_cancel(self) -> None:
        self.dismiss(False)


# ---------------------------------------------------------------- screen


class HistoryScreen(Screen[None]):
    """Saved sessions, newest first, with filters, search and per-session actions."""

    CSS_PATH = "history.tcss"

    BINDINGS = [
        # priority: the table would otherwise take Enter and hide it from the footer
        Binding("enter", "open", "Open", id="history.open", priority=True),
        Binding("p", "replay", "Play", id="history.replay"),
        Binding("e", "export", "Export", id="history.export"),
        Binding("d", "delete", "Del", id="history.delete"),
        Binding("slash", "search", "Find", id="history.search"),
        Binding("r", "cycle_round", "Round", id="history.filter-round"),
        Binding("o", "cycle_role", "Role", id="history.filter-role"),
        Binding("s", "cycle_status", "Status", id="history.filter-status"),
        Binding("escape", "back", "Back", id="history.back"),
    ]

    def __init__(self, store: Store | None = None, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self._store = store
        self.summaries: list[SessionSummary] = []
        self.shown: list[SessionSummary] = []
        self.filters = Filters()
        self.loaded = False
        self._fill_generation = 0

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = resolve_store(self.app, None)
        return self._store

    # -- layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-bar"):
            yield Static("History", id="history-title")
            yield Input(placeholder="search role, pointer or id  (/)", id="history-search")
        yield Static("", id="history-filters")
        table: DataTable[str] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Loading sessions…", id="history-status")
        yield Footer(compact=True)  # every key fits in 80 columns

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        table.focus()
        self._show_filters()
        self.load()

    # -- loading and filling

    @work(thread=True, exclusive=True, group="history-load")
    def load(self) -> None:
        """List sessions off the UI thread; the index makes this cheap, not free."""
        from coach.store import StoreError

        try:
            summaries = self.store.list_sessions()
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self._load_failed, str(exc))
            return
        self.app.call_from_thread(self._loaded, summaries)

    def _load_failed(self, reason: str) -> None:
        self.query_one("#history-status", Static).update(f"Cannot list sessions: {reason}")
        self.notify(reason, title="History", severity="error")

    def _loaded(self, summaries: list[SessionSummary]) -> None:
        self.summaries = list(summaries)
        self.loaded = True
        self._apply_filters()

    def _apply_filters(self) -> None:
        self.shown = filter_summaries(self.summaries, self.filters)
        table = self.query_one(DataTable)
        table.clear()
        self._fill_generation += 1
        self._fill(self._fill_generation, 0)
        self._show_filters()

    def _fill(self, generation: int, start: int) -> None:
        """Add one page of rows, then schedule the next unless filters changed."""
        if generation != self._fill_generation:
            return
        table = self.query_one(DataTable)
        page = self.shown[start : start + PAGE]
        for summary in page:
            table.add_row(*row_cells(summary), key=row_key(summary))
        end = start + len(page)
        self._show_status(end)
        if end < len(self.shown):
            self.set_timer(0.01, lambda: self._fill(generation, end))

    def _show_status(self, rows: int) -> None:
        total, shown = len(self.summaries), len(self.shown)
        unreadable = sum(1 for s in self.summaries if s.error)
        if not total:
            text = "No saved sessions yet. Start a round from the home screen."
        elif not shown:
            text = f"No session matches {self.filters.describe()} ({total:,} in all)."
        else:
            text = f"{shown:,} of {total:,} sessions"
            if rows < shown:
                text += f" (listing {rows:,}…)"
        if unreadable:
            text += f" · {unreadable} unreadable"
        self.query_one("#history-status", Static).update(text)

    def _show_filters(self) -> None:
        f = self.filters
        self.query_one("#history-filters", Static).update(
            f"round: {f.round or 'any'} (r)  role: {f.role or 'any'} (o)"
            f"  status: {f.status or 'any'} (s)"
        )

    # -- filters and search

    @on(Input.Changed, "#history-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.filters = Filters(self.filters.round, self.filters.role, self.filters.status,
                               event.value)
        if self.loaded:
            self._apply_filters()

    @on(Input.Submitted, "#history-search")
    def _search_done(self) -> None:
        self.query_one(DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#history-search", Input).focus()

    def _set_filters(self, **changes: Any) -> None:
        values = {"round": self.filters.round, "role": self.filters.role,
                  "status": self.filters.status, "text": self.filters.text, **changes}
        self.filters = Filters(**values)
        if self.loaded:
            self._apply_filters()
        else:
            self._show_filters()

    def action_cycle_round(self) -> None:
        self._set_filters(round=cycle(self.filters.round, ROUNDS))

    def action_cycle_role(self) -> None:
        roles = sorted({s.role for s in self.summaries if s.role and not s.error})
        self._set_filters(role=cycle(self.filters.role, roles))

    def action_cycle_status(self) -> None:
        self._set_filters(status=cycle(self.filters.status, STATUSES))

    def action_back(self) -> None:
        search = self.query_one("#history-search", Input)
        if search.has_focus:
            self.query_one(DataTable).focus()
        elif self.filters != Filters():
            search.value = ""
            self._set_filters(round=None, role=None, status=None, text="")
        elif len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    # -- the selected session

    def selected(self) -> SessionSummary | None:
        table = self.query_one(DataTable)
        if not table.row_count or not self.shown:
            return None
        row = table.cursor_row
        return self.shown[row] if 0 <= row < len(self.shown) else None

    def _readable_selection(self) -> SessionSummary | None:
        summary = self.selected()
        if summary is None:
            self.notify("No session selected.", severity="warning")
            return None
        if summary.error:
            self.notify(f"{summary.path}: {summary.error}", title="Unreadable session",
                        severity="error")
            return None
        return summary

    @on(DataTable.RowSelected, "#history-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        """The debrief, when the app has one; otherwise the replay."""
        if self.query_one("#history-search", Input).has_focus:
            self.query_one(DataTable).focus()  # Enter in the search box: go to the list
            return
        summary = self._readable_selection()
        if summary is None:
            return
        screen = self._debrief_screen(summary.id)
        if screen is None:
            self.action_replay()
        else:
            self.app.push_screen(screen)

    def _debrief_screen(self, session_id: str) -> Screen[Any] | None:
        """The TUI-core debrief, which needs CoachApp's context (``app.ctx``)."""
        if getattr(self.app, "ctx", None) is None:
            return None
        try:
            from coach.tui.screens.debrief import DebriefScreen
        except ImportError:
            return None
        return DebriefScreen(session_id)

    def action_replay(self) -> None:
        summary = self._readable_selection()
        if summary is None:
            return
        from coach.tui.screens.replay import ReplayScreen

        self.app.push_screen(ReplayScreen(summary.id, store=self.store))

    def action_export(self) -> None:
        summary = self._readable_selection()
        if summary is not None:
            self._export(summary.id)

    @work(thread=True, group="history-export")
    def _export(self, session_id: str) -> None:
        from coach.export import save_export
        from coach.store import StoreError

        try:
            session = self.store.load(session_id)
            path = save_export(session, Path(self.store.root))
        except (StoreError, OSError) as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Export failed",
                                      severity="error")
            return
        self.app.call_from_thread(self.notify, str(path), title="Exported")

    def action_delete(self) -> None:
        summary = self.selected()
        if summary is None:
            self.notify("No session selected.", severity="warning")
            return
        what = (f"the unreadable file {Path(summary.path).name}" if summary.error
                else f"the {summary.round} round of {format_date(summary.created_at)}")

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(summary)

        self.app.push_screen(ConfirmDelete(what), done)

    def _delete(self, summary: SessionSummary) -> None:
        from coach.store import StoreError

        try:
            # An unreadable file may have no trustworthy id: delete it by path.
            self.store.delete(str(summary.path) if summary.error else summary.id)
        except (StoreError, OSError) as exc:
            self.notify(str(exc), title="Delete failed", severity="error")
            return
        table = self.query_one(DataTable)
        still_filling = table.row_count < len(self.shown)
        self.summaries = [s for s in self.summaries if s is not summary]
        if still_filling:
            # Pages still being added count on positions in `shown`: start over.
            self._apply_filters()
        else:
            self.shown = [s for s in self.shown if s is not summary]
            table.remove_row(row_key(summary))
            self._show_status(table.row_count)
        self.notify("Session deleted.")
