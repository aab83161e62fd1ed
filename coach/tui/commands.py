"""The command palette's coach commands (ctrl+p).

Each command is an app action, so the palette, the footer and the home
screen's keys all do exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

#: (title, help, app action name)
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("New round", "Set up and start a practice round", "new_round"),
    ("Resume", "Continue the latest unfinished round", "resume_latest"),
    ("History", "Browse your saved sessions", "history"),
    ("Replay latest", "Watch your latest session being typed again", "replay_latest"),
    ("Debrief a real interview", "Log an interview you really had; get the pointers and a feedback request", "debrief_real"),
    ("Export", "Save this (or the latest) session as Markdown", "export"),
    ("Settings", "Backend, practice mode, follow-ups, theme", "settings"),
    ("Quit", "Save any draft and leave coach", "quit"),
)


class CoachCommands(Provider):
    """coach's own commands, listed on open and fuzzy-matched as you type."""

    def _runner(self, action: str) -> Callable[[], object]:
        return partial(self.app.run_action, action)

    async def discover(self) -> Hits:
        for title, help_text, action in COMMANDS:
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in COMMANDS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)
