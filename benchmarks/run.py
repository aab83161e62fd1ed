"""Run the whole performance suite, print one table, write benchmarks/README.md.

    python -m benchmarks [--full] [--only startup,history,...] [--no-readme]

Each bench module has ``run(full) -> list[Row]``. The default run keeps to a few
minutes on a 2-core box (shorter analyzer stream); ``--full`` runs every figure at
the size the budget names (100,000-line stream, more repetitions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import re
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from benchmarks import MISS, OK, Row, row, skipped

README = Path(__file__).resolve().parent / "README.md"

#: name -> module with ``run(full) -> list[Row]``, in the order the table shows them.
#: analyzer and stream belong to other owners and only print; their adapters are below.
SUITES = {
    "startup": "benchmarks.bench_startup",
    "analyzer": "benchmarks.run:analyzer_rows",
    "history": "benchmarks.bench_history",
    "autosave": "benchmarks.bench_autosave",
    "stream": "benchmarks.run:stream_rows",
}

RESULTS_BEGIN = "<!-- results:begin -->"
RESULTS_END = "<!-- results:end -->"


def machine() -> list[str]:
    """One line per fact about this machine and software."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError as exc:
        cpu += f" (cpuinfo unreadable: {exc})"
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError as exc:
        ram = f"unknown ({exc})"
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    try:
        from importlib.metadata import version

        textual = version("textual")
    except ImportError as exc:
        textual = f"not installed ({exc})"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"CPU: {cpu}",
        f"Cores: {cores} ({usable} usable)",
        f"RAM: {ram}",
        f"OS: {platform.system()} {platform.release()}",
        f"Python: {platform.python_implementation()} {platform.python_version()}",
        f"Textual: {textual}",
        f"Load average at start: {load}",
        f"Date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
    ]


