"""Pause and resume: the text comes back intact and the edit log carries on in time order."""

from __future__ import annotations

from textual.widgets import Button, TextArea

from coach.domain.models import replay_edits
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.interview import InterviewScreen
from tests.helpers.tui import make_app, only_session, screen_text, settle, type_answer


async def test_pause_then_resume_continues_text_and_edit_log() -> None:
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        clock.advance(2.0)
        await type_answer(pilot, clock, "First half")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        paused = only_session(app)
        assert paused.status == "in-progress"
        before = paused.answers[0]
        assert before.text == "First half" and before.status == "draft"
        last_t = before.edits[-1].t_ms

    # A new run of the app (as after a dropped link) offers the round first.
    app2, clock2 = make_app()
    async with app2.run_test() as pilot:
        await settle(pilot)
        home = app2.screen
        assert isinstance(home, HomeScreen)
        resume = home.query_one("#resume", Button)
        assert resume.display and app2.focused is resume
        assert "Resume:" in screen_text(app2) and "0 of 5 answered" in screen_text(app2)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app2.screen, InterviewScreen)
        editor = app2.screen.query_one("#answer", TextArea)
        assert editor.text == "First half"
        clock2.advance(1.0)
        await type_answer(pilot, clock2, " and the rest")
        await pilot.press("ctrl+s")
        await settle(pilot)

    session = only_session(app2)
    a = session.answers[0]
    assert a.text == "First half and the rest" and a.status == "submitted"
    assert replay_edits(a.edits) == a.text
    offsets = [e.t_ms for e in a.edits]
    assert offsets == sorted(offsets)
    resumed = [e for e in a.edits[len(before.edits):]]
    assert resumed and resumed[0].t_ms > last_t  # continues after the last edit, not from zero
    assert a.think_ms == before.think_ms  # think time is the first take's


async def test_quit_saves_the_draft() -> None:
    app, clock = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_answer(pilot, clock, "typed then quit")
        await pilot.press("ctrl+q")
        await pilot.pause()
    a = only_session(app).answers[0]
    assert a.text == "typed then quit"
    assert replay_edits(a.edits) == a.text
