"""Bracketed pastes reach the app whole and in order, with their controls made visible.

Textual's input parser reads a paste between ``ESC [200~`` and ``ESC [201~``
but treats an ESC *inside* it as the start of a key sequence: the bytes after
it are sent on at once as separate key presses, and only the rest arrives as
the paste, so "a ESC ]52;… b ESC [2J c" was typed as "^]52;…b^[2Jc" followed
by "a" (the answer saved out of order, a BEL lost as ctrl+g). `PasteGuard`
rewrites the controls inside a paste (`coach.domain.text.disarm`) before the
parser sees them, so the parser finds no ESC but the closing marker and hands
over the whole paste, in order, as one `Paste` event.

`PasteGuardDriver` is Textual's Linux/macOS driver with that guard in front
of its parser; `driver_for` picks it where the platform driver is that one.
"""

from __future__ import annotations

import os
import selectors
from codecs import getincrementaldecoder
from collections.abc import Iterable

from textual._loop import loop_last
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.message import Message

from coach.domain.text import disarm

PASTE_START = "\x1b[200~"
PASTE_END = "\x1b[201~"


class PasteGuard:
    """Feeds text through, disarming what lies between paste markers (across reads)."""

    def __init__(self) -> None:
        self.in_paste = False
        #: The end of the last read, when it may be the start of a split marker.
        self.held = ""
        #: Whether the last read ended with an ESC outside a paste (maybe a marker's first byte).
        self.sent_esc = False

    def __call__(self, data: str) -> str:
        if not data:  # end of input: nothing more will complete a held marker
            self.held = ""
            return data
        data, self.held = self.held + data, ""
        out: list[str] = []
        i = 0
        if self.sent_esc and not self.in_paste and len(data) < len(PASTE_START) - 1 \
                and PASTE_START[1:].startswith(data):
            self.held = data  # still maybe the rest of the marker
            return ""
        if self.sent_esc and not self.in_paste and data.startswith(PASTE_START[1:]):
            # The last read ended with the opening marker's ESC (sent on: it may have been Escape).
            out.append(PASTE_START[1:])
            self.in_paste, i = True, len(PASTE_START) - 1
        self.sent_esc = False
        while i < len(data):
            if not self.in_paste:
                j = data.find(PASTE_START, i)
                if j < 0:
                    rest = data[i:]
                    # A read that ends inside the opening marker: keep that end for the next
                    # read. Not a lone ESC, which is the Escape key until more follows.
                    keep = _marker_prefix_at_end(rest, PASTE_START)
                    keep = keep if keep >= 2 else 0
                    self.held = rest[len(rest) - keep:]
                    out.append(rest[: len(rest) - keep])
                    self.sent_esc = not keep and rest.endswith("\x1b")
                    break
                j += len(PASTE_START)
                out.append(data[i:j])
                self.in_paste, i = True, j
                continue
            j = data.find(PASTE_END, i)
            if j < 0:
                rest = data[i:]
                keep = _marker_prefix_at_end(rest, PASTE_END)
                self.held = rest[len(rest) - keep:]
                out.append(disarm(rest[: len(rest) - keep]))
                break
            out.append(disarm(data[i:j]) + PASTE_END)
            self.in_paste, i = False, j + len(PASTE_END)
        return "".join(out)


def _marker_prefix_at_end(text: str, marker: str) -> int:
    """Length of the longest end of ``text`` that is a proper start of ``marker``."""
    for n in range(min(len(marker) - 1, len(text)), 0, -1):
        if marker.startswith(text[-n:]):
            return n
    return 0


class GuardedParser(XTermParser):
    """Textual's parser, reading through a `PasteGuard`."""

    def __init__(self, debug: bool = False) -> None:
        super().__init__(debug)
        self._guard = PasteGuard()

    def feed(self, data: str) -> Iterable[Message]:
        if not data:
            return super().feed(data)  # end of input
        guarded = self._guard(data)
        # All of it held (part of a marker): an empty feed would mean end of input.
        return super().feed(guarded) if guarded else ()


class PasteGuardDriver(LinuxDriver):
    """The Linux/macOS driver with `GuardedParser` as its input parser."""

    def run_input_thread(self) -> None:
        """Wait for input and dispatch events (Textual 8's loop; only the parser differs)."""
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = GuardedParser(self._debug)
        feed, tick = parser.feed, parser.tick
        decode = getincrementaldecoder("utf-8")().decode

        def process(selector_events: list[tuple[selectors.SelectorKey, int]], final: bool = False) -> None:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    unicode_data = decode(os.read(fileno, 1024 * 4), final=final and last)
                    if not unicode_data:
                        break  # stdin is a pipe that has closed
                    for event in feed(unicode_data):
                        self.process_message(event)
            for event in tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                process(selector.select(0.1))
            selector.unregister(self.fileno)
            process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in feed(""):
                    pass
            except (EOFError, ParseError):
                pass


def driver_for(platform_driver: type[Driver]) -> type[Driver]:
    """`PasteGuardDriver` where Textual would use its Linux driver, else the driver unchanged."""
    return PasteGuardDriver if platform_driver is LinuxDriver else platform_driver
