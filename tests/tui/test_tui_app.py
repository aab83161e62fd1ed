"""Settings, the too-small guard, the command palette, notices and bindings."""

from __future__ import annotations

import tomllib

from textual.command import CommandPalette
from textual.widgets import Checkbox, Input, Select

from coach import paths
from coach.tui.commands import COMMANDS
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.interview import InterviewScreen
from coach.tui.screens.settings import SettingsScreen
from coach.tui.screens.too_small import TooSmallScreen
from tests.helpers.tui import make_app, screen_text, settle, type_answer


async def test_settings_are_saved_to_the_user_config() -> None:
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#practice_mode", Checkbox).value = True
        screen.query_one("#follow_ups", Checkbox).value = False
        screen.query_one("#model", Input).value = "llama-3.1-8b"
        screen.query_one("#theme", Select).value = "textual-light"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.settings.practice_mode is True
        assert app.theme == "textual-light"
        assert "practice mode" in screen_text(app)
    data = tomllib.loads(paths.user_config_file().read_text())
    assert data["practice_mode"] is True
    assert data["follow_ups"] is False
    assert data["theme"] == "textual-light"
    assert data["openai"]["model"] == "llama-3.1-8b"
    assert "backend" not in data  # unchanged values are left to lower layers


async def test_settings_cancel_writes_nothing() -> None:
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#practice_mode", Checkbox).value = True
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert not paths.user_config_file().exists()


async def test_too_small_terminal_shows_a_clear_message_and_recovers() -> None:
    app, clock = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "Terminal too small (need 80×24, have 60×20)" in screen_text(app)
        await pilot.resize_terminal(79, 30)
        await settle(pilot)
        assert "have 79×30" in screen_text(app)
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_shrinking_mid_answer_keeps_the_answer() -> None:
    app, clock = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_answer(pilot, clock, "half an answer")
        await pilot.resize_terminal(50, 12)
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.press("x")  # keys do not leak into the hidden editor
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.query_one("#answer").text == "half an answer"


async def test_palette_lists_coach_commands() -> None:
    app, _ = make_app()
    # Tall enough to list every command at once (at 24 rows the list scrolls).
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.pause(0.3)
        shown = screen_text(app)
        for title, _, _ in COMMANDS:
            assert title in shown, title
        for ch in "settings":
            await pilot.press(ch)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)


def test_every_binding_has_an_id() -> None:
    from coach.tui.app import CoachApp
    from coach.tui.screens.debrief import BackendPicker, DebriefScreen
    from coach.tui.screens.interview import PracticeFeedbackScreen

    owners = [CoachApp, HomeScreen, InterviewScreen, PracticeFeedbackScreen, DebriefScreen,
              BackendPicker, SettingsScreen, TooSmallScreen]
    for owner in owners:
        for binding in owner.BINDINGS:
            assert binding.id, f"{owner.__name__}: {binding.key} has no id"
            assert binding.show and binding.description, f"{owner.__name__}: {binding.key}"


async def test_config_and_bank_problems_are_shown_on_home(isolated_env) -> None:
    cfg = paths.user_config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('practise_mode = true\n')
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Problems" in shown and "practise_mode" in shown


async def test_a_failed_worker_becomes_a_visible_notification() -> None:
    app, _ = make_app()
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        app.resume_session("no-such-session")
        await settle(pilot)
        shown = screen_text(app)
        assert "Something went wrong" in shown and "no-such-session" in shown, shown
        assert isinstance(app.screen, HomeScreen)  # and the app carries on


# ------------------------------------------------------------ real interviews (issue 8)


async def test_coach_debrief_opens_the_real_interview_form() -> None:
    from coach.tui.screens.real_interview import RealInterviewScreen

    app, _ = make_app(start="debrief-real")
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RealInterviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_palette_and_home_key_open_the_real_interview_form() -> None:
    from coach.tui.screens.real_interview import RealInterviewScreen

    assert "debrief_real" in {action for _, _, action in COMMANDS}
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        for ch in "debrief":
            await pilot.press(ch)
        await pilot.pause(0.3)
        assert "Debrief a real interview" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RealInterviewScreen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, RealInterviewScreen)


def _stored_with_recurring(kind: str, sessions: int = 3) -> None:
    from coach.config import load_settings
    from coach.domain.models import Answer, Feedback, Pointer
    from coach.store import Store

    store = Store.from_settings(load_settings())
    for _ in range(sessions):
        s = store.create(
            "second", "general",
            answers=[Answer(question_id="q1", question="Tell me about a time.", text="x", status="submitted")],
        )
        s.status = "complete"
        store.save(s)
        pointer = Pointer(kind=kind, title=f"about {kind}", question_id="q1", tip="Try this.")
        store.add_feedback(s.id, Feedback(pointers=[pointer], backend="offline"))


async def test_home_suggests_a_round_aimed_at_the_recurring_kind() -> None:
    _stored_with_recurring("no-questions")
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.suggestion is not None and home.suggestion.focus_kind == "no-questions"
        shown = screen_text(app)
        assert "came up in 3 of your last 3 sessions" in shown
        planned = []
        real_plan = __import__("coach.banks", fromlist=["plan_round"]).plan_round

        def spy(*args, **kw):
            planned.append(kw.get("focus_kind"))
            return real_plan(*args, **kw)

        import coach.banks

        coach.banks.plan_round, saved = spy, coach.banks.plan_round
        try:
            home.query_one("#suggest").focus()
            await pilot.press("enter")
            await settle(pilot)
        finally:
            coach.banks.plan_round = saved
        assert isinstance(app.screen, InterviewScreen)
        assert planned == ["no-questions"]
        session = app.screen.session
        assert session.round == "final"  # no-questions is practised in the final round
        assert session.answers[-1].type == "closing"


