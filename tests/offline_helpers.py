"""Shared helpers for the offline analyzer's tests: the dev set and its scoring."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from coach.feedback import AnswerItem, ReviewRequest
from coach.feedback.offline import analyze

DEVSET = Path(__file__).resolve().parent / "data" / "devset.jsonl"


def load_devset() -> list[dict]:
    with DEVSET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def request_for(row: dict) -> ReviewRequest:
    item = AnswerItem(question_id=row["id"], question=row["question"], answer=row["answer"], type=row.get("type"))
    return ReviewRequest(items=(item,), round=row.get("round"), job=row.get("job"))


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
        got = analyze(request_for(row)).pointers[0].kind
        expected = "good" if row.get("good") else row["accept"][0]
        confusion[expected][got] += 1
        if got in row["accept"]:
            hits += 1
        else:
            misses.append((row["id"], got, row["accept"]))
    return Score(split, len(rows), hits, dict(confusion), misses)


def split_rows(rows: list[dict], split: str) -> list[dict]:
    return [r for r in rows if r.get("split", "dev") == split]
