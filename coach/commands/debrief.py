"""`coach debrief`: record a real interview in the app and get its stage-aware pointers.

Textual is imported only here, inside `run`, so `coach --help` stays light. Closing the
screen returns to the shell.
"""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from coach.tui import launch

    return launch(args, start="debrief-real", close_exits=True)