def table(rows: Sequence[Row]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    out = ["| measure | budget | median | spread (min–max) | verdict | note |", "|---|---|---|---|---|---|"]
    for r in rows:
        out.append("| " + " | ".join(cell(x) for x in (r.measure, r.budget, r.median, r.spread, r.verdict, r.note)) + " |")
    return "\n".join(out)


def print_table(rows: Sequence[Row]) -> None:
    print(table(rows))


def run_suites(names: Sequence[str], full: bool) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        start = time.perf_counter()
        print(f"[{name}] running…", file=sys.stderr, flush=True)
        module_name, _, func = SUITES[name].partition(":")
        try:
            got = getattr(importlib.import_module(module_name), func or "run")(full=full)
        except (OSError, RuntimeError, TimeoutError, ValueError, AssertionError) as exc:
            # A broken bench is a result too: show it as a row, keep going with the others.
            traceback.print_exc()
            got = [Row(f"{name} suite", "—", "—", "—", MISS, f"bench failed: {type(exc).__name__}: {exc}")]
        rows.extend(got)
        print(f"[{name}] done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return rows


def analyzer_rows(full: bool = False) -> list[Row]:
    """Rows from benchmarks/bench_analyzer.py (offline analyzer; its functions, several runs each)."""
    from benchmarks import bench_analyzer as ba

    name, lines = ba.corpus()
    runs = 5 if full else 3
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    try:
        rates = [ba.throughput(lines, seconds=2.0 if full else 1.0) for _ in range(runs)]
    finally:
        if affinity is not None:  # throughput() pins this process to one core; give the others back
            os.sched_setaffinity(0, affinity)
    walls = [ba.batch_wall(lines, runs=1) for _ in range(runs)]
    n_long = 100_000 if full else 20_000
    short = [ba.stream_rss(lines, 1_000)[0] for _ in range(2)]
    long_rss, long_s = ba.stream_rss(lines, n_long)
    growth = long_rss - min(short)
    return [
        row(f"offline analyze() throughput, one core ({name}, {len(lines)} answers)", rates,
            unit="answers/s", budget="≥ 2,000/s", passed=lambda v: v >= 2000, fmt="{:,.0f}"),
        row(f"{len(lines)} real answers through `coach analyze` (wall, incl. start-up)", walls,
            unit="s", budget="< 2 s", passed=lambda v: v < 2, fmt="{:.2f}"),
        Row(f"`coach analyze` peak RSS, 1,000 vs {n_long:,} lines", "flat",
            f"{min(short):.0f} → {long_rss:.0f} MiB", f"+{growth:.1f} MiB over {long_s:.0f} s",
            OK if growth <= 2 + 0.05 * min(short) else MISS,
            "" if full else "default run streams 20,000 lines; `--full` streams 100,000"),
    ]


def stream_rows(full: bool = False) -> list[Row]:
    """Rows from benchmarks/bench_stream.py (openai backend against a real llama-server)."""
    import asyncio
    import tempfile

    budget = "≤ 50 ms"
    measure = "largest event-loop gap while the openai backend streams (llama-server)"
    try:
        from benchmarks import bench_stream as bs
    except ImportError as exc:
        return [skipped(measure, budget, f"benchmarks/bench_stream.py cannot be imported: {exc}")]
    binary, reason = bs.h.find_llama_server()
    if binary is None:
        return [skipped(measure, budget, f"{reason} (set COACH_LLAMA_SERVER or build ~/.cache/coach-ci/llama-server-*)")]
    srv = bs.h.start_server(Path(tempfile.mkdtemp(prefix="coach-bench-stream-")))
    try:
        runs = [asyncio.run(bs.one_review(srv.base_url)) for _ in range(7 if full else 5)]
        refused = [asyncio.run(bs.timed_fallback(f"http://127.0.0.1:{bs.h.free_port()}/v1", 10.0))
                   for _ in range(3)]
    finally:
        srv.stop()
    totals, firsts, stalls, backends = zip(*runs)
    note = f"backends: {', '.join(sorted(set(backends)))}; ticker: bench_stream's 5 ms sleep, gap = lateness"
    return [
        row(measure, [g * 1000 for g in stalls], unit="ms", budget=budget,
            passed=lambda v: v <= 50, fmt="{:.1f}", note=note + f"; worst {max(stalls) * 1000:.1f} ms"),
        row("openai review wall time (tiny model)", list(totals), unit="s", fmt="{:.2f}"),
        row("openai first streamed chunk", [f * 1000 for f in firsts if f == f], unit="ms", fmt="{:.0f}"),
        row("fallback to offline, nothing listening", [r[0] for r in refused], unit="s", budget="< 2 s",
            passed=lambda v: v < 2, fmt="{:.2f}", note=f"backend: {refused[0][1]}"),
    ]


def write_readme(rows: Sequence[Row], facts: Sequence[str], full: bool, elapsed: float) -> None:
    """Replace the results block of benchmarks/README.md (the rest of the file is kept)."""
    block = "\n".join([
        RESULTS_BEGIN,
        f"Latest run: `python -m benchmarks{' --full' if full else ''}` ({elapsed:.0f} s)",
        "",
        *[f"- {f}" for f in facts],
        "",
        table(rows),
        RESULTS_END,
    ])
    if README.is_file():
        text = README.read_text(encoding="utf-8")
        pattern = re.compile(re.escape(RESULTS_BEGIN) + ".*?" + re.escape(RESULTS_END), re.S)
        if pattern.search(text):
            text = pattern.sub(lambda _m: block, text)
        else:
            text = text.rstrip() + "\n\n## Results\n\n" + block + "\n"
    else:
        text = "# coach benchmarks\n\n## Results\n\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="full sizes (100,000-line stream, more runs)")
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(SUITES))
    parser.add_argument("--no-readme", action="store_true", help="print only; leave README.md alone")
    args = parser.parse_args(argv)
    names = list(SUITES)
    if args.only:
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in SUITES]
        if unknown:
            parser.error(f"unknown suite(s): {', '.join(unknown)}")
    facts = machine()
    print("\n".join(facts), file=sys.stderr)
    start = time.perf_counter()
    rows = run_suites(names, args.full)
    elapsed = time.perf_counter() - start
    print()
    print_table(rows)
    if not args.no_readme and not args.only:
        write_readme(rows, facts, args.full, elapsed)
        print(f"\nwrote {README}", file=sys.stderr)
    return 1 if any(r.verdict == MISS for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
