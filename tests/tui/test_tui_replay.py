"""The replay screen, driven with Pilot and a hand-moved clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.app import App

from coach.store import Store
from coach.tui.screens.replay import ReplayScreen
from coach.tui.widgets.replay_answer import ReplayAnswer
from coach.tui.widgets.replay_transport import ReplayTransport
from tests.helpers.history import (
    ctx_for,
    CONFLICT_A,
    CONFLICT_B,
    CONFLICT_Q,
    MOTIVE_A,
    FakeClock,
    ScreenApp,
    answer,
    persist,
    session,
)

SID = "20260314T093000000-abc1"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "data")
    persist(s, session(SID))
    return s


def shown(screen: ReplayScreen) -> str:
    return str(screen.query_one(ReplayAnswer).content)


def transport(screen: ReplayScreen) -> str:
    return str(screen.query_one(ReplayTransport).content)


async def test_instant_shows_the_final_answer(store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), SID, speed=None, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert shown(screen) == CONFLICT_A
        assert "instant" in transport(screen) and "■" in transport(screen)
        assert "Question 1 of 2" in str(screen.query_one("#replay-question").content)


async def test_eight_times_speed_types_at_recorded_pace(store: Store) -> None:
    clock = FakeClock()
    screen = ReplayScreen(ctx_for(store), SID, speed=8, clock=clock)
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        duration = screen.player.timeline.duration_ms
        assert shown(screen).strip() == ""  # still thinking
        assert "thinking 1.5 s" in transport(screen)
        clock.tick(duration / 2 / 8 / 1000)
        await pilot.pause(0.1)  # let the interval timer draw a frame
        half = shown(screen)
        assert 0 < len(half.rstrip()) < len(CONFLICT_A)
        assert CONFLICT_A.startswith(half.rstrip())
        clock.tick(duration / 2 / 8 / 1000)
        await pilot.pause(0.1)
        assert shown(screen) == CONFLICT_A
        assert not screen.player.playing


async def test_pause_indicator_scrub_and_play_pause(store: Store) -> None:
    clock = FakeClock()
    screen = ReplayScreen(ctx_for(store), SID, clock=clock, autoplay=False)
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "❚❚" in transport(screen)
        # the helper types 11 characters from 1.5 s, then the next comes 4.32 s later
        screen.player.seek(1500 + 11 * 120 + 1000)
        screen.render_frame()
        assert "pause 4.3 s" in transport(screen)
        assert shown(screen).startswith(CONFLICT_A[:11])
        await pilot.press("end")
        assert shown(screen) == CONFLICT_A
        await pilot.press("home")
        assert shown(screen).strip() == ""
        await pilot.press("right")
        assert screen.player.position_ms == 5000
        await pilot.press("left", "left")
        assert screen.player.position_ms == 0
        await pilot.press("space")
        assert screen.player.playing
        clock.tick(2.0)
        await pilot.pause(0.1)
        assert shown(screen).startswith("We")
        await pilot.press("space")
        assert not screen.player.playing
        frozen = shown(screen)
        clock.tick(5.0)
        await pilot.pause(0.1)
        assert shown(screen) == frozen


async def test_speed_key_cycles_and_next_question(store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), SID, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.press("s", "s", "s")
        assert screen.player.speed == 8 and "8×" in transport(screen)
        await pilot.press("s")
        assert shown(screen) == CONFLICT_A
        await pilot.press("n")
        assert "Question 2 of 2" in str(screen.query_one("#replay-question").content)
        assert shown(screen) == MOTIVE_A  # speed carries over: instant
        await pilot.press("n")  # no further answer: stays
        assert screen.index == 1
        await pilot.press("p")
        assert screen.index == 0


async def test_feedback_is_shown_with_evidence_and_provenance(store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), SID, speed=None, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        text = str(screen.query_one("#replay-feedback").content)
        assert "Feedback by offline rules" in text
        assert "▸ 1. Say what you did without softening it" in text
        assert "“I think maybe it went well”" in text
        assert "Next time: Drop 'I think maybe'" in text
        await pilot.press("f")
        assert not screen.query_one("#replay-feedback-pane").display


async def test_compare_with_an_earlier_session(store: Store) -> None:
    older = session("20260301T093000000-old1", days=-13)
    older.answers[0] = answer("conflict", CONFLICT_Q, CONFLICT_B,
                              shown_at=older.created_at)
    persist(store, older)
    unrelated = session("20260302T093000000-unr1", days=-12)
    unrelated.answers = unrelated.answers[1:]
    persist(store, unrelated)
    screen = ReplayScreen(ctx_for(store), SID, speed=None, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await pilot.press("c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pane = screen.query_one("#replay-compare-pane")
        assert pane.display
        text = str(screen.query_one("#replay-compare").content)
        assert "Earlier session 1 of 1 · 2026-03-01 09:30" in text
        assert CONFLICT_B in text
        assert f"{len(CONFLICT_B.split())} words (this one: {len(CONFLICT_A.split())})" in text
        await pilot.press("n")  # the motivation answer, which both other sessions have
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = str(screen.query_one("#replay-compare").content)
        assert "Earlier session 1 of 2" in text  # both other sessions answered it
        await pilot.press("c")
        assert not pane.display


async def test_latest_session_when_no_ref(store: Store) -> None:
    newer = session("20260320T093000000-new1", days=6, round="final")
    persist(store, newer)
    screen = ReplayScreen(ctx_for(store), None, speed=None, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert screen.session.id == newer.id


async def test_unknown_session_says_so(store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), "nope", clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert screen.session is None
        assert "no session matches 'nope'" in shown(screen)


async def test_damaged_edit_log_falls_back_to_the_final_text(store: Store) -> None:
    s = session("20260321T093000000-dmg1", days=7)
    s.answers[0].edits.append(s.answers[0].edits[0].model_copy(update={"pos": 999}))
    persist(store, s)
    screen = ReplayScreen(ctx_for(store), s.id, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert shown(screen) == CONFLICT_A
        assert "cannot be replayed" in (screen.replay_problem or "")


async def test_timer_stops_when_the_screen_goes(store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), SID, clock=FakeClock())

    class Base(App[None]):
        async def on_mount(self) -> None:
            await self.push_screen(screen)

    async with Base().run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        timer = screen._timer
        assert timer is not None
        await pilot.press("escape")
        await pilot.pause()
        assert screen._timer is None


# ------------------------------------------------------------- the command


def _coach(*argv: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COACH_DATA_DIR=str(data))
    return subprocess.run([sys.executable, "-m", "coach", *argv], capture_output=True,
                          text=True, env=env, timeout=60)


def test_cli_replay_unknown_session_is_one_line_exit_1(isolated_env: dict[str, Path]) -> None:
    persist(Store(isolated_env["data"]), session(SID))
    result = _coach("replay", "zzz", data=isolated_env["data"])
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "zzz" in result.stderr


def test_cli_replay_with_no_sessions_is_one_line_exit_1(isolated_env: dict[str, Path]) -> None:
    result = _coach("replay", data=isolated_env["data"])
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "no saved sessions" in result.stderr


async def test_via_coach_app(store: Store, isolated_env: dict[str, Path]) -> None:
    from coach.tui.app import CoachApp, LaunchOptions
    from coach.tui.clock import Clock

    persist(Store(isolated_env["data"]), session(SID))
    clock = FakeClock()
    app = CoachApp(LaunchOptions(start="replay", session_ref=SID[:10]),
                   clock=Clock(monotonic=clock), cursor_blink=False, handle_signals=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        assert screen.session.id == SID
        clock.tick(60)
        await pilot.pause(0.1)
        assert shown(screen) == CONFLICT_A


# ---------------------------------------------------------------- snapshots


def _at(position_ms: int, *keys: str):
    async def run_before(pilot) -> None:
        await pilot.pause()
        screen = pilot.app.screen
        screen.player.seek(position_ms)
        screen.render_frame()
        if keys:
            await pilot.press(*keys)
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_replay_mid_pause(snap_compare, store: Store, size: tuple[int, int]) -> None:
    screen = ReplayScreen(ctx_for(store), SID, clock=FakeClock(), autoplay=False)
    assert snap_compare(ScreenApp(screen), terminal_size=size, run_before=_at(3800))


def test_snapshot_replay_compare(snap_compare, store: Store) -> None:
    older = session("20260301T093000000-old1", days=-13)
    older.answers[0] = answer("conflict", CONFLICT_Q, CONFLICT_B, shown_at=older.created_at)
    persist(store, older)
    screen = ReplayScreen(ctx_for(store), SID, clock=FakeClock(), autoplay=False)
    assert snap_compare(ScreenApp(screen), terminal_size=(120, 40), run_before=_at(30_000, "c"))


def test_answer_rendering_marks_evidence_and_caret() -> None:
    from coach.tui.widgets.replay_answer import render_answer
    from coach.tui.widgets.replay_transport import progress_bar

    text = render_answer("I think maybe so", cursor=16, evidence=["think maybe"])
    assert str(text) == "I think maybe so "  # caret cell after the last character
    styles = {(s.start, s.end, str(s.style)) for s in text.spans}
    assert (2, 13, "bold underline") in styles and (16, 17, "reverse") in styles
    mid = render_answer("abc", cursor=1)
    assert str(mid) == "abc" and (1, 2, "reverse") in {(s.start, s.end, str(s.style)) for s in mid.spans}
    assert progress_bar(5, 10, width=4) == "━━──"
    assert progress_bar(0, 0, width=3) == "━━━"


async def test_a_failing_attempts_worker_is_reported_by_the_app(
    isolated_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker.StateChanged does not bubble: the screen forwards it to CoachApp.worker_changed."""
    from coach.store import StoreError
    from coach.tui.app import CoachApp, LaunchOptions

    store = Store(isolated_env["data"])
    persist(store, session(SID))

    def broken(*args, **kwargs):
        raise RuntimeError("attempt search exploded")

    monkeypatch.setattr("coach.tui.screens.replay.find_attempts", broken)
    app = CoachApp(LaunchOptions(start="replay", session_ref=SID), cursor_blink=False, handle_signals=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, ReplayScreen)
        assert any("attempt search exploded" in str(n.message) for n in app._notifications)

        def denied(*args, **kwargs):
            raise StoreError(store.sessions_dir, "permission denied")

        monkeypatch.setattr("coach.tui.screens.replay.find_attempts", denied)
        app.screen.earlier.clear()
        await pilot.press("c", "c")  # closed and opened again: searched again
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = str(app.screen.query_one("#replay-compare").content)
        assert "Cannot look in earlier sessions:" in text and "permission denied" in text


def test_replay_numbers_a_follow_up_as_part_of_its_question(store: Store) -> None:
    """Replay uses the round's one numbering: "Question 2 of 2", "Follow-up to question 2"."""
    from coach.domain.models import Answer, Session

    answers = [
        Answer(question_id="q1", question="First?", text="one", status="submitted"),
        Answer(question_id="q2", question="Second?", text="two", status="submitted"),
        Answer(question_id="q2.follow-up", question="And then?", text="three", status="submitted",
               follow_up_of="q2"),
    ]
    session = Session(id="20260314T093000000-num1", round="second", role="general", answers=answers)
    screen = ReplayScreen(ctx_for(store), session=session)
    assert [screen._label(i) for i in range(3)] == [
        "Question 1 of 2", "Question 2 of 2", "Follow-up to question 2",
    ]
