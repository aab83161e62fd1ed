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

from benchmarks import MISS, Row

README = Path(__file__).resolve().parent / "README.md"

#: name -> module, in the order the table shows them
SUITES = {
    "startup": "benchmarks.bench_startup",
    "analyzer": "benchmarks.bench_analyzer_rows",
    "history": "benchmarks.bench_history",
    "autosave": "benchmarks.bench_autosave",
    "stream": "benchmarks.bench_stream_rows",
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
        module = importlib.import_module(SUITES[name])
        try:
            got = module.run(full=full)
        except (OSError, RuntimeError, TimeoutError, ValueError, AssertionError) as exc:
            # A broken bench is a result too: show it as a row, keep going with the others.
            traceback.print_exc()
            got = [Row(f"{name} suite", "—", "—", "—", MISS, f"bench failed: {type(exc).__name__}: {exc}")]
        rows.extend(got)
        print(f"[{name}] done in {time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return rows


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
