"""Real answers as takes: stored, listed from the header, exported and patterned without trouble.

The answers are the shared pool (../shared/data); the test is skipped when it
is not there. Each session holds one real answer and, as its retry, the next
answer of the pool (real words, a different length and shape).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.domain.models import Answer, Attempt, Feedback, Pointer, RetryVerdict, Session, VerdictLine
from coach.export import to_markdown
from coach.patterns import patterns_from_sessions
from coach.store import Store, read_header_summary

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
POOLS = [DATA / "siop2024" / "answers.jsonl", DATA / "siop2019" / "answers.jsonl"]


def _answers(limit: int = 60) -> list[dict[str, str]]:
    found = [p for p in POOLS if p.is_file()]
    if not found:
        pytest.skip("the shared answer pool is not here")
    rows: list[dict[str, str]] = []
    for path in found:
        with path.open(encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                if row.get("answer", "").strip() and row.get("question", "").strip():
                    rows.append(row)
                if len(rows) >= limit * len(found):
                    break
    return rows


def _session(i: int, first: dict[str, str], second: dict[str, str]) -> Session:
    verdict = RetryVerdict(backend="offline", lines=[
        VerdictLine(kind="no-result", status="resolved", says="It ends with how it went.",
                    evidence=second["answer"].split(".")[0][:80]),
    ])
    answer = Answer(
        question_id="q1", question=first["question"], text=first["answer"], status="submitted",
        attempts=[Attempt(number=2, pointer="no-result", text=second["answer"], status="submitted", verdict=verdict)],
    )
    feedback = Feedback(backend="offline", pointers=[
        Pointer(kind="no-result", title="Finish the story with how it ended", question_id="q1", tip="Say how it ended.")])
    return Session(id=f"20260101T0000{i:05d}-real", round="second", role="general", status="complete",
                   answers=[answer], feedback=[feedback])


def test_real_answers_with_retries_store_list_export_and_count(tmp_path: Path) -> None:
    rows = _answers()
    store = Store(tmp_path / "data")
    sessions = [_session(i, a, b) for i, (a, b) in enumerate(zip(rows, rows[1:]))]
    for s in sessions:
        path = store.save(s)
        row = read_header_summary(path, path.stat().st_size)
        assert row is not None and (row.n_attempts, row.latest_verdict) == (2, "fixed no-result")
        loaded = store.load(s.id)
        assert loaded.answers[0].attempts[0].text == s.answers[0].attempts[0].text
        md = to_markdown(loaded)
        assert "#### Attempt 2 (working on: Finish the story with how it ended)" in md
        assert "- Resolved (no-result): It ends with how it went." in md
        assert not any(ord(c) < 32 and c not in "\n\t" for c in md)
        for line in md[md.index("#### Attempt 2"):].splitlines()[2:]:
            if not line.strip():
                break
            assert line.startswith(">")  # the retry's words stay inside its quote
    [count] = [c for c in patterns_from_sessions(sessions, window=len(sessions)).counts if c.kind == "no-result"]
    assert count.count == count.fixed_in_retry == len(sessions)
