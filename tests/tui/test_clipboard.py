"""OSC 52 clipboard: exact escape bytes, tmux/screen passthrough, and the app writing it."""

from __future__ import annotations

import io

import pytest
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver

from coach.clipboard import SCREEN_CHUNK, copy_to_terminal, osc52_sequence
from coach.domain.models import RealInterview, Session
from coach.banks import LoadedBanks
from coach.config import load_settings
from coach.store import Store
from coach.tui.context import AppContext
from coach.tui.screens.outreach import OutreachScreen


def test_plain_sequence_bytes_are_exact():
    # base64("hi") == "aGk="
    assert osc52_sequence("hi", env={}) == "\x1b]52;c;aGk=\x07"
    assert osc52_sequence("hi", env={"TERM": "xterm-256color"}).encode() == b"\x1b]52;c;aGk=\x07"


def test_utf8_text_is_base64_of_its_utf8_bytes():
    # "é" is C3 A9 in UTF-8 -> "w6k="
    assert osc52_sequence("é", env={}) == "\x1b]52;c;w6k=\x07"


def test_tmux_wraps_in_passthrough_and_doubles_escapes():
    seq = osc52_sequence("hi", env={"TMUX": "/tmp/tmux-1000/default,123,0", "TERM": "screen"})
    assert seq == "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"


def test_screen_wraps_in_dcs_chunks():
    seq = osc52_sequence("hi", env={"TERM": "screen.xterm-256color"})
    assert seq == "\x1bP\x1b]52;c;aGk=\x07\x1b\\"
    long = osc52_sequence("x" * 300, env={"TERM": "screen"})
    chunks = long.split("\x1b\\")[:-1]
    assert len(chunks) > 1
    assert all(c.startswith("\x1bP") and len(c) - 2 <= SCREEN_CHUNK for c in chunks)
    inner = "".join(c[2:] for c in chunks)
    assert inner == osc52_sequence("x" * 300, env={})


def test_copy_to_terminal_writes_and_flushes():
    out = io.StringIO()
    n = copy_to_terminal("hi", out, env={})
    assert out.getvalue() == "\x1b]52;c;aGk=\x07"
    assert n == len(out.getvalue())


class _RequestApp(App[None]):
    def __init__(self, session: Session, tmp) -> None:
        super().__init__()
        self.session = session
        self.tmp = tmp
        self.ctx = AppContext(load_settings(), Store.from_settings(load_settings()), LoadedBanks())

    def on_mount(self) -> None:
        self.push_screen(OutreachScreen(self.ctx, self.session, save_dir=self.tmp))


async def test_app_copy_writes_the_osc52_escape_to_the_terminal(monkeypatch, tmp_path):
    """Textual 8's App.copy_to_clipboard writes ESC ] 52 ; c ; <base64> BEL through the driver."""
    written: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: written.append(data))
    monkeypatch.delenv("TMUX", raising=False)
    session = Session(
        id="s1",
        kind="real",
        round="final",
        role="Data Analyst",
        real=RealInterview(company="Brightwave", stage="final", outcome="rejected"),
    )
    app = _RequestApp(session, tmp_path)
    async with app.run_test() as pilot:
        screen = app.screen
        assert isinstance(screen, OutreachScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        expected = osc52_sequence(screen.text, env={})
        assert expected in written
        assert "OSC 52" in str(screen.query_one("#notice").render())


@pytest.mark.parametrize("text", ["", "a", "line one\nline two", "😀 emoji"])
def test_sequence_round_trips(text):
    import base64

    seq = osc52_sequence(text, env={})
    payload = seq[len("\x1b]52;c;") : -1]
    assert base64.b64decode(payload).decode("utf-8") == text
