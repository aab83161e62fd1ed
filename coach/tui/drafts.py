"""Saving an in-progress session without ever letting an old write win, or a failed one pass unseen.

Keystrokes mutate the live `Session` on the UI thread while autosaves run in a
worker thread. Each save works on a *snapshot* taken on the UI thread (cheap:
edits are frozen, so copying the lists is enough) tagged with a rising
sequence number; writes are serialised by a lock and a snapshot older than the
last one written is dropped. That is what lets a SIGHUP handler flush the very
latest text synchronously while a background save is still finishing.

A write that fails (disk full, read-only data dir, the session taken over in
another terminal) leaves the keeper dirty with `failure` saying why in a few
words, and `unsaved_words` counting what is not on disk, so the screen can say
NOT SAVED and a quit can ask before throwing those words away.
"""

from __future__ import annotations

import errno
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from coach.domain.models import Session

if TYPE_CHECKING:
    from coach.store import Store

_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}


def snapshot(session: Session) -> Session:
    """A copy of ``session`` that later edits to the live one cannot touch.

    Retries are takes typed live too, so each attempt (and its edit log) is
    copied like an answer; verdicts and example rewrites are replaced whole,
    never mutated, so copying their lists is enough.
    """
    answers = [
        a.model_copy(update={
            "edits": list(a.edits),
            "attempts": [t.model_copy(update={"edits": list(t.edits)}) for t in a.attempts],
            "stronger": list(a.stronger),
        })
        for a in session.answers
    ]
    return session.model_copy(update={"answers": answers, "feedback": list(session.feedback)})


def _texts(session: Session) -> dict[tuple[str, int], str]:
    """Every take's text by (question id, take number): what `unsaved_words` compares."""
    return {(a.question_id, n): t.text for a in session.answers for n, t in enumerate(a.takes, 1)}


def why_not_saved(exc: BaseException) -> str:
    """A save failure in a few words for the status line: "disk full", "read-only", …"""
    from coach.store import LeaseHeld, LeaseLost

    if isinstance(exc, LeaseLost):
        who = exc.holder.describe() if exc.holder else "another terminal"
        return f"taken over in another terminal ({who})"
    if isinstance(exc, LeaseHeld):
        who = exc.holder.describe() if exc.holder else "another process"
        return f"open in another terminal ({who})"
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno is not None:
            if current.errno in _FULL:
                return "disk full"
            if current.errno in _READ_ONLY:
                return "read-only"
            return (current.strerror or "could not write").lower()
        current = current.__cause__ or current.__context__
    text = str(exc).lower()
    if "no space" in text or "quota" in text:
        return "disk full"
    if "read-only" in text or "permission denied" in text:
        return "read-only"
    return "could not write the session file"


def _unsaved_in(live: str, saved: str) -> int:
    """Words of ``live`` after the part it shares with ``saved`` (at least 1 when they differ)."""
    if live == saved:
        return 0
    a, b = live.split(), saved.split()
    same = 0
    for x, y in zip(a, b):
        if x != y:
            break
        same += 1
    return max(len(a) - same, 1)


class DraftKeeper:
    """Owns writes of one session: snapshot on the UI thread, write anywhere.

    ``read_only`` keepers (a session open in another terminal, viewed here)
    never write and are never dirty.
    """

    def __init__(self, store: Store, session: Session, *, read_only: bool = False) -> None:
        self.store = store
        self.session = session
        self.read_only = read_only
        self._lock = threading.Lock()
        self._taken = 0
        self._written = 0
        #: Why the last write failed, in a few words (None: the last write worked, or none failed).
        self.failure: str | None = None
        self._saved_texts = _texts(session)

    @property
    def dirty(self) -> bool:
        """True when a change was made since the last snapshot was written."""
        return not self.read_only and self._taken > self._written

    def touch(self) -> None:
        """Note that the live session changed (so a flush has something to do)."""
        self._taken += 1

    def take(self) -> tuple[int, Session]:
        """Snapshot the live session; call on the thread that mutates it."""
        self._taken += 1
        return self._taken, snapshot(self.session)

    def write(self, seq: int, snap: Session) -> Path | None:
        """Write ``snap`` unless a newer snapshot is already on disk; thread-safe.

        A failure (StoreError, OSError) is raised after `failure` is set.
        """
        if self.read_only:
            return None
        with self._lock:
            if seq <= self._written:
                return None
            try:
                path = self.store.save(snap)
            except Exception as exc:
                self.failure = why_not_saved(exc)
                raise
            self._written = seq
            self.failure = None
            self._saved_texts = _texts(snap)
            return path

    def save_now(self) -> Path | None:
        """Snapshot and write synchronously (for quit, pause and signals)."""
        seq, snap = self.take()
        return self.write(seq, snap)

    def unsaved_words(self) -> int:
        """How many words of the live session are not on disk (call on the UI thread)."""
        if not self.dirty:
            return 0
        saved = self._saved_texts
        return sum(_unsaved_in(text, saved.get(key, "")) for key, text in _texts(self.session).items())
