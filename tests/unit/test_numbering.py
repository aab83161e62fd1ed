"""One numbering: a round's questions count among themselves; a follow-up belongs to its question."""

from __future__ import annotations

from coach.domain.models import Answer, Session
from coach.domain.numbering import answer_label, numbered, questions_answered


def round_with_follow_ups() -> Session:
    def a(qid: str, follow: str | None = None, status: str = "submitted") -> Answer:
        return Answer(question_id=qid, question=f"{qid}?", type="behavioral", text="I did it.",
                      status=status, follow_up_of=follow)

    answers = [a("q1"), a("q2"), a("q2-f", "q2"), a("q3", status="skipped"), a("q4"), a("q4-f", "q4")]
    return Session(id="s1", round="second", role="general", answers=answers)


def test_questions_are_counted_among_themselves_and_follow_ups_belong_to_theirs() -> None:
    s = round_with_follow_ups()
    labels = [answer_label(s, i) for i in range(len(s.answers))]
    assert labels == ["Question 1 of 4", "Question 2 of 4", "Follow-up to question 2",
                      "Question 3 of 4", "Question 4 of 4", "Follow-up to question 4"]


def test_answered_counts_questions_not_follow_ups() -> None:
    assert questions_answered(round_with_follow_ups()) == (3, 4)


def test_a_follow_up_whose_question_is_missing_counts_as_a_question() -> None:
    s = round_with_follow_ups()
    del s.answers[1]  # q2 gone, its follow-up stays
    assert numbered(s)[1] == (2, False)
    assert answer_label(s, 1) == "Question 2 of 4"
