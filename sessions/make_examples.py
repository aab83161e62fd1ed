"""Regenerate the example sessions in this folder, deterministically.

    python sessions/make_examples.py

Each example is a complete round: questions from the shipped banks, answers
written for these examples, an edit log made by simulating someone typing them
(a seeded pace with pauses at sentence ends, and the odd typo fixed with
backspace), and the offline analyzer's feedback. Ids and clocks are fixed, so
running this twice writes the same bytes. Tests and replay demos load them.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout's coach, not an installed one

from coach.banks import load_banks  # noqa: E402
from coach.engine import ReviewRequest  # noqa: E402
from coach.engine.offline import analyze  # noqa: E402
from coach.domain.models import Answer, Edit, Session  # noqa: E402
from coach.store import session_to_toml  # noqa: E402

HERE = Path(__file__).resolve().parent
NEIGHBOUR_KEYS = "qwertyuiopasdfghjklzxcvbnm"


@dataclass(frozen=True)
class Example:
    id: str
    start: datetime
    round: str
    role: str
    answers: tuple[tuple[str, str], ...]  # (question id, answer text)
    seed: int
    job: str | None = None


def type_out(text: str, rng: random.Random, start_ms: int) -> tuple[list[Edit], int]:
    """Edits for typing ``text`` at a human pace; returns them and the end time."""
    edits: list[Edit] = []
    t = start_ms
    pos = 0
    for ch in text:
        t += int(rng.gauss(170, 45)) if ch != " " else int(rng.gauss(120, 30))
        if ch.isalpha() and rng.random() < 0.02:
            wrong = rng.choice(NEIGHBOUR_KEYS)
            edits.append(Edit(t_ms=max(t, 0), pos=pos, removed=0, text=wrong))
            t += int(rng.gauss(420, 80))
            edits.append(Edit(t_ms=t, pos=pos, removed=1, text=""))
            t += int(rng.gauss(150, 30))
        edits.append(Edit(t_ms=max(t, 0), pos=pos, removed=0, text=ch))
        pos += 1
        if ch in ".?!":
            t += int(rng.uniform(1500, 5200))
    return edits, t


def build(example: Example) -> Session:
    questions = load_banks().questions()
    rng = random.Random(example.seed)
    clock = example.start
    answers = []
    for qid, text in example.answers:
        question = questions[qid]
        think_ms = int(rng.uniform(3000, 14000))
        edits, end_ms = type_out(text, rng, think_ms)
        answer_ms = end_ms + int(rng.uniform(1500, 4000))
        answers.append(
            Answer(
                question_id=qid,
                question=question.text,
                type=question.type,
                text=text,
                status="submitted",
                shown_at=clock,
                think_ms=think_ms,
                answer_ms=answer_ms,
                edits=edits,
            )
        )
        clock += timedelta(milliseconds=answer_ms + 2000)
    session = Session(
        id=example.id,
        created_at=example.start,
        updated_at=clock,
        round=example.round,
        role=example.role,
        job=example.job,
        status="complete",
        answers=answers,
    )
    feedback = analyze(ReviewRequest.from_session(session))
    session.feedback.append(feedback.model_copy(update={"created_at": clock}))
    return session


EXAMPLES = (
    Example(
        id="20261102T190412000-example-second",
        start=datetime(2026, 11, 2, 19, 4, 12, tzinfo=timezone.utc),
        round="second",
        role="software-engineer",
        seed=11,
        answers=(
            (
                "gen.conflict-colleague",
                "Last year on the payments team I disagreed with our tech lead about shipping a"
                " retry change without a feature flag. I wrote a one-page note with the two"
                " failure modes I was worried about and asked for fifteen minutes in our"
                " planning meeting. We agreed on a flag and a staged rollout, and the second"
                " stage caught a double-charge bug that would have hit about 2% of checkouts.",
            ),
            (
                "swe.debug-prod-incident",
                "We had an outage once where the API was slow. The team looked at the logs and"
                " the database was the problem, so it was fixed and things went back to normal.",
            ),
            (
                "gen.failure",
                "I usually try to learn from my mistakes. When something goes wrong I reflect on"
                " it and I think about what I would do differently next time, so I guess I am"
                " kind of always improving.",
            ),
        ),
    ),
    Example(
        id="20261109T081530000-example-phone",
        start=datetime(2026, 11, 9, 8, 15, 30, tzinfo=timezone.utc),
        round="phone",
        role="data-analyst",
        seed=23,
        job=(
            "Data Analyst, Retail Insights. You will build dashboards in Looker, write SQL"
            " against our warehouse, run A/B test readouts for the e-commerce team and present"
            " findings to non-technical stakeholders."
        ),
        answers=(
            (
                "gen.walk-me-through-cv",
                "I studied economics, then spent two years at a logistics company where I moved"
                " from operations into reporting. Most of my week now is SQL and spreadsheets for"
                " the warehouse managers.",
            ),
            (
                "gen.why-this-role",
                "I'm looking for a new challenge and a company with a good culture where I can"
                " grow. Your company seems like a great place to work.",
            ),
            (
                "da.tools",
                "Mostly SQL and Excel, and I'm comfortable in SQL. At my current job I wrote the queries behind our weekly"
                " late-delivery report, about 40 lines with a few joins and a window function,"
                " and I cut its run time from twelve minutes to under one by filtering early.",
            ),
        ),
    ),
    Example(
        id="20261120T173000000-example-final",
        start=datetime(2026, 11, 20, 17, 30, 0, tzinfo=timezone.utc),
        round="final",
        role="customer-support",
        seed=37,
        answers=(
            (
                "cs.sit-policy-vs-customer",
                "I would listen first and let them finish, then say sorry for the trouble and"
                " explain what I can do. If it is outside policy I would ask my team lead.",
            ),
            (
                "gen.why-hire-you",
                "Because customers can trust what I tell them. At the bike shop where I worked weekends I told a"
                " customer his repair would cost more than a new wheel, which lost us the job"
                " that day, but he came back and bought his daughter's bike from us a month later.",
            ),
            (
                "gen.close-any-questions",
                "No, I think you covered everything, thanks.",
            ),
        ),
    ),
)


def main() -> int:
    for example in EXAMPLES:
        session = build(example)
        path = HERE / f"{session.id}.toml"
        path.write_text(session_to_toml(session), encoding="utf-8")
        print(f"wrote {path.name}: {len(session.answers)} answers,"
              f" {sum(len(a.edits) for a in session.answers)} edits,"
              f" first pointer: {session.feedback[-1].pointers[0].title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
