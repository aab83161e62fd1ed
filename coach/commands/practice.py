"""`coach practice [--round --role --questions --job --backend --timed]`: straight into a round."""

from __future__ import annotations

from typing import Any


def run(args: Any) -> int:
    from coach.tui import launch

    return launch(args, start="practice")
