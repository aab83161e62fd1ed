"""The offline analyzer over 508 real typed answers (../shared/data/siop2024)."""

from __future__ import annotations

import json
from collections import Counter

from coach.engine import AnswerItem, ReviewRequest
from coach.domain.kinds import OFFLINE_KINDS
from coach.engine.offline import analyze


def test_every_real_answer_gets_one_or_two_verbatim_pointers(siop_answers):
    kinds: Counter[str] = Counter()
    with siop_answers.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    assert len(rows) >= 500
    for row in rows:
        item = AnswerItem(question_id=row["id"], question=row["question"], answer=row["answer"])
        fb = analyze(ReviewRequest(items=(item,)))
        assert 1 <= len(fb.pointers) <= 2, row["id"]
        for p in fb.pointers:
            assert p.kind in OFFLINE_KINDS, (row["id"], p.kind)
            assert p.evidence and p.evidence in row["answer"], (row["id"], p.evidence)
            assert p.tip and p.title
        if fb.strength is not None:
            assert fb.strength.evidence in row["answer"]
        kinds[fb.pointers[0].kind] += 1
    print("\nfirst-pointer kinds over the real answers:", dict(kinds.most_common()))
    # Real answers are mostly short, generic or without outcomes: no single kind may swallow them all.
    assert max(kinds.values()) < 0.5 * len(rows)
