"""One numbering for a round's answers, the same on every screen.

The round's questions are numbered among themselves ("Question 2 of 4"); a
follow-up is not a question of its own but belongs to the one it probes
("Follow-up to question 2"), as the export writes it. Counting every stored
answer instead gave "Q6" in a four-question round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.domain.models import Answer, Session


def numbered(session: Session) -> list[tuple[int, bool]]:
    """For each answer in order: (its question's number, whether it is a follow-up).

    A follow-up whose question is not in the round (a damaged file) is counted
    as a question, so every answer has a number.
    """
    seen: dict[str, int] = {}
    out: list[tuple[int, bool]] = []
    for answer in session.answers:
        parent = answer.follow_up_of
        if parent and parent in seen:
            out.append((seen[parent], True))
        else:
            number = sum(1 for _, follow in out if not follow) + 1
            seen.setdefault(answer.question_id, number)
            out.append((number, False))
    return out


def answer_label(session: Session, index: int) -> str:
    """ "Question 2 of 4" for answer ``index``, or "Follow-up to question 2" for a follow-up."""
    marks = numbered(session)
    number, follow = marks[index]
    if follow:
        return f"Follow-up to question {number}"
    return f"Question {number} of {sum(1 for _, f in marks if not f)}"


def questions_answered(session: Session) -> tuple[int, int]:
    """(questions answered, questions in the round): a follow-up adds to neither."""
    marks = numbered(session)
    mains = [a for a, (_, follow) in zip(session.answers, marks) if not follow]
    return sum(1 for a in mains if a.answered), len(mains)
