"""`coach doctor [--backend NAME] [--timeout S]`: is everything in place to practise?

Checks the terminal, the data directory (and that nobody else can read your
answers), the config files, the question banks and the feedback backend, then
says in one plain sentence whether all is well. Every check is local and
quick except the backend's, which is bounded by ``--timeout``. Exit 0 when all
is good, 1 when anything needs attention (warnings included, so scripts notice).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from coach.domain.text import visible

MIN_COLS, MIN_ROWS = 80, 24
MAX_LISTED = 8
MARKS = {"ok": "ok  ", "info": "    ", "warn": "WARN", "fail": "FAIL"}


@dataclass
class Report:
    """Collects check lines by section and prints them as it goes."""

    out: TextIO
    counts: dict[str, int] = field(default_factory=lambda: {"warn": 0, "fail": 0})
    problems: list[str] = field(default_factory=list)

    def section(self, title: str) -> None:
        print(f"\n{visible(title)}", file=self.out)

    def add(self, level: str, text: str) -> None:
        """One check line; what it quotes (paths, config values, server replies) shown with controls visible."""
        if level in self.counts:
            self.counts[level] += 1
            self.problems.append(text)
        print(f"  {MARKS.get(level, level)}  {visible(text)}", file=self.out)

    @property
    def good(self) -> bool:
        return not any(self.counts.values())


# ---------------------------------------------------------------- terminal


def colour_support(env: dict[str, str] | os._Environ[str]) -> str:
    if env.get("NO_COLOR"):
        return "none (NO_COLOR is set)"
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return "24-bit"
    if "256color" in env.get("TERM", ""):
        return "256 colours"
    return "16 colours"


def check_terminal(r: Report) -> None:
    r.section("Terminal")
    term = os.environ.get("TERM", "")
    if not term or term == "dumb":
        r.add("warn", f"TERM is {term or 'not set'}: the app needs a real terminal (try TERM=xterm-256color)")
    else:
        r.add("ok", f"TERM={term}" + (" (inside tmux/screen)" if os.environ.get("TMUX") or os.environ.get("STY") else ""))
    if sys.stdout.isatty():
        size = shutil.get_terminal_size()
        level = "ok" if size.columns >= MIN_COLS and size.lines >= MIN_ROWS else "warn"
        hint = "" if level == "ok" else f" (the app wants at least {MIN_COLS}x{MIN_ROWS})"
        r.add(level, f"size {size.columns}x{size.lines}{hint}")
    else:
        r.add("info", "output is not a terminal (fine for scripts; the app needs one)")
    r.add("info", f"colours: {colour_support(os.environ)}")


# ---------------------------------------------------------------- data dir


def _walk_files(root: Path) -> Iterator[Path]:
    """Every file under root, without following symlinks (cheap even for 10,000 sessions)."""
    stack = [root]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue  # an unreadable subdirectory is reported by the writability check
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                yield Path(entry.path)


def readable_by_others(root: Path) -> list[Path]:
    """Data files that group or world can read (answers are private)."""
    exposed = []
    for path in _walk_files(root):
        try:
            if path.lstat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
                exposed.append(path)
        except OSError:
            continue  # vanished while we looked (a concurrent save's temp file)
    return exposed


def check_data_dir(r: Report, root: Path) -> None:
    r.section("Data directory")
    if not root.exists():
        parent = next((p for p in root.parents if p.exists()), Path("/"))
        if os.access(parent, os.W_OK):
            r.add("ok", f"{root} does not exist yet; it will be created (0700) on first save")
        else:
            r.add("fail", f"{root} does not exist and {parent} is not writable")
        return
    if not root.is_dir():
        r.add("fail", f"{root} is not a directory")
        return
    mode = stat.S_IMODE(root.stat().st_mode)
    r.add("ok" if os.access(root, os.W_OK) else "fail", f"{root} ({'writable' if os.access(root, os.W_OK) else 'NOT writable'})")
    from coach.fsutil import file_kind
    from coach.store import SESSIONS_DIR

    sessions = root / SESSIONS_DIR
    if sessions.exists() and not sessions.is_dir():  # every save and listing would fail
        mode_of = sessions.stat().st_mode
        kind = "file" if stat.S_ISREG(mode_of) else file_kind(mode_of)
        r.add("fail", f"{sessions} is a {kind}, not the folder of sessions;"
                      " move it aside so coach can make the folder")
    if mode & 0o077:
        r.add("warn", f"{root} has mode {mode:04o}; others may list your sessions. Fix: chmod 700 {root}")
    else:
        r.add("ok", f"mode {mode:04o}")
    exposed = readable_by_others(root)
    if exposed:
        listed = ", ".join(str(p) for p in exposed[:MAX_LISTED]) + (" ..." if len(exposed) > MAX_LISTED else "")
        r.add("warn", f"{len(exposed)} data file(s) readable by others: {listed}")
        r.add("info", f"fix: chmod -R go-rwx {root}")


# ------------------------------------------------------------ config, banks


def check_config(r: Report, settings: Any, problems: list[str]) -> None:
    from coach import config as cfg

    r.section("Config")
    for kind, path in cfg.config_files():
        r.add("info", f"{kind} config: {path} ({'present' if path.is_file() else 'not present'})")
    for problem in problems:
        r.add("warn", problem)
    if not problems:
        r.add("ok", "no problems")


def check_banks(r: Report) -> None:
    from coach.banks import load_banks

    r.section("Question banks")
    loaded = load_banks()
    n_questions = len(loaded.questions())
    level = "ok" if n_questions else "fail"
    r.add(level, f"{len(loaded.banks)} bank(s), {n_questions} question(s), roles: {', '.join(loaded.roles())}")
    for problem in loaded.problems[:MAX_LISTED]:
        r.add("warn", str(problem))
    if len(loaded.problems) > MAX_LISTED:
        r.add("warn", f"... and {len(loaded.problems) - MAX_LISTED} more bank problem(s)")


# ---------------------------------------------------------------- backends


async def _diagnose(service: Any, timeout_s: float) -> list[tuple[str, str]]:
    """The backend's own checks, if it has any, within the time limit (BackendError if it cannot load)."""
    async with service:
        return await service.diagnose(timeout_s)


