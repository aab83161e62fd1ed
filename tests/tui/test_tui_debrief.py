"""Debrief actions: re-run with another backend (appended, never replaced), export, navigation."""

from __future__ import annotations

from textual.widgets import OptionList

from coach.domain.models import Answer
from coach.tui.screens.debrief import BackendPicker, DebriefScreen
from coach.tui.screens.home import HomeScreen
from tests.helpers.tui import make_app, screen_text, settle

ANSWER = (
    "We usually just talk it through as a team and it kind of works out fine in the end."
)


def finished(app) -> str:
    q = next(iter(app.ctx.banks.questions().values()))
    session = app.ctx.store.create(
        "second", "general",
        answers=[Answer(question_id=q.id, question=q.text, text=ANSWER, status="submitted")],
    )
    session.status = "complete"
    app.ctx.store.save(session)
    return session.id


async def test_rerun_appends_feedback_and_export_writes_markdown(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        sid = finished(app)
        app.open_debrief(sid)
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert len(app.ctx.store.load(sid).feedback) == 1
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BackendPicker)
        options = app.screen.query_one(OptionList)
        names = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert "offline" in names and "openai" in names
        options.highlighted = names.index("offline")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert len(app.ctx.store.load(sid).feedback) == 2
        assert "2 debriefs kept" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        export = isolated_env["data"] / "exports" / f"{sid}.md"
        assert export.is_file() and ANSWER[:20] in export.read_text()
        assert (export.stat().st_mode & 0o777) == 0o600
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_home_keys_open_history_and_settings() -> None:
    app, _ = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_practice_start_opens_straight_into_a_round() -> None:
    app, _ = make_app(start="practice", flags={"questions": 2, "round": "final", "timed": True})
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = screen_text(app)
        assert "Question 1 of 2" in shown and "Final round" in shown
        assert "/ ~" in shown  # the soft timer is on


STRONG = (
    "Last spring at the warehouse, orders were picked from a paper list sorted by order number, so pickers walked"
    " back and forth. I re-sorted it by aisle in a spreadsheet and trained the two other pickers on my shift. Within"
    " a month our average pick time fell from 14 minutes to 9, and my supervisor rolled the sheet out to the other"
    " two shifts."
)


def two_answer_session(app) -> str:
    q1, q2 = list(app.ctx.banks.questions().values())[:2]
    session = app.ctx.store.create(
        "second", "general",
        answers=[Answer(question_id=q1.id, question=q1.text, type="behavioral", text=ANSWER, status="submitted"),
                 Answer(question_id=q2.id, question=q2.text, type="behavioral", text=STRONG, status="submitted")],
    )
    session.status = "complete"
    app.ctx.store.save(session)
    return session.id


async def notes_shown(app, pilot, sid: str) -> str:
    app.open_debrief(sid)
    await settle(pilot)
    assert isinstance(app.screen, DebriefScreen)
    await pilot.press("n")
    await settle(pilot)
    return screen_text(app)


async def test_llm_feedback_without_notes_shows_the_offline_notes_labelled_as_such() -> None:
    from coach.engine import ReviewRequest
    from coach.engine.offline import analyze
    from coach.domain.models import Feedback, Pointer

    app, _ = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        sid = two_answer_session(app)
        session = app.ctx.store.load(sid)
        first = session.answers[0]
        llm = Feedback(backend="openai", model="m", notes=[], pointers=[
            Pointer(kind="no-example", title="Tell one real story", evidence="talk it through as a team",
                    question_id=first.question_id, tip="Pick one time it happened and walk through it."),
        ])
        app.ctx.store.add_feedback(sid, llm)
        offline = analyze(ReviewRequest.from_session(session))
        weak_notes = next(n.pointers for n in offline.notes if n.question_id == first.question_id)
        assert weak_notes  # the premise: the offline rules have something to say about the weak answer

        shown = await notes_shown(app, pilot, sid)
        assert "Per-answer notes by offline rules" in shown
        assert "openai · m" in shown  # whose debrief had none, said plainly
        assert weak_notes[0].title in shown
        # Under the weak answer: the offline notes, not "nothing to change".
        weak_at = shown.index(first.question[:40])
        assert "Nothing to change here." not in shown[weak_at:shown.index(weak_notes[0].title)]


async def test_offline_feedback_notes_are_shown_as_they_are() -> None:
    app, _ = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        sid = two_answer_session(app)
        shown = await notes_shown(app, pilot, sid)  # the debrief runs the offline rules
        assert app.ctx.store.load(sid).latest_feedback.backend == "offline"
        assert "Per-answer notes (n to go back)" in shown
        assert "Per-answer notes by offline rules" not in shown


def _picker_rows(app) -> dict[str, tuple[str, bool]]:
    options = app.screen.query_one(OptionList)
    rows = [options.get_option_at_index(i) for i in range(options.option_count)]
    return {o.id: (str(o.prompt), o.disabled) for o in rows}


async def _open_picker(app, pilot) -> str:
    await settle(pilot)
    sid = finished(app)
    app.open_debrief(sid)
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    assert isinstance(app.screen, BackendPicker)
    return sid


async def test_rerun_with_openai_without_a_key_or_base_url_says_what_to_set(isolated_env, monkeypatch) -> None:
    for var in ("COACH_OPENAI_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        sid = await _open_picker(app, pilot)
        rows = _picker_rows(app)
        assert rows["offline"][1] is False
        assert rows["openai"][1] is True
        assert "set COACH_OPENAI_API_KEY (or OPENAI_API_KEY), or openai.base_url" in rows["openai"][0]
        assert "set COACH_OPENAI_API_KEY" in screen_text(app)
        options = app.screen.query_one(OptionList)
        options.highlighted = list(rows).index("openai")
        await pilot.press("enter")  # a disabled row cannot be chosen
        await settle(pilot)
        assert isinstance(app.screen, BackendPicker)
        assert len(app.ctx.store.load(sid).feedback) == 1


async def test_rerun_with_openai_is_offered_with_a_key_or_a_base_url(isolated_env, monkeypatch) -> None:
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "COACH_OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COACH_OPENAI_API_KEY", "sk-test-not-real")
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_picker(app, pilot)
        assert _picker_rows(app)["openai"] == ("openai", False)
    monkeypatch.delenv("COACH_OPENAI_API_KEY")
    monkeypatch.setenv("COACH_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open_picker(app, pilot)
        assert _picker_rows(app)["openai"] == ("openai", False)


async def test_notes_and_header_number_the_rounds_questions_and_follow_ups_belong_to_theirs() -> None:
    app, _ = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        q1, q2, q3 = list(app.ctx.banks.questions().values())[:3]

        def done(q, text=STRONG, follow=None, qid=None, question=None) -> Answer:
            return Answer(question_id=qid or q.id, question=question or q.text, type="behavioral", text=text,
                          status="submitted", follow_up_of=follow)

        answers = [done(q1), done(q2),
                   done(q2, ANSWER, follow=q2.id, qid=q2.id + "-followup", question="And how did it turn out?"),
                   done(q3)]
        session = app.ctx.store.create("second", "general", answers=answers)
        session.status = "complete"
        app.ctx.store.save(session)
        app.open_debrief(session.id)
        await settle(pilot)
        assert "3 of 3 answered" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        notes = app.screen.query(".note-question")
        labels = [str(n.render()).split(":")[0] for n in notes]
        assert labels == ["Question 1 of 3", "Question 2 of 3", "Follow-up to question 2", "Question 3 of 3"]
