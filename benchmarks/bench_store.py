"""Session store benchmarks: listing 10,000 sessions, loading one, autosaving a long answer.

What is measured (medians unless said otherwise):

- ``list cold``: ``Store.list_sessions()`` with no ``index.json`` (the first
  listing ever, or after the index was lost). The session files are in the OS
  page cache (they were just written), so this is parsing cost, not disk seeks.
- ``list warm``: the same with a current index (one scandir + one JSON read).
- ``load``: ``Store.load()`` of one realistic session (5 answers) and of one
  session holding a 1,000-word answer with its per-keystroke edit log.
- ``save``: ``Store.save()`` of a snapshot of that long session, one new
  keystroke per save (what autosave does while someone types); p50 and p99.
  Also the first save after a load, which cannot reuse an earlier encoding. ``save, no fsync``
  repeats it with fsync stubbed out, to show serialisation cost apart from the
  disk's flush latency.

Sessions are realistic: 5 answers of ~150 words, each typed one key at a time
(about one edit per character, with some typos corrected by backspace), and
one feedback. Budgets: cold <= 3 s, warm <= 0.3 s, save p99 <= 5 ms.

Run: python benchmarks/bench_store.py [--sessions N] [--runs R] [--saves S]
Prints the numbers and a markdown table for benchmarks/README.md. It writes
about 100 KB per session into a temporary directory (about 1 GB for 10,000).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

from coach.fsutil import atomic_write_bytes
from coach.domain.models import Answer, Edit, Feedback, Pointer, Session, replay_edits
from coach.store import Store, session_to_toml

WORDS = (
    "in my last role I owned the billing migration and we cut payment errors by forty percent "
    "after I mapped every failure mode with the support team then I wrote a rollback plan the "
    "director signed off on and I ran weekly reviews so nobody was surprised when we switched "
    "over customers noticed fewer failed invoices and I learned to ask for data before opinions"
).split()
QUESTIONS = [
    "Tell me about a time you disagreed with a colleague.",
    "Describe a project that did not go to plan.",
    "What are you most proud of in your last role?",
    "Tell me about a decision you made with incomplete information.",
    "Why do you want this job?",
]


def typed_answer(rng: random.Random, n_words: int) -> tuple[str, list[Edit]]:
    """Type ``n_words`` words one key at a time: ~5% typos, each fixed with a backspace."""
    edits: list[Edit] = []
    text_len = 0
    t = rng.randint(2_000, 15_000)  # think time before the first key
    for w in range(n_words):
        word = rng.choice(WORDS) + (" " if w < n_words - 1 else ".")
        for ch in word:
            if rng.random() < 0.05:
                edits.append(Edit(t_ms=t, pos=text_len, removed=0, text=rng.choice("qwertyuiop")))
                t += rng.randint(80, 400)
                edits.append(Edit(t_ms=t, pos=text_len, removed=1, text=""))
                t += rng.randint(80, 300)
            edits.append(Edit(t_ms=t, pos=text_len, removed=0, text=ch))
            text_len += 1
            t += rng.randint(60, 350)
    return replay_edits(edits), edits


def make_answer(rng: random.Random, j: int, n_words: int) -> Answer:
    text, edits = typed_answer(rng, n_words)
    return Answer(
        question_id=f"gen.q{j}",
        question=QUESTIONS[j % len(QUESTIONS)],
        type="behavioral",
        text=text,
        status="submitted",
        shown_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
        think_ms=edits[0].t_ms,
        answer_ms=edits[-1].t_ms + 1_500,
        edits=edits,
    )


def make_session(i: int, pool: list[list[Answer]]) -> Session:
    """Session ``i``: time-sortable id, varied round/status, answers from a pre-typed pool."""
    created = datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=17 * i)
    fb = Feedback(
        pointers=[Pointer(kind="no-result", title=f"Say how it ended ({i})", tip="Close with the outcome.")],
        backend="offline",
        created_at=created + timedelta(minutes=15),
    )
    stamp = created.strftime("%Y%m%dT%H%M%S") + f"{i % 1000:03d}"
    return Session(
        id=f"{stamp}-1-{i:06x}",
        created_at=created,
        updated_at=created + timedelta(minutes=15),
        round=("phone", "second", "final")[i % 3],
        role="general",
        status="complete" if i % 7 else "in-progress",
        answers=pool[i % len(pool)],
        feedback=[fb] if i % 5 else [],
    )


def populate(store: Store, n: int, seed: int = 1) -> int:
    """Write n session files directly (faster than n fsynced saves; same bytes). Returns total bytes."""
    rng = random.Random(seed)
    pool = [[make_answer(rng, j, rng.randint(130, 170)) for j in range(5)] for _ in range(16)]
    store.sessions_dir.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        s = make_session(i, pool)
        data = session_to_toml(s).encode("utf-8")
        (store.sessions_dir / f"{s.id}.toml").write_bytes(data)
        total += len(data)
    return total


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_listing(root: Path, n: int, runs: int) -> dict[str, float]:
    store = Store(root / "many")
    start = time.perf_counter()
    total = populate(store, n)
    populate_s = time.perf_counter() - start
    cold: list[float] = []
    warm: list[float] = []
    for _ in range(runs):
        store.index_path.unlink(missing_ok=True)
        cold.append(timed(store.list_sessions))
        warm.append(timed(store.list_sessions))
    rows = store.list_sessions()
    assert len(rows) == n and not any(r.error for r in rows), "every benchmark session must list cleanly"
    one = rows[len(rows) // 2].path
    loads = [timed(lambda: store.load(one)) for _ in range(max(runs, 20))]
    return {
        "cold": statistics.median(cold),
        "warm": statistics.median(warm),
        "load": statistics.median(loads),
        "mb": total / 1e6,
        "populate": populate_s,
    }


def bench_long_answer(root: Path, saves: int) -> dict[str, float]:
    """Autosave a session whose one answer is 1,000 words with ~6,000 edits."""
    rng = random.Random(7)
    store = Store(root / "long")
    long = make_answer(rng, 0, 1_000)
    session = store.create("second", "general", answers=[long])
    n_edits = len(long.edits)
    answer = session.answers[0]

    def keystroke_and_save() -> None:
        # one more key at the end of the answer, as the editor's edit log would record it,
        # then save a snapshot the way the app's autosave does (coach/tui/drafts.py)
        answer.edits.append(Edit(t_ms=answer.edits[-1].t_ms + 120, pos=len(answer.text), text="x"))
        answer.text += "x"
        store.save(snapshot(session))

    for _ in range(10):  # warm-up
        keystroke_and_save()
    with_fsync = [timed(keystroke_and_save) for _ in range(saves)]
    with mock.patch("coach.fsutil.os.fsync", lambda fd: None):
        no_fsync = [timed(keystroke_and_save) for _ in range(saves)]
    path = store.resolve(session.id)
    # the disk's share: the same bytes through the same atomic write (temp, fsync, rename, fsync dir)
    data = path.read_bytes()
    writes = [timed(lambda: atomic_write_bytes(path, data)) for _ in range(saves)]
    loads = [timed(lambda: store.load(path)) for _ in range(20)]
    # the first save after a load encodes the whole edit log (nothing cached for its Edit objects)
    first_saves = [timed(lambda: store.save(store.load(path))) - statistics.median(loads) for _ in range(20)]
    assert store.load(path).answers == session.answers
    return {
        "edits": n_edits,
        "chars": len(long.text),
        "bytes": os.path.getsize(path),
        "save_p50": percentile(with_fsync, 50),
        "save_p99": percentile(with_fsync, 99),
        "nofsync_p50": percentile(no_fsync, 50),
        "nofsync_p99": percentile(no_fsync, 99),
        "load": statistics.median(loads),
        "first_save": statistics.median(first_saves),
        "write_p50": percentile(writes, 50),
        "write_p99": percentile(writes, 99),
    }


def snapshot(session: Session) -> Session:
    """What the app's autosave writes: a copy sharing the (frozen) Edit objects, as in coach/tui/drafts.py."""
    answers = [a.model_copy(update={"edits": list(a.edits)}) for a in session.answers]
    return session.model_copy(update={"answers": answers, "feedback": list(session.feedback)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="cold/warm listing repeats (median)")
    parser.add_argument("--saves", type=int, default=300, help="autosaves timed for p50/p99")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        listing = bench_listing(Path(tmp), args.sessions, args.runs)
        long = bench_long_answer(Path(tmp), args.saves)

    ms = 1000
    print(f"sessions: {args.sessions} ({listing['mb']:.0f} MB on disk, written in {listing['populate']:.1f} s),"
          f" listing runs: {args.runs}, saves: {args.saves}")
    print(f"long answer: {long['chars']} chars, {long['edits']} edits, file {long['bytes'] / 1000:.0f} KB")
    print()
    print("| benchmark | result | budget |")
    print("|---|---|---|")
    print(f"| list_sessions cold (no index), {args.sessions} sessions | {listing['cold'] * ms:.0f} ms | ≤ 3000 ms |")
    print(f"| list_sessions warm (index), {args.sessions} sessions | {listing['warm'] * ms:.0f} ms | ≤ 300 ms |")
    print(f"| load, 5 answers × ~150 words | {listing['load'] * ms:.2f} ms | |")
    print(f"| load, 1,000-word answer, {long['edits']} edits | {long['load'] * ms:.2f} ms | |")
    print(f"| save p50, 1,000-word answer + edit log | {long['save_p50'] * ms:.2f} ms | |")
    print(f"| save p99, 1,000-word answer + edit log | {long['save_p99'] * ms:.2f} ms | ≤ 5 ms |")
    print(f"| first save after load (whole log encoded), median | {long['first_save'] * ms:.2f} ms | |")
    print(f"| save p50 / p99 without fsync (serialisation only) | {long['nofsync_p50'] * ms:.2f}"
          f" / {long['nofsync_p99'] * ms:.2f} ms | |")
    print(f"| atomic write alone of the same bytes, p50 / p99 (disk) | {long['write_p50'] * ms:.2f}"
          f" / {long['write_p99'] * ms:.2f} ms | |")


if __name__ == "__main__":
    main()
