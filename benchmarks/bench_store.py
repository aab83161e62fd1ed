"""Time `Store.list_sessions()` over 10,000 session files, cold and warm.

cold: no index.json, every file is parsed and validated (first listing ever,
      or after the index was lost).
warm: index.json is current, so a listing is one scandir + one JSON read.

Run: python benchmarks/bench_store.py [--sessions N] [--runs R]
Prints the medians and a markdown table row for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from coach.models import Answer, Edit, Feedback, Pointer, Session
from coach.store import Store, session_to_toml


def make_session(i: int) -> Session:
    """A realistic small session: 5 answers with short edit logs, one feedback."""
    answers = [
        Answer(
            question_id=f"q{j}",
            question="Tell me about a time you disagreed with a colleague.",
            text="In my last role I owned the billing migration and we cut errors by 40%. " * 3,
            status="submitted",
            think_ms=4000,
            answer_ms=90_000,
            edits=[Edit(t_ms=k * 250, pos=k, text="x") for k in range(20)],
        )
        for j in range(5)
    ]
    fb = Feedback(
        pointers=[Pointer(kind="no-result", title="Say how it ended", tip="Close with the outcome.")],
        backend="offline",
    )
    return Session(
        id=f"20250101T{i // 3600 % 24:02d}{i // 60 % 60:02d}{i % 60:02d}{i % 1000:03d}-1-{i:06x}",
        round="second",
        role="general",
        status="complete",
        answers=answers,
        feedback=[fb],
    )


def populate(store: Store, n: int) -> None:
    """Write n session files directly (faster than n fsynced saves; same bytes)."""
    store.sessions_dir.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        s = make_session(i)
        (store.sessions_dir / f"{s.id}.toml").write_text(session_to_toml(s), encoding="utf-8")


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        populate(store, args.sessions)
        cold: list[float] = []
        warm: list[float] = []
        for _ in range(args.runs):
            store.index_path.unlink(missing_ok=True)
            cold.append(timed(store.list_sessions))
            warm.append(timed(store.list_sessions))
        assert len(store.list_sessions()) == args.sessions

    cold_ms = statistics.median(cold) * 1000
    warm_ms = statistics.median(warm) * 1000
    print(f"sessions: {args.sessions}, runs: {args.runs}")
    print(f"list_sessions cold (no index): median {cold_ms:.0f} ms")
    print(f"list_sessions warm (index):    median {warm_ms:.0f} ms")
    print()
    print("| benchmark | sessions | cold median (ms) | warm median (ms) |")
    print("|---|---|---|---|")
    print(f"| store.list_sessions | {args.sessions} | {cold_ms:.0f} | {warm_ms:.0f} |")


if __name__ == "__main__":
    main()
