"""Outside text as something a widget can draw without acting on it.

A string handed to a Static, a Button, a notification or a DataTable cell is
read as markup by Textual and Rich: "[@click=app.quit]" in a session file
would become a live action and "[/b]" a MarkupError. And Textual passes
control characters through to the terminal untouched, so an ESC in a role or
an answer would reach it raw. Every text that came from a file, a bank, a
config or a backend goes through one of these on its way to the screen.
"""

from __future__ import annotations

from rich.markup import escape
from textual.content import Content

from coach.domain.text import visible


def plain(text: str, *, multiline: bool = False) -> Content:
    """``text`` drawn exactly as it reads: no markup, every control made visible."""
    return Content(visible(text, multiline=multiline))


def cell(text: str) -> str:
    """A DataTable cell (which Rich reads as markup) that shows ``text`` as it reads."""
    return escape(visible(text))


def note(text: str) -> str:
    """A message for ``notify(..., markup=False)``: one-line controls made visible, newlines kept."""
    return visible(text, multiline=True)
