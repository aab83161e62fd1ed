"""The interview: one question at a time, a free-text answer, every edit kept.

What this screen records, and why:

* every change to the answer as a compact `Edit` (for replay), diffed from the
  TextArea's text on each `Changed` event (see `coach.tui.editlog`);
* think time (question shown → first change) and answer time (shown → submit);
* the draft on disk within about a second of any keystroke: the first change
  after a save arms a short timer and the save runs in a thread. A timer that
  is *not* reset by later keys bounds the loss even during nonstop typing.

After an answer: an optional practice-mode pointer (that answer only) and at
most one follow-up per question, which is saved as another `Answer` with
`follow_up_of` set. Like a real interviewer, it probes only where the answer
is thin: the backend's generated follow-up when it makes one, else the
offline engine's choice (`choose_follow_up`) among the bank's follow-ups for
the answer's biggest gap (or its own question for that gap); a complete
answer gets none. Both come from `coach.services.review.ReviewService`, which
owns the backend for the screen's life. Pausing keeps the session
"in-progress" so home offers to resume it; resuming continues the edit log
with offsets after its last edit.

A save that fails (disk full, read-only, the session taken over in another
terminal) turns the status line into "NOT SAVED: <why>" until a later save
works (retried every few seconds), and pausing or closing the round then asks
first (`coach.tui.screens.safety.UnsavedScreen`). A session open in another
terminal can be shown ``read_only``: nothing typed is kept, nothing is saved.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from coach.domain.models import ROUND_TITLES, Answer, Feedback, Question, Session
from coach.domain.numbering import answer_label
from coach.domain.text import disarm
from coach.engine import AnswerItem
from coach.services.provenance import made_by
from coach.services.review import ReviewService
from coach.tui.drafts import DraftKeeper
from coach.tui.editlog import EditRecorder
from coach.tui.screens import WorkerErrorsToApp, coach_app, dismiss_safely
from coach.tui.screens.autosave import (  # noqa: F401  (re-exported: older callers import them from here)
    AUTOSAVE_S,
    RETRY_SAVE_S,
    Autosaving,
    DraftNotSaved,
    local_hms,
    word_count,
)
from coach.tui.screens.safety import EndRoundScreen
from coach.tui.widgets.answer_editor import AnswerEditor
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.plain import note, plain
from coach.tui.widgets.pointers import PointerCard, StrengthCard
from coach.tui.widgets.soft_timer import SoftTimer

if TYPE_CHECKING:
    from coach.tui.context import AppContext

FOLLOW_UP_SUFFIX = ".follow-up"


@dataclass(frozen=True)
class InterviewOutcome:
    """How the interview screen ended: the round is finished, or paused for later."""

    session_id: str
    finished: bool


def next_open_index(session: Session) -> int | None:
    """The first answer still to do (pending or a draft), or None when all are done."""
    for i, a in enumerate(session.answers):
        if a.status in ("pending", "draft"):
            return i
    return None


class PracticeFeedbackScreen(WorkerErrorsToApp, ModalScreen[None]):
    """Practice mode: the pointer(s) for the answer just given, before moving on."""

    BINDINGS = [
        Binding("enter,escape", "close", "Continue", id="practice.continue"),
    ]

    def __init__(self, ctx: AppContext, feedback: Feedback, answer: Answer) -> None:
        super().__init__()
        self.ctx = ctx
        self.feedback = feedback
        self.answer = answer

    def compose(self) -> ComposeResult:
        fb = self.feedback
        with Vertical(id="practice-box"):
            yield Static("Pointers for this answer", classes="title")
            yield Static(plain(made_by(fb)), classes="provenance")
            if fb.notice:
                yield Static(plain(fb.notice, multiline=True), classes="notice")
            with VerticalScroll():
                for i, p in enumerate(fb.pointers, 1):
                    yield PointerCard(i, p, self.answer)
                if fb.strength:
                    yield StrengthCard(fb.strength, self.answer)
            yield Static("Enter to continue", classes="hint")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def action_close(self) -> None:
        self.dismiss(None)


class InterviewScreen(Autosaving, WorkerErrorsToApp, Screen[InterviewOutcome]):
    """Ask each question of ``session`` in turn and record the answers."""

    CSS_PATH = "interview.tcss"
    DEFAULT_CSS = "#status.-not-saved { color: $error; text-style: bold; }"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="interview.submit"),
        Binding("ctrl+n", "skip", "Skip", id="interview.skip"),
        Binding("escape", "pause", "Pause", id="interview.pause"),
    ]

    def __init__(
        self, ctx: AppContext, session: Session, questions: Mapping[str, Question], *, read_only: str | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        #: Why this session is only shown (e.g. "open in another terminal (…)"); None: editable.
        self.read_only = read_only
        self.questions = dict(questions)
        self.index: int | None = None
        self.recorder = EditRecorder()
        self.shown_mono = 0.0
        self.base_ms = 0
        self.busy = False
        self._save_timer: Timer | None = None
        #: Made when the first answer needs it, closed when the screen goes.
        self.reviews = ReviewService(ctx.settings)
        self._told_unavailable = False
        self.keeper: DraftKeeper | None = None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        app = coach_app(self)
        with Vertical(id="interview"):
            with Horizontal(id="topbar"):
                yield Static("", id="position")
                if self.session.timed:
                    yield SoftTimer(app.clock, None, id="timer")
            yield Static("", id="question")
            yield AnswerEditor(
                "",
                id="answer",
                soft_wrap=True,
                show_line_numbers=False,
                tab_behavior="focus",
                placeholder="Type your answer. It is saved as you type.",
            )
            status = f"READ-ONLY: {self.read_only}; nothing here is saved." if self.read_only else "Autosaves as you type."
            yield Static(status, id="status", classes="-not-saved" if self.read_only else "")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        app = coach_app(self)
        self.keeper = DraftKeeper(self.ctx.store, self.session, read_only=self.read_only is not None)
        if self.read_only is None:
            app.keepers.add(self.keeper)
        editor = self.query_one("#answer", TextArea)
        editor.cursor_blink = app.cursor_blink
        editor.read_only = self.read_only is not None
        index = next_open_index(self.session)
        if index is None:
            self._finish()
            return
        self._show(index)
        editor.focus()

    def on_unmount(self) -> None:
        app = coach_app(self)
        self.let_keeper_go()
        if self.read_only is None:
            self.ctx.store.release(self.session.id)
        app.call_later(self.reviews.aclose)

    # ------------------------------------------------------------ showing

    @property
    def current(self) -> Answer | None:
        return None if self.index is None else self.session.answers[self.index]

    def _show(self, index: int) -> None:
        app = coach_app(self)
        self.index = index
        answer = self.session.answers[index]
        if answer.shown_at is None:
            answer.shown_at = app.clock.now()
        # Offsets continue after the last recorded edit, so a resumed answer's
        # log stays in time order and replays as one continuous take.
        self.base_ms = max([answer.edits[-1].t_ms] if answer.edits else [0])
        self.shown_mono = app.clock.monotonic()
        round_title = ROUND_TITLES.get(self.session.round, self.session.round)
        self.query_one("#position", Static).update(
            plain(f"{answer_label(self.session, index)} · {round_title} · {self.session.role}")
        )
        prefix = "Follow-up: " if answer.follow_up_of else ""
        self.query_one("#question", Static).update(plain(prefix + answer.question, multiline=True))
        status = self.query_one("#status", Static)
        if self.read_only is None and not status.has_class("-not-saved"):
            status.update("Autosaves as you type.")  # the last question's "Saved … · N words" is not this one's
        editor = self.query_one("#answer", TextArea)
        self.recorder = EditRecorder(answer.text)
        # A draft from a file may hold live controls: the editor shows them made visible,
        # and that change is recorded as an edit like any other (see `_record`).
        editor.load_text(disarm(answer.text))
        editor.move_cursor(editor.document.end)
        if self.session.timed:
            q = self.questions.get(answer.follow_up_of or answer.question_id)
            self.query_one("#timer", SoftTimer).restart(
                q.suggested_seconds if q else None, already_s=self.base_ms // 1000
            )

    def t_ms(self) -> int:
        return self.base_ms + coach_app(self).clock.ms_since(self.shown_mono)

    # ------------------------------------------------------------ recording

    @on(TextArea.Changed, "#answer")
    def _record(self, event: TextArea.Changed) -> None:
        answer = self.current
        if answer is None or self.busy or self.read_only:
            return
        t = self.t_ms()
        edit = self.recorder.observe(event.text_area.text, t)
        if edit is None:
            return
        answer.edits.append(edit)
        answer.text = self.recorder.text
        if answer.think_ms is None:
            answer.think_ms = t
        if answer.status == "pending":
            answer.status = "draft"
        self.arm_autosave()

    def words_now(self) -> int:
        answer = self.current
        return word_count(answer.text) if answer else 0

    # ------------------------------------------------------------ actions

    def _say_read_only(self) -> bool:
        if self.read_only:
            self.notify(f"Read-only: {self.read_only}. Esc to leave.", severity="warning")
        return self.read_only is not None

    def action_submit(self) -> None:
        answer = self.current
        if answer is None or self.busy or self._say_read_only():
            return
        text = self.query_one("#answer", TextArea).text
        if not text.strip():
            self.notify("Type an answer first, or skip with ctrl+n.", severity="warning")
            return
        self._close_answer(answer, "submitted")

    def action_skip(self) -> None:
        answer = self.current
        if answer is None or self.busy or self._say_read_only():
            return
        if any(a.status in ("pending", "draft") for a in self.session.answers if a is not answer):
            self._close_answer(answer, "skipped")
            return

        def confirmed(end: bool | None) -> None:  # skipping the last question ends the round: asked first
            if end and self.current is answer and not self.busy:
                self._close_answer(answer, "skipped")

        self.app.push_screen(EndRoundScreen(self.ctx), confirmed)

    def _close_answer(self, answer: Answer, status: str) -> None:
        # Catch up with any change whose Changed event has not arrived yet.
        editor = self.query_one("#answer", TextArea)
        t = self.t_ms()
        edit = self.recorder.observe(editor.text, t)
        if edit is not None:
            answer.edits.append(edit)
            if answer.think_ms is None:
                answer.think_ms = t
        answer.text = self.recorder.text
        answer.status = status  # type: ignore[assignment]
        answer.answer_ms = t
        self.busy = True
        editor.read_only = True
        self._after_answer(answer)

    @work(exclusive=True, group="advance", exit_on_error=False)
    async def _after_answer(self, answer: Answer) -> None:
        """Save, then the optional practice pointer and follow-up, then move on.

        A failure in any step (a full disk, a plugin's bug) is reported by the
        app's worker-error handler, and the round still moves on: the answer
        is in memory and the next autosave retries the write. Only a cancel
        (pausing) stops it from advancing.
        """
        advance = True
        try:
            await self._save_async()
            if answer.status == "submitted":
                settings = self.ctx.settings
                if settings.practice_mode:
                    await self._practice_review(answer)
                if settings.follow_ups and self._wants_follow_up(answer):
                    await self._add_follow_up(answer)
        except asyncio.CancelledError:
            advance = False
            raise
        finally:
            self.busy = False
            self.query_one("#answer", TextArea).read_only = False
            if advance:
                self._advance()

    def _advance(self) -> None:
        nxt = next_open_index(self.session)
        if nxt is None:
            self._finish()
        else:
            self._show(nxt)

    def action_pause(self) -> None:
        self._pause()

    @work(exclusive=True, group="advance", exit_on_error=False)
    async def _pause(self) -> None:
        if self.read_only:
            dismiss_safely(self, InterviewOutcome(self.session.id, finished=False))
            return
        if await self._saved_or_let_go("Leave") == "stay":
            return
        self.notify("Paused. Resume it from the home screen.")
        dismiss_safely(self, InterviewOutcome(self.session.id, finished=False))

    def _finish(self) -> None:
        self.session.status = "complete"
        self._finish_save()

    @work(exclusive=True, group="finish", exit_on_error=False)
    async def _finish_save(self) -> None:
        if self.read_only:
            dismiss_safely(self, InterviewOutcome(self.session.id, finished=False))
            return
        outcome = await self._saved_or_let_go("Close the round")
        if outcome == "stay":
            self.session.status = "in-progress"  # staying: ctrl+s closes the round again
            return
        # Not saved: the debrief would read an older file, so go home instead.
        dismiss_safely(self, InterviewOutcome(self.session.id, finished=outcome == "saved"))

    # ------------------------------------------------------------ backend

    def _item_for(self, answer: Answer) -> AnswerItem:
        return AnswerItem(
            question_id=answer.question_id,
            question=answer.question,
            answer=answer.text,
            type=answer.type,
            follow_up_of=answer.follow_up_of,
        )

    def _tell_if_unavailable(self) -> None:
        """Say once that the configured backend could not be made (the offline rules stand in)."""
        problem = self.reviews.unavailable
        if problem and not self._told_unavailable:
            self._told_unavailable = True
            self.notify(note(problem), title="Backend unavailable", severity="warning", markup=False)

    async def _practice_review(self, answer: Answer) -> None:
        """Practice mode: review this one answer and show its pointer(s)."""
        self.query_one("#status", Static).update("Looking at that answer…")
        s = self.session
        feedback = await self.reviews.review_answer(self._item_for(answer), round=s.round, role=s.role, job=s.job)
        self._tell_if_unavailable()
        self.query_one("#status", Static).update("")
        await self.app.push_screen_wait(PracticeFeedbackScreen(self.ctx, feedback, answer))

    def _wants_follow_up(self, answer: Answer) -> bool:
        if answer.follow_up_of is not None or answer.type == "closing":
            return False
        follow_id = answer.question_id + FOLLOW_UP_SUFFIX
        return self.session.answer_for(follow_id) is None

    async def _add_follow_up(self, answer: Answer) -> None:
        """At most one probe: the backend's generated follow-up, else the bank's for the answer's biggest gap."""
        q = self.questions.get(answer.question_id)
        s = self.session
        chosen = await self.reviews.follow_up(
            self._item_for(answer), s.round, candidates=q.follow_ups if q else (), role=s.role, job=s.job,
            asked=[a.question for a in s.answers if a.follow_up_of],
        )
        self._tell_if_unavailable()
        if chosen.problem:
            self.notify(note(chosen.problem), severity="warning", markup=False)
        if not chosen.question or self.index is None:
            return
        follow = Answer(
            question_id=answer.question_id + FOLLOW_UP_SUFFIX,
            question=chosen.question,
            type=answer.type,
            follow_up_of=answer.question_id,
        )
        self.session.answers.insert(self.index + 1, follow)
        await self._save_async()
