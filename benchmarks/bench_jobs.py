"""`coach analyze --jobs` against SmolLM2 on llama-server with parallel slots (not a test).

40 real answers from ../shared/data (20 behavioral, 20 situational, spread
across each file) go through `coach analyze --backend openai` twice, with
``--jobs 1`` and ``--jobs 4``, against one llama-server with ``-np 4`` and no
unified KV pool (each slot has 8192 / 4 = 2048 tokens). Prints the wall
times, the throughput ratio, and what the trust gate made of the replies
(how many passed, which rules failed most).

    python benchmarks/bench_jobs.py [--answers 40] [--jobs 4]

Needs llama-server and the SmolLM2 GGUF (COACH_LLAMA_SERVER, COACH_SMOLLM2_GGUF,
or the .ci caches) and ../shared/data.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
sys.path.insert(0, str(REPO / "tests"))

import llama_helpers as h  # noqa: E402


def pool(n: int) -> list[dict]:
    """``n`` real answers, half from each data set, spread across each file."""
    rows: list[dict] = []
    for name in ("siop2024", "siop2019"):
        with (DATA / name / "answers.jsonl").open(encoding="utf-8") as f:
            every = [json.loads(line) for line in f if line.strip()]
        rows += every[:: max(1, len(every) // (n // 2))][: n // 2]
    return [{k: r[k] for k in ("id", "question", "answer")} for r in rows]


def run_analyze(rows: list[dict], base_url: str, jobs: int, home: Path) -> tuple[float, list[dict]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(
        COACH_OPENAI_BASE_URL=base_url, COACH_OPENAI_MODEL="smollm2", COACH_OPENAI_TIMEOUT_S="300",
        COACH_CONFIG_DIR=str(home / "config"), COACH_DATA_DIR=str(home / "data"),
        COACH_SYSTEM_DIR=str(home / "system"), PYTHONPATH=str(REPO),
    )
    stdin = "".join(json.dumps(r) + "\n" for r in rows)
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "coach", "analyze", "--backend", "openai", "--jobs", str(jobs)],
        input=stdin, capture_output=True, text=True, env=env, cwd=REPO, check=True,
    )
    return time.monotonic() - start, [json.loads(line) for line in out.stdout.splitlines()]


def gate_summary(results: list[dict]) -> tuple[int, Counter[str]]:
    """(replies that passed the gate, failed rules counted over the notices)."""
    passed = sum(1 for r in results if r["backend"] == "openai")
    failed: Counter[str] = Counter()
    marker = "didn't pass coach's checks: "
    for r in results:
        notice = r.get("notice") or ""
        if marker in notice:
            reasons = notice.split(marker, 1)[1].split(".", 1)[0]
            failed.update(reason.strip() for reason in reasons.split(","))
        elif r["backend"] != "openai":
            failed["other fallback: " + notice[:80]] += 1
    return passed, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    binary, reason = h.find_llama_server()
    model, why = h.find_smollm2() if binary else (None, reason)
    if binary is None or model is None or not DATA.is_dir():
        print(f"skipped: {why if binary else reason}" if DATA.is_dir() else f"skipped: no {DATA}")
        return 0
    home = Path(tempfile.mkdtemp(prefix="coach-bench-jobs-"))
    server = h.LlamaServer(
        binary, model, h.free_port(), home / "server.log", extra=[], alias=h.SMOLLM2_ALIAS,
        ctx=h.SMOLLM2_CTX, slots=h.SMOLLM2_SLOTS, threads=min(2, os.cpu_count() or 1),
    ).start(wait_s=120)
    try:
        rows = pool(args.answers)
        print(f"{len(rows)} answers, llama-server -c {h.SMOLLM2_CTX} -np {h.SMOLLM2_SLOTS} (no --kv-unified),"
              f" {os.cpu_count()} cores")
        times = {}
        for jobs in (1, args.jobs):
            elapsed, results = run_analyze(rows, server.base_url, jobs, home)
            assert [r["id"] for r in results] == [r["id"] for r in rows], "output out of input order"
            times[jobs] = elapsed
            passed, failed = gate_summary(results)
            print(f"--jobs {jobs}: {elapsed:.1f} s ({len(rows) / elapsed * 60:.1f} answers/min);"
                  f" passed the gate {passed}/{len(results)}; failed most: {failed.most_common(6)}")
        print(f"throughput --jobs {args.jobs} / --jobs 1: {times[1] / times[args.jobs]:.2f}x")
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
