"""coach as a real process in a pseudo-terminal: typing reaches the disk; a hang-up saves and exits.

These run `python -m coach` on a pty (tests/helpers/proc.py) and read the
screen with pyte, so they exercise the real driver, real timers and real
signals that Pilot tests cannot.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from coach.domain.models import replay_edits
from coach.store import Store
from tests.helpers.proc import ALT_SCREEN_EXIT, CURSOR_SHOW, spawn_coach

pytestmark = pytest.mark.pty


def _answers_on_disk(data_dir: Path) -> list[str]:
    store = Store(data_dir)
    out: list[str] = []
    for summary in store.list_sessions():
        session = store.load(summary.path)
        out.extend(a.text for a in session.answers)
    return out


def _wait_on_disk(data_dir: Path, text: str, within_s: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within_s:
        if any(text in t for t in _answers_on_disk(data_dir)):
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not on disk within {within_s} s: {_answers_on_disk(data_dir)}")


def _start_round(proc) -> None:
    proc.wait_for("Start round", timeout=20)
    proc.press("n")
    proc.wait_for("Question 1 of", timeout=20)


def test_typed_answer_is_on_disk_within_two_seconds(isolated_env) -> None:
    with spawn_coach() as proc:
        _start_round(proc)
        proc.type("I rebuilt the on-call rota")
        proc.wait_for("I rebuilt the on-call rota", timeout=10)
        _wait_on_disk(isolated_env["data"], "I rebuilt the on-call rota", within_s=2.0)
        proc.press("ctrl+q")
        assert proc.wait_exit(timeout=5) == 0


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM", "hang-up"])
def test_signal_saves_the_draft_and_exits_then_resume(isolated_env, how: str) -> None:
    data = isolated_env["data"]
    with spawn_coach() as proc:
        _start_round(proc)
        proc.type("draft before the link drops")
        proc.wait_for("draft before the link drops", timeout=10)
        if how == "hang-up":
            proc.hang_up()  # the terminal goes away; the kernel sends SIGHUP
        else:
            proc.send_signal(getattr(signal, how))
        status = proc.wait_exit(timeout=3)
        assert status != 0  # it left because of the signal
        if how != "hang-up":
            # It gave the terminal back (left the alternate screen, cursor shown).
            tail = proc.raw_output()[-4000:]
            assert ALT_SCREEN_EXIT in tail and CURSOR_SHOW in tail
    texts = _answers_on_disk(data)
    assert "draft before the link drops" in texts

    with spawn_coach() as proc:
        screen = proc.wait_for("Resume:", timeout=20)
        assert "0 of 5 answered" in screen
        proc.press("r")
        proc.wait_for("draft before the link drops", timeout=20)
        proc.type(", then more")
        _wait_on_disk(data, "draft before the link drops, then more", within_s=2.0)
        proc.press("ctrl+q")
        proc.wait_exit(timeout=5)
    store = Store(data)
    session = store.load(store.list_sessions()[0].path)
    answer = session.answers[0]
    assert replay_edits(answer.edits) == answer.text
    assert [e.t_ms for e in answer.edits] == sorted(e.t_ms for e in answer.edits)


@pytest.mark.parametrize(
    ("term", "no_color"),
    [("xterm", True), ("screen", False), ("tmux-256color", False), ("xterm-256color", True)],
)
def test_usable_in_plain_terminals(isolated_env, term: str, no_color: bool) -> None:
    extra = {"NO_COLOR": "1"} if no_color else None
    with spawn_coach(term=term, extra_env=extra) as proc:
        screen = proc.wait_for("Start round", timeout=20)
        assert "feedback: offline rules" in screen
        proc.press("n")
        proc.wait_for("Question 1 of", timeout=20)
        proc.type("plain terminal")
        proc.wait_for("plain terminal", timeout=10)
        proc.press("ctrl+q")
        assert proc.wait_exit(timeout=5) == 0
