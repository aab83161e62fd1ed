"""A soft timer: shows time on the current question, warns, never cuts off.

Real interviewers do not stop a candidate mid-sentence, so neither does the
coach: past the suggested length the timer changes its look and label, and
that is all. The warning is no wider than the count it replaces, so it never
takes room from the header beside it (the role stays in view at 80 columns).
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
        """Time a new question against its own target, drawn now (not at the next second's tick)."""
        self.suggested_s = suggested_s or DEFAULT_SUGGESTED_S
        self.origin = self.clock.monotonic() - already_s
        self.tick()
        self._draw(self.elapsed)

    def tick(self) -> None:
        self.elapsed = int(self.clock.monotonic() - self.origin)

    def watch_elapsed(self, elapsed: int) -> None:
        self._draw(elapsed)

    def _draw(self, elapsed: int) -> None:
        over = elapsed >= self.suggested_s
        self.set_class(over, "-over")
        self.update(f"{mmss(elapsed)} wrap up" if over else f"{mmss(elapsed)} / ~{mmss(self.suggested_s)}")
