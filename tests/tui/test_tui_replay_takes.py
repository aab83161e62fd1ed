"""Replay of an answer that was tried again: every take at its own pace, the takes compared side by side, `t`."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.store import Store
from coach.tui.screens.replay import ReplayScreen
from coach.tui.widgets.replay_answer import ReplayAnswer
from tests.helpers.history import (
    CONFLICT_A,
    CONFLICT_B,
    CONFLICT_Q,
    MOTIVE_A,
    RETRY_A,
    FakeClock,
    ScreenApp,
    answer,
    ctx_for,
    persist,
    retried_session,
    session,
)

SID = "20260314T093000000-abc1"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "data")
    persist(s, retried_session(SID))
    return s


def shown(screen: ReplayScreen) -> str:
    return str(screen.query_one(ReplayAnswer).content)


def text_of(screen: ReplayScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_next_steps_through_each_take_and_take_2_replays_at_its_own_pace(store: Store) -> None:
    clock = FakeClock()
    screen = ReplayScreen(ctx_for(store), SID, speed=8, clock=clock)
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Question 1 of 2 · take 1 of 2" in text_of(screen, "#replay-question")
        await pilot.press("n")
        assert (screen.index, screen.take) == (0, 2)
        assert "Question 1 of 2 · take 2 of 2" in text_of(screen, "#replay-question")
        take2 = screen.session.answers[0].attempts[0]
        assert screen.player.timeline.duration_ms == take2.answer_ms  # its own log, not take 1's
        assert shown(screen).strip() == ""  # thinking (0.9 s) first
        clock.tick(take2.answer_ms / 2 / 8 / 1000)
        await pilot.pause(0.1)
        half = shown(screen).rstrip()
        assert 0 < len(half) < len(RETRY_A) and RETRY_A.startswith(half)
        clock.tick(take2.answer_ms / 8 / 1000)
        await pilot.pause(0.1)
        assert shown(screen) == RETRY_A  # the retry's edit log rebuilds the retry's text
        feedback = text_of(screen, "#replay-feedback")
        assert "Working on: Say what you did without softening it" in feedback
        assert "Compared with take 1:" in feedback
        assert "Resolved — Now it says what you did plainly: “I ran the load tests myself”" in feedback
        assert "Still there — The end still credits the team: “the team agreed”" in feedback
        assert "Compared by offline rules" in feedback
        await pilot.press("n")
        assert (screen.index, screen.take) == (1, 1)
        assert "Question 2 of 2 · Why" in text_of(screen, "#replay-question")  # one take: no take label
        await pilot.press("s")  # 8× → instant
        assert shown(screen) == MOTIVE_A
        await pilot.press("p")
        assert (screen.index, screen.take) == (0, 2) and shown(screen) == RETRY_A


async def test_compare_shows_this_sessions_other_take_with_its_verdict_then_earlier_sessions(store: Store) -> None:
    older = session("20260301T093000000-old1", days=-13)
    older.answers[0] = answer("conflict", CONFLICT_Q, CONFLICT_B, shown_at=older.created_at)
    persist(store, older)
    screen = ReplayScreen(ctx_for(store), SID, speed=None, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.press("c")  # on take 1: take 2 beside it, with what the comparison said
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pane = text_of(screen, "#replay-compare")
        assert "Take 2 of 2 · this session" in pane
        assert "a: compare with another take or an earlier session (2 in all)" in pane
        assert "Resolved — Now it says what you did plainly" in pane
        assert RETRY_A.split(".")[0] in pane
        assert shown(screen) == CONFLICT_A  # the replayed take stays on the left
        await pilot.press("a")  # then the same question in an earlier session
        pane = text_of(screen, "#replay-compare")
        assert "Earlier session 1 of 1 · 2026-03-01 09:30" in pane and "At Acme" in pane
        await pilot.press("a")  # and round again
        assert "Take 2 of 2 · this session" in text_of(screen, "#replay-compare")
        await pilot.press("n")  # take 2 on the left: take 1 beside it, with the pointers it had
        pane = text_of(screen, "#replay-compare")
        assert "Take 1 of 2 · this session" in pane
        assert "pointer then: Say what you did without softening it" in pane
        assert "We had a disagreement" in pane
        assert f"{len(CONFLICT_A.split())} words (this one: {len(RETRY_A.split())})" in pane


async def test_a_take_without_an_edit_log_shows_its_final_text(store: Store) -> None:
    s = retried_session("20260322T093000000-nolog", days=8)
    s.answers[0].attempts[0].edits = []
    persist(store, s)
    screen = ReplayScreen(ctx_for(store), s.id, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        assert shown(screen) == RETRY_A


def test_snapshot_replay_compare_of_two_takes(snap_compare, store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), SID, clock=FakeClock(), autoplay=False)

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press("n", "end", "c")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(ScreenApp(screen), terminal_size=(80, 24), run_before=run_before)


async def test_t_tries_the_answer_on_show_again_on_the_pointer_a_retry_left(isolated_env: dict[str, Path]) -> None:
    from coach.tui.screens.retry import RetryScreen
    from tests.helpers.tui import make_app, settle

    store = Store(isolated_env["data"])
    persist(store, retried_session(SID))
    app, _ = make_app("replay", session_ref=SID)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        await pilot.press("n")  # take 2, which left "ownership" still there
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        retry = app.screen
        assert (retry.question_id, retry.pointer.kind, retry.number) == ("conflict", "ownership", 3)
        assert retry.previous.text == RETRY_A  # compared with the take before it
        await pilot.press("escape")  # nothing typed: nothing stored
        await settle(pilot)
        assert app.screen is replay
        assert len(store.load(SID).answers[0].attempts) == 1
        assert store.lease(SID) is not None  # the retry let the session go
        store.release(SID)


async def test_t_without_a_pointer_about_the_answer_says_so(store: Store) -> None:
    screen = ReplayScreen(ctx_for(store), SID, speed=None, clock=FakeClock())
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "n")  # the motivation answer: no pointer is about it
        await pilot.press("t")
        await pilot.pause()
        assert any("No pointer about this answer" in str(n.message) for n in pilot.app._notifications)


async def test_t_on_a_session_held_elsewhere_says_so_and_stays(isolated_env: dict[str, Path]) -> None:
    from tests.helpers.tui import make_app, screen_text, settle

    persist(Store(isolated_env["data"]), retried_session(SID))
    other = Store(isolated_env["data"])
    other.load(SID)
    assert other.lease(SID) is not None
    app, _ = make_app("replay", session_ref=SID)
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            replay = app.screen
            await pilot.press("t")
            await settle(pilot)
            assert app.screen is replay
            assert "open in another terminal" in screen_text(app)
    finally:
        other.release(SID)


async def test_a_retry_submitted_from_replay_is_replayed_next(isolated_env: dict[str, Path]) -> None:
    from coach.tui.screens.retry import RetryScreen
    from tests.helpers.tui import make_app, settle, type_answer

    store = Store(isolated_env["data"])
    persist(store, retried_session(SID))
    app, clock = make_app("replay", session_ref=SID)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        replay = app.screen
        await pilot.press("n", "t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        await type_answer(pilot, clock, "I chose to run the tests myself.", step_s=0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is replay
        assert (replay.index, replay.take) == (0, 3)
        assert "Question 1 of 2 · take 3 of 3" in str(replay.query_one("#replay-question").render())
        assert "Compared with take 2:" in str(replay.query_one("#replay-feedback").render())
        clock.advance(60)
        await pilot.pause(0.1)
        await pilot.press("end")
        assert shown(replay) == "I chose to run the tests myself."
        assert len(store.load(SID).answers[0].attempts) == 2
