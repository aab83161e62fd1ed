"""Skipping the last open question asks before it ends the round; earlier skips do not ask."""

from __future__ import annotations

from textual.widgets import TextArea

from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.interview import InterviewScreen
from coach.tui.screens.safety import EndRoundScreen
from tests.helpers.tui import make_app, only_session, screen_text, settle, type_answer
from tests.tui.test_tui_flow import start_round

ASKS = "This is the last question. Skip it and end the round?"


async def test_skipping_an_earlier_question_moves_on_without_asking() -> None:
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test(size=(80, 24)) as pilot:
        await start_round(pilot, 2)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert "Question 2 of 2" in screen_text(app)
        assert ASKS not in screen_text(app)


async def test_escape_and_no_keep_the_last_question_and_its_text() -> None:
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test(size=(80, 24)) as pilot:
        await start_round(pilot, 1)
        await type_answer(pilot, clock, "I led the")
        for key in ("escape", "n"):
            await pilot.press("ctrl+n")
            await settle(pilot)
            assert isinstance(app.screen, EndRoundScreen)
            assert ASKS in screen_text(app)
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, InterviewScreen)
            assert "Question 1 of 1" in screen_text(app)
            assert app.screen.query_one("#answer", TextArea).text == "I led the"
        assert only_session(app).answers[0].status in ("pending", "draft")


async def test_yes_skips_the_last_question_and_ends_the_round() -> None:
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test(size=(80, 24)) as pilot:
        await start_round(pilot, 2)
        await pilot.press("ctrl+n")  # the first: no question asked
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert ASKS in screen_text(app)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
    session = only_session(app)
    assert [a.status for a in session.answers] == ["skipped", "skipped"]
    assert session.status == "complete"
