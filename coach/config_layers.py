"""Where each setting's raw value comes from, lowest precedence first.

The one place that knows the layers and their order: the system config file,
the user config file, ``COACH_*`` environment variables, command-line flags
(later wins). `coach.config.load_settings` validates what is read here with
pydantic; the app's first frame (`coach.tui.context.glance`) reads the same
layers without pydantic. So this module imports the standard library,
`coach.paths` and `coach.fsutil` only.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from coach import paths
from coach.fsutil import (
    FileTooLargeError,
    NotRegularFileError,
    UnsafeDirError,
    check_private_dir,
    loads_toml,
    read_regular_file,
)

class ConfigError(Exception):
    """A config problem, as one line naming the file (or variable) and the key."""


#: The largest config file read; a real one is a few hundred bytes.
MAX_CONFIG_BYTES = 1024 * 1024

#: Top-level keys that are tables of settings (``[openai]``), read as dotted keys.
SECTION_NAMES: frozenset[str] = frozenset({"openai"})


def env_var_for(key: str) -> str:
    """``openai.base_url`` -> ``COACH_OPENAI_BASE_URL``."""
    return "COACH_" + key.replace(".", "_").upper()


def config_files() -> list[tuple[str, Path]]:
    """The config files coach reads, lowest precedence first."""
    return [("system", paths.system_config_file()), ("user", paths.user_config_file())]


class Entry(NamedTuple):
    """One value as a layer gives it, before any validation."""

    key: str  # dotted: ``openai.model``
    raw: Any
    where: str  # for a problem line: the file, ``environment variable X``, ``command-line flag --x``
    origin: str  # for `coach config show`: ``user config (path)``, ``env X``, ``flag --x``


@dataclass
class RawLayer:
    """The entries of one source, plus what kept the source itself from being read."""

    label: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def flatten(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested TOML tables -> (dotted key, value); only a known section is a table of keys."""
    for name, value in data.items():
        key = f"{prefix}{name}"
        if not prefix and name in SECTION_NAMES and isinstance(value, Mapping):
            yield from flatten(value, prefix=key + ".")
        else:
            yield key, value


def file_layer(kind: str, path: Path) -> RawLayer:
    """A config file's entries; a missing file is simply empty, a bad one a problem (and skipped).

    Bad means anything a config file should not be: not a regular file (a FIFO
    is never opened, so it cannot hang every command), over
    :data:`MAX_CONFIG_BYTES`, unreadable, not UTF-8, not TOML, nested too deep
    for the parser, or (for the user's file) in a directory someone else owns
    or may write to, since whoever can write there chooses the server and the
    key coach uses.
    """
    layer = RawLayer(f"{kind} config")
    try:
        if kind == "user":
            _check_user_dir(path)
        data = loads_toml(read_regular_file(path, limit=MAX_CONFIG_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return layer
    except UnsafeDirError as exc:
        layer.problems.append(f"{path}: not read: its directory {exc.directory} {exc.problem}")
        return layer
    except NotRegularFileError as exc:
        layer.problems.append(f"{path}: {exc.strerror}; file skipped")
        return layer
    except FileTooLargeError as exc:
        layer.problems.append(f"{path}: {exc.strerror}; file skipped")
        return layer
    except PermissionError:
        layer.problems.append(f"{path}: cannot read (permission denied); file skipped")
        return layer
    except tomllib.TOMLDecodeError as exc:
        layer.problems.append(f"{path}: not valid TOML ({exc}); file skipped")
        return layer
    except UnicodeDecodeError:
        layer.problems.append(f"{path}: not UTF-8 text; file skipped")
        return layer
    except OSError as exc:
        layer.problems.append(f"{path}: cannot read ({exc.strerror or exc}); file skipped")
        return layer
    layer.entries = [Entry(key, value, f"{path}", f"{kind} config ({path})") for key, value in flatten(data)]
    return layer


def _check_user_dir(path: Path) -> None:
    """UnsafeDirError if the user config file exists in a directory that is not the user's own."""
    if os.path.lexists(path):
        check_private_dir(path.parent)


def env_layer(env: Mapping[str, str], keys: Collection[str]) -> RawLayer:
    """``COACH_<KEY>`` for each of ``keys``; other COACH_* names belong to other parts of coach."""
    layer = RawLayer("environment")
    for key in keys:
        name = env_var_for(key)
        raw = env.get(name)
        if raw is None or raw == "":
            continue  # an empty variable means "not set", as most tools treat it
        layer.entries.append(Entry(key, raw, f"environment variable {name}", f"env {name}"))
    return layer


def flag_layer(flags: Mapping[str, Any]) -> RawLayer:
    """Command-line values; None means the flag was not given."""
    layer = RawLayer("command line")
    for key, raw in flags.items():
        if raw is None:
            continue
        flag = "--" + key.rsplit(".", 1)[-1].replace("_", "-")
        layer.entries.append(Entry(key, raw, f"command-line flag {flag}", f"flag {flag}"))
    return layer


def read_layers(flags: Mapping[str, Any], env: Mapping[str, str], keys: Collection[str]) -> list[RawLayer]:
    """Every layer, lowest precedence first: a later layer's value for a key wins.

    ``keys`` are the dotted keys to look for in the environment (files and
    flags give whatever they hold).
    """
    files = [file_layer(kind, path) for kind, path in config_files()]
    return [*files, env_layer(env, keys), flag_layer(flags)]
