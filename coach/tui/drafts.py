"""Saving an in-progress session without ever letting an old write win.

Keystrokes mutate the live `Session` on the UI thread while autosaves run in a
worker thread. Each save works on a *snapshot* taken on the UI thread (cheap:
edits are frozen, so copying the lists is enough) tagged with a rising
sequence number; writes are serialised by a lock and a snapshot older than the
last one written is dropped. That is what lets a SIGHUP handler flush the very
latest text synchronously while a background save is still finishing.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from coach.domain.models import Session

if TYPE_CHECKING:
    from coach.store import Store


def snapshot(session: Session) -> Session:
    """A copy of ``session`` that later edits to the live one cannot touch."""
    answers = [a.model_copy(update={"edits": list(a.edits)}) for a in session.answers]
    return session.model_copy(update={"answers": answers, "feedback": list(session.feedback)})


class DraftKeeper:
    """Owns writes of one session: snapshot on the UI thread, write anywhere."""

    def __init__(self, store: Store, session: Session) -> None:
        self.store = store
        self.session = session
        self._lock = threading.Lock()
        self._taken = 0
        self._written = 0

    @property
    def dirty(self) -> bool:
        """True when a change was made since the last snapshot was written."""
        return self._taken > self._written

    def touch(self) -> None:
        """Note that the live session changed (so a flush has something to do)."""
        self._taken += 1

    def take(self) -> tuple[int, Session]:
        """Snapshot the live session; call on the thread that mutates it."""
        self._taken += 1
        return self._taken, snapshot(self.session)

    def write(self, seq: int, snap: Session) -> Path | None:
        """Write ``snap`` unless a newer snapshot is already on disk; thread-safe."""
        with self._lock:
            if seq <= self._written:
                return None
            path = self.store.save(snap)
            self._written = seq
            return path

    def save_now(self) -> Path | None:
        """Snapshot and write synchronously (for quit, pause and signals)."""
        seq, snap = self.take()
        return self.write(seq, snap)
