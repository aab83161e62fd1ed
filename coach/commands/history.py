"""`coach history [--json]`: the app's history screen, or the list as JSON for scripts.

`--json` needs only the store (no Textual): one JSON array, newest first; a
file that cannot be read is listed with its `error` instead of being hidden.
"""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    if getattr(args, "json", False):
        return _print_json(args)
    from coach.tui import launch

    return launch(args, start="history")


def _print_json(args: argparse.Namespace) -> int:
    from coach.config import settings_from_args, settings_problems
    from coach.store import Store, StoreError, list_json

    settings = settings_from_args(args)
    for problem in settings_problems(settings):
        print(f"coach: {problem}", file=sys.stderr)
    store = Store.from_settings(settings)
    try:
        sessions = store.list_sessions()
    except StoreError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 1
    print(list_json(sessions))
    return 0
