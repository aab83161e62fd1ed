"""The history screen, driven with Pilot: listing, filters, search, delete, export."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Input

from coach.store import Store
from coach.tui.screens import history as history_mod
from coach.tui.screens.history import (
    ConfirmDelete,
    Filters,
    HistoryScreen,
    cycle,
    filter_summaries,
)
from coach.tui.screens.replay import ReplayScreen
from tests.helpers.history import ScreenApp, ctx_for, persist, session


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "data")
    persist(s, session("20260314T093000000-aaaa", days=0))
    persist(s, session("20260315T093000000-bbbb", days=1, round="phone", role="data-analyst"))
    persist(s, session("20260316T093000000-cccc", days=2, status="in-progress", feedback=[]))
    persist(s, session("20260317T093000000-dddd", days=3, round="final", status="abandoned"))
    return s


async def wait_loaded(pilot, screen: HistoryScreen) -> None:
    """Every summary read, and the table holding its window (all rows, or at least a page)."""
    for _ in range(100):
        rows = screen.query_one(DataTable).row_count
        if screen.loaded and rows == min(len(screen.shown), max(rows, history_mod.PAGE)):
            return
        await pilot.pause(0.02)
    raise AssertionError("history never finished loading")


def ids(screen: HistoryScreen) -> list[str]:
    """The rows' file names, top down (rows are keyed by their file; here each is named by its id)."""
    table = screen.query_one(DataTable)
    return [Path(str(table.coordinate_to_cell_key((r, 0)).row_key.value)).stem for r in range(table.row_count)]


