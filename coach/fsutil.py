"""Private directories and atomic file writes.

Every file coach writes (sessions, the session index, the user config) goes
through here, so two promises hold everywhere:

* a reader never sees half a file: data goes to a temp file in the same
  directory, is fsynced, then ``os.replace``d over the target, and the
  directory is fsynced so the rename itself survives a crash;
* on a shared box nobody else can read it: directories are 0700 and files
  0600 whatever the umask, because sessions hold people's own words.

If anything fails, the temp file is removed, the old file is left exactly as it
was, and the error is an ``OSError`` whose ``filename`` is the target path.

Reading files that others may have put in our way goes through here too:
:func:`read_regular_file` never opens a FIFO, socket or device (which would
block, or worse) and never reads more than a caller's size cap, and
:func:`loads_toml` turns a document nested too deep for the parser into a
``TOMLDecodeError`` instead of a ``RecursionError``. Directories coach writes in
must be the user's own and not writable by others (:func:`check_private_dir`),
and every file coach creates is opened with ``O_NOFOLLOW``, so a symlink
planted in its place is never followed.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
import tomllib
from pathlib import Path
from typing import Any

DIR_MODE = 0o700
FILE_MODE = 0o600
TEMP_SUFFIX = ".tmp"

#: Flags for creating a file: never through a symlink, never inherited by children.
CREATE_FLAGS = os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
#: Flags for opening a file to read: a FIFO or tty must not block us or become our terminal.
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)

# Filesystems that cannot fsync a directory say so with one of these; the data
# itself is already fsynced by then, so that is not worth failing a save for.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF}


def ensure_private_dir(path: str | os.PathLike[str], *, tighten: bool = True) -> Path:
    """``mkdir -p`` where every directory created is 0700, whatever the umask.

    With ``tighten`` (the default) an existing leaf directory we own is also
    chmodded to 0700, so a data dir made earlier with a loose umask gets fixed.
    Pass ``tighten=False`` for a directory the user may have chosen for other
    things too (e.g. ``--data-dir ~/Documents``): we then only guard what we make.
    Either way the directory must end up the user's own and not writable by
    group or others, else :class:`UnsafeDirError` (nothing is created in it).
    """
    target = Path(path).expanduser()
    missing: list[Path] = []
    probe = target
    while not os.path.lexists(probe):
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for directory in reversed(missing):
        _mkdir_private(directory)
    if not target.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(target))
    if tighten and not missing:
        _tighten_dir(target)
    check_private_dir(target)  # also catches a directory someone else made first, in a race
    return target


class UnsafeDirError(PermissionError):
    """A directory coach would write in that someone else owns or may write to.

    ``str(e)`` is one line naming the directory, what is wrong and how to fix it.
    """

    def __init__(self, directory: Path, problem: str) -> None:
        super().__init__(errno.EPERM, problem, str(directory))
        self.directory = directory
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.directory}: {self.problem}"


def unsafe_dir_reason(path: str | os.PathLike[str]) -> str | None:
    """Why ``path`` (an existing directory) is no place for private files, or None if it is fine.

    Someone else's directory, or one that others may write to, lets them
    plant files or symlinks where coach writes, or swap what it reads.
    """
    st = os.stat(path)
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid != os.getuid():
        return (f"is owned by uid {st.st_uid}, not by you (uid {os.getuid()}); "
                "refusing to use it (choose a directory of your own)")
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        who = "group and others" if mode & stat.S_IWGRP and mode & stat.S_IWOTH else (
            "its group" if mode & stat.S_IWGRP else "others")
        return (f"is writable by {who} (mode {mode:04o}); refusing to use it "
                f"(run: chmod go-w {os.fspath(path)})")
    return None


def check_private_dir(path: str | os.PathLike[str]) -> None:
    """:class:`UnsafeDirError` unless ``path`` is the user's own and nobody else may write in it."""
    reason = unsafe_dir_reason(path)
    if reason is not None:
        raise UnsafeDirError(Path(path), reason)


def _mkdir_private(directory: Path) -> None:
    """Create one directory 0700; losing a creation race to ourselves is fine."""
    try:
        os.mkdir(directory, DIR_MODE)
    except FileExistsError:
        return
    # mkdir's mode is filtered by the umask; chmod is not.
    os.chmod(directory, DIR_MODE)


def _tighten_dir(directory: Path) -> None:
    """chmod an existing directory to 0700 if it is ours and looser than that."""
    st = directory.stat()
    if st.st_uid != os.getuid():
        return
    if stat.S_IMODE(st.st_mode) != DIR_MODE:
        os.chmod(directory, DIR_MODE)


