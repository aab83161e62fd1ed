"""`coach config show | path | set KEY VALUE`.

`show` prints the effective settings as TOML, each with its help text and where
its value came from, masking anything that looks like a credential; problems
found while loading go to stderr and make the exit status 1, so a typo in a
config file is never silently ignored by scripts either.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from typing import Any, TextIO

from coach import config as cfg
from coach.domain.text import visible

KEY_ENV_VARS = ("OPENAI_API_KEY", "COACH_OPENAI_API_KEY")


def run(args: argparse.Namespace) -> int:
    action = getattr(args, "config_command", None) or "show"
    if action == "path":
        return _path(sys.stdout)
    if action == "set":
        return _set(args.key, args.value)
    return _show(args, sys.stdout, sys.stderr)


def _path(out: TextIO) -> int:
    """The config files, lowest precedence first, and whether each exists."""
    for kind, path in cfg.config_files():
        state = "exists" if path.is_file() else "not present"
        if path.is_symlink():  # `config set` writes through to the link's target
            state += f", a link to {os.path.realpath(path)}"
        print(visible(f"{kind}\t{path}\t({state})", multiline=True), file=out)
    return 0


def _set(key: str, value: str) -> int:
    """Store one value and echo it as stored (``off`` is echoed as ``false``, as the file has it)."""
    try:
        stored = cfg.set_user_value(key, value)
    except cfg.ConfigError as exc:
        print(visible(f"coach config: {exc}"), file=sys.stderr)
        return 1
    shown = "(unset)" if stored is None else _toml_literal(key, stored)
    print(f"{visible(key)} = {shown}  (in {visible(str(cfg.config_files()[-1][1]))})")
    return 0


_TOML_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _toml_literal(key: str, value: Any) -> str:
    """A value as a TOML literal, credentials masked."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = cfg.mask_value(key, value)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    # Controls as TOML escapes: the line stays valid TOML and never acts on the terminal.
    escaped = _TOML_UNSAFE.sub(lambda m: "\\u%04x" % ord(m.group()), escaped)
    return f'"{escaped}"'


def show_lines(settings: cfg.Settings) -> list[str]:
    """The `config show` text: TOML with a comment per key (help, then source)."""
    sources = cfg.config_sources(settings)
    lines: list[str] = []
    section = ""
    for key in cfg.KEYS:
        if key in cfg.TABLE_KEYS:
            continue
        sec, _, name = key.rpartition(".")
        if sec != section:
            lines += ["", f"[{sec}]"]
            section = sec
        lines.append(f"# {cfg.describe(key)}")
        value = cfg.get_value(settings, key)
        origin = sources[key]
        if value is None:
            extra = f"; using {settings.data_path()}" if key == "data_dir" else ""
            lines.append(visible(f"# {name} is not set  ({origin}{extra})"))
        else:
            lines.append(f"{name} = {_toml_literal(key, value)}  # {visible(origin)}")
    for key in cfg.TABLE_KEYS:
        table: dict[str, Any] = cfg.get_value(settings, key)
        lines += ["", f"[{key}]", f"# {cfg.describe(key)}"]
        if not table:
            lines.append(f"# none changed  ({sources[key]})")
        for ident, keys in table.items():
            lines.append(f"{_toml_literal(key, ident)} = {_toml_literal(key, keys)}  # {visible(sources[key])}")
    return lines


def _key_note() -> str | None:
    """Say whether an API key is in the environment, without ever showing it."""
    present = [name for name in KEY_ENV_VARS if os.environ.get(name)]
    if not present:
        return None
    return "# API key: set in " + " and ".join(present) + " (never shown)"


def _show(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    settings = cfg.settings_from_args(args)
    print("# coach settings: key = value  # where it came from", file=out)
    note = _key_note()
    if note:
        print(note, file=out)
    for line in show_lines(settings):
        print(line, file=out)
    problems = cfg.settings_problems(settings)
    for problem in problems:
        print(visible(f"coach config: {problem}"), file=err)
    return 1 if problems else 0
