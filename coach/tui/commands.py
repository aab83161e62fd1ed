"""The command palette's coach commands (ctrl+p), and its theme picker.

Each command is an app action, so the palette, the footer and the home
screen's keys all do exactly the same thing; each names its key (as remapped
in the user config's ``[keys]``, if it was). A theme picked in the palette is
saved to the user config, so coach opens with it next time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.theme import ThemeProvider

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
#: App action -> id of the binding that runs it from home (or anywhere: ``app.``), named in its help.
COMMAND_KEYS: dict[str, str] = {
    "new_round": "home.start",
    "resume_latest": "home.resume",
    "history": "home.history",
    "debrief_real": "home.debrief-real",
    "settings": "home.settings",
    "quit": "app.quit",
}


def default_keys(app_class: type) -> dict[str, str]:
    """Binding id -> its default key, for the bindings the palette names (home's and the app's)."""
    from coach.tui.screens.home import HomeScreen

    out: dict[str, str] = {}
    for cls in (HomeScreen, app_class):
        for binding in cls.BINDINGS:
            if getattr(binding, "id", None):
                out[binding.id] = binding.key  # type: ignore[union-attr]
    return out


class CoachCommands(Provider):
    """coach's own commands, listed on open and fuzzy-matched as you type."""

    def _runner(self, action: str) -> Callable[[], object]:
        return partial(self.app.run_action, action)

    def _help(self, help_text: str, binding_id: str | None, defaults: dict[str, str]) -> str:
        """The help line, ending with the key that does the same (from home, or anywhere)."""
        if binding_id is None or binding_id not in defaults:
            return help_text
        key_of = getattr(self.app, "key_of", None)
        key = key_of(binding_id, defaults[binding_id]) if key_of else defaults[binding_id]
        shown = " or ".join(self.app.get_key_display(Binding(k.strip(), "")) for k in key.split(","))
        where = "" if binding_id.startswith("app.") else " on home"
        return f"{help_text} · key {shown}{where}"

    def _entries(self) -> list[tuple[str, str, str]]:
        defaults = default_keys(type(self.app))
        return [(title, self._help(help_text, COMMAND_KEYS.get(action), defaults), action)
                for title, help_text, action in COMMANDS]

    async def discover(self) -> Hits:
        for title, help_text, action in self._entries():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(action), help=help_text)



class SavedThemes(ThemeProvider):
    """Textual's theme list; choosing one also saves it (`CoachApp.save_theme`)."""

    @property
    def commands(self) -> list[tuple[str, Callable[[], None]]]:
        return [(name, partial(self._choose, name)) for name, _ in super().commands]

    def _choose(self, name: str) -> None:
        self.app.theme = name
        save = getattr(self.app, "save_theme", None)
        if save is not None:
            save(name)
