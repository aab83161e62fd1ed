"""`coach export SESSION [--format md|json] [-o FILE]`: a debrief to send on.

Never imports Textual: loading the session and rendering it are plain
functions. Errors (unknown session, unreadable file, unwritable output, an output
that is one of coach's own files or not a regular file) are one line on
stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK = 0
EXIT_FAIL = 1


def run(args: argparse.Namespace) -> int:
    from coach.config import settings_from_args
    from coach.domain.text import visible
    from coach.export import render, target_problem
    from coach.store import Store, StoreError

    store = Store.from_settings(settings_from_args(args))
    try:
        session = store.load(args.session)
    except StoreError as exc:
        print(f"coach export: {visible(str(exc))}", file=sys.stderr)
        return EXIT_FAIL
    text = render(session, args.format)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    problem = target_problem(Path(args.output), store.root)
    if problem:
        print(visible(f"coach export: {problem}"), file=sys.stderr)
        return EXIT_FAIL
    return _write(Path(args.output), text)


def _write(path: Path, text: str) -> int:
    """Write atomically with 0600: an export holds the candidate's own words."""
    from coach.domain.text import visible
    from coach.fsutil import atomic_write_text

    try:
        atomic_write_text(path.expanduser(), text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(visible(f"coach export: cannot write {path}: {reason}"), file=sys.stderr)
        return EXIT_FAIL
    print(visible(f"Exported to {path}"))
    return EXIT_OK
