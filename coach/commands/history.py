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
    from coach.domain.text import json_safe, visible
    from coach.store import Store, StoreError, list_json

    settings = settings_from_args(args)
    for problem in settings_problems(settings):
        print(f"coach: {visible(str(problem))}", file=sys.stderr)
    store = Store.from_settings(settings)
    try:
        sessions = store.list_sessions()
    except StoreError as exc:
        print(f"coach: {visible(str(exc))}", file=sys.stderr)
        return 1
    # C1 and other controls from the files escaped: the listing is safe on a terminal.
    print(json_safe(list_json(sessions)))
    return 0
