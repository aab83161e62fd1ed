"""A checkbox whose off state is an empty box.

Textual's Checkbox always draws its "X" and tells on from off by colour
alone; in 16 colours (and in some 256-colour themes) an off box then still
shows an X. Here the X is drawn only when the box is on.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class ClearCheckbox(Checkbox):
    """`Checkbox` with no X when off (same CSS type, so `Checkbox` rules apply)."""

    @property  # type: ignore[override]  (a class constant in Textual, read through self)
    def BUTTON_INNER(self) -> str:  # noqa: N802
        return "X" if self.value else " "
