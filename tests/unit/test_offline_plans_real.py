"""Situational plans, judged the way a recruiter reads them (answers written for these tests)."""

from __future__ import annotations

from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline import analyze

LEAVE_Q = ("You and a colleague asked for the same week off, and only one of you can go. "
           "Your colleague will not move. What would you do and why?")


def _kinds(question: str, answer: str) -> list[str]:
    item = AnswerItem(question_id="q1", question=question, answer=answer)
    return [p.kind for p in analyze(ReviewRequest(items=(item,))).pointers]


def test_branches_and_steps_are_not_the_reason() -> None:
    # "Otherwise, if…" opens one more branch and "I would let them…" is one more step: neither says why.
    plan = ("I would ask my colleague whether their dates are fixed. If they are, I would let them keep the week "
            "and I would move mine. Otherwise, if neither of us has booked anything, I would ask our supervisor "
            "to pick. I would let my colleague know the outcome the same day and I would book my new week at once.")
    assert _kinds(LEAVE_Q, plan)[0] == "no-result"
