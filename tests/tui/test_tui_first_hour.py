"""A new user's first hour (issue 15): every screen says what it means, at 80×24.

One test (or a few) per item: names of rounds, the replay's words, where
Esc and closing a screen lead, what home draws as the default, the
feedback-request screen, History at 80 columns, whole keys in the key bar,
empty checkboxes, and settings (theme, config echo, key bindings) that stick.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input, Select, TextArea

from coach import paths
from coach.config import load_settings
from coach.domain.models import RealInterview, Session
from coach.store import Store
from coach.tui.app import CoachApp, LaunchOptions
from coach.tui.screens.history import ConfirmDelete, HistoryScreen
from coach.tui.screens.history_rows import columns_for, fit, round_name, row_cells, row_key
from coach.tui.screens.home import HomeScreen, StartButton
from coach.tui.screens.outreach import OutreachScreen
from coach.tui.screens.replay import ReplayScreen
from coach.tui.widgets.keybar import KeyBar
from tests.helpers.history import BASE, ScreenApp, ctx_for, persist, session
from tests.helpers.tui import make_app, screen_text, settle


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def real_session(sid: str = "20260320T093000000-real", company: str = "Acme Robotics") -> Session:
    return session(sid, days=6, kind="real", round="phone", role="Backend engineer",
                   real=RealInterview(company=company, stage="phone", outcome="rejected"))


async def loaded(pilot, screen: HistoryScreen) -> None:
    for _ in range(200):
        if screen.loaded and not any(w.is_running for w in screen.workers):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("history never loaded")


# ------------------------------------------------------------ 3. round names


def test_rounds_are_named_by_title_and_day() -> None:
    store_summary = _summary(session("20261202T023700000-aaaa"))
    store_summary.created_at = store_summary.created_at.replace(month=12, day=2, hour=2, minute=37)
    assert round_name(store_summary) == "the competency round of 2 Dec, 02:37"


def _summary(s: Session):
    from coach.store.summaries import summarize

    return summarize(s, Path(f"/x/{s.id}.toml"))


async def test_delete_dialog_names_the_round_by_title(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa", round="phone"))
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDelete)
        text = screen_text(pilot.app)
        assert "Delete the phone screen of 14 Mar, 09:30?" in text
        assert "phone round" not in text


# ------------------------------------------------------------ 4. replay words


def test_transport_says_think_time_once_while_thinking() -> None:
    from coach.tui.replayer import Frame, Pause
    from coach.tui.widgets.replay_transport import transport_text

    pause = Pause(start_ms=0, end_ms=3500, is_think=True)
    thinking = transport_text(Frame(position_ms=1000, text="", cursor=0, edits_applied=0, pause=pause,
                                    done=False),
                              duration_ms=9000, playing=True, speed=1, think_ms=3500).plain
    assert thinking.count("think") == 1 and "thinking 3.5 s" in thinking
    typing = transport_text(Frame(position_ms=5000, text="ab", cursor=2, edits_applied=2, pause=None,
                                  done=False),
                            duration_ms=9000, playing=True, speed=1, think_ms=3500).plain
    assert "think 3.5 s" in typing


async def test_compare_key_is_explained_and_says_when_there_is_none(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa"))
    screen = ReplayScreen(ctx_for(store), "20260314T093000000-aaaa", clock=lambda: 0.0, autoplay=False)
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "a Other" in screen_text(pilot.app)
        await pilot.press("a")  # opens the comparison
        for _ in range(50):
            if screen.earlier:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        text = str(screen.query_one("#replay-compare").render())
        assert "a: compare with another take or an earlier session" in text and "one take and is in no earlier session" in text
        assert screen.check_action("next_attempt", ()) is None  # dimmed: nothing to switch to


async def test_compare_pane_explains_the_key_beside_an_attempt(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa"))
    persist(store, session("20260315T093000000-bbbb", days=1))
    screen = ReplayScreen(ctx_for(store), "20260315T093000000-bbbb", clock=lambda: 0.0, autoplay=False)
    async with ScreenApp(screen).run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        for _ in range(50):
            if screen.earlier:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        text = str(screen.query_one("#replay-compare").render())
        assert "Earlier session 1 of 1" in text and "a: compare with another take or an earlier session — this is the only earlier one" in text


# ------------------------------------------------------- 6. back to the shell


@pytest.mark.parametrize("start", ["replay", "debrief-real"])
async def test_closing_the_screen_a_command_opened_leaves_the_app(start: str, isolated_env) -> None:
    persist(Store(isolated_env["data"]), session("20260314T093000000-aaaa"))
    app, _ = make_app(start, session_ref=None, close_exits=True)
    exited: list[bool] = []
    app.exit = lambda *a, **k: exited.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not isinstance(app.screen, HomeScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert exited == [True]


async def test_closing_replay_opened_inside_the_app_returns_home(isolated_env) -> None:
    persist(Store(isolated_env["data"]), session("20260314T093000000-aaaa"))
    app, _ = make_app("replay")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen) and app.is_running


def test_replay_and_debrief_commands_ask_to_leave_on_close(monkeypatch, isolated_env) -> None:
    import argparse

    import coach.tui as tui
    from coach.commands import debrief, replay

    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(tui, "launch", lambda args, **kw: seen.append(kw) or 0)
    persist(Store(isolated_env["data"]), session("20260314T093000000-aaaa"))
    assert replay.run(argparse.Namespace(session=None)) == 0
    assert debrief.run(argparse.Namespace()) == 0
    assert [kw["close_exits"] for kw in seen] == [True, True]


# ---------------------------------------------------------- 7. Esc and key help


async def test_one_escape_closes_the_key_help_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa"))
    app, _ = make_app("home")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReplayScreen(ctx_for(store), "20260314T093000000-aaaa", clock=lambda: 0.0))
        await pilot.pause()
        app.action_show_help_panel()
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReplayScreen) and not app.screen.query("HelpPanel")
        assert "esc Back" in screen_text(app)  # Esc is the replay's again, and says so
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


# ------------------------------------------------------ 8. one default on home


async def test_only_enters_target_is_drawn_as_the_default(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        start = app.screen.query_one("#start", StartButton)
        assert app.screen.focused is start and start.is_default
        assert " Start round " in screen_text(app)
    persist(Store(isolated_env["data"]), session("20260314T093000000-aaaa", status="in-progress", feedback=[]))
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.1)
        start = app.screen.query_one("#start", StartButton)
        assert app.screen.focused.id == "resume" and not start.is_default
        assert "[Start round]" in screen_text(app)
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is start and start.is_default


# ------------------------------------------------- 10-12. the feedback request


async def test_feedback_request_focus_names_and_save_path(isolated_env) -> None:
    ctx = ctx_for(Store(isolated_env["data"]))
    screen = OutreachScreen(ctx, real_session())
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert screen.focused.id == "recipient"  # 10
        draft = screen.query_one("#draft", TextArea)
        # 11: edit the body first, then give the names
        draft.text = draft.text.replace("\n\n", "\n\nMany thanks again.\n\n", 1)
        screen.query_one("#recipient", Input).value = "Sam"
        await pilot.pause()
        screen.query_one("#sender", Input).value = "Alex"
        await pilot.pause()
        lines = draft.text.strip().split("\n")
        assert "Hi Sam," in lines and lines[-1] == "Alex"
        assert "Many thanks again" in draft.text and "[your name]" not in draft.text
        # 12: the data folder, shown before saving
        expected = isolated_env["data"] / "feedback-request-acme-robotics.txt"
        assert screen.query_one("#save-path", Input).value == str(expected)
        assert "saves to the file named below" in str(screen.query_one("#notice").render())
        assert str(expected)[:60] in screen_text(pilot.app)  # the path, on screen before saving
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert expected.read_text(encoding="utf-8") == draft.text + "\n"
        screen.query_one("#save-path", Input).value = ""
        screen.query_one("#draft", TextArea).focus()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert screen.focused.id == "save-path"
        assert "Type a file name" in str(screen.query_one("#notice").render())


async def test_rewritten_greeting_is_said_not_guessed(isolated_env) -> None:
    screen = OutreachScreen(ctx_for(Store(isolated_env["data"])), real_session())
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        draft = screen.query_one("#draft", TextArea)
        draft.text = draft.text.replace("Hello,", "Good morning,")
        screen.query_one("#recipient", Input).value = "Sam"
        await pilot.pause()
        assert "Good morning," in draft.text and "Hi Sam," not in draft.text
        assert "put the name in there yourself" in str(screen.query_one("#notice").render())


# --------------------------------------------------------- 13. real in History


async def test_history_offers_feedback_request_for_a_real_interview(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa"))
    persist(store, real_session())
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        assert screen.selected().kind == "real"
        assert "f Ask employer" in screen_text(pilot.app)
        assert "t Retry" in screen_text(pilot.app)  # every key still fits at 80 columns
        table = screen.query_one(DataTable)
        assert "Acme Robotics" in table.get_row_at(0)[2] or "Acme" in table.get_row_at(0)[2]
        await pilot.press("down")
        await pilot.pause()
        assert "Ask employer" not in screen_text(pilot.app)  # a practice round
        await pilot.press("up", "f")
        await settle(pilot)
        assert isinstance(pilot.app.screen, OutreachScreen)
        await pilot.press("escape")
        await pilot.pause()
        screen.query_one("#history-search", Input).value = "acme backend"
        await pilot.pause()
        assert [s.id for s in screen.shown] == ["20260320T093000000-real"]


# ------------------------------------------------------ 14. History at 80 cols


def test_history_columns_fit_by_rule() -> None:
    for width in (80, 100, 120, 160):
        for real in (False, True):
            cols = columns_for(width, real=real)
            assert sum(cols.values()) + 2 * len(cols) + 2 <= width
    assert columns_for(80)["Role"] == 17  # "software-engineer" whole when no Round cell says "real"
    assert columns_for(80, real=True)["Round"] == len("real second")
    assert list(columns_for(80)) == ["Date", "Round", "Role", "Status", "First pointer"]
    assert len(columns_for(120)) == 7
    assert fit("Tell what you did yourself", 13) == "Tell what…"
    assert fit("Backend", 5) == "Back…"  # one long word: cut, and says so
    assert fit("offline", 7) == "offline"


async def test_history_at_80_columns_cuts_no_word(tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa"))
    persist(store, real_session())
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await loaded(pilot, screen)
        table = screen.query_one(DataTable)
        for row in range(table.row_count):
            summary = screen.shown[row]
            full = row_cells(summary, {**screen.columns, "Kind": 1},
                             screen.companies.get(row_key(summary), ""))  # (any Kind: not shortened)
            for name, shown in zip(screen.columns, table.get_row_at(row)):
                assert len(shown) <= screen.columns[name]
                if shown.endswith("…"):
                    whole = dict(zip([*screen.columns, "Kind"], full))[name]
                    assert whole.startswith(shown[:-1])
        text = screen_text(pilot.app)
        assert "real phone" in text and "20 Mar 09:30" in text
        assert max(len(line) for line in text.splitlines()) <= 80


# ---------------------------------------------- 15. whole keys, dropdowns, fields


@pytest.mark.parametrize("width", [40, 60, 80])
async def test_key_bar_never_cuts_a_key(width: int, tmp_path: Path) -> None:
    store = Store(tmp_path / "data")
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        bar = screen.query_one(KeyBar)
        plain = bar.render().plain
        pieces = []
        for _ns, binding, _enabled, _tip in screen.active_bindings.values():
            if binding.show:
                pieces.append(f"{pilot.app.get_key_display(binding)} {binding.description}")
        left = plain.split("▏")[0].rstrip()
        rebuilt = left
        for piece in sorted(pieces, key=len, reverse=True):
            rebuilt = rebuilt.replace(piece, "")
        assert rebuilt.strip() == "", (plain, pieces)
        assert len(plain) <= width


async def test_questions_dropdown_stays_inside_the_form(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        form.query_one("#questions", Select).focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        overlay = form.query_one("#questions").query_one("SelectOverlay")
        box = form.query_one("#form").region
        assert overlay.display and box.contains_region(overlay.region), (overlay.region, box)


async def test_a_field_left_shows_the_start_of_its_text(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        model = app.screen.query_one("#model", Input)
        model.value = "Senior software engineer model with a very long name indeed, more than fits"
        model.focus()
        await pilot.press("end")
        await pilot.pause()
        assert model.scroll_x > 0
        app.screen.query_one("#backend").focus()
        await pilot.pause()
        assert model.scroll_x == 0 and "Senior software" in screen_text(app)


# ---------------------------------------------------------- 17. empty checkboxes


@pytest.mark.parametrize("colors", ["256", "16"])
async def test_an_off_checkbox_shows_no_x(colors: str, isolated_env, monkeypatch) -> None:
    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", "standard" if colors == "16" else "256")
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        text = screen_text(app)
        practice = next(line for line in text.splitlines() if "Practice" in line)
        follow = next(line for line in text.splitlines() if "Follow-ups" in line)
        assert "X" not in practice and "X" in follow  # off by default / on by default
        app.screen.query_one("#practice_mode").toggle()
        await pilot.pause()
        practice = next(line for line in screen_text(app).splitlines() if "Practice" in line)
        assert "X" in practice


# ---------------------------------------------------------------- 18. theme


async def test_a_theme_picked_in_the_palette_is_saved_and_used_next_time(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.search_themes()
        await pilot.pause(0.2)
        await pilot.press(*"nord")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause(0.2)
        assert app.theme == "nord"
    assert 'theme = "nord"' in paths.user_config_file().read_text()
    assert load_settings().theme == "nord"
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


# ---------------------------------------------------------- 19. config echo


def test_config_set_echoes_what_it_stored(capsys, isolated_env) -> None:
    from coach.commands.config import _set

    assert _set("practice_mode", "off") == 0
    out = capsys.readouterr().out
    assert out.startswith("practice_mode = false  (in ")
    assert "practice_mode = false" in paths.user_config_file().read_text()
    assert load_settings().practice_mode is False
    assert _set("questions", "07") == 0 and capsys.readouterr().out.startswith("questions = 7 ")


# ------------------------------------------------------------- 20. key bindings


def write_keys(text: str) -> Path:
    path = paths.user_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_every_binding_has_a_unique_id() -> None:
    from coach.tui.keymap import catalogue
    import coach.tui.keymap as km

    seen: dict[str, str] = {}
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    for package_name in km._PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package_name}.{info.name}")
            for value in vars(module).values():
                if isinstance(value, type) and issubclass(value, DOMNode) and value.__module__ == module.__name__:
                    for b in value.__dict__.get("BINDINGS", ()):
                        assert isinstance(b, Binding) and b.id, (value, b)
                        assert seen.setdefault(b.id, value.__name__) == value.__name__, b.id
    assert {"app.quit", "app.hide-keys", "history.open", "home.history", "replay.attempt"} <= set(catalogue(CoachApp))


def test_keymap_problems_name_the_file_and_the_entry() -> None:
    from coach.tui.keymap import catalogue, check_keymap

    known = catalogue(CoachApp)
    usable, problems = check_keymap(
        {"histroy.open": "o", "history.replay": "d", "home.history": "y", "app.quit": "q",
         "replay.speed": "ctrl+nonsense"}, known, "user config (/c.toml)")
    assert usable == {"home.history": "y"}
    text = "\n".join(problems)
    assert "user config (/c.toml): [keys] unknown binding id 'histroy.open' (did you mean 'history.open'?)" in text
    assert "'history.replay' = 'd' clashes with 'history.delete'" in text
    assert "'app.quit' = 'q'" in text and "needs a modifier" in text
    assert "'replay.speed'" in text and "not a key name" in text
    # moving a key onto another binding that moves away too is no clash
    usable, problems = check_keymap({"history.replay": "d", "history.delete": "x"}, known, "f")
    assert problems == [] and usable == {"history.replay": "d", "history.delete": "x"}


async def test_remapped_keys_work_and_show_in_the_key_bar_and_palette(isolated_env) -> None:
    write_keys('[keys]\n"home.history" = "y"\nhistory.back = "q"\n"nope.nope" = "z"\n')
    assert load_settings().keys == {"home.history": "y", "history.back": "q", "nope.nope": "z"}
    app, _ = make_app()
    notes: list[str] = []
    real_notify = app.notify
    app.notify = lambda message, **kw: (notes.append(str(message)), real_notify(message, **kw))[1]  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(50):
            if app._keymap:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        assert "y History" in screen_text(app) and "h History" not in screen_text(app)
        assert any("unknown binding id 'nope.nope'" in n for n in notes)
        from coach.tui.commands import CoachCommands

        provider = CoachCommands(app.screen)
        helps = [hit.help async for hit in provider.discover()]
        assert any(h.startswith("Browse your saved sessions") and h.endswith("key y on home") for h in helps)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert "q Back" in screen_text(app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


def test_a_bad_keys_table_is_one_problem_and_the_rest_loads(isolated_env) -> None:
    from coach.config import settings_problems

    path = write_keys('backend = "offline"\n[keys]\n"home.history" = 3\n')
    s = load_settings()
    assert s.keys == {} and s.backend == "offline"
    problems = settings_problems(s)
    assert len(problems) == 1 and str(path) in problems[0] and "'home.history'" in problems[0]


# ------------------------------------------------------------------ snapshots


async def _history_listed(pilot) -> None:
    screen = pilot.app.screen
    for inp in screen.query(Input):
        inp.cursor_blink = False
    await loaded(pilot, screen)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_history_with_a_real_interview(snap_compare, tmp_path: Path, size) -> None:
    store = Store(tmp_path / "data")
    persist(store, session("20260314T093000000-aaaa"))
    persist(store, real_session())
    app = ScreenApp(HistoryScreen(ctx_for(store)))
    assert snap_compare(app, terminal_size=size, run_before=_history_listed)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_snapshot_feedback_request(snap_compare, tmp_path: Path, size) -> None:
    store = Store(tmp_path / "data")
    screen = OutreachScreen(ctx_for(store), real_session(), save_dir=Path("/home/you/.local/share/coach"))

    async def run_before(pilot) -> None:
        for inp in screen.query(Input):
            inp.cursor_blink = False
        screen.query_one("#draft", TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(ScreenApp(screen), terminal_size=size, run_before=run_before)
