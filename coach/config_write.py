"""Writing one key into the user config file, the way a person's own edit would.

`coach config set` changes only the line it was asked to change: the user's
comments, blank lines and key order stay (tomlkit edits the document in
place), and a ``config.toml`` that is a symlink into a dotfiles folder stays a
symlink (the link's target is what gets replaced, atomically). The edited text
is re-read with tomllib and must mean exactly the settings intended; if it
does not, the file is written plainly instead (meaning over comments).

Writers are serialised by a lock file beside the config; readers need none
because every write is an atomic rename.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from coach.config_layers import MAX_CONFIG_BYTES, ConfigError
from coach.fsutil import (
    CREATE_FLAGS,
    atomic_write_bytes,
    ensure_private_dir,
    file_kind,
    loads_toml,
    read_regular_file,
)


def ensure_config_dir(directory: Path) -> None:
    """The user config dir, made 0700 if new; ConfigError if it is someone else's or writable by others."""
    try:
        ensure_private_dir(directory, tighten=False)
    except OSError as exc:
        raise ConfigError(f"{directory}: cannot use as the config directory ({exc.strerror or exc})") from None


@contextlib.contextmanager
def config_lock(path: Path) -> Iterator[None]:
    """Serialise writers of one config file (two terminals running `config set`).

    flock is released when the process dies, so a crash never leaves it held.
    """
    ensure_config_dir(path.parent)
    lock_path = path.with_name(path.name + ".lock")
    try:
        # Never through a planted symlink (O_NOFOLLOW); a FIFO there must not block us.
        fd = os.open(lock_path, os.O_RDWR | os.O_NONBLOCK | CREATE_FLAGS, 0o600)
    except OSError as exc:
        raise ConfigError(f"{lock_path}: cannot lock ({exc.strerror or exc})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise ConfigError(f"{lock_path}: cannot lock (is a {file_kind(mode)}, not a regular file)")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def read_user_text(path: Path) -> str:
    """The user file's text ("" when there is none); refuse to touch one we cannot read correctly."""
    try:
        text = read_regular_file(path, limit=MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        if path.is_symlink():
            raise ConfigError(
                f"{path}: a symlink to {os.path.realpath(path)}, which does not exist;"
                " create that file or remove the link before `config set`"
            ) from None
        return ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc}); fix or remove it before `config set`") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read ({exc})") from None
    try:
        loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix or remove it before `config set`") from None
    return text


def edited_text(original: str, section: str, name: str, value: Any, intended: Mapping[str, Any]) -> str | None:
    """``original`` with ``section.name`` set to ``value`` (None: removed), comments and layout kept.

    None when the edit cannot be made in place or would not read back as
    ``intended`` (the whole file as it must mean after the change).
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        doc = tomlkit.parse(original)
        table: Any = doc
        if section:
            if section not in doc:
                if value is None:
                    return original
                doc[section] = tomlkit.table()
            table = doc[section]
        if value is None:
            if name in table:
                del table[name]
            if section and len(table) == 0:
                del doc[section]
        else:
            table[name] = value
        text = tomlkit.dumps(doc)
        if loads_toml(text) != intended:
            return None
    except (TOMLKitError, tomllib.TOMLDecodeError, TypeError, ValueError, KeyError, RecursionError):
        return None
    return text


def write_target(path: Path) -> Path:
    """The file a write to ``path`` replaces: the link's target when ``path`` is a symlink."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_user_text(path: Path, text: str) -> None:
    """Replace the user file (or, through a symlink, its target) atomically with ``text``."""
    ensure_config_dir(path.parent)
    target = write_target(path)
    try:
        atomic_write_bytes(target, text.encode("utf-8"))
    except OSError as exc:
        where = path if target == path else f"{path} (a symlink to {target})"
        raise ConfigError(f"{where}: cannot write ({exc.strerror or exc})") from None
