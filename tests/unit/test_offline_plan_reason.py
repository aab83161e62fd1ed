"""A situational plan that lists steps and never says why is told to give its reason."""

from __future__ import annotations

from coach.engine import AnswerItem, ReviewRequest
from coach.engine.offline import analyze

Q = ("Your manager gave you feedback you believe is wrong, and it could cost you your bonus. "
     "What would you do and why?")


def _kinds(answer: str) -> list[str]:
    item = AnswerItem(question_id="q1", question=Q, answer=answer)
    return [p.kind for p in analyze(ReviewRequest(items=(item,))).pointers]


def test_steps_without_a_reason_lead_with_no_result() -> None:
    steps = ("I would ask my manager for a private meeting on Monday morning. I would bring my notes from the "
             "project and go through each point of the feedback with them. Then I would ask them for an example "
             "of what they expected from me and write down what they say. After that I would send a short email "
             "with the points we covered.")
    assert _kinds(steps)[0] == "no-result"


def test_the_same_steps_with_their_reason_do_not() -> None:
    reasoned = ("I would ask my manager for a private meeting on Monday morning, because a calm talk works better "
                "than an email. I would bring my notes from the project and go through each point of the feedback "
                "with them. Then I would ask them for an example of what they expected from me, so that we agree "
                "on the facts before the bonus is decided.")
    assert "no-result" not in _kinds(reasoned)
