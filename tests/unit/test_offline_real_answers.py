"""The offline analyzer over every real typed answer in ../shared/data (both pools, 828 answers).

Each answer gets one or two pointers of known kinds, and every quote is a verbatim,
whole-word slice of what the candidate typed (never "under 0." from "0.5 percent").
The text is read at test time and never stored in the repository.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from coach.domain.kinds import OFFLINE_KINDS
from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline import analyze

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
POOLS = {"siop2024": 428, "siop2019": 400}


def _rows(pool: str) -> list[dict]:
    path = SHARED_DATA / pool / "answers.jsonl"
    if not path.is_file():
        pytest.skip(f"{path} is absent")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _whole_words(quote: str, text: str) -> bool:
    """``quote`` occurs in ``text`` starting and ending on word boundaries."""
    for m in re.finditer(re.escape(quote), text):
        s, e = m.span()
        before = text[s - 1] if s else " "
        after = text[e] if e < len(text) else " "
        if not (before.isalnum() and quote[0].isalnum()) and not (after.isalnum() and quote[-1].isalnum()):
            return True
    return False


@pytest.mark.parametrize("pool", sorted(POOLS))
def test_every_real_answer_gets_one_or_two_whole_word_pointers(pool: str) -> None:
    rows = _rows(pool)
    assert len(rows) == POOLS[pool]
    kinds: Counter[str] = Counter()
    for row in rows:
        item = AnswerItem(question_id=row["id"], question=row["question"], answer=row["answer"])
        fb = analyze(ReviewRequest(items=(item,)))
        assert 1 <= len(fb.pointers) <= 2, row["id"]
        for p in fb.pointers:
            assert p.kind in OFFLINE_KINDS, (row["id"], p.kind)
            assert p.evidence and p.evidence in row["answer"], (row["id"], p.evidence)
            assert _whole_words(p.evidence, row["answer"]), (row["id"], p.evidence)
            assert p.tip and p.title
        if fb.strength is not None:
            assert _whole_words(fb.strength.evidence, row["answer"]), row["id"]
        kinds[fb.pointers[0].kind] += 1
    print(f"\n{pool} first-pointer kinds:", dict(kinds.most_common()))
    # Real answers are mostly short, generic or hedged: no single kind may swallow them all.
    assert max(kinds.values()) < 0.6 * len(rows)
