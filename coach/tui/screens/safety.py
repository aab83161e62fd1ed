"""The questions coach asks before work could be lost or a round cut short.

`UnsavedScreen`: leaving (quit, pause, closing the round) while the latest
text could not be saved; the user may stay, try the save again, or leave and
lose those words, and is told how many. `OpenElsewhereScreen`: a session
already open in another terminal; the user may view it read-only, take it
over (the other terminal's saves stop and it says so), or go back.
`EndRoundScreen`: skipping the last open question would end the round, so
the user confirms it; Esc or "no" keeps them on the question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

if TYPE_CHECKING:
    from coach.tui.context import AppContext

STAY, RETRY, LOSE = "stay", "retry", "lose"
READ_ONLY, TAKE_OVER, CANCEL = "read-only", "take-over", "cancel"

_CSS = """
{name} {{ align: center middle; }}
{name} > Vertical {{
    width: 72; max-width: 95%; height: auto; padding: 1 2;
    border: thick $error; background: $surface;
}}
{name} Horizontal {{ height: auto; margin-top: 1; }}
{name} Button {{ margin-right: 1; }}
"""


def words(n: int) -> str:
    return f"{n} word{'' if n == 1 else 's'}"


class UnsavedScreen(ModalScreen[str]):
    """Stay, try again, or leave and lose N words; dismissed with STAY, RETRY or LOSE."""

    DEFAULT_CSS = _CSS.format(name="UnsavedScreen")
    BINDINGS = [
        Binding("s,escape", "stay", "Stay", id="unsaved.stay"),
        Binding("t", "retry", "Try again", id="unsaved.retry"),
        Binding("l", "lose", "Lose them", id="unsaved.lose"),
    ]

    def __init__(self, ctx: AppContext | None, unsaved: int, reason: str, *, leaving: str = "Quit") -> None:
        super().__init__()
        self.ctx = ctx
        self.unsaved = unsaved
        self.reason = reason
        self.leaving = leaving

    def compose(self) -> ComposeResult:
        what = f"your last {words(self.unsaved)} are" if self.unsaved else "your latest changes are"
        lose = f"{self.leaving} and lose {words(self.unsaved)} (l)" if self.unsaved else f"{self.leaving} anyway (l)"
        with Vertical():
            yield Label(f"NOT SAVED: {self.reason}.\nIf you leave now, {what} lost.", id="unsaved-text")
            with Horizontal():
                yield Button("Stay (s)", id="stay", variant="primary")
                yield Button("Try again (t)", id="retry")
                yield Button(lose, id="lose", variant="error")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    @on(Button.Pressed, "#stay")
    def action_stay(self) -> None:
        self.dismiss(STAY)

    @on(Button.Pressed, "#retry")
    def action_retry(self) -> None:
        self.dismiss(RETRY)

    @on(Button.Pressed, "#lose")
    def action_lose(self) -> None:
        self.dismiss(LOSE)


class OpenElsewhereScreen(ModalScreen[str]):
    """A session open in another terminal: READ_ONLY, TAKE_OVER or CANCEL."""

    DEFAULT_CSS = _CSS.format(name="OpenElsewhereScreen")
    BINDINGS = [
        Binding("o", "read_only", "Read-only", id="elsewhere.read-only"),
        Binding("t", "take_over", "Take over", id="elsewhere.take-over"),
        Binding("c,escape", "cancel", "Cancel", id="elsewhere.cancel"),
    ]

    def __init__(self, ctx: AppContext, where: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.where = where

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"This session is open in another terminal ({self.where}).\n"
                "Open it read-only here, or take it over: the other terminal then stops saving it.",
                id="elsewhere-text",
            )
            with Horizontal():
                yield Button("Read-only (o)", id="read-only", variant="primary")
                yield Button("Take it over (t)", id="take-over", variant="warning")
                yield Button("Cancel (c)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#read-only", Button).focus()

    @on(Button.Pressed, "#read-only")
    def action_read_only(self) -> None:
        self.dismiss(READ_ONLY)

    @on(Button.Pressed, "#take-over")
    def action_take_over(self) -> None:
        self.dismiss(TAKE_OVER)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(CANCEL)


class EndRoundScreen(ModalScreen[bool]):
    """Skip the last open question and end the round (True), or keep answering it (False)."""

    DEFAULT_CSS = _CSS.format(name="EndRoundScreen")
    BINDINGS = [
        Binding("y", "end", "End the round", id="end-round.end"),
        Binding("n,escape", "keep", "Keep answering", id="end-round.keep"),
    ]

    def __init__(self, ctx: AppContext | None) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("This is the last question. Skip it and end the round?", id="end-round-text")
            with Horizontal():
                yield Button("Keep answering (n)", id="keep", variant="primary")
                yield Button("Skip and end the round (y)", id="end", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#end")
    def action_end(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)
