"""KeyBar: the home screen's footer as one line of text.

Textual's `Footer` builds a widget per key and fills them in a second pass
once the screen's bindings are known, about 0.1 s after the rest of the first
frame, which alone is most of the home screen's start-up budget (issue 7).
KeyBar shows the same thing — every shown binding that is active right now,
then the command palette key on the right — rendered as one line straight from
`Screen.active_bindings`, and redrawn whenever the screen's bindings change.
Keys that do not fit the width are left out whole, never cut mid-key, so the
screens that have more keys than 80 columns hold use it too.
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

    def on_resize(self) -> None:
        self.refresh()

    def render(self) -> Text:
        """The keys that fit whole, left to right, and the palette key on the right.

        A key that does not fit is left out whole (never cut to "^q▏"); the
        palette key is kept, as it lists every command.
        """
        app = self.app
        key_style = self.get_component_rich_style("keybar--key")
        desc_style = self.get_component_rich_style("keybar--description")
        dim = self.get_component_rich_style("keybar--disabled")
        active = self.screen.active_bindings
        pieces: list[tuple[Text, str]] = []
        seen: set[str] = set()
        right: Text | None = None
        palette_key = ""
        for _node, binding, enabled, _tooltip in active.values():
            if app.ENABLE_COMMAND_PALETTE and binding.action in ("command_palette", "app.command_palette"):
                right = Text.assemble(
                    ("▏", desc_style),
                    (app.get_key_display(binding), key_style),
                    (f" {binding.description}", desc_style),
                )
                palette_key = binding.key
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)
            # Keys and descriptions can come from a user's keymap: drawn as text, never as controls.
            piece = Text.assemble(
                (visible(app.get_key_display(binding)), key_style + (dim if not enabled else None)),
                (f" {visible(binding.description)}", desc_style + (dim if not enabled else None)),
            )
            pieces.append((piece, binding.key))
        width = self.size.width
        room = width - (cell_len(right.plain) + 1 if right is not None else 0)
        text = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str]] = []
        for piece, key in pieces:
            gap = 1 if spans else 0
            if text.cell_len + gap + piece.cell_len > room:
                break
            if gap:
                text.append(" ")
            spans.append((text.cell_len, text.cell_len + piece.cell_len, key))
            text.append_text(piece)
        if right is not None and width - text.cell_len >= right.cell_len + 1:
            text.append(" " * (width - text.cell_len - right.cell_len))
            spans.append((text.cell_len, text.cell_len + right.cell_len, palette_key))
            text.append_text(right)
        self._spans = spans
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
