"""The shipped example sessions: they load, replay to their text, and are made by code."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from coach.domain.models import replay_edits
from coach.store import read_session_file

SESSIONS = Path(__file__).resolve().parents[2] / "sessions"
FILES = sorted(SESSIONS.glob("*.toml"))


def test_there_are_examples_for_every_round():
    rounds = {read_session_file(path).round for path in FILES}
    assert rounds == {"phone", "second", "final"}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_example_is_complete_with_edit_logs_and_feedback(path: Path):
    session = read_session_file(path)
    assert session.status == "complete"
    assert session.answers and session.feedback
    for answer in session.answers:
        assert answer.edits, answer.question_id
        assert replay_edits(answer.edits) == answer.text
        assert answer.think_ms is not None and answer.answer_ms > answer.think_ms
    for pointer in session.feedback[-1].pointers:
        answer = session.answer_for(pointer.question_id)
        assert answer is not None and pointer.evidence in answer.text


def test_generator_is_deterministic():
    spec = importlib.util.spec_from_file_location("make_examples", SESSIONS / "make_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    for example in module.EXAMPLES:
        first, second = module.build(example), module.build(example)
        assert first == second
        on_disk = read_session_file(SESSIONS / f"{example.id}.toml")
        assert [a.text for a in on_disk.answers] == [a.text for a in first.answers]
        assert [a.edits for a in on_disk.answers] == [a.edits for a in first.answers]