async def test_lists_newest_first_with_columns(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        assert ids(screen) == [
            "20260317T093000000-dddd", "20260316T093000000-cccc",
            "20260315T093000000-bbbb", "20260314T093000000-aaaa",
        ]
        row = screen.query_one(DataTable).get_row_at(3)
        assert row == ["2026-03-14 09:30", "second", "software-engineer", "practice", "complete",
                       "Say what you did without softening it", "offline"]
        assert "4 of 4 sessions" in str(screen.query_one("#history-status").content)


async def test_filter_by_round_status_and_role(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("r")  # phone
        assert ids(screen) == ["20260315T093000000-bbbb"]
        await pilot.press("r")  # second
        assert ids(screen) == ["20260316T093000000-cccc", "20260314T093000000-aaaa"]
        await pilot.press("s")  # in-progress
        assert ids(screen) == ["20260316T093000000-cccc"]
        await pilot.press("r", "r", "s")  # round: final, then any; status: complete
        assert screen.filters == Filters(round=None, status="complete")
        assert ids(screen) == ["20260315T093000000-bbbb", "20260314T093000000-aaaa"]
        await pilot.press("o")  # first role alphabetically: data-analyst
        assert ids(screen) == ["20260315T093000000-bbbb"]
        await pilot.press("escape")  # clears every filter
        assert len(ids(screen)) == 4


async def test_search_matches_role_pointer_and_id(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("slash")
        assert screen.query_one(Input).has_focus
        await pilot.press(*"analyst")
        assert ids(screen) == ["20260315T093000000-bbbb"]
        screen.query_one(Input).value = "dddd"
        await pilot.pause()
        assert ids(screen) == ["20260317T093000000-dddd"]
        screen.query_one(Input).value = "softening"
        await pilot.pause()
        # the in-progress one has no feedback, so no pointer to match
        assert "20260316T093000000-cccc" not in ids(screen) and len(ids(screen)) == 3
        screen.query_one(Input).value = "nothing like this"
        await pilot.pause()
        assert ids(screen) == []
        assert "No session matches" in str(screen.query_one("#history-status").content)
        await pilot.press("enter")
        assert screen.query_one(DataTable).has_focus


async def test_delete_asks_and_removes_the_file(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    target = store.path_for("20260317T093000000-dddd")
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("d")
        assert isinstance(pilot.app.screen, ConfirmDelete)
        await pilot.press("n")
        assert target.exists() and len(ids(screen)) == 4
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert not target.exists()
        assert ids(screen)[0] == "20260316T093000000-cccc" and len(ids(screen)) == 3
        assert "3 of 3 sessions" in str(screen.query_one("#history-status").content)


async def test_a_copied_file_is_its_own_row_and_delete_removes_that_copy(store: Store) -> None:
    # Two files holding one id (a backup copy made by hand): both listed, and the row
    # chosen is the file acted on; the original is never deleted in the copy's place.
    original = store.path_for("20260317T093000000-dddd")
    copy = store.sessions_dir / "zz-backup.toml"
    copy.write_bytes(original.read_bytes())
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        assert sorted(ids(screen)).count("20260317T093000000-dddd") == 1 and "zz-backup" in ids(screen)
        row = ids(screen).index("zz-backup")
        await pilot.press(*["down"] * row, "d", "y")
        await pilot.pause()
        assert not copy.exists() and original.exists()
        assert "zz-backup" not in ids(screen) and len(ids(screen)) == 4


async def test_delete_cancel_with_escape_keeps_the_file(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("d", "escape")
        assert isinstance(pilot.app.screen, HistoryScreen)
        assert store.path_for("20260317T093000000-dddd").exists()


async def test_unreadable_file_is_listed_with_reason_and_can_be_deleted(store: Store) -> None:
    broken = store.sessions_dir / "20260318T093000000-bad.toml"
    broken.write_text("round = \n")
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(140, 30)) as pilot:
        await wait_loaded(pilot, screen)
        row = screen.query_one(DataTable).get_row_at(0)
        assert row[4] == "unreadable"
        assert row[5].startswith("20260318T093000000-bad.toml: ")
        assert "1 unreadable" in str(screen.query_one("#history-status").content)
        await pilot.press("enter")  # cannot open: says why, stays here
        assert isinstance(pilot.app.screen, HistoryScreen)
        await pilot.press("d", "y")
        await pilot.pause()
        assert not broken.exists()


async def test_replay_and_open_push_the_replay(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("down", "p")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReplayScreen)
        assert pilot.app.screen.session.id == "20260316T093000000-cccc"


async def test_export_writes_markdown_into_exports(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        await pilot.press("e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        path = store.root / "exports" / "20260317T093000000-dddd.md"
        assert path.read_text().startswith("# Interview debrief: Final round")
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert any(str(path) in str(n.message) for n in pilot.app._notifications)


async def test_many_sessions_a_window_of_rows_that_grows_near_its_end_without_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "many")
    total = history_mod.BATCH * 2 + 50
    for i in range(total):
        persist(store, session(f"2026{i:07d}-x", round=("phone", "second", "final")[i % 3]))
    store.list_sessions()  # builds the index, as any earlier run would have

    def no_parsing(path):
        raise AssertionError(f"history parsed {path}")

    monkeypatch.setattr("coach.store.read_session_file", no_parsing)
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, screen)
        table = screen.query_one(DataTable)
        # every summary is in memory, only the first page is in the table
        assert len(screen.summaries) == len(screen.shown) == total
        assert table.row_count == history_mod.PAGE
        assert ids(screen) == [s.id for s in screen.shown[: history_mod.PAGE]]
        assert f"{total:,} of {total:,} sessions" == str(screen.query_one("#history-status").content)
        await pilot.press("ctrl+end")  # the last row in the table: the next page comes in
        await pilot.pause()
        assert table.row_count == 2 * history_mod.PAGE
        for _ in range(10):
            await pilot.press("ctrl+end")
            await pilot.pause()
        assert table.row_count == total == len(set(ids(screen)))
        assert ids(screen) == [s.id for s in screen.shown]
        await pilot.press("ctrl+home")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        screen._apply_filters()  # synchronous: exactly one page goes in
        assert table.row_count == history_mod.PAGE
        await pilot.pause()  # laid out for 100 rows
        table.scroll_end(animate=False, immediate=True)  # scrolling (the mouse wheel) also tops up
        await pilot.pause()
        assert table.row_count == 2 * history_mod.PAGE
        first = screen.shown[0]
        screen._delete(first)
        await pilot.pause()
        total -= 1
        assert not first.path.exists()
        assert table.row_count >= 2 * history_mod.PAGE - 1 and len(screen.shown) == total
        assert ids(screen) == [s.id for s in screen.shown[: table.row_count]]
        await pilot.press("r")  # filtering the summaries is enough for a round filter
        await wait_loaded(pilot, screen)
        assert len(screen.shown) == len(range(0, total, 3))
        assert table.row_count == history_mod.PAGE
        assert all(s.round == "phone" for s in screen.shown)


async def test_first_batch_shows_while_the_rest_is_still_being_read(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    real = store.iter_summaries
    go_on = threading.Event()

    def slow(batch: int = 200):
        batches = real(batch=2)
        yield next(batches)
        assert go_on.wait(10), "the test never let the listing go on"
        yield from batches

    monkeypatch.setattr(store, "iter_summaries", slow)
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(120, 30)) as pilot:
        for _ in range(100):
            if screen.query_one(DataTable).row_count:
                break
            await pilot.pause(0.02)
        assert not screen.loaded
        assert ids(screen) == ["20260317T093000000-dddd", "20260316T093000000-cccc"]
        status = str(screen.query_one("#history-status").content)
        assert status == "2 of 2 sessions · loading…"
        await pilot.press("r")  # phone: not among what is loaded yet
        assert ids(screen) == []
        assert "loading…" in str(screen.query_one("#history-status").content)
        go_on.set()
        await wait_loaded(pilot, screen)
        assert ids(screen) == ["20260315T093000000-bbbb"]  # the filter saw the later batch
        assert str(screen.query_one("#history-status").content) == "1 of 4 sessions"


def test_cycle_and_filter_helpers(store: Store) -> None:
    assert cycle(None, ("a", "b")) == "a"
    assert cycle("a", ("a", "b")) == "b"
    assert cycle("b", ("a", "b")) is None
    assert cycle("x", ()) is None
    rows = store.list_sessions()
    assert len(filter_summaries(rows, Filters(text="SECOND-round"))) == 0
    assert len(filter_summaries(rows, Filters(text="software aaaa"))) == 1


# ---------------------------------------------------------------- snapshots


def _snapshot_store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "snap")
    rounds = ("phone", "second", "final")
    roles = ("software-engineer", "data-analyst", "product-manager")
    for i in range(7):
        extra = {"status": "in-progress", "feedback": []} if i == 5 else {}
        persist(s, session(f"2026031{i}T093000000-snap", days=i, round=rounds[i % 3],
                           role=roles[i % 3], **extra))
    return s


async def _until_listed(pilot) -> None:
    screen = pilot.app.screen
    for inp in screen.query(Input):
        inp.cursor_blink = False
    await wait_loaded(pilot, screen)
    # the table sizes its columns on the next refresh after rows arrive
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_history(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app = ScreenApp(HistoryScreen(ctx_for(_snapshot_store(tmp_path))))
    assert snap_compare(app, terminal_size=size, run_before=_until_listed)


def test_snapshot_history_filtered(snap_compare, tmp_path: Path) -> None:
    app = ScreenApp(HistoryScreen(ctx_for(_snapshot_store(tmp_path))))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_until_listed, press=["r", "r"])


async def test_via_coach_app_history(isolated_env: dict[str, Path]) -> None:
    from coach.tui.app import CoachApp, LaunchOptions

    store = Store(isolated_env["data"])
    persist(store, session("20260314T093000000-aaaa"))
    app = CoachApp(LaunchOptions(start="history"), cursor_blink=False, handle_signals=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        await wait_loaded(pilot, screen)
        assert ids(screen) == ["20260314T093000000-aaaa"]
        await pilot.press("enter")  # open: the debrief of the TUI-core screens
        await pilot.pause()
        assert type(app.screen).__name__ == "DebriefScreen"


async def test_a_listing_failure_is_shown_not_fatal(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.store import StoreError

    def broken(batch: int = 200):
        raise StoreError(store.sessions_dir, "permission denied")
        yield []

    monkeypatch.setattr(store, "iter_summaries", broken)
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(100, 30)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        status = str(screen.query_one("#history-status").content)
        assert status.startswith("Cannot list sessions:") and "permission denied" in status
        assert pilot.app.is_running


async def test_an_unexpected_listing_failure_reaches_the_apps_notice(
    isolated_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Worker.StateChanged does not bubble: the screen forwards it to CoachApp.worker_changed."""
    from coach.tui.app import CoachApp, LaunchOptions

    persist(Store(isolated_env["data"]), session("20260314T093000000-aaaa"))

    def broken(self, batch: int = 200):
        raise RuntimeError("index exploded")
        yield []

    monkeypatch.setattr(Store, "iter_summaries", broken)
    app = CoachApp(LaunchOptions(start="history"), cursor_blink=False, handle_signals=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, HistoryScreen)
        assert any("index exploded" in str(n.message) for n in app._notifications)


class TwoScreens(App[None]):
    """A base screen with History pushed on top, so History can be left with Esc."""

    def __init__(self, screen) -> None:
        super().__init__()
        self._history = screen

    def on_mount(self) -> None:
        self.push_screen(self._history)


@pytest.mark.parametrize("already_frozen", [False, True])
async def test_heap_is_frozen_while_history_is_open_and_thawed_after(
    store: Store, already_frozen: bool
) -> None:
    import gc

    assert gc.get_freeze_count() == 0
    if already_frozen:
        gc.freeze()  # as an app that freezes after start-up would have done
    try:
        screen = HistoryScreen(ctx_for(store))
        async with TwoScreens(screen).run_test(size=(120, 30)) as pilot:
            await wait_loaded(pilot, screen)
            assert gc.get_freeze_count() > 0
            assert screen._froze_heap is not already_frozen
            await pilot.press("escape")
            await pilot.pause()
            assert not screen.is_attached
            if already_frozen:
                assert gc.get_freeze_count() > 0  # someone else's freeze is left alone
            else:
                assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()


# ------------------------------------------------------------------ retries


def _retry_store(tmp_path: Path) -> Store:
    from coach.domain.models import RetryVerdict, VerdictLine
    from tests.helpers.history import retried_session

    s = Store(tmp_path / "retries")
    persist(s, session("20260314T093000000-plain", days=0))
    persist(s, retried_session("20260315T093000000-two", days=1))
    one = retried_session("20260316T093000000-one", days=2, round="phone")
    one.answers[0].attempts[0].verdict = RetryVerdict(backend="offline", lines=[
        VerdictLine(kind="hedging", status="resolved", says="Plain now.", evidence="I ran the load tests myself")])
    persist(s, one)
    return s


async def test_a_session_with_retries_says_how_many_and_the_verdict_at_80_columns(tmp_path: Path) -> None:
    screen = HistoryScreen(ctx_for(_retry_store(tmp_path)))
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        table = screen.query_one(DataTable)
        assert sum(screen.columns.values()) + 2 * len(screen.columns) + 2 <= 80
        pointer = list(screen.columns).index("First pointer")
        cells = [str(table.get_row_at(r)[pointer]) for r in range(3)]
        assert cells[0] == "2 attempts, fixed hedging…"  # whole count and verdict; the pointer title is what gives
        assert cells[1] == "2 attempts, 1 of 2 fixed…"
        assert cells[2] == "Say what you did without…"  # no retries: the pointer as before
        await pilot.press("slash", *"fixed hedging")
        assert ids(screen) == ["20260316T093000000-one"]  # the retry words are searchable too


async def test_retries_leave_the_wide_layout_alone(tmp_path: Path) -> None:
    screen = HistoryScreen(ctx_for(_retry_store(tmp_path)))
    async with ScreenApp(screen).run_test(size=(160, 30)) as pilot:
        await wait_loaded(pilot, screen)
        assert "Backend" in screen.columns
        row = screen.query_one(DataTable).get_row_at(1)
        assert row[5] == "2 attempts, 1 of 2 fixed · Say what you did without softening it"


def test_snapshot_history_with_retries(snap_compare, tmp_path: Path) -> None:
    app = ScreenApp(HistoryScreen(ctx_for(_retry_store(tmp_path))))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_until_listed)


async def test_t_picks_a_pointer_of_the_session_and_tries_its_question_again(isolated_env: dict[str, Path]) -> None:
    from coach.tui.screens.retry import RetryScreen
    from coach.tui.screens.retry_from import PickRetry
    from tests.helpers.tui import make_app, screen_text, settle

    store = Store(isolated_env["data"])
    persist(store, session("20260314T093000000-aaaa"))
    app, clock = make_app("history")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        await wait_loaded(pilot, history)
        assert "t Retry" in screen_text(app)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, PickRetry)
        await pilot.pause()
        text = screen_text(app)
        assert "Question 1 of 2 · Say what you did without softening it" in text
        assert "Question 1 of 2 · Show your own part, not the team's" in text
        await pilot.press("escape")  # nothing picked: nothing opened
        await settle(pilot)
        assert app.screen is history
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        assert (app.screen.question_id, app.screen.pointer.kind, app.screen.number) == ("conflict", "ownership", 2)
        for ch in "I":
            clock.advance(0.5)
            await pilot.press(ch)
        await pilot.pause()
        app.screen.keeper.save_now()  # the retry's own autosave; what History is then told about
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is history
        row = history.query_one(DataTable).get_row_at(0)
        # Kept as a draft (nothing typed is lost), but not submitted: not yet an attempt.
        assert "attempts" not in str(row[list(history.columns).index("First pointer")])
        [draft] = store.load("20260314T093000000-aaaa").answers[0].attempts
        assert (draft.text, draft.status) == ("I", "draft")


async def test_a_retry_made_from_the_debrief_shows_in_the_row_on_coming_back(isolated_env: dict[str, Path]) -> None:
    from coach.tui.screens.debrief import DebriefScreen
    from tests.helpers.history import retried_session
    from tests.helpers.tui import make_app, settle

    store = Store(isolated_env["data"])
    persist(store, session("20260314T093000000-aaaa"))
    app, _ = make_app("history")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        history = app.screen
        await wait_loaded(pilot, history)
        column = list(history.columns).index("First pointer")
        assert "attempts" not in str(history.query_one(DataTable).get_row_at(0)[column])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        # What a retry on the debrief leaves in the file (the retry screen itself is tested apart).
        retried = retried_session("20260314T093000000-aaaa")
        retried.answers[0].attempts[0].verdict = None
        store.save(store.load("20260314T093000000-aaaa").model_copy(update={"answers": retried.answers}))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is history
        for _ in range(20):
            await pilot.pause(0.05)
            if "2 attempts" in str(history.query_one(DataTable).get_row_at(0)[column]):
                break
        assert "2 attempts" in str(history.query_one(DataTable).get_row_at(0)[column])


async def test_t_on_a_session_without_a_debrief_says_so(store: Store) -> None:
    screen = HistoryScreen(ctx_for(store))
    async with ScreenApp(screen).run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, screen)
        table = screen.query_one(DataTable)
        table.move_cursor(row=ids(screen).index("20260316T093000000-cccc"))  # in progress, no feedback
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HistoryScreen)
        assert any("no debrief yet" in str(n.message) for n in pilot.app._notifications)


async def test_a_retry_submitted_from_history_shows_its_verdict_in_the_row(isolated_env: dict[str, Path]) -> None:
    """History → t → pick → retry typed and submitted → compared → back: the row says so."""
    from coach.domain.models import Answer, Feedback, Pointer
    from coach.store.codec import short_verdict
    from coach.tui.screens.retry import RetryScreen
    from tests.helpers.tui import make_app, settle, type_answer

    story = ("Last year our nightly build took 40 minutes and the team kept waiting on it. I profiled the"
             " pipeline myself and split the integration tests into four groups on three more build agents.")
    store = Store(isolated_env["data"])
    s = session("20260314T093000000-aaaa")
    s.answers = [Answer(question_id="build", question="Tell me about a time you improved a process.",
                        type="behavioral", text=story, status="submitted", think_ms=3000, answer_ms=50000)]
    s.feedback = [Feedback(backend="offline", pointers=[Pointer(
        kind="no-result", title="Finish the story with how it ended", question_id="build",
        tip="End with what changed.")])]
    persist(store, s)
    app, clock = make_app("history")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        history = app.screen
        await wait_loaded(pilot, history)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        editor = app.screen.query_one("#answer")
        editor.load_text(story)  # keep the story (one edit), then type the ending key by key
        editor.move_cursor(editor.document.end)
        await pilot.pause()
        await type_answer(pilot, clock, " After that the build took 12 minutes instead of 40, and we went from one release a week to two.", step_s=0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.verdict is not None
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is history
        [attempt] = store.load(s.id).answers[0].attempts
        assert attempt.status == "submitted" and attempt.verdict is not None
        cell = str(history.query_one(DataTable).get_row_at(0)[list(history.columns).index("First pointer")])
        assert "no-result" in attempt.verdict.kinds("resolved")  # the ending was the pointer worked on
        shown = f"2 attempts, {short_verdict(attempt.verdict)}"
        assert cell == shown or (cell.endswith("…") and shown.startswith(cell[:-1]) and len(cell) > len("2 attempts, "))
        [row] = store.list_sessions()
        assert (row.n_attempts, row.latest_verdict) == (2, short_verdict(attempt.verdict))
