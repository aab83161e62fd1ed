"""Replay an answer's edit log: the text at any moment, and a playhead over it.

Pure logic, no Textual: the replay screen owns a `Player` and asks it for a
`Frame` on every timer tick, so everything about time (speeds, pauses,
scrubbing) is tested here without a terminal. Time comes from an injectable
clock (a zero-argument callable returning seconds), so tests drive playback
deterministically instead of sleeping.

An edit is ``[t_ms, pos, removed, text]`` measured from the moment the question
was shown, so the gap before the first edit is the think time and any long gap
between edits is a pause the candidate took while answering.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from coach.domain.models import Answer, Edit

#: Playback speeds in order; ``None`` means instant (jump to the end).
SPEEDS: tuple[int | None, ...] = (1, 2, 4, 8, None)

#: A gap between edits at least this long is shown as a pause.
PAUSE_MS = 2000

#: Every this many edits the timeline keeps the full text, so seeking
#: backwards never re-applies more than this many edits.
CHECKPOINT_EVERY = 128


class ReplayError(ValueError):
    """The edit log cannot be replayed (an edit falls outside the text)."""


@dataclass(frozen=True)
class Pause:
    """A quiet stretch of the recording: ``start_ms`` to ``end_ms``."""

    start_ms: int
    end_ms: int
    is_think: bool = False

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms


@dataclass(frozen=True)
class Frame:
    """What the screen shows at one playhead position."""

    position_ms: int
    text: str
    cursor: int
    edits_applied: int
    pause: Pause | None
    done: bool


def speed_label(speed: int | None) -> str:
    return "instant" if speed is None else f"{speed}×"


def format_seconds(ms: int) -> str:
    """``4200`` → ``"4.2 s"``; minutes once it gets long (``"2:05"``)."""
    if ms < 60_000:
        return f"{ms / 1000:.1f} s"
    total = ms // 1000
    return f"{total // 60}:{total % 60:02d}"


class Timeline:
    """The texts of an answer over time, from its edit log.

    Edit times are made non-decreasing (a clock step backwards while
    recording must not make the log unreplayable), and every edit is checked
    once here, so playback never meets a broken edit mid-way.
    """

    def __init__(
        self, edits: Sequence[Edit], *, end_ms: int | None = None, pause_ms: int = PAUSE_MS
    ) -> None:
        self.edits = list(edits)
        self.pause_ms = pause_ms
        self.times: list[int] = []
        latest = 0
        for edit in self.edits:
            latest = max(latest, edit.t_ms)
            self.times.append(latest)
        self._checkpoints: list[str] = [""]  # text before edit i*CHECKPOINT_EVERY
        text = ""
        for i, edit in enumerate(self.edits):
            if i and i % CHECKPOINT_EVERY == 0:
                self._checkpoints.append(text)
            try:
                text = edit.apply(text)
            except ValueError as exc:
                raise ReplayError(f"edit {i + 1} of {len(self.edits)}: {exc}") from exc
        self.final_text = text
        last = self.times[-1] if self.times else 0
        self.duration_ms = max(last, end_ms or 0)
        self.pauses = self._find_pauses()
        self._cache: tuple[int, str] = (0, "")  # (edits applied, text)

    @classmethod
    def from_answer(cls, answer: Answer, *, pause_ms: int = PAUSE_MS) -> Timeline:
        return cls(answer.edits, end_ms=answer.answer_ms, pause_ms=pause_ms)

    @property
    def think_ms(self) -> int | None:
        """Time from the question being shown to the first edit."""
        return self.times[0] if self.times else None

    def _find_pauses(self) -> list[Pause]:
        found: list[Pause] = []
        # Think time is always shown as such, however short: it is its own measure.
        if self.times and self.times[0] > 0:
            found.append(Pause(0, self.times[0], is_think=True))
        for before, after in zip(self.times, self.times[1:]):
            if after - before >= self.pause_ms:
                found.append(Pause(before, after))
        if self.times and self.duration_ms - self.times[-1] >= self.pause_ms:
            found.append(Pause(self.times[-1], self.duration_ms))
        return found

    def count_at(self, ms: int) -> int:
        """How many edits have happened by ``ms`` (inclusive)."""
        return bisect.bisect_right(self.times, ms)

    def text_after(self, n: int) -> str:
        """The text once the first ``n`` edits are applied.

        Moving forward from the last request applies only the new edits;
        moving backwards restarts from the nearest checkpoint.
        """
        n = max(0, min(n, len(self.edits)))
        done, text = self._cache
        if n < done:
            block = n // CHECKPOINT_EVERY
            done, text = block * CHECKPOINT_EVERY, self._checkpoints[block]
        for edit in self.edits[done:n]:
            text = edit.apply(text)
        self._cache = (n, text)
        return text

    def text_at(self, ms: int) -> str:
        return self.text_after(self.count_at(ms))

    def cursor_after(self, n: int) -> int:
        """Where the caret was after ``n`` edits: just after the last change."""
        if n <= 0:
            return 0
        edit = self.edits[n - 1]
        return edit.pos + len(edit.text)

    def pause_at(self, ms: int) -> Pause | None:
        """The long pause the playhead is inside at ``ms``, if any."""
        for pause in self.pauses:
            if pause.start_ms <= ms < pause.end_ms:
                return pause
            if pause.start_ms > ms:
                break
        return None

    def frame(self, ms: int) -> Frame:
        ms = max(0, min(ms, self.duration_ms))
        n = self.count_at(ms)
        return Frame(
            position_ms=ms,
            text=self.text_after(n),
            cursor=self.cursor_after(n),
            edits_applied=n,
            pause=self.pause_at(ms),
            done=ms >= self.duration_ms,
        )


class Player:
    """A playhead over a `Timeline`: play, pause, speed, seek.

    The position only moves when `frame()` (or `advance`) is called, by the
    real time elapsed on ``clock`` since the last call, times the speed. At
    instant speed a playing player is always at the end.
    """

    def __init__(
        self,
        timeline: Timeline,
        *,
        clock: Callable[[], float] = time.monotonic,
        speed: int | None = 1,
    ) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed {speed!r} is not one of {SPEEDS}")
        self.timeline = timeline
        self.clock = clock
        self.speed = speed
        self.position_ms = 0.0
        self.playing = False
        self._last = clock()

    # -- controls

    def play(self) -> None:
        if self.done:
            self.position_ms = 0.0
        self._last = self.clock()
        self.playing = True
        if self.speed is None:
            self.position_ms = float(self.timeline.duration_ms)

    def pause(self) -> None:
        self._catch_up()
        self.playing = False

    def toggle(self) -> bool:
        """Play if paused, pause if playing; returns whether it now plays."""
        if self.playing:
            self.pause()
        else:
            self.play()
        return self.playing

    def set_speed(self, speed: int | None) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed {speed!r} is not one of {SPEEDS}")
        self._catch_up()
        self.speed = speed
        if speed is None and self.playing:
            self.position_ms = float(self.timeline.duration_ms)

    def next_speed(self) -> int | None:
        """Cycle 1× → 2× → 4× → 8× → instant → 1×."""
        self.set_speed(SPEEDS[(SPEEDS.index(self.speed) + 1) % len(SPEEDS)])
        return self.speed

    def seek(self, ms: float) -> None:
        self._last = self.clock()
        self.position_ms = float(max(0, min(ms, self.timeline.duration_ms)))

    def seek_by(self, delta_ms: float) -> None:
        self._catch_up()
        self.seek(self.position_ms + delta_ms)

    def home(self) -> None:
        self.seek(0)

    def end(self) -> None:
        self.seek(self.timeline.duration_ms)

    # -- reading

    @property
    def done(self) -> bool:
        return self.position_ms >= self.timeline.duration_ms

    def advance(self, real_ms: float) -> None:
        """Move the playhead as if ``real_ms`` of wall time had passed."""
        if not self.playing:
            return
        if self.speed is None:
            self.position_ms = float(self.timeline.duration_ms)
        else:
            self.position_ms = min(
                self.position_ms + real_ms * self.speed, float(self.timeline.duration_ms)
            )
        if self.done:
            self.playing = False

    def _catch_up(self) -> None:
        now = self.clock()
        elapsed, self._last = (now - self._last) * 1000.0, now
        self.advance(max(0.0, elapsed))

    def frame(self) -> Frame:
        self._catch_up()
        return self.timeline.frame(round(self.position_ms))
