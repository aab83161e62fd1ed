"""Pilot tests of the main path: home → a round → debrief, and what lands on disk."""

from __future__ import annotations

from textual import events
from textual.widgets import Select, TextArea

from coach.engine import AnswerItem
from coach.engine.offline import choose_follow_up
from coach.domain.models import replay_edits
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.interview import InterviewScreen, PracticeFeedbackScreen
from coach.tui.widgets.pointers import PointerCard
from tests.helpers.tui import make_app, only_session, screen_text, settle, type_answer

ANSWERS = [
    "We usually just talk it through as a team and it kind of works out fine in the end.",
    "In my last job I noticed our release checklist was missing a rollback step, so I wrote one,"
    " tested it on staging with two colleagues, and the next failed deploy was undone in four minutes.",
    "I think maybe I would ask my manager what to do, I guess, and then basically follow that.",
]
#: A story with its situation and actions but no ending: what an interviewer probes.
NO_OUTCOME_STORY = (
    "At my last job our support queue had no triage, so urgent tickets sat behind routine ones. I sorted a month"
    " of tickets by type, proposed three priority levels to my manager, and trained the four agents on my shift"
    " to tag each new ticket as it came in."
)


async def answer(pilot, clock, text: str) -> None:
    """Type the start of an answer key by key, paste the rest, as people do."""
    await type_answer(pilot, clock, text[:12])
    clock.advance(2.0)
    pilot.app.post_message(events.Paste(text[12:]))  # as the terminal driver does
    await pilot.pause()


async def start_round(pilot, n: int) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    await pilot.press("c")  # the round form
    await settle(pilot)
    pilot.app.screen.query_one("#questions", Select).value = n
    await pilot.press("escape")  # back home, keeping the choice
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    assert f"{n} question" in screen_text(pilot.app)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, InterviewScreen)


async def test_round_of_three_to_debrief_and_disk() -> None:
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test(size=(100, 40)) as pilot:
        await start_round(pilot, 3)
        for i, text in enumerate(ANSWERS, 1):
            assert f"Question {i} of 3" in screen_text(app)
            clock.advance(3.0)  # reading the question
            await answer(pilot, clock, text)
            clock.advance(1.0)
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        await settle(pilot)
        cards = list(app.screen.query("#pointers PointerCard"))
        assert 1 <= len(cards) <= 2
        shown = screen_text(app)
        assert "Feedback by offline rules" in shown
        assert "Next time:" in shown

    session = only_session(app)
    assert session.status == "complete"
    assert [a.status for a in session.answers] == ["submitted"] * 3
    for a, text in zip(session.answers, ANSWERS):
        assert a.text == text
        assert replay_edits(a.edits) == a.text
        assert a.think_ms == 3250  # 3 s reading + the first key 0.25 s later
        assert a.answer_ms is not None and a.answer_ms > a.edits[-1].t_ms
        offsets = [e.t_ms for e in a.edits]
        assert offsets == sorted(offsets)
        assert a.shown_at is not None
    assert len(session.feedback) == 1
    fb = session.feedback[0]
    assert fb.backend == "offline" and 1 <= len(fb.pointers) <= 2
    # Every pointer's evidence really is in the answer it names.
    for p in fb.pointers:
        target = session.answer_for(p.question_id or "")
        assert target is not None and p.evidence in target.text


async def test_typing_reaches_disk_before_submit() -> None:
    app, clock = make_app()
    async with app.run_test() as pilot:
        await start_round(pilot, 2)
        await type_answer(pilot, clock, "draft words")
        await pilot.pause(0.8)  # the autosave timer fires within about a second
        await settle(pilot)
        on_disk = only_session(app).answers[0]
        assert on_disk.text == "draft words"
        assert on_disk.status == "draft"
        assert replay_edits(on_disk.edits) == "draft words"
        assert "Saved" in screen_text(app)


