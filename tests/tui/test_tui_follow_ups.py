"""Pilot: the interview probes like a real interviewer, where the answer is thin and only there."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from coach.banks import LoadedBanks, read_bank_file
from coach.config import load_settings
from coach.engine import AnswerItem
from coach.engine.offline import OfflineBackend
from coach.store import Store
from coach.tui.app import CoachApp, LaunchOptions
from coach.tui.context import AppContext
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.interview import InterviewScreen
from tests.helpers.tui import ManualClock, only_session, screen_text, settle, type_answer

BANK = '''
id = "probe"
title = "Follow-up bank"

[[questions]]
id = "probe.process"
text = "Tell me about a time you improved a process at work."
rounds = ["second"]
roles = ["any"]
type = "behavioral"
competencies = ["initiative"]
follow_ups = ["What would you do differently next time?", "What happened as a result?", "What did you personally do?"]
suggested_seconds = 120
'''

NO_OUTCOME = (
    "At my last job in a warehouse, orders were picked from a paper list and people walked back and forth across"
    " the floor. I noticed the list was sorted by order number, not by shelf. I asked my supervisor if I could"
    " re-sort it by aisle, built a spreadsheet that did the sorting, and trained the two other pickers on my shift."
)
COMPLETE = (
    "Last spring at the warehouse, orders were picked from a paper list sorted by order number, so pickers walked"
    " back and forth. I re-sorted it by aisle in a spreadsheet and trained the two other pickers on my shift. Within"
    " a month our average pick time fell from 14 minutes to 9, and my supervisor rolled the sheet out to the other"
    " two shifts."
)


def make_probe_app(tmp_path: Path) -> tuple[CoachApp, ManualClock]:
    bank_file = tmp_path / "probe.toml"
    bank_file.write_text(BANK)
    bank, problems = read_bank_file(bank_file)
    assert bank is not None, problems
    flags = {"follow_ups": True, "questions": 1, "round": "second"}
    settings = load_settings(flags)
    ctx = AppContext(settings, Store.from_settings(settings), LoadedBanks(banks={bank.id: bank}), dict(flags))
    clock = ManualClock()
    app = CoachApp(LaunchOptions(start="practice", flags=dict(flags)), ctx=ctx, clock=clock.clock(),
                   cursor_blink=False, seed=3, handle_signals=False)
    return app, clock


async def give(pilot, clock: ManualClock, text: str) -> None:
    await type_answer(pilot, clock, text[:10])
    pilot.app.post_message(events.Paste(text[10:]))
    await pilot.pause()
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_story_without_an_outcome_is_asked_about_the_outcome(tmp_path: Path) -> None:
    app, clock = make_probe_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        await give(pilot, clock, NO_OUTCOME)
        assert isinstance(app.screen, InterviewScreen)
        shown = screen_text(app)
        assert "Follow-up: What happened as a result?" in shown
        await give(pilot, clock, "Pick time fell from 14 minutes to 9 within a month.")
        assert isinstance(app.screen, DebriefScreen)
    session = only_session(app)
    assert [a.question for a in session.answers][1] == "What happened as a result?"
    assert session.answers[1].follow_up_of == "probe.process"
    assert session.answers[1].status == "submitted"


async def test_a_complete_story_gets_no_follow_up(tmp_path: Path) -> None:
    app, clock = make_probe_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await give(pilot, clock, COMPLETE)
        assert isinstance(app.screen, DebriefScreen)
        assert "Follow-up" not in screen_text(app)
    session = only_session(app)
    assert len(session.answers) == 1 and session.status == "complete"


async def test_a_backend_generated_follow_up_still_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An LLM backend's follow-up (generated from the answer) is asked instead of the offline choice."""

    async def generated(self, item: AnswerItem, round: str | None = None) -> str:  # noqa: ANN001
        return "Which aisle did you start with, and why?"

    monkeypatch.setattr(OfflineBackend, "follow_up", generated)
    app, clock = make_probe_app(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await give(pilot, clock, COMPLETE)
        assert isinstance(app.screen, InterviewScreen)
        assert "Follow-up: Which aisle did you start with, and why?" in screen_text(app)
