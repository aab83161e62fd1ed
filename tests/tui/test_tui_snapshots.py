"""Snapshots of home, interview and debrief at 80×24 and 120×40, and a retry and an example at 80×24.

Everything that could differ between runs is pinned: a fixture bank (so edits
to the shipped banks do not move these pictures), a fixed planning seed, a
manual clock (times shown, edit offsets, the soft timer), UTC as the local
zone, and no cursor blink. Update with `pytest --snapshot-update` and look at
the SVGs before committing them.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from coach.banks import LoadedBanks, read_bank_file
from coach.config import load_settings
from coach.domain.models import Answer, Session
from coach.store import Store
from coach.tui.app import CoachApp, LaunchOptions
from coach.tui.context import AppContext
from tests.helpers.tui import ManualClock, settle, type_answer

SIZES = [(80, 24), (120, 40)]

BANK = '''
id = "snap"
title = "Snapshot bank"

[[questions]]
id = "snap.helped-teammate"
text = "Tell me about a time you helped a teammate who was struggling. What did you do, and what happened?"
rounds = ["second"]
roles = ["any"]
type = "behavioral"
competencies = ["teamwork"]
follow_ups = ["What would you do differently next time?"]
suggested_seconds = 120

[[questions]]
id = "snap.disagreed"
text = "Describe a time you disagreed with a decision at work. How did you handle it?"
rounds = ["second"]
roles = ["any"]
type = "behavioral"
competencies = ["conflict"]
suggested_seconds = 120
'''

ANSWERS = {
    "snap.helped-teammate": "We usually just talk it through as a team and it kind of works out fine"
    " in the end. I think maybe that is basically the best way, you know.",
    "snap.disagreed": "Last spring our lead wanted to skip load testing before a launch. I booked"
    " thirty minutes with her, showed the error rates from the previous launch, and proposed a"
    " one-day test. She agreed; the test found a memory leak, and we launched a week later with"
    " zero incidents.",
}


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def make_snap_app(tmp_path: Path, start: str = "home", **flags: object) -> tuple[CoachApp, ManualClock]:
    bank_file = tmp_path / "snap.toml"
    bank_file.write_text(BANK)
    bank, problems = read_bank_file(bank_file)
    assert bank is not None, problems
    settings = load_settings(flags)
    ctx = AppContext(
        settings, Store.from_settings(settings), LoadedBanks(banks={bank.id: bank}), dict(flags)
    )
    clock = ManualClock()
    app = CoachApp(
        LaunchOptions(start=start, flags=dict(flags)),
        ctx=ctx, clock=clock.clock(), cursor_blink=False, seed=3, handle_signals=False,
    )
    return app, clock


def finished_session(app: CoachApp) -> Session:
    answers = [
        Answer(question_id=qid, question=q.text, type=q.type, text=ANSWERS[qid], status="submitted",
               think_ms=4000, answer_ms=60000)
        for qid, q in app.ctx.banks.questions().items()
    ]
    session = app.ctx.store.create("second", "general", answers=answers)
    session.created_at = datetime(2026, 11, 26, 16, 2, tzinfo=timezone.utc)
    session.status = "complete"
    app.ctx.store.save(session)
    return session


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app, _ = make_snap_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_home_with_a_round_to_resume(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app, _ = make_snap_app(tmp_path)
    session = app.ctx.store.create(
        "second", "general",
        answers=[Answer(question_id=q.id, question=q.text) for q in app.ctx.banks.questions().values()],
    )

    async def run_before(pilot) -> None:
        # updated_at is bumped on every save; pin it for the picture.
        home = pilot.app.screen
        await settle(pilot)
        session.updated_at = datetime(2026, 11, 26, 16, 30, tzinfo=timezone.utc)
        home._show_resumable(session)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_interview(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app, clock = make_snap_app(tmp_path, start="practice", timed=True)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await type_answer(pilot, clock, "Last spring I noticed a new hire stuck on our deploy tooling.")
        await pilot.pause(0.8)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_debrief(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app, _ = make_snap_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_debrief(finished_session(pilot.app).id)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_debrief_notes(snap_compare, tmp_path: Path) -> None:
    app, _ = make_snap_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_debrief(finished_session(pilot.app).id)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(120, 40), press=["n"], run_before=run_before)


def test_retry(snap_compare, tmp_path: Path) -> None:
    """The retry of the first pointer's question: pointer and tip above the editor, previous take hidden."""
    app, clock = make_snap_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_debrief(finished_session(pilot.app).id)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await type_answer(pilot, clock, "Last spring I paired with a new hire for a week.")
        await pilot.pause(0.8)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_retry_verdict(snap_compare, tmp_path: Path) -> None:
    """The verdict after a retry of the hedging answer: each pointer's line and who compared the takes."""
    app, clock = make_snap_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_debrief(finished_session(pilot.app).id)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        await type_answer(pilot, clock, "Last spring I paired with a new hire for a week. She shipped her first fix.", 0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_stronger(snap_compare, tmp_path: Path) -> None:
    """The example for the first pointer's answer: label, provenance, [placeholders] styled."""
    app, _ = make_snap_app(tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.open_debrief(finished_session(pilot.app).id)
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_too_small(snap_compare, tmp_path: Path) -> None:
    app, _ = make_snap_app(tmp_path)
    assert snap_compare(app, terminal_size=(60, 20))
