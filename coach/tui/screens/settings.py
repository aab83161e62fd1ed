"""Settings: backend and its options, practice mode, follow-ups, theme.

Only the values that were changed are written, each through
`coach.config.set_user_value` (validated, atomic), so an administrator's
system-wide defaults keep applying to everything the user left alone.
Backend names come from the registry without importing any backend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Select, Static

from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.plain import note
from coach.tui.widgets.checkbox import ClearCheckbox
from coach.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from coach.tui.context import AppContext


def _bool(value: bool) -> str:
    return "true" if value else "false"


class SettingsScreen(WorkerErrorsToApp, Screen[bool]):
    """Dismisses with True when something was saved."""

    CSS_PATH = "settings.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="settings.save"),
        Binding("escape", "cancel", "Cancel", id="settings.cancel"),
    ]

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        from coach import paths
        from coach.engine import available_backends

        s = self.ctx.settings
        backends = sorted(available_backends())
        if s.backend not in backends:
            backends.append(s.backend)
        themes = sorted(self.app.available_themes)
        if s.theme not in themes:
            themes.append(s.theme)
        with VerticalScroll(id="settings"):
            yield Static("Settings", classes="section")
            with Horizontal(classes="row"):
                yield Label("Backend", classes="label")
                yield Select([(b, b) for b in backends], value=s.backend, allow_blank=False,
                             id="backend", compact=True)
            with Horizontal(classes="row"):
                yield Label("OpenAI URL", classes="label")
                yield Input(s.openai.base_url or "", id="base_url", compact=True,
                            placeholder="empty = api.openai.com; or a local server's /v1 URL")
            with Horizontal(classes="row"):
                yield Label("Model", classes="label")
                yield Input(s.openai.model, id="model", compact=True)
            with Horizontal(classes="row"):
                yield Label("Practice", classes="label")
                yield ClearCheckbox("show the pointer(s) after each answer", s.practice_mode,
                               id="practice_mode", compact=True)
            with Horizontal(classes="row"):
                yield Label("Follow-ups", classes="label")
                yield ClearCheckbox("ask one probing follow-up after an answer", s.follow_ups,
                               id="follow_ups", compact=True)
            with Horizontal(classes="row"):
                yield Label("Theme", classes="label")
                yield Select([(t, t) for t in themes], value=s.theme, allow_blank=False,
                             id="theme", compact=True)
            yield Static(
                f"Saved to {paths.user_config_file()}.\n"
                "API keys are never stored here: set OPENAI_API_KEY (see `coach doctor`).",
                classes="hint",
            )
            with Horizontal(id="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        self.query_one("#backend", Select).focus()

    def changes(self) -> dict[str, str]:
        """Changed keys mapped to the strings `set_user_value` parses."""
        s = self.ctx.settings
        wanted = {
            "backend": str(self.query_one("#backend", Select).value),
            "openai.base_url": self.query_one("#base_url", Input).value.strip(),
            "openai.model": self.query_one("#model", Input).value.strip(),
            "practice_mode": _bool(self.query_one("#practice_mode", ClearCheckbox).value),
            "follow_ups": _bool(self.query_one("#follow_ups", ClearCheckbox).value),
            "theme": str(self.query_one("#theme", Select).value),
        }
        current = {
            "backend": s.backend,
            "openai.base_url": s.openai.base_url or "",
            "openai.model": s.openai.model,
            "practice_mode": _bool(s.practice_mode),
            "follow_ups": _bool(s.follow_ups),
            "theme": s.theme,
        }
        return {k: v for k, v in wanted.items() if v != current[k]}

    def action_save(self) -> None:
        from coach.config import ConfigError, set_user_value

        changed = self.changes()
        for key, value in changed.items():
            try:
                set_user_value(key, value)
            except ConfigError as exc:
                self.notify(note(str(exc)), title="Not saved", severity="error", markup=False)
                return
        flags = self.ctx.flags
        overridden = [k for k in changed if k in flags]
        if overridden:
            self.notify(
                f"Saved; this run still uses the command line's {', '.join(overridden)}.",
                severity="warning",
            )
        elif changed:
            self.notify("Settings saved.")
        self.dismiss(bool(changed))

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()
