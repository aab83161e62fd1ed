"""Helpers for coach's own Pilot and snapshot tests (home, interview, debrief, settings).

`ManualClock` makes every time the app records or shows a value the test
chose: edit offsets, think time, the soft timer, "Saved 12:00:00".
`make_app` builds a CoachApp with that clock, the cursor blink off and a fixed
planning seed, so snapshots and edit logs are the same on every run.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from textual.pilot import Pilot
from textual.screen import ModalScreen

from coach.domain.models import Session
from coach.tui.app import CoachApp, LaunchOptions
from coach.tui.clock import Clock

T0 = datetime(2026, 11, 26, 16, 2, 0, tzinfo=timezone.utc)


class ManualClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: datetime = T0) -> None:
        self.start = start
        self.t = 0.0

    def advance(self, seconds: float) -> None:
        self.t += seconds

    def monotonic(self) -> float:
        return self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)

    def clock(self) -> Clock:
        return Clock(monotonic=self.monotonic, now=self.now)


def make_app(
    start: str = "home", clock: ManualClock | None = None, flags: dict[str, Any] | None = None, **kw: Any
) -> tuple[CoachApp, ManualClock]:
    clock = clock or ManualClock()
    options = LaunchOptions(start=start, flags=dict(flags or {}), **kw)
    app = CoachApp(options, clock=clock.clock(), cursor_blink=False, seed=7, handle_signals=False)
    return app, clock


async def settle(pilot: Pilot[Any], timeout: float = 5.0) -> None:
    """Let running workers finish and the screen catch up.

    A worker may be *waiting on the user* (a modal pushed with
    push_screen_wait), so waiting stops once a modal screen is up.
    """
    app = pilot.app
    deadline = time.monotonic() + timeout
    await pilot.pause()
    while time.monotonic() < deadline:
        if isinstance(app.screen, ModalScreen) or not any(w.is_running for w in app.workers):
            break
        await pilot.pause(0.02)
    await pilot.pause()


async def type_answer(pilot: Pilot[Any], clock: ManualClock, text: str, step_s: float = 0.25) -> None:
    """Type ``text`` key by key, moving the clock between keys like a person would."""
    keys = {" ": "space", "\n": "enter", ",": "comma", ".": "full_stop"}
    for ch in text:
        clock.advance(step_s)
        await pilot.press(keys.get(ch, ch))


def screen_text(app: CoachApp) -> str:
    """Everything visible, as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    rows: dict[int, list[tuple[float, str]]] = {}
    pattern = r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
    for m in re.finditer(pattern, svg):
        rows.setdefault(int(m.group(2)), []).append((float(m.group(1)), html.unescape(m.group(3))))
    return "\n".join(
        "".join(t for _, t in sorted(parts)).replace("\xa0", " ") for _, parts in sorted(rows.items())
    )


def only_session(app: CoachApp) -> Session:
    summaries = app.ctx.store.list_sessions()
    assert len(summaries) == 1, summaries
    return app.ctx.store.load(summaries[0].path)
