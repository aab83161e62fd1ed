"""Copy text to the user's clipboard with an OSC 52 escape, which works over SSH.

The terminal, not this process, owns the clipboard: writing ``ESC ] 52 ; c ;
<base64> BEL`` asks it to set the selection, so a copy works from a remote box.
Inside tmux or GNU screen the escape has to be wrapped in a DCS passthrough
sequence or the multiplexer swallows it.

Inside the Textual app prefer ``App.copy_to_clipboard``: in Textual 8 it writes
the same (unwrapped) OSC 52 escape through the app's driver and also keeps the
text for the app's own paste. This module is for the command line, where there
is no driver, and for tests that check the exact bytes.
"""

from __future__ import annotations

import base64
import os
import sys
from collections.abc import Mapping
from typing import TextIO

ESC = "\x1b"
BEL = "\x07"
ST = ESC + "\\"

#: GNU screen truncates a DCS string longer than about 768 bytes, so the
#: escape is sent to it in chunks small enough to pass.
SCREEN_CHUNK = 76


def _plain(text: str, selection: str) -> str:
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"{ESC}]52;{selection};{payload}{BEL}"


def osc52_sequence(
    text: str, *, env: Mapping[str, str] | None = None, selection: str = "c"
) -> str:
    """The escape that puts ``text`` on the clipboard, wrapped for tmux or screen.

    ``env`` defaults to ``os.environ``; $TMUX wins over TERM because tmux sets
    TERM=screen* too. tmux passes the inner escape on only with
    ``set -g allow-passthrough on`` (3.3+) or ``set-clipboard on``.
    """
    env = os.environ if env is None else env
    seq = _plain(text, selection)
    if env.get("TMUX"):
        # tmux passthrough: every ESC inside the payload is doubled.
        return f"{ESC}Ptmux;" + seq.replace(ESC, ESC + ESC) + ST
    if env.get("TERM", "").startswith("screen"):
        chunks = [seq[i : i + SCREEN_CHUNK] for i in range(0, len(seq), SCREEN_CHUNK)]
        return "".join(f"{ESC}P{chunk}{ST}" for chunk in chunks)
    return seq


def copy_to_terminal(
    text: str, stream: TextIO | None = None, *, env: Mapping[str, str] | None = None
) -> int:
    """Write the OSC 52 escape for ``text`` to ``stream`` (stdout by default).

    Returns the number of characters written. Whether the terminal honoured it
    cannot be known: OSC 52 has no reply, so callers should say "asked the
    terminal to copy" rather than promise it.
    """
    out = sys.stdout if stream is None else stream
    seq = osc52_sequence(text, env=env)
    out.write(seq)
    out.flush()
    return len(seq)
