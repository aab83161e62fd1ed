"""The offline analyzer against our blind labels of real answers by strangers.

tests/data/real_labels.jsonl holds ids and labels only; the question and answer
text is read from ../shared/data at test time (skipped where it is absent).
`python -m pytest tests/unit/test_offline_real_labels.py -s` prints hit@1,
primary@2 and the confusion table for each pool and split.

The floors are what the engine reaches today: a later change may raise them,
never silently lower them.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline import analyze

TESTS = Path(__file__).resolve().parents[1]
LABELS = TESTS / "data" / "real_labels.jsonl"
SHARED_DATA = TESTS.parent.parent / "shared" / "data"
POOLS = ("siop2024", "siop2019")

#: (pool, split, batch) -> (hit@1 floor, primary@2 floor). Batch 1 is the first 200 per
#: pool; batch 2 the rest of each pool, labelled later the same way (see tests/data/README.md).
FLOORS: dict[tuple[str, str, int], tuple[float, float]] = {
    ("siop2024", "dev", 1): (0.90, 0.81),
    ("siop2024", "holdout", 1): (0.73, 0.68),
    ("siop2024", "dev", 2): (0.80, 0.76),
    ("siop2024", "holdout", 2): (0.72, 0.72),
    ("siop2019", "dev", 1): (0.91, 0.89),
    ("siop2019", "holdout", 1): (0.83, 0.83),
    ("siop2019", "dev", 2): (0.81, 0.74),
    ("siop2019", "holdout", 2): (0.73, 0.61),
}


def _labels() -> list[dict]:
    return [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def answers() -> dict[str, dict]:
    found: dict[str, dict] = {}
    for pool in POOLS:
        path = SHARED_DATA / pool / "answers.jsonl"
        if not path.is_file():
            pytest.skip(f"{path} is absent")
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                found[row["id"]] = row
    return found


def _predict(row: dict) -> list[str]:
    item = AnswerItem(question_id="q1", question=row["question"], answer=row["answer"])
    return [p.kind for p in analyze(ReviewRequest(items=(item,))).pointers]


def _table(pairs: list[tuple[str, str]]) -> str:
    truth = sorted({t for t, _ in pairs})
    guessed = sorted({g for _, g in pairs})
    counts = Counter(pairs)
    width = max(len(k) for k in truth + guessed) + 1
    lines = ["label \\ first".ljust(width + 2) + "".join(g[:9].rjust(10) for g in guessed)]
    for t in truth:
        lines.append(t.ljust(width + 2) + "".join(str(counts[(t, g)] or ".").rjust(10) for g in guessed))
    return "\n".join(lines)


def test_labels_are_well_formed() -> None:
    from coach.domain.kinds import KIND_IDS

    rows = _labels()
    assert len({r["id"] for r in rows}) == len(rows)
    for pool in POOLS:
        assert sum(r["pool"] == pool for r in rows) >= 150
    for r in rows:
        assert r["split"] in ("dev", "holdout") and r.get("batch", 1) in (1, 2)
        assert r["primary"] in KIND_IDS and set(r["also_ok"]) <= set(KIND_IDS) and len(r["also_ok"]) <= 2
        assert "answer" not in r and "question" not in r


@pytest.mark.parametrize(("pool", "split", "batch"), list(FLOORS))
def test_hit_rate_on_real_answers(pool: str, split: str, batch: int, answers: dict[str, dict]) -> None:
    rows = [r for r in _labels() if r["pool"] == pool and r["split"] == split and r.get("batch", 1) == batch]
    hits = primaries = 0
    pairs: list[tuple[str, str]] = []
    for r in rows:
        kinds = _predict(answers[r["id"]])
        assert 1 <= len(kinds) <= 2, r["id"]
        hits += kinds[0] in (r["primary"], *r["also_ok"])
        primaries += r["primary"] in kinds
        pairs.append((r["primary"], kinds[0]))
    hit1, prim2 = hits / len(rows), primaries / len(rows)
    print(f"\n{pool} {split} batch {batch}: n={len(rows)} hit@1={hit1:.2f} primary@2={prim2:.2f}\n{_table(pairs)}")
    floor_hit, floor_prim = FLOORS[(pool, split, batch)]
    assert hit1 >= floor_hit
    assert prim2 >= floor_prim