def temp_name_for(path: Path) -> Path:
    """A fresh hidden temp name next to ``path`` (same dir, so rename is atomic)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    """True for names made by :func:`temp_name_for` (used to skip and clean them)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Replace ``path`` with ``data`` atomically; the file ends up 0600.

    Raises ``OSError`` (with ``filename`` = ``path``) on failure, after removing
    the temp file; the previous content of ``path``, if any, is untouched.
    """
    target = Path(path)
    temp = temp_name_for(target)
    try:
        _write_temp(temp, data)
        os.replace(temp, target)
    except BaseException as exc:
        _remove_quietly(temp)
        if isinstance(exc, OSError):
            raise _with_target(exc, target) from exc
        raise
    _fsync_dir(target.parent)
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """:func:`atomic_write_bytes` for UTF-8 text (no newline translation)."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _write_temp(temp: Path, data: bytes) -> None:
    """Create ``temp`` exclusively as 0600, write all of ``data`` and fsync it."""
    fd = os.open(temp, os.O_WRONLY | os.O_EXCL | CREATE_FLAGS, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # the umask may have taken bits off
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (skipped where the FS can't)."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        if exc.errno in _DIR_FSYNC_UNSUPPORTED or exc.errno == errno.EACCES:
            return
        raise
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _DIR_FSYNC_UNSUPPORTED:
            raise
    finally:
        os.close(fd)


def _remove_quietly(temp: Path) -> None:
    """Remove a temp file we made; it may never have been created."""
    try:
        os.unlink(temp)
    except FileNotFoundError:
        return


def _with_target(exc: OSError, target: Path) -> OSError:
    """The same kind of OSError, but naming the file the caller asked for."""
    reason = exc.strerror or str(exc)
    # OSError(errno, ...) picks the matching subclass (PermissionError, ...).
    return OSError(exc.errno, f"could not write file ({reason})", str(target))


def remove_stale_temps(directory: str | os.PathLike[str], older_than_s: float = 3600.0) -> list[Path]:
    """Delete temp files left by a writer that was killed mid-write.

    Only names from :func:`temp_name_for` are touched, and only when older than
    ``older_than_s`` so a write in progress in another process is left alone.
    Returns what was removed.
    """
    removed: list[Path] = []
    cutoff = time.time() - older_than_s
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return removed
    for entry in entries:
        if not is_temp_name(entry.name):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_mtime <= cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except FileNotFoundError:
            continue  # another process cleaned it up first
    return removed


# ------------------------------------------------------------------ reading


class NotRegularFileError(OSError):
    """A path that is a FIFO, socket, device or directory where a file was expected."""

    def __init__(self, path: str | os.PathLike[str], kind: str) -> None:
        super().__init__(errno.EINVAL, f"is a {kind}, not a regular file", os.fspath(path))
        self.kind = kind


class FileTooLargeError(OSError):
    """A file larger than the caller is willing to read into memory."""

    def __init__(self, path: str | os.PathLike[str], size: int, limit: int) -> None:
        super().__init__(
            errno.EFBIG, f"too large to read ({size_text(size)}; the limit is {size_text(limit)})", os.fspath(path)
        )
        self.size = size
        self.limit = limit


def size_text(n: int) -> str:
    """``104857600`` -> ``100.0 MB`` (binary megabytes, as ``ls -lh`` counts them)."""
    if n < 1024 * 1024:
        return f"{n:,} bytes"
    return f"{n / (1024 * 1024):.1f} MB"


def file_kind(mode: int) -> str:
    """What ``ls -l`` would call a file of this mode, in words."""
    for test, name in (
        (stat.S_ISFIFO, "FIFO (named pipe)"),
        (stat.S_ISSOCK, "socket"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISDIR, "directory"),
        (stat.S_ISLNK, "symbolic link"),
    ):
        if test(mode):
            return name
    return "special file"


def open_regular_file(path: str | os.PathLike[str], *, limit: int | None = None) -> int:
    """A read-only fd on ``path`` if it is a regular file (symlinks followed) no bigger than ``limit``.

    The type is checked before opening (so a FIFO is never opened, and a device
    never sees an open) and again on the open fd (so a swap in between is
    caught). ``O_NONBLOCK`` makes even that impossible open return at once.
    Raises :class:`NotRegularFileError`, :class:`FileTooLargeError` or the
    ``OSError`` of stat/open (ELOOP for a symlink loop, EACCES, ENOENT).
    """
    _check_regular(path, os.stat(path), limit)
    fd = os.open(path, _READ_FLAGS)
    try:
        _check_regular(path, os.fstat(fd), limit)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _check_regular(path: str | os.PathLike[str], st: os.stat_result, limit: int | None) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFileError(path, file_kind(st.st_mode))
    if limit is not None and st.st_size > limit:
        raise FileTooLargeError(path, st.st_size, limit)


def read_regular_file(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """All of a regular file, never more than ``limit`` bytes in memory (see :func:`open_regular_file`).

    A file that grows past ``limit`` while being read is a :class:`FileTooLargeError` too.
    """
    fd = open_regular_file(path, limit=limit)
    try:
        chunks: list[bytes] = []
        total = 0
        while chunk := os.read(fd, min(limit + 1 - total, 1 << 20) or 1):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise FileTooLargeError(path, os.fstat(fd).st_size, limit)
    finally:
        os.close(fd)
    return b"".join(chunks)


def loads_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads``, but a document nested too deep is a ``TOMLDecodeError``, not a ``RecursionError``.

    tomllib parses arrays and inline tables recursively, so ``a = [[[[...`` a
    few hundred deep exhausts the interpreter's stack; no file coach reads
    needs more than a handful of levels.
    """
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise NestedTooDeepError() from None


class NestedTooDeepError(tomllib.TOMLDecodeError):
    """Arrays or inline tables nested deeper than the parser can follow."""

    def __init__(self) -> None:
        # ValueError's own __init__: newer tomllib wants (msg, doc, pos), which we have no use for.
        ValueError.__init__(self, "arrays or tables nested too deeply")
