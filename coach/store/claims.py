"""Session ids and which files a store may write.

**Ids** are ``YYYYMMDDTHHMMSSmmm-<pid>-<random>`` (UTC, milliseconds), so ``ls``
and a plain sort give time order. The id is claimed by creating its file with
``O_EXCL``: two processes that pick the same id in the same millisecond cannot
both win, the loser just draws another random suffix.

**Never overwrite what we could not read**: a store writes only sessions it
created or loaded itself (or brand-new ids whose file does not exist yet), so
a file that failed to load, or that another program put there, is never
replaced by accident. The record of those files lives on the store
(:class:`Claims`), so two stores in one process never write into each other's
folders.
"""

from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from coach.domain.models import utcnow
from coach.fsutil import CREATE_FLAGS
from coach.store.errors import StoreError

SUFFIX = ".toml"
_ID_TIME_FORMAT = "%Y%m%dT%H%M%S"
_CLAIM_TRIES = 100


def new_session_id(now: datetime | None = None) -> str:
    """A time-sortable candidate id; uniqueness comes from claiming its file."""
    now = now or utcnow()
    stamp = now.astimezone(timezone.utc).strftime(_ID_TIME_FORMAT) + f"{now.microsecond // 1000:03d}"
    return f"{stamp}-{os.getpid()}-{_random_suffix()}"


def _random_suffix() -> str:
    """Six hex digits: with the pid, makes same-millisecond collisions rare (O_EXCL makes them harmless)."""
    return secrets.token_hex(3)


def time_from_id(session_id: str) -> datetime | None:
    """The creation time encoded in an id, if it has one."""
    try:
        stamp = datetime.strptime(session_id[:15], _ID_TIME_FORMAT)
        ms = int(session_id[15:18])
    except ValueError:
        return None
    return stamp.replace(microsecond=ms * 1000, tzinfo=timezone.utc)


def session_path(sessions_dir: Path, session_id: str) -> Path:
    """Where the session with this id lives (whether or not it exists); StoreError for a bad id."""
    if not session_id or "/" in session_id or session_id.startswith("."):
        raise StoreError(sessions_dir, f"not a valid session id: {session_id!r}")
    return sessions_dir / f"{session_id}{SUFFIX}"


def _create_exclusive(path: Path) -> bool:
    """Create ``path`` empty (0600) unless it exists (a planted symlink counts as existing); False if it did.

    Any other failure (disk full, EACCES) raises StoreError naming the file,
    and leaves nothing behind.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_EXCL | CREATE_FLAGS, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise StoreError(path, f"could not create ({exc.strerror or exc})") from None
    try:
        os.close(fd)
    except OSError as exc:
        _remove_if_empty(path)
        raise StoreError(path, f"could not create ({exc.strerror or exc})") from None
    return True


def _remove_if_empty(path: Path) -> None:
    """Remove a claim file that never received its first save (still 0 bytes)."""
    try:
        if os.lstat(path).st_size == 0:
            os.unlink(path)
    except OSError:
        return


class Claims:
    """The files one store may write: (session id -> path) for what it created, loaded or claimed."""

    def __init__(self, sessions_dir: Path) -> None:
        self.sessions_dir = sessions_dir
        self._owned: dict[str, Path] = {}

    def own(self, session_id: str, path: Path) -> None:
        """Record that this store read or wrote ``path`` for ``session_id``: it may save it."""
        self._owned[session_id] = path

    def owned(self, session_id: str) -> Path | None:
        return self._owned.get(session_id)

    def forget(self, path: Path) -> None:
        """Drop every claim on ``path`` (it was deleted)."""
        for key, owned in list(self._owned.items()):
            if owned == path:
                del self._owned[key]

    def claim_new_id(self, now: datetime) -> tuple[str, Path]:
        """Reserve a fresh id by creating its (empty) file exclusively; the store then owns it."""
        for _ in range(_CLAIM_TRIES):
            session_id = new_session_id(now)
            path = session_path(self.sessions_dir, session_id)
            if _create_exclusive(path):
                return session_id, path
        raise StoreError(self.sessions_dir, f"could not find a free session id after {_CLAIM_TRIES} tries")

    def release(self, session_id: str, path: Path) -> None:
        """Undo a claim whose first save failed: the empty file goes, and so does the claim.

        Only a file still 0 bytes is removed, so a session that was saved even
        once is never deleted here.
        """
        _remove_if_empty(path)
        if self._owned.get(session_id) == path:
            del self._owned[session_id]

    def claim_unowned(self, session_id: str) -> Path:
        """The path for a session this store does not own: claimed if new, StoreError if it exists."""
        path = session_path(self.sessions_dir, session_id)
        if not _create_exclusive(path):
            raise StoreError(path, "already exists and was not loaded by this process; refusing to overwrite it")
        return path
