"""coach's performance suite: `python -m benchmarks` runs it and writes benchmarks/README.md.

Each bench module exposes ``run(full: bool = False) -> list[Row]``. A row is one
budget line: what was measured, the budget, the median of several runs, their
spread, and a verdict. Comparisons are made as ratios inside one run, because
absolute times drift on a shared machine.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

OK = "ok"
MISS = "MISS"
SKIP = "skipped"
INFO = "info"


@dataclass
class Row:
    measure: str
    budget: str
    median: str
    spread: str
    verdict: str  # ok | MISS | skipped | info
    note: str = ""


def median_spread(samples: Sequence[float]) -> tuple[float, float, float]:
    """(median, min, max) of the samples."""
    return statistics.median(samples), min(samples), max(samples)


def row(
    measure: str,
    samples: Sequence[float],
    *,
    unit: str,
    budget: str = "",
    passed: Callable[[float], bool] | None = None,
    fmt: str = "{:.3g}",
    note: str = "",
) -> Row:
    """A row from raw samples: median, min–max spread, verdict from ``passed(median)``."""
    med, lo, hi = median_spread(samples)
    if passed is None:
        verdict = INFO
    else:
        verdict = OK if passed(med) else MISS
    return Row(
        measure,
        budget,
        f"{fmt.format(med)} {unit}".strip(),
        f"{fmt.format(lo)}–{fmt.format(hi)} (n={len(samples)})",
        verdict,
        note,
    )


def skipped(measure: str, budget: str, reason: str) -> Row:
    return Row(measure, budget, "—", "—", SKIP, reason)


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child coach: no COACH_*/OPENAI_* from the caller, offline backend."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env["COACH_BACKEND"] = "offline"
    env.update(extra)
    return env


def coach_command() -> list[str]:
    """The installed `coach` console script next to this Python, else `python -m coach`."""
    import sys

    script = Path(sys.executable).parent / "coach"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "coach"]
