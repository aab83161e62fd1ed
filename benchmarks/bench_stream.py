"""openai backend benchmarks against a real llama-server (not a test).

    python benchmarks/bench_stream.py [--runs 5]

Measures, with the tiny generated model from tests/helpers/llama.py:
1. review wall time and time to the first streamed chunk;
2. the longest event-loop stall while a review streams (a ticker coroutine
   records gaps between 5 ms sleeps): the app must stay responsive (< 50 ms);
3. time to offline fallback when nothing listens on the port (target < 2 s);
4. time to fallback with a server slower than a 1 s timeout (target ~1 s).

Needs the binary from `.ci/build-llama-server` (or COACH_LLAMA_SERVER).
Prints a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import tests.helpers.llama as h  # noqa: E402

from coach.config import OpenAISettings, Settings  # noqa: E402
from coach.engine import AnswerItem, Progress, ReviewRequest  # noqa: E402
from coach.engine.openai import OpenAIBackend  # noqa: E402

REQUEST = ReviewRequest(
    items=(
        AnswerItem("deadline", "Tell me about a time you saved a deadline.",
                   "Our release was slipping, so I split the work into daily goals and we shipped on Friday."),
        AnswerItem("conflict", "Tell me about a disagreement with a colleague.",
                   "I think maybe I just kind of talked to him, I guess it was fine in the end."),
    ),
    round="second",
    role="software-engineer",
)


def backend(base_url: str, timeout_s: float = 30.0) -> OpenAIBackend:
    opts = OpenAISettings(base_url=base_url, model=h.MODEL_ALIAS, timeout_s=timeout_s, max_retries=2)
    return OpenAIBackend.from_settings(Settings(backend="openai", openai=opts))


async def ticker(stop: asyncio.Event, gaps: list[float]) -> None:
    """Sleep 5 ms at a time and record how late each wake-up is: the loop's stalls."""
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(0.005)
        now = time.perf_counter()
        gaps.append(now - last - 0.005)
        last = now


async def one_review(base_url: str) -> tuple[float, float, float, str]:
    b = backend(base_url)
    first: list[float] = []
    gaps: list[float] = []
    stop = asyncio.Event()
    t0 = time.perf_counter()

    def on_progress(p: Progress) -> None:
        if p.stage == "streaming" and not first:
            first.append(time.perf_counter() - t0)

    tick = asyncio.create_task(ticker(stop, gaps))
    fb = await b.review(REQUEST, on_progress)
    total = time.perf_counter() - t0
    stop.set()
    await tick
    await b.aclose()
    return total, first[0] if first else float("nan"), max(gaps, default=0.0), fb.backend


async def timed_fallback(base_url: str, timeout_s: float) -> tuple[float, str]:
    b = backend(base_url, timeout_s=timeout_s)
    t0 = time.perf_counter()
    fb = await b.review(REQUEST)
    await b.aclose()
    return time.perf_counter() - t0, fb.backend


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    binary, reason = h.find_llama_server()
    if binary is None:
        print(f"skipped: {reason}")
        return 0
    srv = h.start_server(Path(tempfile.mkdtemp(prefix="coach-bench-")))
    try:
        runs = [asyncio.run(one_review(srv.base_url)) for _ in range(args.runs)]
        refused = asyncio.run(timed_fallback(f"http://127.0.0.1:{h.free_port()}/v1", 10.0))
        with h.DelayProxy(srv.port, delay_s=10.0) as proxy:
            slow = asyncio.run(timed_fallback(proxy.base_url, 1.0))
    finally:
        srv.stop()
    totals, firsts, stalls, backends = zip(*runs)
    print(f"llama-server {binary}, tiny model, {args.runs} runs (backends: {set(backends)})\n")
    print("| measure | median | worst | target |")
    print("|---|---|---|---|")
    print(f"| review wall time | {statistics.median(totals):.2f} s | {max(totals):.2f} s | < timeout |")
    print(f"| first streamed chunk | {statistics.median(firsts) * 1000:.0f} ms | {max(firsts) * 1000:.0f} ms | - |")
    print(f"| longest event-loop stall | {statistics.median(stalls) * 1000:.1f} ms | {max(stalls) * 1000:.1f} ms | < 50 ms |")
    print(f"| fallback, nothing listening ({refused[1]}) | {refused[0]:.2f} s | | < 2 s |")
    print(f"| fallback, server slower than 1 s timeout ({slow[1]}) | {slow[0]:.2f} s | | ~1 s |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
