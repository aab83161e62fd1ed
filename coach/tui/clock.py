"""The app's notion of time, injectable so tests and snapshots are deterministic.

Edit offsets, think time and the soft timer read `monotonic`; anything shown
as a date reads `now`. Tests pass a clock whose values they control, so a
snapshot never shows today's date and an edit log has known offsets.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime



def utcnow() -> datetime:
    """`coach.domain.models.utcnow`, imported on first use (keeps pydantic off the start-up path)."""
    from coach.domain.models import utcnow as now

    return now()


@dataclass(frozen=True)
class Clock:
    """Two callables: seconds from a monotonic origin, and the wall-clock now (UTC)."""

    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], datetime] = utcnow

    def ms_since(self, origin: float) -> int:
        """Whole milliseconds elapsed since ``origin`` (a `monotonic()` value), never negative."""
        return max(0, int(round((self.monotonic() - origin) * 1000)))