def check_backends(r: Report, name: str, settings: Any, timeout_s: float) -> None:
    from coach.engine import BackendError, available_backends
    from coach.services.review import ReviewService

    r.section("Feedback backends")
    for backend_name, target in sorted(available_backends().items()):
        chosen = "  <- chosen" if backend_name == name else ""
        r.add("info", f"{backend_name}: {target}{chosen}")
    try:
        results = asyncio.run(_diagnose(ReviewService(settings, name, strict=True), timeout_s))
    except BackendError as exc:
        r.add("fail", str(exc))
        return
    for level, text in results:
        r.add(level, text)


# ------------------------------------------------------------------ verdict


def verdict(r: Report, backend: str) -> str:
    if r.good:
        return f"All good: you can practise, with feedback from the {backend} backend."
    n = len(r.problems)
    lead = f"{n} thing{'s' if n != 1 else ''} to look at (marked WARN/FAIL above)"
    from coach.services.provenance import is_offline

    if r.counts["fail"] and not is_offline(backend):
        return f"{lead}. You can still practise: feedback falls back to the offline rules when {backend} cannot be used."
    return f"{lead}."


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    from coach import config as cfg

    out = out or sys.stdout
    settings = cfg.settings_from_args(args)
    name = getattr(args, "backend", None) or settings.backend
    timeout_s = float(getattr(args, "timeout", None) or 10.0)
    r = Report(out)
    print("coach doctor", file=out)
    check_terminal(r)
    check_data_dir(r, settings.data_path())
    check_config(r, settings, cfg.settings_problems(settings))
    check_banks(r)
    check_backends(r, name, settings, timeout_s)
    print(f"\n{visible(verdict(r, name))}", file=out)
    return 0 if r.good else 1