async def test_no_suggestion_without_a_recurring_kind() -> None:
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.suggestion is None
        assert not app.screen.query("#suggest-box")
        assert "Suggested" not in screen_text(app)


# ------------------------------------------------------------ home and the round form


async def test_home_names_the_round_enter_starts_and_enter_starts_it() -> None:
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Competency round · general · 5 questions · no timer" in shown
        assert "feedback: offline rules" in shown
        assert not app.screen.query("#resume-box") and not app.screen.query("#problems")
        assert app.screen.focused is app.screen.query_one("#start")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert len(app.screen.session.answers) >= 5


async def test_home_summary_follows_the_configured_defaults(isolated_env) -> None:
    cfg = paths.user_config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('round = "final"\nquestions = 3\ntimed = true\n')
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        assert "Final round · general · 3 questions · soft timer" in screen_text(app)


async def test_letters_type_into_the_forms_job_box_and_esc_keeps_the_choice() -> None:
    from textual.widgets import TextArea

    from coach.tui.screens.round_form import RoundFormScreen

    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        footer = screen_text(app).splitlines()[-1]
        assert "Start round" in footer and "Change" in footer and "History" in footer
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RoundFormScreen)
        form.query_one("#role", Select).value = "software-engineer"
        job = form.query_one("#job", TextArea)
        job.focus()
        await settle(pilot)
        for ch in "nrhsd":
            await pilot.press(ch)
        await settle(pilot)
        assert app.screen is form and job.text == "nrhsd"
        footer = screen_text(app).splitlines()[-1]
        assert "^s" in footer and "Start round" in footer and "Back" in footer
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        shown = " ".join(screen_text(app).split())
        assert "Competency round · software-engineer · 5 questions · no timer · job description (1 word)" in shown
        await pilot.press("c")  # the form opens with what was chosen
        await settle(pilot)
        assert app.screen.query_one("#job", TextArea).text == "nrhsd"
        assert app.screen.query_one("#role", Select).value == "software-engineer"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert not isinstance(app.screen, HomeScreen)  # History (or its notice) opened


async def test_ctrl_s_in_the_form_starts_the_round_with_that_job() -> None:
    from textual.widgets import TextArea

    app, clock = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#job", TextArea).focus()
        await type_answer(pilot, clock, "Data analyst at a bank")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert app.screen.session.job == "Data analyst at a bank"


async def test_a_job_path_that_names_nothing_keeps_the_form_open(tmp_path) -> None:
    from textual.widgets import TextArea

    from coach.tui.screens.round_form import RoundFormScreen

    app, _ = make_app()
    async with app.run_test(notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        app.screen.query_one("#job", TextArea).text = str(tmp_path / "nope.txt")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RoundFormScreen)
        assert "no such file" in screen_text(app)


def test_glance_agrees_with_load_settings(isolated_env, monkeypatch) -> None:
    """The home screen's first frame reads settings without pydantic; it must say what load_settings says."""
    from coach.config import load_settings
    from coach.tui.context import Glance, glance

    def same(flags=None) -> None:
        s = load_settings(flags)
        g = glance(flags)
        assert (g.backend, g.model, g.base_url, g.theme, g.round, g.role, g.questions, g.timed,
                g.practice_mode, g.follow_ups, g.data_path()) == (
            s.backend, s.openai.model, s.openai.base_url, s.theme, s.round, s.role, s.questions,
            s.timed, s.practice_mode, s.follow_ups, s.data_path())

    defaults = load_settings()
    assert Glance().questions == defaults.questions and Glance().round == defaults.round
    same()
    cfg = paths.user_config_file()
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('round = "phone"\nquestions = 99\npractice_mode = true\ntheme = "nord"\n'
                   '[openai]\nmodel = "m1"\nbase_url = "http://localhost:8080/v1"\n')
    same()  # questions = 99 is refused by both: the default stays
    monkeypatch.setenv("COACH_BACKEND", "openai")
    monkeypatch.setenv("COACH_QUESTIONS", "7")
    monkeypatch.setenv("COACH_FOLLOW_UPS", "false")
    monkeypatch.setenv("COACH_ROUND", "nonsense")
    same()
    same({"role": "software-engineer", "questions": 2, "timed": True, "data_dir": "~/elsewhere"})


def test_launch_flags_agree_with_config_flags() -> None:
    import argparse

    from coach.config import flags_from_args as config_flags
    from coach.tui.context import flags_from_args

    for ns in (argparse.Namespace(), argparse.Namespace(data_dir="/d", backend="openai", round="final",
                                                        role="x", questions=3, timed=True),
               argparse.Namespace(timed=False, questions=None)):
        assert flags_from_args(ns) == config_flags(ns)


def test_the_app_module_imports_no_pydantic() -> None:
    """The home screen paints before pydantic (settings, models, store) is imported."""
    import subprocess
    import sys

    code = ("import sys, coach.tui, coach.tui.app, coach.tui.screens.home; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic' or "
            "m in ('coach.domain.models', 'coach.config', 'coach.store', 'coach.banks')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
