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


Q_FEEDBACK = ("Your manager gave you feedback you believe is wrong, and it could cost you your bonus. "
              "What would you do?")
DEADLINE_Q = ("Your project is due in two weeks, and your boss sometimes hands you urgent extra work. "
              "How would you handle this project and why?")


def test_what_might_happen_is_not_a_hedge() -> None:
    # "Extra work might land" weighs the scenario's chances; the plan itself is firm.
    plan = ("I would split the project into daily pieces and start on the first one today, because extra work "
            "might land on my desk at any moment. I would finish the draft by the end of the first week. Urgent "
            "requests might still come, so the second week stays free for them and for a final review.")
    assert _kinds(DEADLINE_Q, plan)[0] == "no-example"


def test_two_hedges_on_the_position_lead_in_a_long_plan() -> None:
    # "Probably… perhaps" on the decision itself leaves it open, however many words surround it.
    plan = ("I would probably ask my manager for a short meeting this week to go through the feedback point by "
            "point. I would bring the emails and the notes from the project that show what I actually did, and I "
            "would ask what they expected instead. Perhaps I would also ask a colleague who saw the work to add "
            "their view, because a second voice makes the facts harder to dismiss before the bonus is decided.")
    assert _kinds(Q_FEEDBACK, plan)[0] == "hedging"


def test_a_plan_that_says_the_same_thing_again_is_hard_to_follow() -> None:
    plan = ("I would start the report on the first day so that I finish it early. I would book two hours every "
            "morning for the report and tell my boss when each part is ready, because extra requests arrive "
            "without warning. I would make sure I start the report early and finish it early.")
    assert _kinds(DEADLINE_Q, plan)[0] == "structure"


def test_one_long_sentence_carrying_most_of_a_longer_plan_is_hard_to_follow() -> None:
    plan = ("I would ask my manager for a meeting. I would bring my notes. I would be calm. I would explain what "
            "happened, and I would show the emails that prove the work was done on time and that the client was "
            "happy with it, and I would ask what I could have done differently and what they would need to see "
            "from me before the review so that the bonus is judged on the facts and not on one bad week. "
            "Then I would follow up in writing.")
    assert _kinds(Q_FEEDBACK, plan)[0] == "structure"


def test_a_plan_just_over_the_floor_gets_a_note_that_it_is_brief_but_never_a_length_lead() -> None:
    from coach.engine import AnswerItem, ReviewRequest
    from coach.engine.offline import analyze

    question = ("Your team lead moves your launch date up by a week, and a colleague says the new date is impossible. "
                "What would you do and why?")
    answer = ("I would sit down with my lead the same day and ask which parts of the launch matter most for the new "
              "date. Then I would agree with my colleague which of those we can finish in time, because a smaller "
              "launch that works is better for the customers than a full one that slips again.")
    pointers = analyze(ReviewRequest(items=(AnswerItem("q", question, answer),))).pointers
    kinds = [p.kind for p in pointers]
    assert kinds[0] != "too-short" and "too-short" in kinds
    assert "brief" in pointers[kinds.index("too-short")].tip
