"""The answer box shared by the interview and a retry, so both keep exactly what was typed."""

from __future__ import annotations

import unicodedata

from textual import events
from textual.widgets import TextArea

from coach.domain.text import disarm


class AnswerEditor(TextArea):
    """The answer box: a TextArea that also keeps typed format characters.

    TextArea inserts only keys whose character Python calls printable, so a
    zero-width joiner (U+200D, inside 👩‍💻), a right-to-left mark (U+200F) or
    any other format character ("Cf") typed at the terminal would be dropped
    and the saved answer would differ from what the candidate wrote.

    A paste is inserted whole, at the cursor, with its control characters
    made visible (`coach.domain.text.disarm`): TextArea would insert an ESC
    or a BEL as is, and the saved answer would then carry a live escape
    sequence to every screen and export that shows it.
    """

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # TextArea's own handler (which inserts controls raw) does not run
        if self.read_only:
            return
        if result := self._replace_via_keyboard(disarm(event.text), *self.selection):
            self.move_cursor(result.end_location)
            self.focus()

    async def _on_key(self, event: events.Key) -> None:
        char = event.character
        if not self.read_only and char is not None and len(char) == 1 and unicodedata.category(char) == "Cf":
            event.stop()
            event.prevent_default()  # TextArea's own handler (which would drop it) does not run
            start, end = self.selection
            self.replace(char, start, end, maintain_selection_offset=False)
