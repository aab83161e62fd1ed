"""The replay's transport line: state, position, progress, speed, think time, pauses.

A pure `transport_text` builds the line (tested without a terminal); the
widget only displays it.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from coach.tui.replayer import Frame, format_seconds, speed_label

BAR_WIDTH = 16


def progress_bar(position_ms: int, duration_ms: int, width: int = BAR_WIDTH) -> str:
    filled = width if duration_ms <= 0 else round(width * position_ms / duration_ms)
    filled = max(0, min(width, filled))
    return "━" * filled + "─" * (width - filled)


def transport_text(frame: Frame, *, duration_ms: int, playing: bool, speed: int | None,
                   think_ms: int | None) -> Text:
    state = "▶" if playing else ("■" if frame.done else "❚❚")
    line = Text()
    line.append(f"{state} ", style="bold")
    line.append(f"{format_seconds(frame.position_ms)} / {format_seconds(duration_ms)} ")
    line.append(progress_bar(frame.position_ms, duration_ms), style="bold")
    line.append(f"  {speed_label(speed)}")
    in_think = frame.pause is not None and frame.pause.is_think
    if think_ms is not None and not in_think:  # while thinking, the highlight says it once
        line.append(f"  think {format_seconds(think_ms)}", style="dim")
    if frame.pause is not None:
        what = "thinking" if frame.pause.is_think else "pause"
        line.append(f"  {what} {format_seconds(frame.pause.length_ms)}", style="bold reverse")
    return line


class ReplayTransport(Static):
    """Displays the transport line for the current frame."""

    DEFAULT_CSS = """
    ReplayTransport { height: 1; width: 1fr; }
    """

    def show(self, frame: Frame, *, duration_ms: int, playing: bool, speed: int | None,
             think_ms: int | None) -> None:
        self.update(transport_text(frame, duration_ms=duration_ms, playing=playing,
                                   speed=speed, think_ms=think_ms))
