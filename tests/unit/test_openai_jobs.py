"""`coach analyze --jobs N`: up to N reviews in flight, output in input order, bounded read-ahead, per-line fallback."""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from pathlib import Path

from coach.commands.analyze import MAX_JOBS, process_concurrently
from coach.domain.models import Feedback, Pointer
from coach.engine import Backend
from coach.services.review import ReviewService

REPO = Path(__file__).resolve().parents[2]


def lines(n: int) -> list[str]:
    return [
        json.dumps({"id": i, "question": "Tell me about a time you led a change.",
                    "answer": f"I think maybe we kind of changed the process number {i} and it went well."}) + "\n"
        for i in range(n)
    ]


class SlowLLM(Backend):
    """Reviews that take longer the earlier the line (so finishing order is reversed); line 3 fails."""

    name = "slow-llm"
    model = "m2"

    def __init__(self, jobs: int, source: CountingLines) -> None:
        self.jobs = jobs
        self.source = source
        self.in_flight = 0
        self.most = 0
        self.read_ahead: list[int] = []

    async def review(self, request, progress=None):
        ident = int(request.items[0].question_id)
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        self.read_ahead.append(self.source.taken - self.source.out_lines())
        try:
            await asyncio.sleep(0.02 * (8 - ident % 8))
            if ident == 3:
                raise ConnectionError("the server went away")
            return Feedback(
                backend=self.name, model=self.model,
                pointers=[Pointer(kind="no-result", title=f"Finish story {ident} with how it ended",
                                  question_id=str(ident), tip=f"Say what changed after change {ident}, in one sentence.")],
            )
        finally:
            self.in_flight -= 1


class CountingLines:
    """Input lines that count how many have been taken, against the output written so far."""

    def __init__(self, items: list[str], out: io.StringIO) -> None:
        self.items, self.out, self.taken = items, out, 0

    def out_lines(self) -> int:
        return self.out.getvalue().count("\n")

    def __iter__(self):
        for item in self.items:
            self.taken += 1
            yield item


def run_batch(n: int, jobs: int, extra: list[str] = ()) -> tuple[list[dict], SlowLLM, int]:
    out = io.StringIO()
    source = CountingLines(lines(n) + list(extra), out)
    llm = SlowLLM(jobs, source)
    service = ReviewService(None, "slow-llm", factory=lambda *_: llm)

    async def go() -> int:
        async with service:
            return await process_concurrently(source, out, service.review_round, {"round": None, "role": None, "job": None}, jobs)

    code = asyncio.run(go())
    return [json.loads(line) for line in out.getvalue().splitlines()], llm, code


def test_output_keeps_input_order_while_up_to_n_run_at_once() -> None:
    records, llm, code = run_batch(12, jobs=4)
    assert code == 0
    assert [r["id"] for r in records] == list(range(12))
    assert llm.most == 4  # reached, never passed


def test_read_ahead_is_bounded_by_jobs_so_memory_stays_flat() -> None:
    _, llm, _ = run_batch(40, jobs=3)
    assert max(llm.read_ahead) <= 3


def test_each_line_falls_back_on_its_own() -> None:
    records, _, _ = run_batch(6, jobs=4)
    assert records[3]["backend"] == "offline" and "the server went away" in records[3]["notice"]
    assert all(r["backend"] == "slow-llm" for i, r in enumerate(records) if i != 3)
    assert records[0]["pointers"][0]["source"] == "slow-llm · m2"


def test_bad_lines_keep_their_place_and_set_the_exit_status() -> None:
    records, _, code = run_batch(3, jobs=2, extra=["\n", "not json\n", lines(1)[0]])
    assert code == 1
    assert [r.get("line") for r in records] == [None, None, None, 4, 5, None]
    assert records[3]["error"] == "empty line" and "not JSON" in records[4]["error"]


def test_jobs_is_bounded_on_the_command_line() -> None:
    for bad in ("0", str(MAX_JOBS + 1), "four"):
        out = subprocess.run([sys.executable, "-m", "coach", "analyze", "--jobs", bad], input="",
                             capture_output=True, text=True, cwd=REPO)
        assert out.returncode == 2 and "argument --jobs" in out.stderr, out.stderr
    ok = subprocess.run([sys.executable, "-m", "coach", "analyze", "--jobs", str(MAX_JOBS)],
                        input=lines(2)[0], capture_output=True, text=True, cwd=REPO)
    assert ok.returncode == 0 and json.loads(ok.stdout)["backend"] == "offline"
