"""Try again from the debrief, and what an answer could sound like.

The loop issue 16 asks for, end to end at the terminal: an answer that never
says how it ended gets that pointer; `t` opens the question again with the
pointer and its tip; the retry is typed key by key and submitted; the verdict
on screen says the pointer is resolved and quotes the new words; the session
file holds both takes, each with its own edit log that replays to its text.
The comparisons and examples are the real service's (offline rules).
"""

from __future__ import annotations

import errno

import pytest

from coach.domain.models import Answer, replay_edits
from coach.services.review import ReviewService
from coach.store import StoreError
from coach.tui.screens.debrief import DebriefScreen, PickablePointer
from coach.tui.screens.retry import RetryScreen
from coach.tui.screens.stronger import StrongerScreen
from coach.tui.widgets.answer_editor import AnswerEditor
from tests.helpers.tui import make_app, screen_text, settle, type_answer


QUESTION = "Tell me about a time you improved a process. What happened?"
NO_OUTCOME = (
    "Last year at my previous job our nightly build took 40 minutes and the six developers on my team kept"
    " waiting on it before they could merge anything. Nobody owned the build, so I asked my manager if I could"
    " spend a week on it. I profiled the pipeline myself and found that the integration tests ran one after"
    " another on a single machine. I split them into four groups, set up three more build agents, and wrote a"
    " short guide so the others could add tests to the right group."
)
OUTCOME = " After that the build took 12 minutes instead of 40."


def no_outcome_round(app) -> str:
    session = app.ctx.store.create(
        "second", "general",
        answers=[Answer(question_id="improved-process", question=QUESTION, type="behavioral", text=NO_OUTCOME,
                        status="submitted", think_ms=3000, answer_ms=50000)],
    )
    session.status = "complete"
    app.ctx.store.save(session)
    return session.id


async def open_debrief(app, pilot, sid: str) -> DebriefScreen:
    app.open_debrief(sid)
    await settle(pilot)
    assert isinstance(app.screen, DebriefScreen)
    return app.screen


async def test_retry_with_an_outcome_is_resolved_quoted_saved_and_replayable() -> None:
    app, clock = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        debrief = await open_debrief(app, pilot, sid)
        [card] = debrief.query("#pointers PickablePointer")
        assert card.pointer.kind == "no-result"
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        shown = screen_text(app)
        assert QUESTION in shown and card.pointer.title in shown and "Tip:" in shown
        assert "integration tests ran one after" not in shown  # the previous answer starts hidden
        editor = app.screen.query_one(AnswerEditor)
        editor.load_text(NO_OUTCOME)  # keep the old story (one edit), then type the ending key by key
        editor.move_cursor(editor.document.end)
        await pilot.pause()
        await type_answer(pilot, clock, OUTCOME, step_s=0.1)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = screen_text(app)
        resolved_row = next(row for row in shown.splitlines() if "Resolved — " in row)
        assert "“After that the build took 12 minutes instead of 40.”" in resolved_row, shown
        assert "Compared by offline rules" in shown

        stored = app.ctx.store.load(sid)
        [answer] = stored.answers
        assert [t.text for t in answer.takes] == [NO_OUTCOME, NO_OUTCOME + OUTCOME]
        [attempt] = answer.attempts
        assert attempt.number == 2 and attempt.pointer == "no-result" and attempt.status == "submitted"
        assert attempt.verdict is not None and "no-result" in attempt.verdict.kinds("resolved")
        resolved = next(line for line in attempt.verdict.lines if line.kind == "no-result")
        assert resolved.evidence and resolved.evidence in attempt.text
        assert len(attempt.edits) > len(OUTCOME) // 2  # typed key by key: an edit log of its own
        assert replay_edits(attempt.edits) == attempt.text
        assert attempt.think_ms is not None and attempt.answer_ms is not None

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert "Tried again: 2 takes" in screen_text(app)


async def test_previous_answer_is_one_key_away_and_esc_goes_back_storing_nothing_untyped() -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        await open_debrief(app, pilot, sid)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, RetryScreen)
        assert "ran one after" not in screen_text(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "ran one after" in screen_text(app) and "Your take 1" in screen_text(app)
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert "ran one after" not in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert app.ctx.store.load(sid).answers[0].attempts == []  # nothing typed, nothing stored


async def test_a_second_retry_is_take_three_compared_with_take_two() -> None:
    app, clock = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        await open_debrief(app, pilot, sid)
        for text in ("We fixed it.", "I split the tests myself."):
            await pilot.press("t")
            await settle(pilot)
            await type_answer(pilot, clock, text, step_s=0.1)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        answer = app.ctx.store.load(sid).answers[0]
        assert [a.number for a in answer.attempts] == [2, 3]
        assert [a.text for a in answer.attempts] == ["We fixed it.", "I split the tests myself."]
        assert all(a.verdict is not None for a in answer.attempts)


async def test_a_failed_save_says_so_on_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    app, clock = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        await open_debrief(app, pilot, sid)
        await pilot.press("t")
        await settle(pilot)
        store = app.ctx.store

        def full(session):
            raise StoreError(store.path_for(session.id), "could not save") from OSError(errno.ENOSPC, "No space left")

        monkeypatch.setattr(store, "save", full)
        await type_answer(pilot, clock, "It went from 40 to 12 minutes.", step_s=0.1)
        await pilot.pause(0.8)
        await settle(pilot)
        assert "NOT SAVED: disk full" in screen_text(app)
        assert isinstance(app.screen, RetryScreen)


async def test_stronger_is_labelled_with_placeholders_saved_and_reused(monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        sid = no_outcome_round(app)
        await open_debrief(app, pilot, sid)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, StrongerScreen)
        shown = screen_text(app)
        assert "What it could sound like" in shown
        assert "An example built from your answer" in shown and "[brackets] mark what to add" in shown
        assert "offline rules" in shown and "saved with the session" in shown
        [example] = app.ctx.store.load(sid).answers[0].stronger
        assert example.attempt == 1 and example.placeholders
        assert "[" in shown and example.placeholders[0].strip("[]")[:20] in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)

        async def must_not_build(*args, **kwargs):
            raise AssertionError("a saved example is shown, not rebuilt")

        monkeypatch.setattr(ReviewService, "stronger", must_not_build)
        await pilot.press("s")
        await settle(pilot)
        assert "saved earlier" in screen_text(app)
        assert len(app.ctx.store.load(sid).answers[0].stronger) == 1
