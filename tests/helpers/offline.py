"""Shared helpers for the offline analyzer's tests: the dev set and its scoring."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline import analyze

DEVSET = Path(__file__).resolve().parents[1] / "data" / "devset.jsonl"


def load_devset() -> list[dict]:
    with DEVSET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def request_for(row: dict) -> ReviewRequest:
    """The review request for a dev-set line: one answer, or a whole round when the line has ``items``."""
    if "items" in row:
        items = tuple(
            AnswerItem(question_id=it["question_id"], question=it["question"], answer=it.get("answer", ""),
                       type=it.get("type"), follow_up_of=it.get("follow_up_of"), skipped=bool(it.get("skipped")))
            for it in row["items"]
        )
    else:
        items = (AnswerItem(question_id=row["id"], question=row["question"], answer=row["answer"], type=row.get("type")),)
    return ReviewRequest(items=items, round=row.get("round"), job=row.get("job"))


def answer_text(row: dict, question_id: str | None) -> str:
    """The answer a pointer about ``question_id`` quotes."""
    if "items" not in row:
        return row["answer"]
    return next((it.get("answer", "") for it in row["items"] if it["question_id"] == question_id), "")


@dataclass
class Score:
    split: str
    n: int
    hits: int
    confusion: dict[str, Counter]
    misses: list[tuple[str, str, list[str]]]

    @property
    def hit1(self) -> float:
        return self.hits / self.n if self.n else 0.0

    def table(self) -> str:
        """Confusion table: the labelled first choice (rows) against the analyzer's first pointer."""
        predicted = sorted({k for row in self.confusion.values() for k in row})
        width = max([len(k) for k in predicted] + [12])
        head = "expected \\ got".ljust(width) + " " + " ".join(k[:8].rjust(8) for k in predicted)
        lines = [f"{self.split}: hit@1 = {self.hits}/{self.n} = {self.hit1:.2f}", head]
        for expected in sorted(self.confusion):
            row = self.confusion[expected]
            lines.append(expected.ljust(width) + " " + " ".join(str(row.get(k, "")).rjust(8) for k in predicted))
        if self.misses:
            lines.append("misses: " + ", ".join(f"{i} ({got} not in {acc})" for i, got, acc in self.misses))
        return "\n".join(lines)


def score(rows: list[dict], split: str) -> Score:
    confusion: dict[str, Counter] = defaultdict(Counter)
    hits = 0
    misses = []
    for row in rows:
        first = analyze(request_for(row)).pointers[0]
        got = first.kind
        expected = "good" if row.get("good") else row["accept"][0]
        confusion[expected][got] += 1
        # A round line may also say which answer the first pointer must be about.
        about = row.get("accept_question")
        if got in row["accept"] and (about is None or first.question_id == about):
            hits += 1
        else:
            misses.append((row["id"], got if about is None else f"{got}@{first.question_id}", row["accept"]))
    return Score(split, len(rows), hits, dict(confusion), misses)


def split_rows(rows: list[dict], split: str) -> list[dict]:
    return [r for r in rows if r.get("split", "dev") == split]


SIOP_ANSWERS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "siop2024" / "answers.jsonl"


@pytest.fixture
def siop_answers() -> Path:
    """The real typed answers from ../shared, or a skip where they are absent."""
    if not SIOP_ANSWERS.is_file():
        pytest.skip(f"real-answer data not present at {SIOP_ANSWERS}")
    return SIOP_ANSWERS
