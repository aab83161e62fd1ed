"""Autosaving a take while it is typed: the part the interview and a retry share.

A screen that mixes in `Autosaving` owns a `DraftKeeper` (``self.keeper``),
a ``#status`` Static and a ``ctx``; it calls `arm_autosave` after each
recorded change and `_save_async` / `_saved_or_let_go` when a take closes or
the screen is left. The first change after a save arms a short timer that
later keys do not reset, so the loss is bounded even during nonstop typing;
the write runs in a thread. A failed write turns the status line into
"NOT SAVED: <why>" and is retried every few seconds until one works.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static

from coach.domain.models import Session
from coach.tui.drafts import why_not_saved
from coach.tui.messages import DraftSaved
from coach.tui.screens import coach_app
from coach.tui.screens.safety import LOSE, RETRY, UnsavedScreen
from coach.tui.widgets.plain import note

if TYPE_CHECKING:
    from coach.tui.context import AppContext
    from coach.tui.drafts import DraftKeeper

AUTOSAVE_S = 0.5
#: While saves fail, try again this often even if nothing is typed (space may have been freed).
RETRY_SAVE_S = 2.0


@dataclass
class DraftNotSaved(Message):
    """An autosave failed; ``reason`` says why in a few words ("disk full", "read-only"),
    ``detail`` in one line naming the file (shown once per run of failures)."""

    reason: str
    detail: str = ""


def word_count(text: str) -> int:
    return len(text.split())


def local_hms(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M:%S")


class Autosaving:
    """Mixin for a Screen that types into a session: timed autosaves, said on ``#status``."""

    ctx: AppContext
    keeper: DraftKeeper | None
    _save_timer: Timer | None = None

    def words_now(self) -> int:
        """Words of the take being typed (for "Saved 12:00:00 · 40 words")."""
        return 0

    def _screen(self) -> Any:
        return self

    def arm_autosave(self) -> None:
        """After a recorded change: note it, and save within `AUTOSAVE_S` unless a save is already armed."""
        assert self.keeper is not None
        self.keeper.touch()
        if self._save_timer is None:
            self._save_timer = self._screen().set_timer(AUTOSAVE_S, self._autosave)

    def _autosave(self) -> None:
        self._save_timer = None
        if self.keeper is None:
            return
        seq, snap = self.keeper.take()
        self._write_snapshot(seq, snap)

    @work(thread=True, group="autosave", exit_on_error=False)
    def _write_snapshot(self, seq: int, snap: Session) -> None:
        assert self.keeper is not None
        screen = self._screen()
        try:
            path = self.keeper.write(seq, snap)
        except Exception as exc:  # StoreError, OSError: said on the status line, retried
            screen.post_message(DraftNotSaved(why_not_saved(exc), str(exc)))
            return
        screen.post_message(DraftSaved(path))

    def on_draft_saved(self, message: DraftSaved) -> None:
        if message.path is None:
            return
        screen = self._screen()
        when = local_hms(coach_app(screen).clock.now())
        status = screen.query_one("#status", Static)
        status.remove_class("-not-saved")
        status.update(f"Saved {when} · {self.words_now()} words")

    def on_draft_not_saved(self, message: DraftNotSaved) -> None:
        """Say so in words, and keep trying while the text is not on disk."""
        if self.keeper is None or not self.keeper.dirty:
            return  # a newer save worked meanwhile
        screen = self._screen()
        waiting = self.keeper.unsaved_words()
        status = screen.query_one("#status", Static)
        if message.detail and not status.has_class("-not-saved"):
            # The first failure of a run also names the file, once, in a notification.
            screen.notify(note(message.detail), title="NOT SAVED", severity="error", markup=False, timeout=8)
        status.add_class("-not-saved")
        status.update(f"NOT SAVED: {message.reason} · {waiting} words not on disk · retrying")
        if self._save_timer is None:
            self._save_timer = screen.set_timer(RETRY_SAVE_S, self._autosave)

    async def _save_async(self) -> bool:
        """Save now in a thread and wait for it; False (and said on screen) if it failed."""
        assert self.keeper is not None
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        seq, snap = self.keeper.take()
        try:
            path = await asyncio.to_thread(self.keeper.write, seq, snap)
        except Exception as exc:  # StoreError, OSError: the text stays here; the line says why
            self.on_draft_not_saved(DraftNotSaved(why_not_saved(exc), str(exc)))
            return False
        self.on_draft_saved(DraftSaved(path))
        return True

    def let_keeper_go(self) -> None:
        """On unmount: a last save of what is still unsaved, then the app stops counting this keeper.

        Leaving after a failed save was already confirmed by the user, so a
        failure here has nothing more to say.
        """
        from coach.store import StoreError

        if self.keeper is None:
            return
        if self.keeper.dirty:
            try:
                self.keeper.save_now()
            except (StoreError, OSError):
                pass
        coach_app(self._screen()).keepers.discard(self.keeper)

    async def _saved_or_let_go(self, leaving: str) -> str:
        """Save; while that fails, ask. "saved", "lost" (the user chose to leave anyway) or "stay"."""
        assert self.keeper is not None
        screen = self._screen()
        while not await self._save_async():
            words = self.keeper.unsaved_words()
            reason = self.keeper.failure or "could not write the session file"
            choice = await screen.app.push_screen_wait(UnsavedScreen(self.ctx, words, reason, leaving=leaving))
            if choice == LOSE:
                return "lost"
            if choice != RETRY:
                return "stay"
        return "saved"
