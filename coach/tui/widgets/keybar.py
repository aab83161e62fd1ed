"""KeyBar: the home screen's footer as one line of text.

Textual's `Footer` builds a widget per key and fills them in a second pass
once the screen's bindings are known, about 0.1 s after the rest of the first
frame, which alone is most of the home screen's start-up budget (issue 7).
KeyBar shows the same thing — every shown binding that is active right now,
then the command palette key on the right — rendered as one line straight from
`Screen.active_bindings`, and redrawn whenever the screen's bindings change.
A click on a key presses it, as on the Footer.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widget import Widget

from coach.domain.text import visible


class KeyBar(Widget):
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keybar--disabled {
            text-style: dim;
        }
    }
    """
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: (first cell, last cell + 1, key) of each key drawn, for clicks.
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()

    def render(self) -> Text:
        app = self.app
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        dim = self.get_component_rich_style("keybar--disabled")
        active = self.screen.active_bindings
        text = Text(no_wrap=True, overflow="ellipsis")
        spans: list[tuple[int, int, str]] = []
        seen: set[str] = set()
        palette = None
        for _node, binding, enabled, _tooltip in active.values():
            if app.ENABLE_COMMAND_PALETTE and binding.key == app.COMMAND_PALETTE_BINDING:
                palette = (binding, enabled)
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            start = text.cell_len
            if spans:
                text.append(" ")
            # Keys and descriptions can come from a user's keymap: drawn as text, never as controls.
            text.append(visible(app.get_key_display(binding)), key_style + (dim if not enabled else None))
            text.append(f" {visible(binding.description)}", desc_style + (dim if not enabled else None))
            spans.append((start, text.cell_len, binding.key))
        if palette is not None:
            binding, enabled = palette
            right = Text.assemble(
                ("▏", desc_style),
                (app.get_key_display(binding), key_style),
                (f" {binding.description}", desc_style),
            )
            gap = self.size.width - text.cell_len - cell_len(right.plain)
            if gap >= 1:
                text.append(" " * gap)
                spans.append((text.cell_len, text.cell_len + right.cell_len, binding.key))
                text.append_text(right)
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
