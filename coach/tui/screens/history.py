"""The history screen: every saved session, newest first, to open, replay, export or delete.

It has to open fast and stay smooth with 10,000 sessions on a shared box:

- A worker takes the summaries newest first in batches, each read on a
  thread (`Store.iter_summaries`: from the index, else the files' headers;
  never a full parse of every file), and each batch is shown as it arrives,
  so the first page is up before the rest is read, even on the first
  opening ever.
- Every summary stays in memory (filters and search see them all once
  loaded; the status line says "loading…" until then), but the table holds
  only a window of rows: one page at first, one more each time the cursor or
  the scroll position nears the end of what is in it. Adding thousands of
  rows to a DataTable stalls the event loop for hundreds of milliseconds
  (every row is measured, the screen relaid out), a page does not.
- While the screen is open, the objects that existed when it opened (the
  app, its widgets, every imported module: ~50-100k objects) are frozen out
  of the cyclic garbage collector (`gc.freeze`), and thawed when it closes.
  10,000 summaries are ~30,000 new long-lived objects, enough to set off a
  full collection, and a full collection that walks the whole heap holds the
  GIL for 50-100 ms on a busy box: the largest pause while History fills.
  Frozen, it walks only what History made (~10-20 ms). Skipped when something
  else has frozen the heap already (an app that freezes after start-up makes
  this unnecessary, and thawing would undo it).

A file that cannot be read is still listed, with the reason, because silently
hiding someone's session is worse than showing an error.

The columns fit the width by rule, never by cutting text mid-word
(`coach.tui.screens.history_rows`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Input, Label, Static

from coach.domain.models import ROUNDS
from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.plain import note, plain
from coach.tui.screens.history_rows import (  # noqa: F401  (re-exported: the screen's vocabulary)
    COLUMNS,
    STATUSES,
    Filters,
    columns_for,
    cycle,
    filter_summaries,
    fit,
    format_date,
    matches,
    round_name,
    row_cells,
    row_key,
    status_of,
)
from coach.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from coach.store import SessionSummary, Store
    from coach.tui.context import AppContext

#: Summaries the store reads per batch (each batch is shown as it arrives).
BATCH = 200
#: Rows added to the table at once: the first page, then one more whenever the
#: cursor or the scroll position comes within MARGIN rows of the last one in it.
PAGE = 60
MARGIN = 30

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
            yield Label(plain(f"Delete {self.what}?\nThe file is removed for good.", multiline=True), id="confirm-text")
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


class HistoryScreen(WorkerErrorsToApp, Screen[None]):
    """Saved sessions, newest first, with filters, search and per-session actions."""

    CSS_PATH = "history.tcss"

    BINDINGS = [
        # priority: the table would otherwise take Enter and hide it from the footer
        Binding("enter", "open", "Open", id="history.open", priority=True),
        Binding("p", "replay", "Play", id="history.replay"),
        Binding("e", "export", "Export", id="history.export"),
        Binding("d", "delete", "Del", id="history.delete"),
        Binding("f", "ask_feedback", "Ask employer", id="history.ask-feedback"),
        Binding("slash", "search", "Find", id="history.search"),
        # The filter line names these three keys; the key bar keeps 80 columns for the rest.
        Binding("r", "cycle_round", "Round", id="history.filter-round", show=False),
        Binding("o", "cycle_role", "Role", id="history.filter-role", show=False),
        Binding("s", "cycle_status", "Status", id="history.filter-status", show=False),
        Binding("escape", "back", "Back", id="history.back"),
        # After Back: at 80 columns it still fits on a real interview's row, where
        # "Ask employer" (for feedback) is offered too.
        Binding("t", "retry", "Retry", id="history.retry",
                tooltip="try a question of this session again, working on one of its pointers"),
    ]

    def __init__(self, ctx: AppContext, *, name: str | None = None) -> None:
        super().__init__(name=name)
        self.ctx = ctx
        self.summaries: list[SessionSummary] = []
        self.shown: list[SessionSummary] = []
        self.filters = Filters()
        self.loaded = False
        self._unreadable = 0
        self._froze_heap = False
        #: A real interview's company, by session id (read once the list is in).
        self.companies: dict[str, str] = {}
        self.columns: dict[str, int] = {}
        self._has_real = False
        self._has_retries = False

    @property
    def store(self) -> Store:
        return self.ctx.store

    # -- layout

    def compose(self) -> ComposeResult:
        if gc.get_freeze_count() == 0:  # see the module docstring; before the widgets exist
            gc.freeze()
            self._froze_heap = True
        with Horizontal(id="history-bar"):
            yield Static("History", id="history-title")
            yield Input(placeholder="search role, company, pointer or id  (/)", id="history-search")
        yield Static("", id="history-filters")
        table: DataTable[str] = DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Loading sessions…", id="history-status")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        self._lay_out(self.app.size.width)
        table.focus()
        self.watch(table, "scroll_y", self._scrolled, init=False)
        self._show_filters()
        self.load()

    def _lay_out(self, width: int) -> None:
        """Columns for ``width`` (`columns_for`); the rows already in are put back in them."""
        columns = columns_for(width, real=self._has_real, retries=self._has_retries)
        if columns == self.columns:
            return
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        had = table.row_count
        table.clear(columns=True)
        self.columns = columns
        for name, w in columns.items():
            table.add_column(name, width=w, key=name)
        for summary in self.shown[:had]:
            table.add_row(*self._cells(summary), key=row_key(summary))
        if had:
            table.move_cursor(row=min(cursor, had - 1))

    def on_resize(self, event: Any) -> None:
        self._lay_out(event.size.width)

    def _cells(self, summary: SessionSummary) -> tuple[str, ...]:
        return row_cells(summary, self.columns, self.companies.get(row_key(summary), ""))

    def on_unmount(self) -> None:
        if self._froze_heap:
            self._froze_heap = False
            gc.unfreeze()  # what became garbage meanwhile is collectable again

    # -- loading

    @work(exclusive=True, group="history-load", exit_on_error=False)
    async def load(self) -> None:
        """Read summaries off the UI thread, newest first, showing each batch as it is read.

        The next batch is read only once this one is on screen, which paces
        the reading to what the UI can take. Failures other than a store or
        OS error reach the app's worker-error notice (`WorkerErrorsToApp`).
        """
        from coach.store import StoreError

        batches = self.store.iter_summaries(batch=BATCH)
        try:
            while (batch := await asyncio.to_thread(next, batches, None)) is not None:
                self._add_batch(batch)
        except (StoreError, OSError) as exc:
            self._load_failed(str(exc))
            return
        finally:
            # Cancelled (the screen has gone) while a batch is being read: the
            # generator is closed when dropped; what was read is in the index.
            with contextlib.suppress(ValueError):
                batches.close()
        self._loaded()

    def _load_failed(self, reason: str) -> None:
        self.query_one("#history-status", Static).update(plain(f"Cannot list sessions: {reason}", multiline=True))
        self.notify(note(reason), title="History", severity="error", markup=False)

    def _add_batch(self, batch: list[SessionSummary]) -> None:
        """One more batch of (older) summaries: kept, filtered, shown if the table wants rows."""
        self.summaries.extend(batch)
        self._unreadable += sum(1 for s in batch if s.error)
        real = not self._has_real and any(s.kind == "real" for s in batch)
        retries = not self._has_retries and any(s.n_attempts > 1 and not s.error for s in batch)
        if real or retries:
            self._has_real |= real  # the Round column needs room for "real phone"
            self._has_retries |= retries  # the pointer column, for "2 attempts, fixed no-result"
            self._lay_out(self.app.size.width)
        self.shown.extend(filter_summaries(batch, self.filters, self.companies))
        self._top_up()
        self._show_status()

    def _loaded(self) -> None:
        self.loaded = True
        self._show_status()
        if any(s.kind == "real" and not s.error for s in self.summaries):
            self._read_companies()

    @work(exclusive=True, group="history-companies", exit_on_error=False)
    async def _read_companies(self) -> None:
        """Each real interview's company (only in the full file; real interviews are few)."""
        from coach.store import StoreError

        for summary in [s for s in self.summaries if s.kind == "real" and not s.error]:
            try:
                session = await asyncio.to_thread(self.store.load, row_key(summary))
            except (StoreError, OSError):
                continue  # opening it says why
            if session.real is not None and session.real.company:
                self.companies[row_key(summary)] = session.real.company
                self._show_company(summary)
        if self.filters.text.strip():
            self._apply_filters()

    def _show_company(self, summary: SessionSummary) -> None:
        table = self.query_one(DataTable)
        index = next((i for i, s in enumerate(self.shown[: table.row_count]) if s is summary), None)
        if index is not None and "Role" in self.columns:
            role = self._cells(summary)[list(self.columns).index("Role")]
            table.update_cell(row_key(summary), "Role", role)

    # -- the table's window of rows

    def _apply_filters(self) -> None:
        """Filter every summary read so far and put the first page of them in the table."""
        self.shown = filter_summaries(self.summaries, self.filters, self.companies)
        self.query_one(DataTable).clear()
        self._top_up()
        self._show_filters()
        self._show_status()

    def _near_end(self, table: DataTable[str]) -> bool:
        """Whether the cursor or the bottom of the view is within MARGIN rows of the last row."""
        last = table.row_count - 1
        if table.cursor_row >= last - MARGIN:
            return True
        bottom = table.scroll_y + table.scrollable_content_region.height
        return bottom >= last - MARGIN

    def _top_up(self) -> None:
        """Add rows from `shown` until the table holds a page, or a page more when near its end.

        The table's rows are always ``shown[:table.row_count]``, so a row's
        index is its index in `shown`.
        """
        table = self.query_one(DataTable)
        have = table.row_count
        if have >= len(self.shown):
            return
        want = max(PAGE, have + PAGE if have and self._near_end(table) else 0)
        for summary in self.shown[have:want]:
            table.add_row(*self._cells(summary), key=row_key(summary))

    @on(DataTable.RowHighlighted, "#history-table")
    def _cursor_moved(self) -> None:
        self._top_up()
        self.refresh_bindings()  # "Ask employer" is offered on a real interview only

    def _scrolled(self) -> None:
        self._top_up()

    def _show_status(self) -> None:
        total, shown = len(self.summaries), len(self.shown)
        more = "" if self.loaded else " · loading…"
        if not total:
            text = ("No saved sessions yet. Start a round from the home screen." if self.loaded
                    else "Loading sessions…")
        elif not shown:
            text = f"No session matches {self.filters.describe()} ({total:,} in all{more})."
        else:
            text = f"{shown:,} of {total:,} sessions{more}"
        if self._unreadable:
            text += f" · {self._unreadable} unreadable"
        self.query_one("#history-status", Static).update(plain(text))

    def _show_filters(self) -> None:
        f = self.filters
        self.query_one("#history-filters", Static).update(plain(
            f"round: {f.round or 'any'} (r)  role: {f.role or 'any'} (o)"
            f"  status: {f.status or 'any'} (s)"
        ))

    # -- filters and search

    @on(Input.Changed, "#history-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.filters = Filters(self.filters.round, self.filters.role, self.filters.status,
                               event.value)
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
        self._apply_filters()

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
            self.notify(note(f"{summary.path}: {summary.error}"), title="Unreadable session",
                        severity="error", markup=False)
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
        from coach.tui.screens.debrief import DebriefScreen

        self.app.push_screen(DebriefScreen(self.ctx, row_key(summary)))

    def on_screen_resume(self) -> None:
        """Back from a debrief or a replay: the selected row is read again (a retry there changes it)."""
        summary = self.selected() if self.is_mounted else None
        if summary is not None and not summary.error:
            self._reread_row(summary)

    @work(thread=True, exclusive=True, group="history-reread", exit_on_error=False)
    def _reread_row(self, summary: SessionSummary) -> None:
        from coach.store import StoreError

        try:
            session = self.ctx.store.load(summary.path)
        except (OSError, StoreError):
            return  # it changed or went meanwhile: the next listing says so
        self.app.call_from_thread(self._refresh_row, summary, session)

    def action_replay(self) -> None:
        summary = self._readable_selection()
        if summary is None:
            return
        from coach.tui.screens.replay import ReplayScreen

        self.app.push_screen(ReplayScreen(self.ctx, row_key(summary)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "ask_feedback":
            summary = self.selected() if self.is_mounted else None
            return summary is not None and summary.kind == "real" and not summary.error
        if action == "retry":
            from coach.tui.screens.retry_from import retry_available

            return retry_available()
        return True

    def action_ask_feedback(self) -> None:
        """The feedback-request draft for the real interview selected, as the debrief offers it."""
        summary = self._readable_selection()
        if summary is None or summary.kind != "real":
            return
        self._open_outreach(row_key(summary))

    @work(exclusive=True, group="history-outreach", exit_on_error=False)
    async def _open_outreach(self, ref: str) -> None:
        from coach.store import StoreError
        from coach.tui.screens.outreach import OutreachScreen

        try:
            session = await asyncio.to_thread(self.store.load, ref)
        except (StoreError, OSError) as exc:
            self.notify(str(exc), title="Cannot open it", severity="error")
            return
        self.app.push_screen(OutreachScreen(self.ctx, session))

    def action_export(self) -> None:
        summary = self._readable_selection()
        if summary is not None:
            self._export(row_key(summary))

    @work(exclusive=True, group="history-export", exit_on_error=False)
    async def _export(self, ref: str) -> None:
        from coach.export import save_export
        from coach.store import StoreError

        store = self.store
        try:
            session = await asyncio.to_thread(store.load, ref)
            path = await asyncio.to_thread(save_export, session, Path(store.root))
        except (StoreError, OSError) as exc:
            self.notify(note(str(exc)), title="Export failed", severity="error", markup=False)
            return
        self.notify(note(str(path)), title="Exported", markup=False)

    def action_delete(self) -> None:
        summary = self.selected()
        if summary is None:
            self.notify("No session selected.", severity="warning")
            return
        what = (f"the unreadable file {Path(summary.path).name}" if summary.error
                else round_name(summary))

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self._delete(summary)

        self.app.push_screen(ConfirmDelete(what), done)

    def _delete(self, summary: SessionSummary) -> None:
        from coach.store import StoreError

        try:
            self.store.delete(row_key(summary))
        except (StoreError, OSError) as exc:
            self.notify(note(str(exc)), title="Delete failed", severity="error", markup=False)
            return
        table = self.query_one(DataTable)
        self.summaries = [s for s in self.summaries if s is not summary]
        if summary.error:
            self._unreadable -= 1
        index = next((i for i, s in enumerate(self.shown) if s is summary), None)
        if index is not None:
            del self.shown[index]
            if index < table.row_count:
                table.remove_row(row_key(summary))
        self._top_up()
        self._show_status()
        self.notify("Session deleted.")

    # -- trying a question again

    def action_retry(self) -> None:
        """Pick one of the session's pointers and try its question again (the retry screen)."""
        summary = self._readable_selection()
        if summary is None:
            return
        if summary.first_pointer is None:
            self.notify("This session has no debrief yet, so no pointer to work on.", severity="warning")
            return
        self._pick_retry(summary)

    @work(exclusive=True, group="history-retry", exit_on_error=False)
    async def _pick_retry(self, summary: SessionSummary) -> None:
        from coach.store import StoreError
        from coach.tui.screens.retry_from import PickRetry, retry_pointers

        try:
            session = await asyncio.to_thread(self.store.load, row_key(summary))
        except (StoreError, OSError) as exc:
            self.notify(note(str(exc)), title="Cannot open it", severity="error", markup=False)
            return
        if not retry_pointers(session):
            self.notify("No pointer in this session is about an answer.", severity="warning")
            return

        def picked(choice: tuple[str, Any] | None) -> None:
            if choice is not None:
                self._open_retry(summary, *choice)

        self.app.push_screen(PickRetry(session), picked)

    @work(exclusive=True, group="history-retry-open", exit_on_error=False)
    async def _open_retry(self, summary: SessionSummary, question_id: str, pointer: Any) -> None:
        from coach.tui.screens.retry_from import open_retry

        def done(session: Any) -> None:
            if session is not None:
                self._refresh_row(summary, session)

        # By id: the lease is the id's, and _pick_retry's load made this store's id mean that file.
        await open_retry(self, self.ctx, summary.id, question_id, pointer, done)

    def _refresh_row(self, old: SessionSummary, session: Any) -> None:
        """The row of a session just retried, from the session as saved (its count and verdict are new)."""
        from coach.store import summarize

        new = summarize(session, Path(old.path))
        self.summaries = [new if s is old else s for s in self.summaries]
        index = next((i for i, s in enumerate(self.shown) if s is old), None)
        if index is None:
            return
        self.shown[index] = new
        if new.n_attempts > 1 and not self._has_retries:
            self._has_retries = True
            self._lay_out(self.app.size.width)
        table = self.query_one(DataTable)
        if index < table.row_count:
            for name, value in zip(self.columns, self._cells(new)):
                table.update_cell(row_key(new), name, value)
