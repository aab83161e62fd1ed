"""Pilot: record a real interview, get the stage-aware debrief, then draft, edit, save and copy
a feedback request.

A small test app pushes the screen directly, so these tests do not depend on
CoachApp's routing.
"""

from __future__ import annotations

import base64
import stat
from datetime import date

import pytest
from textual.app import App
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Input, Select, Static, TextArea

from coach.banks import LoadedBanks
from coach.config import load_settings
from coach.outreach import forbidden_in
from coach.store import Store
from coach.tui.screens.outreach import OutreachScreen
from coach.tui.context import AppContext
from coach.tui.screens.real_interview import QuestionRow, RealInterviewScreen
from tests.helpers.real import FINAL_ANSWERS, JOB, PHONE_ANSWERS


class RealApp(App[None]):
    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.settings = load_settings()
        self.ctx = AppContext(self.settings, store, LoadedBanks())

    def on_mount(self) -> None:
        self.push_screen(RealInterviewScreen(self.ctx, today=date(2026, 11, 20)))


@pytest.fixture
def store() -> Store:
    return Store.from_settings(load_settings())


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Everything the app writes to its (headless) terminal."""
    out: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: out.append(data))
    return out


async def _type(pilot, text: str) -> None:
    keys = {" ": "space", ".": "full_stop", ",": "comma", "'": "apostrophe"}
    await pilot.press(*[keys.get(ch, ch) for ch in text])


async def _settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def _fill(pilot, screen: RealInterviewScreen, stage: str, answers, job: str | None) -> None:
    await _type(pilot, "Brightwave")  # the company field has focus on open
    screen.query_one("#role", Input).value = "Data Analyst"
    screen.query_one("#stage", Select).value = stage
    screen.query_one("#outcome", Select).value = "rejected"
    if job:
        screen.query_one("#job", TextArea).text = job
    rows = list(screen.query(QuestionRow))
    for row, (question, answer) in zip(rows, answers, strict=True):
        row.query_one(".question", Input).value = question
        row.query_one(".answer", TextArea).text = answer
    screen.query_one("#employer", TextArea).text = "We went with another candidate."
    await pilot.pause()


async def test_phone_rejection_debrief_then_feedback_request(store, written, tmp_path):
    app = RealApp(store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, RealInterviewScreen)
        assert screen.query_one("#date", Input).value == "2026-11-20"

        # Rows: add one with ctrl+n, remove it again with ctrl+r.
        await _fill(pilot, screen, "phone", PHONE_ANSWERS, JOB)
        assert screen.query_one("#company", Input).value == "Brightwave"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(screen.query(QuestionRow)) == 3
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert len(screen.query(QuestionRow)) == 2

        await pilot.press("ctrl+s")
        await _settle(pilot)

        feedback = screen.feedback
        assert feedback is not None
        assert feedback.pointers[0].kind == "no-job-link"
        assert "SQL" in feedback.pointers[0].tip
        assert "fit" in str(screen.query_one("#stage-note", Static).render())
        cards = [str(c.render()) for c in screen.query(".pointer")]
        assert cards and "Show how you meet this job's key requirements" in cards[0]
        assert feedback.pointers[0].evidence in cards[0]

        rows = store.list_sessions()
        assert [(r.kind, r.status, r.backend) for r in rows] == [("real", "complete", "offline")]
        saved = store.load(rows[0].id)
        assert saved.real is not None and saved.real.company == "Brightwave"
        assert saved.latest_feedback == feedback

        # Ask for feedback: the draft, edited, saved and copied.
        await pilot.press("f")
        await pilot.pause()
        request = app.screen
        assert isinstance(request, OutreachScreen)
        draft = request.query_one("#draft", TextArea)
        assert "Brightwave" in draft.text and "Data Analyst" in draft.text
        assert not forbidden_in(draft.text)

        request.query_one("#recipient", Input).value = "Sam"
        await pilot.pause()
        assert "Hi Sam," in draft.text

        draft.focus()
        draft.move_cursor(draft.document.end)
        await _type(pilot, " PS thanks again.")
        await pilot.pause()
        assert draft.text.endswith("PS thanks again.")

        target = tmp_path / "request.txt"
        request.query_one("#save-path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert target.read_text(encoding="utf-8") == draft.text + "\n"
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert "Saved to" in str(request.query_one("#notice", Static).render())

        # A path typed over the saved session is refused; the session is untouched.
        session_file = next(store.sessions_dir.glob(f"{saved.id}*"))
        before = session_file.read_bytes()
        request.query_one("#save-path", Input).value = str(session_file)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert "Not saved" in str(request.query_one("#notice", Static).render())
        assert session_file.read_bytes() == before

        await pilot.press("ctrl+o")
        await pilot.pause()
        expected = base64.b64encode(draft.text.encode("utf-8")).decode("ascii")
        assert f"\x1b]52;c;{expected}\x07" in "".join(written)
        assert app.clipboard == draft.text

        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


async def test_final_round_rejection_gets_technique_pointers(store, written):
    app = RealApp(store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        await _fill(pilot, screen, "final", FINAL_ANSWERS, JOB)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.feedback is not None
        assert all(p.kind != "no-job-link" for p in screen.feedback.pointers)
        assert "technique" in str(screen.query_one("#stage-note", Static).render())


async def test_missing_fields_are_named_and_nothing_is_saved(store, written):
    app = RealApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "role" in str(screen.query_one("#form-error", Static).render())
        assert screen.focused is screen.query_one("#role", Input)

        screen.query_one("#role", Input).value = "Data Analyst"
        screen.query_one("#stage", Select).value = "second"
        screen.query_one("#outcome", Select).value = "rejected"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "question you remember" in str(screen.query_one("#form-error", Static).render())
        assert store.list_sessions() == []


async def test_a_form_problem_is_also_a_notification(store, written, monkeypatch):
    """At 80×24 the error line can be below the fold; the problem still shows."""
    shown: list[str] = []
    monkeypatch.setattr(RealInterviewScreen, "notify", lambda self, message, **kw: shown.append(message))
    app = RealApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("role" in message for message in shown)


async def test_tab_goes_from_a_question_to_its_answer_and_typing_never_drops_the_row(store, written):
    app = RealApp(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        rows = list(screen.query(QuestionRow))
        rows[0].query_one(".question", Input).focus()
        await _type(pilot, "Why this job")
        await pilot.press("tab")
        assert screen.focused is rows[0].query_one(".answer", TextArea)
        await _type(pilot, "I like data work")
        assert len(list(screen.query(QuestionRow))) == len(rows)
        assert rows[0].remembered.answer == "I like data work"


async def test_every_binding_has_an_id():
    for cls in (RealInterviewScreen, OutreachScreen):
        for binding in cls.BINDINGS:
            assert binding.id, (cls.__name__, binding.key)


def test_debrief_command_opens_the_real_interview_screen(monkeypatch):
    import coach.tui
    from coach.cli import main

    seen = {}

    def fake_launch(args, start="home", session_ref=None, *, close_exits=False):
        seen["start"] = start
        seen["close_exits"] = close_exits
        return 0

    monkeypatch.setattr(coach.tui, "launch", fake_launch)
    assert main(["debrief"]) == 0
    assert seen == {"start": "debrief-real", "close_exits": True}  # closing it ends the command


async def test_inside_coach_app_the_screen_uses_the_apps_store(written):
    """Until CoachApp routes to it, push the screen onto the real app by hand."""
    from coach.tui.app import CoachApp

    app = CoachApp(handle_signals=False, cursor_blink=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = RealInterviewScreen(app.ctx)
        await app.push_screen(screen)
        await pilot.pause()
        await _fill(pilot, screen, "phone", PHONE_ANSWERS, JOB)
        await pilot.press("ctrl+s")
        await _settle(pilot)
        assert screen.feedback is not None
        rows = app.ctx.store.list_sessions()
        assert [r.kind for r in rows] == ["real"]
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_job_description_can_be_a_file_path(store, written, tmp_path):
    job_file = tmp_path / "job.txt"
    job_file.write_text(JOB, encoding="utf-8")
    app = RealApp(store)
    async with app.run_test(size=(100, 40)) as pilot:
        screen = app.screen
        await _fill(pilot, screen, "phone", PHONE_ANSWERS, str(job_file))
        await pilot.press("ctrl+s")
        await _settle(pilot)
        saved = store.load(store.list_sessions()[0].id)
        assert saved.job == JOB.strip()
        assert screen.feedback is not None and "SQL" in screen.feedback.pointers[0].tip
