"""Offline analyzer benchmarks (not a test): throughput, batch wall time, memory.

    python benchmarks/bench_analyzer.py [--lines 100000]

1. answers/s of `analyze()` on one core, over the 508 real answers (or the dev set);
2. wall time of the real answers through `coach analyze` as a fresh process,
   start-up included;
3. peak RSS of `coach analyze` over a long stream (default 100,000 lines) against
   a short one, to show memory stays flat.

Prints a markdown table. Targets: >= 2,000 answers/s; < 2 s; flat memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIOP = REPO.parent / "shared" / "data" / "siop2024" / "answers.jsonl"
DEVSET = REPO / "tests" / "data" / "devset.jsonl"


def corpus() -> tuple[str, list[str]]:
    path = SIOP if SIOP.is_file() else DEVSET
    return path.name, [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def throughput(lines: list[str], seconds: float = 3.0) -> float:
    """Answers per second through analyze(), in this process, pinned to one core."""
    from coach.engine import AnswerItem, ReviewRequest
    from coach.engine.offline import analyze

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    reqs = []
    for line in lines:
        row = json.loads(line)
        item = AnswerItem(question_id=str(row.get("id")), question=row["question"], answer=row["answer"])
        reqs.append(ReviewRequest(items=(item,), round=row.get("round"), job=row.get("job")))
    for r in reqs[:50]:
        analyze(r)  # warm caches and imports
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for r in reqs:
            analyze(r)
        done += len(reqs)
    return done / (time.perf_counter() - start)


def batch_wall(lines: list[str], runs: int = 3) -> float:
    """Best wall time of `coach analyze` over the lines, as a new process (start-up included)."""
    data = ("\n".join(lines) + "\n").encode()
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "coach", "analyze"], input=data, capture_output=True)
        best = min(best, time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"coach analyze failed: {proc.stderr.decode()[:300]}")
    return best


def stream_rss(lines: list[str], n: int) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of `coach analyze` over n lines streamed through a pipe."""
    proc = subprocess.Popen([sys.executable, "-m", "coach", "analyze"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    start = time.perf_counter()
    assert proc.stdin is not None
    for i in range(n):
        proc.stdin.write(lines[i % len(lines)].encode() + b"\n")
    proc.stdin.close()
    _pid, _status, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000, help="length of the long stream")
    args = parser.parse_args()
    name, lines = corpus()
    rate = throughput(lines)
    wall = batch_wall(lines)
    short_rss, _ = stream_rss(lines, 1_000)
    long_rss, long_s = stream_rss(lines, args.lines)
    print(f"Corpus: {name} ({len(lines)} answers); Python {sys.version.split()[0]}\n")
    print("| measure | result | target |")
    print("|---|---|---|")
    print(f"| analyze() throughput, one core | {rate:,.0f} answers/s | >= 2,000 |")
    print(f"| {len(lines)} answers through `coach analyze` (wall, incl. start-up) | {wall:.2f} s | < 2 s |")
    print(f"| peak RSS, 1,000-line stream | {short_rss:.0f} MiB | |")
    print(f"| peak RSS, {args.lines:,}-line stream ({long_s:.0f} s) | {long_rss:.0f} MiB | flat |")


if __name__ == "__main__":
    main()
