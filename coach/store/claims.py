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


# ------------------------------------------------------------------ leases
#
# A session open in the app holds a lease: a small file beside it
# (``<name>.lock``, created with O_CREAT|O_EXCL|O_NOFOLLOW, 0600) naming the
# host, pid and time it was opened, flock'ed by the holder for as long as it
# keeps the session open. A second terminal finds it held and is told by whom;
# it may open the session read-only or take it over (the lease file is then
# replaced, and the first holder's next save finds it no longer holds it). A
# lease whose holder died (its flock is free and, on this host, its pid is gone
# or is now another process) is stale and is simply taken.

LEASE_SUFFIX = ".lock"
_LEASE_MAX_BYTES = 4096
#: An empty lease younger than this is one being written right now, not a stale one.
_LEASE_FRESH_S = 2.0


def lease_path(session_file: Path) -> Path:
    """Where the lease of ``session_file`` lives."""
    return session_file.with_name(session_file.name + LEASE_SUFFIX)


def _host() -> str:
    import socket

    return socket.gethostname() or "localhost"


def _proc_start(pid: int) -> str | None:
    """The kernel's start time of ``pid`` (tells a reused pid from the holder), if it can be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read(_LEASE_MAX_BYTES)
    except OSError:
        return None
    fields = data.rpartition(b")")[2].split()
    return fields[19].decode("ascii", "replace") if len(fields) > 19 else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except (OSError, OverflowError, ValueError):
        return False
    return True


class LeaseHolder:
    """Who holds a lease: host, pid, since when (and the holder's process start, to spot pid reuse)."""

    def __init__(self, host: str, pid: int, since: datetime | None, started: str | None = None) -> None:
        self.host = host
        self.pid = pid
        self.since = since
        self.started = started

    @classmethod
    def me(cls) -> LeaseHolder:
        pid = os.getpid()
        return cls(_host(), pid, utcnow(), _proc_start(pid))

    def to_bytes(self) -> bytes:
        import json

        since = self.since.isoformat() if self.since else None
        return json.dumps({"host": self.host, "pid": self.pid, "since": since, "started": self.started}).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> LeaseHolder | None:
        """The holder a lease file names, or None for anything that is not one of ours."""
        import json

        try:
            raw = json.loads(data.decode("utf-8"))
            host, pid = raw["host"], raw["pid"]
            since = datetime.fromisoformat(raw["since"]) if raw.get("since") else None
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            return None
        if not isinstance(host, str) or not isinstance(pid, int) or isinstance(pid, bool):
            return None
        started = raw.get("started")
        return cls(host[:255], pid, since, started if isinstance(started, str) else None)

    def alive(self) -> bool:
        """False only when we can tell: on this host, and the pid is gone or is a newer process."""
        if self.host != _host():
            return True  # another machine's process: we cannot look, so it counts as there
        if not _pid_alive(self.pid):
            return False
        return self.started is None or _proc_start(self.pid) in (None, self.started)

    def describe(self) -> str:
        """"host, pid 123, since 14:02" for the user."""
        when = self.since.astimezone().strftime("%Y-%m-%d %H:%M") if self.since else "an unknown time"
        return f"{self.host}, pid {self.pid}, since {when}"


class LeaseHeld(StoreError):
    """The session is open elsewhere; ``holder`` says where (None: a lease we could not read)."""

    def __init__(self, path: Path, holder: LeaseHolder | None) -> None:
        self.holder = holder
        who = holder.describe() if holder else "another process"
        super().__init__(path, f"is open in another terminal ({who})")


class LeaseLost(StoreError):
    """Our lease was taken over (or removed) by another terminal: we must not save any more."""

    def __init__(self, path: Path, holder: LeaseHolder | None) -> None:
        self.holder = holder
        who = f" ({holder.describe()})" if holder else ""
        super().__init__(path, f"was taken over in another terminal{who}; not saved here")


def read_lease(path: Path) -> LeaseHolder | None:
    """The holder named by the lease file at ``path`` (never following a symlink), or None."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return LeaseHolder.from_bytes(os.read(fd, _LEASE_MAX_BYTES))
    except OSError:
        return None
    finally:
        os.close(fd)


class Lease:
    """This process's hold on one session file: the lease file's fd, flock'ed, while the session is open."""

    def __init__(self, session_file: Path, fd: int, holder: LeaseHolder) -> None:
        self.session_file = session_file
        self.path = lease_path(session_file)
        self.holder = holder
        self._fd: int | None = fd

    def __repr__(self) -> str:
        return f"Lease({str(self.path)!r}, held={self.held()})"

    @classmethod
    def acquire(cls, session_file: Path) -> Lease:
        """Hold the session's lease; LeaseHeld when a live process has it. OSError if it cannot be made."""
        path = lease_path(session_file)
        for _ in range(20):
            try:
                return cls._create(session_file, path, os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                pass
            lease = cls._take_if_stale(session_file, path)
            if lease is not None:
                return lease
        raise LeaseHeld(session_file, read_lease(path))

    @classmethod
    def take_over(cls, session_file: Path) -> Lease:
        """Hold the lease whoever has it now: ours replaces theirs atomically, so their next save stops."""
        path = lease_path(session_file)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        lease = cls._create(session_file, temp, os.O_CREAT | os.O_EXCL)
        try:
            os.replace(temp, path)
        except OSError:
            lease.release()
            _unlink_quietly(temp)
            raise
        lease.path = path
        return lease

    @classmethod
    def _create(cls, session_file: Path, path: Path, flags: int) -> Lease:
        import fcntl

        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC | flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            holder = LeaseHolder.me()
            os.ftruncate(fd, 0)
            os.pwrite(fd, holder.to_bytes(), 0)
        except BaseException:
            os.close(fd)
            raise
        return cls(session_file, fd, holder)

    @classmethod
    def _take_if_stale(cls, session_file: Path, path: Path) -> Lease | None:
        """The lease, if its holder is gone (rewritten in place under our flock); None if still held."""
        import fcntl
        import time

        try:
            fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        except FileNotFoundError:
            return None  # released meanwhile: the caller tries to create it again
        except OSError as exc:  # a symlink, a directory, a FIFO planted there: never ours to use
            raise LeaseHeld(session_file, None) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                time.sleep(0.05)
                holder = read_lease(path)
                raise LeaseHeld(session_file, holder) from None
            st = os.fstat(fd)
            holder = LeaseHolder.from_bytes(os.pread(fd, _LEASE_MAX_BYTES, 0))
            if holder is None and st.st_size == 0 and time.time() - st.st_mtime < _LEASE_FRESH_S:
                os.close(fd)
                time.sleep(0.05)
                return None  # being written by its creator right now: look again
            if holder is not None and holder.alive() and holder.pid != os.getpid():
                os.close(fd)
                raise LeaseHeld(session_file, holder)
            me = LeaseHolder.me()
            os.ftruncate(fd, 0)
            os.pwrite(fd, me.to_bytes(), 0)
        except LeaseHeld:
            raise
        except BaseException:
            os.close(fd)
            raise
        return cls(session_file, fd, me)

    def held(self) -> bool:
        """True while the lease file is still the one we hold (not taken over, not removed)."""
        if self._fd is None:
            return False
        try:
            ours = os.fstat(self._fd)
            now = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        return (ours.st_dev, ours.st_ino) == (now.st_dev, now.st_ino)

    def check(self) -> None:
        """LeaseLost unless we still hold the lease (called before every save)."""
        if not self.held():
            raise LeaseLost(self.session_file, read_lease(self.path))

    def release(self) -> None:
        """Give the lease up (removing the file if it is still ours); later calls do nothing."""
        if self._fd is None:
            return
        if self.held():
            _unlink_quietly(self.path)
        os.close(self._fd)
        self._fd = None


def foreign_lease(session_file: Path) -> LeaseHolder | None:
    """The live holder of ``session_file``'s lease when it is not this process (None: free or ours)."""
    holder = read_lease(lease_path(session_file))
    if holder is None or not holder.alive():
        return None
    if holder.host == _host() and holder.pid == os.getpid():
        return None
    return holder


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
