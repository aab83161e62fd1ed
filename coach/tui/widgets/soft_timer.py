"""A soft timer: shows time on the current question, warns, never cuts off.

Real interviewers do not stop a candidate mid-sentence, so neither does the
coach: past the suggested length the timer changes its look and label, and
that is all.
"""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from coach.tui.clock import Clock

DEFAULT_SUGGESTED_S = 120


def mmss(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class SoftTimer(Static):
    """Elapsed time against a suggested length; adds the -over class past it."""

    elapsed: reactive[int] = reactive(0)

    def __init__(self, clock: Clock, suggested_s: int | None, **kw: object) -> None:
        super().__init__("", **kw)  # type: ignore[arg-type]
        self.clock = clock
        self.suggested_s = suggested_s or DEFAULT_SUGGESTED_S
        self.origin = clock.monotonic()

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)
        self.tick()

    def restart(self, suggested_s: int | None, already_s: int = 0) -> None:
        self.suggested_s = suggested_s or DEFAULT_SUGGESTED_S
        self.origin = self.clock.monotonic() - already_s
        self.tick()

    def tick(self) -> None:
        self.elapsed = int(self.clock.monotonic() - self.origin)

    def watch_elapsed(self, elapsed: int) -> None:
        over = elapsed >= self.suggested_s
        self.set_class(over, "-over")
        label = f"{mmss(elapsed)} / ~{mmss(self.suggested_s)}"
        if over:
            label += "  time to wrap up"
        self.update(label)
