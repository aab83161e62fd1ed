"""History with 10,000 session files: first page <= 0.5 s after opening; smooth scrolling.

    python benchmarks/bench_history.py [--sessions N] [--runs R]

benchmarks/bench_store.py's ``bench_listing`` (the store owner's) writes N
realistic session files and times ``Store.list_sessions`` cold and warm; its
figures become rows here. Then the real app (CoachApp, home screen first) runs
headless under ``App.run_test`` at 80x24 on that same data directory. Each run presses `h` on the home
screen and times until the history table holds its first page of rows and that
frame has been drawn (the screen shows the store's first batch while it reads
the rest):

- warm: the store's listing index is current (every opening after the first);
- cold: index.json removed first (the first opening ever, or after it was lost).

Until every summary has been read (the table itself holds only a window of
rows that grows as the cursor nears its end), a 10 ms timer on the event loop
records the largest gap between its ticks (a frozen screen shows up as a long
gap). Then page-down is pressed repeatedly (rows are added on the way) and each
press is timed until the next frame is drawn.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks import INFO, MISS, OK, Row, row

FIRST_PAGE_BUDGET_S = 0.5
PAGE_DOWNS = 30


@contextlib.contextmanager
def isolated_env(root: Path) -> Iterator[None]:
    """COACH_* pointing at fresh dirs under root for the duration (restored after)."""
    saved = {k: v for k, v in os.environ.items() if k.startswith(("COACH_", "OPENAI_"))}
    for key in saved:
        del os.environ[key]
    for name in ("config", "system"):
        (root / name).mkdir(exist_ok=True)
    os.environ.update(COACH_DATA_DIR=str(root / "data"), COACH_CONFIG_DIR=str(root / "config"),
                      COACH_SYSTEM_DIR=str(root / "system"), COACH_BACKEND="offline")
    try:
        yield
    finally:
        for key in [k for k in os.environ if k.startswith(("COACH_", "OPENAI_"))]:
            del os.environ[key]
        os.environ.update(saved)


async def page_down(app, table) -> float:
    """Seconds from a page-down key to the next frame showing the moved cursor.

    The key is posted directly: `pilot.press` waits for the app to go idle in
    20 ms sleeps (a ~60 ms floor whatever the app does), which would hide the
    figure being measured.
    """
    from textual import events

    before = table.cursor_row
    t0 = time.perf_counter()
    app.post_message(events.Key("pagedown", None))
    while table.cursor_row == before:
        await asyncio.sleep(0)
        if time.perf_counter() - t0 > 10:
            raise TimeoutError("page-down did not move the cursor")
    await next_frame(app.screen)
    return time.perf_counter() - t0


async def next_frame(node) -> None:
    """Wait until the screen has refreshed (not `pilot.pause`, which waits for every timer chain)."""
    done = asyncio.get_running_loop().create_future()
    node.call_after_refresh(lambda: done.done() or done.set_result(None))
    await asyncio.wait_for(done, 30)


async def open_history(cold: bool, scroll: bool) -> dict[str, list[float]]:
    """One opening of the history screen in a fresh app; timings in seconds."""
    from textual.widgets import DataTable

    from coach.tui.app import CoachApp, LaunchOptions
    from coach.tui.screens.history import HistoryScreen

    app = CoachApp(LaunchOptions(), cursor_blink=False, handle_signals=False)
    out: dict[str, list[float]] = {"first_page": [], "gap": [], "all_rows": [], "page_down": []}
    if cold:
        app.ctx.store.index_path.unlink(missing_ok=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        last_tick = [time.perf_counter()]
        gaps: list[float] = []

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last_tick[0])
            if now - last_tick[0] > 0.03 and os.environ.get("BENCH_DEBUG"): print(f"  {now:.3f} GAP {1000*(now-last_tick[0]):.0f} ms")
            last_tick[0] = now

        timer = app.set_interval(0.01, tick)
        await pilot.pause(0.05)
        gaps.clear()
        # What `h` on the home screen does. Not `pilot.press`: it waits for the
        # app to go idle, i.e. for every page of rows, and would hide the first one.
        start = time.perf_counter()
        app.action_history()
        screen = app.screen
        assert isinstance(screen, HistoryScreen), f"`h` opened {type(screen).__name__}"
        while not screen.is_mounted or not screen.query(DataTable):
            await asyncio.sleep(0.002)
        table = screen.query_one(DataTable)
        while not (table.row_count or screen.loaded):  # the first batch's page is in
            await asyncio.sleep(0.002)
            if time.perf_counter() - start > 60:
                raise TimeoutError("history's first page never arrived")
        await next_frame(screen)  # that page composed and drawn
        out["first_page"].append(time.perf_counter() - start)
        while not screen.loaded:
            await asyncio.sleep(0.01)
            if time.perf_counter() - start > 120:
                raise TimeoutError(f"history stopped loading at {len(screen.summaries)} sessions")
        await next_frame(screen)
        out["all_rows"].append(time.perf_counter() - start)
        timer.stop()
        out["gap"].append(max(gaps) if gaps else 0.0)
        if scroll:
            table.focus()
            await pilot.pause()
            for _ in range(PAGE_DOWNS):
                out["page_down"].append(await page_down(app, table))
        await pilot.press("escape")
    return out


async def bare_table_page_down() -> list[float]:
    """Page-down in a bare Textual app holding the same rows in a plain DataTable (the baseline)."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    from coach.store import Store
    from coach.tui.screens.history import COLUMNS, row_cells

    summaries = Store(Path(os.environ["COACH_DATA_DIR"])).list_sessions()

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_columns(*COLUMNS)
            table.add_rows(row_cells(s) for s in summaries)
            table.focus()

    times: list[float] = []
    app = Bare()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(DataTable)
        for _ in range(PAGE_DOWNS):
            times.append(await page_down(app, table))
    return times


