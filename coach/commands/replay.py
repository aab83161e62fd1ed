"""`coach replay [SESSION]`: open the app on the replay screen (latest session if none).

The session is checked here, before the app starts, so a typo is one clear
line and exit status 1 rather than a full-screen app with an error in it.
Textual is imported only once there is something to replay.
"""

from __future__ import annotations

import argparse
import sys

EXIT_FAIL = 1


def run(args: argparse.Namespace) -> int:
    from coach.config import settings_from_args
    from coach.store import Store, StoreError

    store = Store.from_settings(settings_from_args(args))
    ref = getattr(args, "session", None)
    if ref is None:
        latest = store.latest()
        if latest is None:
            print(f"coach replay: no saved sessions in {store.sessions_dir}", file=sys.stderr)
            return EXIT_FAIL
    else:
        try:
            store.resolve(ref)
        except StoreError as exc:
            from coach.domain.text import visible

            print(f"coach replay: {visible(str(exc))}", file=sys.stderr)
            return EXIT_FAIL
    from coach.tui import launch

    return launch(args, start="replay", session_ref=ref, close_exits=True)
