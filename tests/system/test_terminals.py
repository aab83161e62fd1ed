"""Whatever terminal the user has: TERM variants, NO_COLOR, the 80×24 minimum, resizes.

`coach` runs in a real pseudo-terminal (tests/helpers/proc.py) and its screen
is read with pyte; colour checks look at the raw escape sequences it wrote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers.proc import HOME_RE, TOO_SMALL_RE, PtyProcess, spawn_coach, wait_for_question_1

pytestmark = pytest.mark.pty

SGR = re.compile(rb"\x1b\[([0-9;]*)m")


def colours_used(raw: bytes) -> tuple[set[int], set[tuple[int, int, int]]]:
    """(256-colour indexes, truecolour rgb triples) used in SGR sequences in `raw`."""
    indexes: set[int] = set()
    rgbs: set[tuple[int, int, int]] = set()
    for params in SGR.findall(raw):
        parts = [int(p) if p else 0 for p in params.split(b";")]
        i = 0
        while i < len(parts):
            if parts[i] in (38, 48) and parts[i + 1:i + 2] == [5] and i + 2 < len(parts):
                indexes.add(parts[i + 2])
                i += 3
            elif parts[i] in (38, 48) and parts[i + 1:i + 2] == [2]:
                rgbs.add(tuple(parts[i + 2:i + 5]))  # type: ignore[arg-type]
                i += 5
            else:
                i += 1
    return indexes, rgbs


def is_grey_index(n: int) -> bool:
    """True when xterm's 256-colour palette entry `n` is a grey (or black/white)."""
    if n >= 232 or n in (0, 7, 8, 15):
        return True
    if 16 <= n <= 231:
        r, g, b = (n - 16) // 36, (n - 16) // 6 % 6, (n - 16) % 6
        return r == g == b
    return False


def wait_home(term: PtyProcess) -> str:
    return term.wait_until(lambda s: HOME_RE.search(s) is not None, 30, "the home screen")


def quit_app(term: PtyProcess) -> None:
    term.press("ctrl+q")
    assert term.wait_exit(10) == 0


@pytest.mark.parametrize("term_name", ["xterm-256color", "xterm", "screen", "tmux-256color"])
def test_home_renders_in_terminal(isolated_env: dict[str, Path], term_name: str) -> None:
    with spawn_coach(term=term_name) as term:
        screen = wait_home(term)
        assert "Traceback" not in screen
        indexes, rgbs = colours_used(term.raw_output())
        if not term_name.endswith("256color"):
            # A 16-colour terminal gets only the 16 ANSI colours.
            assert not indexes and not rgbs, f"{term_name}: 256/true colours sent: {sorted(indexes)[:10]}"
        quit_app(term)


def test_no_color_renders_in_greys_only(isolated_env: dict[str, Path]) -> None:
    with spawn_coach(extra_env={"NO_COLOR": "1"}) as term:
        wait_home(term)
        indexes, rgbs = colours_used(term.raw_output())
        assert all(is_grey_index(n) for n in indexes), f"colours with NO_COLOR: {sorted(indexes)}"
        assert all(r == g == b for r, g, b in rgbs), f"colours with NO_COLOR: {sorted(rgbs)[:5]}"
        quit_app(term)


@pytest.mark.parametrize("size", [(79, 24), (80, 23), (79, 23)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_below_80x24_says_too_small_then_recovers(isolated_env: dict[str, Path], size: tuple[int, int]) -> None:
    cols, rows = size
    with spawn_coach(cols=cols, rows=rows) as term:
        screen = term.wait_until(lambda s: TOO_SMALL_RE.search(s) is not None, 30, "a 'too small' message")
        assert "80" in screen and "24" in screen, f"the message should say what size is needed:\n{screen}"
        term.resize(80, 24)
        wait_home(term)
        term.resize(70, 20)
        term.wait_until(lambda s: TOO_SMALL_RE.search(s) is not None, 10, "'too small' after shrinking")
        term.resize(100, 30)
        wait_home(term)
        quit_app(term)


def test_interview_survives_shrinking_and_keeps_the_answer(isolated_env: dict[str, Path]) -> None:
    with spawn_coach("practice", "--questions", "2") as term:
        wait_for_question_1(term)
        term.type("Halfway through my answer")
        term.wait_for("Halfway through my answer")
        term.resize(60, 15)
        term.wait_until(lambda s: TOO_SMALL_RE.search(s) is not None, 10, "'too small' in the interview")
        term.resize(80, 24)
        wait_for_question_1(term)
        term.type(", still typing.")
        term.wait_for("Halfway through my answer, still typing.")
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0
