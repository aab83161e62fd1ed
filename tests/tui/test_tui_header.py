"""The interview header at 80x24: the role stays in view, the status line belongs to the question shown,
and the soft timer's target is the question's own from the first frame."""

from __future__ import annotations

import re

from coach.tui.widgets.soft_timer import SoftTimer
from tests.helpers.tui import make_app, screen_text, settle, type_answer

SIZE = (80, 24)
FLAGS = {"questions": 3, "round": "competency", "role": "software-engineer", "timed": True}


def line(app, selector: str) -> str:
    """The first row of one widget as drawn."""
    return "".join(seg.text for seg in app.screen.query_one(selector).render_line(0)).rstrip()


async def test_the_role_stays_in_view_when_the_timer_warns() -> None:
    app, clock = make_app(start="practice", flags=FLAGS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert line(app, "#position").endswith("software-engineer")
        clock.advance(60 * 12)
        app.screen.query_one("#timer", SoftTimer).tick()
        await settle(pilot)
        assert line(app, "#timer").strip() == "12:00 wrap up"
        assert app.screen.query_one("#timer").has_class("-over")
        assert line(app, "#position").endswith("software-engineer")
        assert "software-engineer" in screen_text(app)


async def test_the_saved_line_does_not_carry_over_to_the_next_question() -> None:
    app, clock = make_app(start="practice", flags=FLAGS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first_id = app.screen.current.question_id
        await type_answer(pilot, clock, "I fixed the build")
        await pilot.pause(1.2)  # the autosave fires: the status says so for this question
        assert re.search(r"Saved \d\d:\d\d:\d\d · \d+ words", screen_text(app))
        await pilot.press("ctrl+s")
        await settle(pilot)
        # the next question (or this one's follow-up) is up, empty
        assert app.screen.current.question_id != first_id and not app.screen.current.text
        shown = screen_text(app)
        assert "Saved" not in shown and "words" not in shown
        assert "Autosaves as you type." in shown


async def test_the_timer_shows_the_questions_own_target_from_the_first_frame() -> None:
    app, clock = make_app(start="practice", flags=FLAGS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        timer = screen.query_one("#timer", SoftTimer)
        first = line(app, "#timer").strip()
        clock.advance(1.0)
        timer.tick()
        await settle(pilot)
        after = line(app, "#timer").strip()
        assert first.split("/ ")[1] == after.split("/ ")[1], (first, after)
        assert first.startswith("0:00") and after.startswith("0:01")
        q = screen.questions.get(screen.current.question_id)
        assert first == f"0:00 / ~{q.suggested_seconds // 60}:{q.suggested_seconds % 60:02d}"


async def test_a_follow_up_is_headed_as_its_questions_not_a_number_of_its_own() -> None:
    from coach.domain.models import Answer

    app, _ = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        q1, q2 = list(app.ctx.banks.questions().values())[:2]
        answers = [
            Answer(question_id=q1.id, question=q1.text, type="behavioral", text="I did it.", status="submitted"),
            Answer(question_id=q1.id + "-followup", question="And how did it turn out?", type="behavioral",
                   follow_up_of=q1.id),
            Answer(question_id=q2.id, question=q2.text, type="behavioral"),
        ]
        session = app.ctx.store.create("second", "general", answers=answers)
        app.open_interview(app.ctx, session)
        await settle(pilot)
        assert line(app, "#position") == "Follow-up to question 1 · Competency round · general"
        await pilot.press("F", "i", "n", "e", "ctrl+s")
        await settle(pilot)
        assert line(app, "#position") == "Question 2 of 2 · Competency round · general"
