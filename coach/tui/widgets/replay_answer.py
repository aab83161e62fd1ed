"""The answer as it was being typed: text so far, a caret, and quoted evidence marked.

Rendering only; the replay screen tells it what to show. Evidence spans (the
words a pointer quotes) are underlined once they have been typed, so the
candidate sees the moment the pointer is about. The text is drawn through
`coach.domain.text.visible`, which keeps every index in place.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from coach.domain.text import visible


def render_answer(text: str, *, cursor: int | None, evidence: Sequence[str] = ()) -> Text:
    """``text`` with the evidence underlined and a reverse-video caret at ``cursor``."""
    out = Text(visible(text, multiline=True))
    for span in evidence:
        span = span.strip()
        start = text.find(span) if span else -1
        while start >= 0:
            out.stylize("bold underline", start, start + len(span))
            start = text.find(span, start + len(span))
    if cursor is not None:
        cursor = max(0, min(cursor, len(text)))
        if cursor == len(text) or text[cursor] == "\n":
            out = out[:cursor] + Text(" ", style="reverse") + out[cursor:]
        else:
            out.stylize("reverse", cursor, cursor + 1)
    return out


class ReplayAnswer(Static):
    """Shows one frame of a replayed answer."""

    DEFAULT_CSS = """
    ReplayAnswer { width: 1fr; height: auto; }
    """

    def show(self, text: str, *, cursor: int | None, evidence: Sequence[str] = (),
             placeholder: str = "…") -> None:
        if not text and cursor is None:
            self.update(Text(visible(placeholder, multiline=True), style="dim italic"))
        else:
            self.update(render_answer(text, cursor=cursor, evidence=evidence))