async def test_follow_up_is_asked_and_saved() -> None:
    """An answer with a gap (here: a story with no ending) is probed once; the follow-up is saved."""
    app, clock = make_app(flags={"follow_ups": True})
    async with app.run_test(size=(100, 40)) as pilot:
        await start_round(pilot, 1)
        screen = app.screen
        first = screen.session.answers[0]
        bank_q = app.ctx.banks.questions()[first.question_id]
        await answer(pilot, clock, NO_OUTCOME_STORY)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        shown = screen_text(app)
        assert "Follow-up to question 1 ·" in shown and "Follow-up:" in shown
        follow = app.screen.current
        assert follow is not None and follow.follow_up_of == first.question_id
        item = AnswerItem(first.question_id, first.question, NO_OUTCOME_STORY, type=first.type)
        expected = choose_follow_up(item, bank_q.follow_ups, "second", role=screen.session.role)
        assert expected is not None and follow.question == expected
        await answer(pilot, clock, "It cut our rollback time from an hour to four minutes.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
    session = only_session(app)
    assert len(session.answers) == 2
    fu = session.answers[1]
    assert fu.follow_up_of == first.question_id and fu.status == "submitted"
    assert replay_edits(fu.edits) == fu.text


async def test_at_most_one_follow_up_per_question() -> None:
    app, clock = make_app(flags={"follow_ups": True})
    async with app.run_test(size=(100, 40)) as pilot:
        await start_round(pilot, 2)
        for _ in range(6):
            if not isinstance(app.screen, InterviewScreen):
                break
            await answer(pilot, clock, ANSWERS[1])
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
    session = only_session(app)
    mains = [a for a in session.answers if a.follow_up_of is None]
    assert len(mains) == 2
    for m in mains:
        assert sum(1 for a in session.answers if a.follow_up_of == m.question_id) <= 1


async def test_practice_mode_shows_pointers_after_each_answer() -> None:
    app, clock = make_app(flags={"practice_mode": True, "follow_ups": False})
    async with app.run_test(size=(100, 40)) as pilot:
        await start_round(pilot, 2)
        await answer(pilot, clock, ANSWERS[0])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PracticeFeedbackScreen)
        shown = screen_text(app)
        assert "Pointers for this answer" in shown and "Feedback by offline rules" in shown
        assert 1 <= len(app.screen.query(PointerCard)) <= 2
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert "Question 2 of 2" in screen_text(app)
        assert app.screen.query_one("#answer", TextArea).text == ""


async def test_skip_records_a_skipped_answer() -> None:
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test(size=(100, 40)) as pilot:
        await start_round(pilot, 1)
        await pilot.press("ctrl+n")
        await settle(pilot)
        await pilot.press("y")  # the last question: ending the round is confirmed
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
    session = only_session(app)
    assert session.answers[0].status == "skipped"
    assert session.status == "complete"


async def test_empty_submit_is_refused_with_a_hint() -> None:
    app, clock = make_app()
    async with app.run_test(notifications=True) as pilot:
        await start_round(pilot, 1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        assert "Type an answer first, or skip with ctrl+n." in screen_text(app)


async def test_wide_characters_round_trip_and_keep_the_layout() -> None:
    text = "我负责了数据迁移项目，三周内完成 🚀 and the team 👩🏽‍💻 shipped it."
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test() as pilot:
        await start_round(pilot, 1)
        await type_answer(pilot, clock, text[:4])  # Pilot can press CJK letters, not every symbol
        pilot.app.post_message(events.Paste(text[4:]))
        await pilot.pause()
        shown = screen_text(app)
        assert "Question 1 of 1" in shown and "^s Submit" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
    a = only_session(app).answers[0]
    assert a.text == text and replay_edits(a.edits) == text


async def test_a_failing_practice_review_is_reported_and_the_round_goes_on(monkeypatch) -> None:
    from coach.engine.offline import OfflineBackend

    async def broken(self, request, progress=None):  # noqa: ANN001
        raise RuntimeError("backend exploded")

    monkeypatch.setattr(OfflineBackend, "review", broken)
    app, clock = make_app(flags={"practice_mode": True, "follow_ups": False})
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await start_round(pilot, 2)
        await answer(pilot, clock, ANSWERS[1])
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, InterviewScreen)
        shown = screen_text(app)
        assert "backend exploded" in shown and "Question 2 of 2" in shown
    assert only_session(app).answers[0].status == "submitted"


async def test_typed_format_characters_are_kept_in_the_answer() -> None:
    """U+200D (inside 👩‍💻) and U+200F are not "printable" to Python; TextArea alone drops them."""

    app, _ = make_app(start="practice", flags={"questions": 2})
    async with app.run_test() as pilot:
        await settle(pilot)
        editor = app.screen.query_one("#answer", TextArea)
        for ch in "I 👩\u200d💻 \u200fok":
            name = ch if ch.isprintable() else "format"
            editor.post_message(events.Key(key=name, character=ch))
            await pilot.pause()
        await settle(pilot)
        assert editor.text == "I 👩\u200d💻 \u200fok"
        assert editor.cursor_location == (0, len(editor.text))