def measure(sessions: int, runs: int) -> tuple[dict[str, float], dict[str, dict[str, list[float]]]]:
    """(store listing figures from bench_store, app figures) over one populated data dir."""
    from benchmarks.bench_store import bench_listing

    results: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="coach-history-") as tmp:
        root = Path(tmp)
        listing = bench_listing(root, sessions, runs)  # populates root/"many" (the store owner's data)
        with isolated_env(root):
            os.environ["COACH_DATA_DIR"] = str(root / "many")
            for kind in ("cold", "warm"):
                acc: dict[str, list[float]] = {}
                asyncio.run(open_history(cold=kind == "cold", scroll=False))  # warm-up (imports, page cache)
                for i in range(runs):
                    got = asyncio.run(open_history(cold=kind == "cold", scroll=(kind == "warm" and i == 0)))
                    for key, values in got.items():
                        acc.setdefault(key, []).extend(values)
                results[kind] = acc
            results["bare"] = {"page_down": asyncio.run(bare_table_page_down())}
    return listing, results


def run(full: bool = False, sessions: int = 10_000, runs: int | None = None) -> list[Row]:
    runs = runs or (7 if full else 3)
    listing, r = measure(sessions, runs)
    n = f"{sessions:,}"
    ok = lambda v: v <= FIRST_PAGE_BUDGET_S  # noqa: E731
    ms = 1000
    return [
        Row(f"store.list_sessions, {n} sessions, no index (bench_store)", "≤ 3 s (store's own)",
            f"{listing['cold'] * ms:.0f} ms", f"median of {runs}", OK if listing["cold"] <= 3 else MISS,
            f"{listing['mb']:.0f} MB on disk, written in {listing['populate']:.0f} s"),
        Row(f"store.list_sessions, {n} sessions, index current (bench_store)", "≤ 0.3 s (store's own)",
            f"{listing['warm'] * ms:.0f} ms", f"median of {runs}", OK if listing["warm"] <= 0.3 else MISS),
        row(f"history first page after opening, {n} sessions (index current)", r["warm"]["first_page"],
            unit="s", budget="≤ 0.5 s", passed=ok, fmt="{:.3f}"),
        row(f"history first page after opening, {n} sessions (no index: first ever)", r["cold"]["first_page"],
            unit="s", budget="≤ 0.5 s", passed=ok, fmt="{:.3f}"),
        row(f"history: all {n} sessions loaded, filters see them all (index current)", r["warm"]["all_rows"],
            unit="s", fmt="{:.2f}", note="the table holds a window of rows that grows as the cursor nears its end"),
        row(f"history: all {n} sessions loaded (no index)", r["cold"]["all_rows"], unit="s", fmt="{:.2f}"),
        row("history: largest event-loop gap while opening and loading (10 ms timer)",
            [g * ms for g in r["warm"]["gap"]], unit="ms", budget="≤ 50 ms (smooth)",
            passed=lambda v: v <= 50, fmt="{:.0f}"),
        row("history: largest event-loop gap, no index", [g * ms for g in r["cold"]["gap"]],
            unit="ms", budget="≤ 50 ms (smooth)", passed=lambda v: v <= 50, fmt="{:.0f}"),
        row(f"history page-down, key to next frame ({PAGE_DOWNS} presses)", [t * ms for t in r["warm"]["page_down"]],
            unit="ms", budget="≤ 50 ms (smooth)", passed=lambda v: v <= 50, fmt="{:.1f}",
            note=f"max {max(r['warm']['page_down']) * ms:.0f} ms"),
        row("  baseline: page-down in a bare Textual DataTable, same rows", [t * ms for t in r["bare"]["page_down"]],
            unit="ms", fmt="{:.1f}", note=f"max {max(r['bare']['page_down']) * ms:.0f} ms"),
        Row("  history page-down / bare DataTable page-down", "—",
            f"{statistics.median(r['warm']['page_down']) / statistics.median(r['bare']['page_down']):.2f}×",
            "ratio of medians", INFO),
    ]


def main() -> None:
    from benchmarks.run import print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print_table(run(sessions=args.sessions, runs=args.runs))


if __name__ == "__main__":
    main()
