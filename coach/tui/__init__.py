"""The Textual app. `launch` is the only entry point; Textual is imported inside it.

Commands (`coach`, `coach practice`, `coach history`, `coach replay`) import
this package and call `launch`, so `coach --help` and the batch commands never
pay for Textual.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

EXIT_USAGE = 2
#: What a script can use instead of the screen it asked for.
_INSTEAD = {"history": "`coach history --json` lists sessions", "replay": "`coach export` prints a session"}


def launch(args: Any, start: str = "home", session_ref: str | None = None, *,
           close_exits: bool = False) -> int:
    """Run the app opening at ``start`` (home, practice, history, replay); return the exit status.

    ``close_exits``: closing that first screen leaves the app (a command that
    opens one screen returns to the shell when it is done).
    """
    # coach.flags, not coach.config: config imports pydantic, which the app
    # loads after its first frame (see coach.tui.context.glance).
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Drawn into a pipe the app is escape codes nobody sees, waiting for keys nobody can press.
        hint = _INSTEAD.get(start)
        print("coach: the app needs a terminal (stdin and stdout are not both one; over SSH use `ssh -t`)"
              + (f"; {hint}" if hint else ""), file=sys.stderr)
        return EXIT_USAGE
    from coach.flags import flags_from_args
    from coach.services.jobs import JobError, read_job_file

    job: str | None = None
    job_path = getattr(args, "job", None)
    if job_path:
        try:
            job = read_job_file(Path(job_path).expanduser()) or None
        except JobError as exc:
            print(f"coach: {exc}", file=sys.stderr)
            return EXIT_USAGE

    from coach.tui.app import CoachApp, LaunchOptions

    options = LaunchOptions(start=start, session_ref=session_ref, flags=flags_from_args(args), job=job,
                            close_exits=close_exits)
    app = CoachApp(options)
    try:
        app.run()
    finally:
        app.cancel_watchdog()
    return app.return_code or 0
