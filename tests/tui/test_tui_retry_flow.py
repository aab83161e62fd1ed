"""A retry as a piece of typing: the session lease, a draft left and continued, the notes view, the keeper.

None of these submit, so none needs the comparison; they check that a retry
is held, saved and continued like any answer.
"""

from __future__ import annotations

import pytest

from coach.domain.models import Attempt, Edit, replay_edits
from coach.store import LeaseHeld, Store
from coach.tui.drafts import DraftKeeper, snapshot
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.retry import RetryScreen
from tests.helpers.tui import make_app, screen_text, settle, type_answer
from tests.tui.test_tui_retry import no_outcome_round


async def test_a_session_held_elsewhere_is_not_retried_here(isolated_env) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        other = Store(isolated_env["data"])
        other.load(sid)
        assert other.lease(sid) is not None
        try:
            app.open_debrief(sid)
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, DebriefScreen)
            assert "open in another terminal" in screen_text(app)
        finally:
            other.release(sid)


async def test_the_retry_holds_the_lease_and_a_left_draft_is_continued(isolated_env) -> None:
    app, clock = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        app.open_debrief(sid)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        other = Store(isolated_env["data"])
        other.load(sid)
        with pytest.raises(LeaseHeld):
            other.lease(sid)  # while typing, another terminal cannot take it
        await type_answer(pilot, clock, "Halfway", step_s=0.1)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        [draft] = app.ctx.store.load(sid).answers[0].attempts
        assert (draft.number, draft.status, draft.text) == (2, "draft", "Halfway")
        assert "take 2 not submitted yet" in screen_text(app)
        assert other.lease(sid) is not None  # let go on leaving
        other.release(sid)

        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen) and app.screen.number == 2
        await type_answer(pilot, clock, " there", step_s=0.1)
        await pilot.press("escape")
        await settle(pilot)
        [draft] = app.ctx.store.load(sid).answers[0].attempts
        assert draft.text == "Halfway there" and replay_edits(draft.edits) == draft.text
        times = [e.t_ms for e in draft.edits]
        assert times == sorted(times)  # the continued log stays in time order


async def test_t_on_a_per_answer_note_retries_that_answer() -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        app.open_debrief(sid)
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        assert app.screen.question_id == "improved-process"


def test_keeper_snapshots_and_counts_a_retry_being_typed(isolated_env) -> None:
    store = Store(isolated_env["data"])
    session = store.create("second", "general")
    from coach.domain.models import Answer

    session.answers.append(Answer(question_id="q", question="Q?", text="first take", status="submitted"))
    store.save(session)
    keeper = DraftKeeper(store, session)
    attempt = Attempt(number=2, text="new words here", edits=[Edit(t_ms=1, pos=0, text="new words here")])
    session.answers[0].attempts.append(attempt)
    keeper.touch()
    assert keeper.unsaved_words() == 3
    seq, snap = keeper.take()
    attempt.edits.append(Edit(t_ms=2, pos=14, text="!"))
    attempt.text += "!"
    assert snap.answers[0].attempts[0].text == "new words here"
    assert len(snap.answers[0].attempts[0].edits) == 1  # later keys do not reach the snapshot
    keeper.write(seq, snap)
    assert store.load(session.id).answers[0].attempts[0].text == "new words here"
    assert snapshot(session).answers[0].attempts[0] is not attempt


async def test_outside_text_in_a_retry_is_drawn_as_it_reads() -> None:
    from coach.domain.models import Answer, Feedback, Pointer

    app, _ = make_app()
    hostile = "We fixed it [@click=app.quit]quit[/] \x1b]52;c;aGk=\x07 somehow."
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        session = app.ctx.store.create("second", "general", answers=[
            Answer(question_id="q1", question="What [b]happened[/b]?", type="behavioral", text=hostile,
                   status="submitted")])
        session.status = "complete"
        session.feedback.append(Feedback(backend="offline", pointers=[Pointer(
            kind="no-result", title="Say how it [i]ended[/i]", question_id="q1", tip="Add \x1b[2Jthe ending.")]))
        app.ctx.store.save(session)
        app.open_debrief(session.id)
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        await pilot.press("ctrl+o")
        await pilot.pause()
        shown = screen_text(app)
        assert "What [b]happened[/b]?" in shown and "Say how it [i]ended[/i]" in shown
        assert "[@click=app.quit]quit[/]" in shown and "␛]52;c;aGk=␇" in shown and "␛[2J" in shown
        assert "\x1b" not in shown
