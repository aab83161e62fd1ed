"""`coach` with no command: open the app on the home screen."""

from __future__ import annotations

from typing import Any


def run(args: Any) -> int:
    from coach.tui import launch

    return launch(args, start="home")
