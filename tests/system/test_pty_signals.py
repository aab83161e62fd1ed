"""A dropped link, a kill, a crash: the draft survives and the session resumes.

`coach` runs as a real process in a pseudo-terminal (tests/helpers/proc.py):
type part of an answer, then SIGHUP (what sshd sends when the connection
drops) or SIGTERM: the draft is on disk (0600), the terminal is given back
(alternate screen left, cursor shown) and the process exits promptly. The next
`coach` offers to resume, and the resumed answer continues with the text intact
and one continuous edit log. After `kill -9`, at most about a second of typing
is lost and no file is left half-written.
"""

from __future__ import annotations

import json
import signal
import stat
import time
from pathlib import Path

import pytest

from coach.domain.models import replay_edits
from coach.store import Store, read_session_file
from tests.helpers.proc import (
    ALT_SCREEN_EXIT,
    CURSOR_SHOW,
    RESUME_RE,
    spawn_coach,
    wait_for_drafts,
    wait_for_question_1,
)

pytestmark = pytest.mark.pty

#: How long coach may take to save, restore the terminal and exit after a
#: signal. The promise is "within a second"; the slack is for a loaded CI box.
EXIT_GRACE_S = 3.0


def only_session(store: Store):
    """The one session file in the store, loaded (asserts there is exactly one)."""
    files = sorted(store.sessions_dir.glob("*.toml"))
    assert len(files) == 1, f"expected one session, found {[f.name for f in files]}"
    return read_session_file(files[0]), files[0]


def assert_every_file_parses(store: Store) -> None:
    """No half-written file: every session file loads and the index (if any) is JSON."""
    for path in store.sessions_dir.glob("*.toml"):
        read_session_file(path)
    if store.index_path.exists():
        json.loads(store.index_path.read_text())


def resume_from_home(store: Store, text_so_far: str, more: str) -> None:
    """Start `coach`, take the resume offer, check the text, type `more`, quit with Ctrl+Q."""
    with spawn_coach() as term:
        term.wait_until(lambda s: RESUME_RE.search(s) is not None, 30, "the resume offer on the home screen")
        term.press("r")
        screen = wait_for_question_1(term)
        assert text_so_far in screen, f"resumed answer not shown:\n{screen}"
        term.type(more)
        wait_for_drafts(store, [text_so_far + more])
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0


@pytest.mark.parametrize("sig", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_saves_draft_restores_terminal_and_resumes(
    isolated_env: dict[str, Path], sig: signal.Signals
) -> None:
    store = Store(isolated_env["data"])
    first = "I led the migration of our billing system"
    with spawn_coach("practice", "--questions", "2") as term:
        wait_for_question_1(term)
        term.type(first)
        term.wait_for(first)
        before_signal = len(term.raw_output())
        term.send_signal(sig)
        term.wait_exit(EXIT_GRACE_S)
        term.drain()
        given_back = term.raw_output()[before_signal:]
    assert ALT_SCREEN_EXIT in given_back, f"alternate screen not left after {sig.name}: {given_back[-200:]!r}"
    assert CURSOR_SHOW in given_back, f"cursor not shown again after {sig.name}: {given_back[-200:]!r}"

    session, path = only_session(store)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session.status == "in-progress"
    answer = session.answers[0]
    assert answer.text == first
    assert replay_edits(answer.edits) == first
    edits_before = list(answer.edits)

    more = ", and it cut invoice errors by half."
    resume_from_home(store, first, more)

    resumed, resumed_path = only_session(store)  # resuming did not start a second session
    assert resumed_path == path and resumed.id == session.id
    answer = resumed.answers[0]
    assert answer.text == first + more
    assert answer.edits[: len(edits_before)] == edits_before, "the edit log was rewritten on resume"
    assert len(answer.edits) > len(edits_before)
    times = [e.t_ms for e in answer.edits]
    assert times == sorted(times), f"edit times go backwards after resume: {times}"
    assert replay_edits(answer.edits) == answer.text
    assert_every_file_parses(store)


def test_hangup_by_closing_the_terminal(isolated_env: dict[str, Path]) -> None:
    """The link itself goes away (pty master closed): the kernel's SIGHUP saves the draft."""
    store = Store(isolated_env["data"])
    text = "We had two weeks to ship the new onboarding flow"
    with spawn_coach("practice", "--questions", "2") as term:
        wait_for_question_1(term)
        term.type(text)
        term.wait_for(text)
        term.hang_up()
        term.wait_exit(EXIT_GRACE_S)
    session, path = only_session(store)
    assert session.answers[0].text == text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_kill_9_loses_at_most_about_a_second(isolated_env: dict[str, Path]) -> None:
    store = Store(isolated_env["data"])
    early = "First I mapped every step of the old process"
    late = " and then I"
    with spawn_coach("practice", "--questions", "2") as term:
        wait_for_question_1(term)
        term.type(early)
        term.wait_for(early)
        time.sleep(1.5)  # what was typed 1.5 s ago must be on disk by now
        term.type(late)
        term.send_signal(signal.SIGKILL)
        term.wait_exit(5)
    session, _ = only_session(store)
    text = session.answers[0].text
    assert text.startswith(early), f"lost more than a second of typing: {text!r}"
    assert (early + late).startswith(text)
    assert replay_edits(session.answers[0].edits) == text
    assert_every_file_parses(store)
    # And the session is still offered for resume.
    with spawn_coach() as term:
        term.wait_until(lambda s: RESUME_RE.search(s) is not None, 30, "the resume offer")
        term.press("ctrl+q")
        term.wait_exit(10)
