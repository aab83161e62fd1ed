"""Quality of the offline analyzer on our labelled dev set (hit@1, confusion table).

Run with ``-s`` to see the tables. The holdout split was not looked at while
tuning the rules; both numbers are asserted so a regression on either shows.
"""

from __future__ import annotations

from collections import Counter

from coach.domain.kinds import OFFLINE_KINDS
from tests.helpers.offline import load_devset, score, split_rows


def test_devset_is_well_formed():
    rows = load_devset()
    assert len(rows) >= 100
    first = Counter("good" if r.get("good") else r["accept"][0] for r in rows)
    for kind in OFFLINE_KINDS:
        assert first[kind] >= 5, f"dev set has only {first[kind]} answers labelled {kind}"
    assert first["good"] >= 15
    assert {r["round"] for r in rows} == {"phone", "second", "final"}
    assert all(set(r["accept"]) <= set(OFFLINE_KINDS) for r in rows)
    holdout = split_rows(rows, "holdout")
    assert 0.2 <= len(holdout) / len(rows) <= 0.35


def test_hit_at_1_dev_and_holdout():
    rows = load_devset()
    dev = score(split_rows(rows, "dev"), "dev")
    holdout = score(split_rows(rows, "holdout"), "holdout")
    print()
    print(dev.table())
    print()
    print(holdout.table())
    assert dev.hit1 >= 0.8
    assert holdout.hit1 >= 0.8


def test_every_devset_answer_gets_verbatim_evidence():
    from coach.engine.offline import analyze
    from tests.helpers.offline import answer_text, request_for

    for row in load_devset():
        fb = analyze(request_for(row))
        assert 1 <= len(fb.pointers) <= 2
        for p in fb.pointers:
            assert p.evidence in answer_text(row, p.question_id), (row["id"], p.evidence)
