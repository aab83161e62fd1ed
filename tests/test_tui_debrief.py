"""Debrief actions: re-run with another backend (appended, never replaced), export, navigation."""

from __future__ import annotations

from textual.widgets import OptionList

from coach.models import Answer
from coach.tui.screens.debrief import BackendPicker, DebriefScreen
from coach.tui.screens.home import HomeScreen
from tests.tui_helpers import make_app, screen_text, settle

ANSWER = (
    "We usually just talk it through as a team and it kind of works out fine in the end."
)


def finished(app) -> str:
    q = next(iter(app.ctx.banks.questions().values()))
    session = app.ctx.store.create(
        "second", "general",
        answers=[Answer(question_id=q.id, question=q.text, text=ANSWER, status="submitted")],
    )
    session.status = "complete"
    app.ctx.store.save(session)
    return session.id


async def test_rerun_appends_feedback_and_export_writes_markdown(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        sid = finished(app)
        app.open_debrief(sid)
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert len(app.ctx.store.load(sid).feedback) == 1
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BackendPicker)
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "offline" in names and "openai" in names
        options.highlighted = names.index("offline")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert len(app.ctx.store.load(sid).feedback) == 2
        assert "2 debriefs kept" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        export = isolated_env["data"] / "exports" / f"{sid}.md"
        assert export.is_file() and ANSWER[:20] in export.read_text()
        assert (export.stat().st_mode & 0o777) == 0o600
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_home_keys_open_history_and_settings() -> None:
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_practice_start_opens_straight_into_a_round() -> None:
    app, _ = make_app(start="practice", flags={"questions": 2, "round": "final", "timed": True})
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Question 1 of 2" in shown and "Final round" in shown
        assert "/ ~" in shown  # the soft timer is on
