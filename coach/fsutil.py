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
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
TEMP_SUFFIX = ".tmp"

# Filesystems that cannot fsync a directory say so with one of these; the data
# itself is already fsynced by then, so that is not worth failing a save for.
_DIR_FSYNC_UNSUPPORTED = {errno.EINVAL, errno.ENOTSUP, errno.EBADF}


def ensure_private_dir(path: str | os.PathLike[str], *, tighten: bool = True) -> Path:
    """``mkdir -p`` where every directory created is 0700, whatever the umask.

    With ``tighten`` (the default) an existing leaf directory we own is also
    chmodded to 0700, so a data dir made earlier with a loose umask gets fixed.
    Pass ``tighten=False`` for a directory the user may have chosen for other
    things too (e.g. ``--data-dir ~/Documents``): we then only guard what we make.
    """
    target = Path(path).expanduser()
    missing: list[Path] = []
    probe = target
    while not probe.exists():
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
    return target


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
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), FILE_MODE)
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
