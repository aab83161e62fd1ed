"""Shown instead of a broken layout when the terminal is below 80×24.

It sits on top of whatever screen was showing, so nothing underneath is lost;
the app removes it as soon as the terminal is big enough again.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Static

MIN_WIDTH = 80
MIN_HEIGHT = 24


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


def message(size: Size) -> str:
    return (
        f"Terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {size.width}×{size.height}).\n"
        "Make the window bigger to continue; your answer is saved.\n"
        "ctrl+q quits."
    )


class TooSmallScreen(Screen[None]):
    CSS_PATH = "too_small.tcss"
    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", id="too-small.quit", priority=True)]

    def compose(self) -> ComposeResult:
        yield Static(message(self.app.size), id="too-small")

    def on_resize(self, event: Resize) -> None:
        self.query_one("#too-small", Static).update(message(event.size))
