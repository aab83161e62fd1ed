"""Try again: one question answered once more, with the pointer it is working on.

The retry is typed like any answer (the shared `AnswerEditor`, an edit log for
replay, autosaves through the session's `DraftKeeper`) and is stored in the
same session as a further `Attempt` of that answer, numbered after the takes
it already has. The previous take is hidden until asked for, so the retry is
a real one. On submit the service compares it with the take before it, per
pointer ("Resolved", "Still there", "New"), and the verdict is saved on the
attempt and shown with who decided it.

An attempt is added to the answer only once something is typed, so opening a
retry and leaving at once stores nothing; an attempt left unsubmitted is a
draft that the next `t` on that question continues. The opener holds the
session's lease; this screen lets it go when it closes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from coach.domain.models import Attempt, Pointer, RetryVerdict, Session, Take
from coach.domain.numbering import answer_label
from coach.domain.text import disarm
from coach.services.review import ReviewService
from coach.tui.drafts import DraftKeeper
from coach.tui.editlog import EditRecorder
from coach.tui.screens import WorkerErrorsToApp, coach_app, dismiss_safely
from coach.tui.screens.autosave import Autosaving, word_count
from coach.tui.widgets.answer_editor import AnswerEditor
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.plain import plain
from coach.tui.widgets.takes import verdict_provenance, verdict_text

if TYPE_CHECKING:
    from coach.tui.context import AppContext


@dataclass
class VerdictReady(Message):
    """The retry was compared with the take before it (and saved with the verdict)."""

    verdict: RetryVerdict


def open_take(session: Session, question_id: str) -> tuple[int, Attempt | None]:
    """(the number the retry will have, the unsubmitted attempt to continue if there is one)."""
    answer = session.answer_for(question_id)
    if answer is None:
        raise KeyError(question_id)
    if answer.attempts and answer.attempts[-1].status in ("pending", "draft"):
        return answer.attempts[-1].number, answer.attempts[-1]
    return len(answer.takes) + 1, None


async def prepare_retry(ctx: AppContext, session_id: str, question_id: str, pointer: Pointer) -> RetryScreen:
    """Hold the session for editing (as the interview does) and build the retry on a fresh copy.

    Raises `coach.store.LeaseHeld` when another terminal has the session
    open; the lease is let go again if the retry cannot be built. Any screen
    (debrief, history, replay) opens a retry this way.
    """
    store = ctx.store
    await asyncio.to_thread(store.lease, session_id)
    try:
        session = await asyncio.to_thread(store.load, session_id)
        return RetryScreen(ctx, session, question_id, pointer)
    except BaseException:
        store.release(session_id)
        raise


class RetryScreen(Autosaving, WorkerErrorsToApp, Screen["Session | None"]):
    """Answer ``question_id`` of ``session`` again, working on ``pointer``; dismissed with the session."""

    CSS_PATH = "retry.tcss"
    DEFAULT_CSS = "#status.-not-saved { color: $error; text-style: bold; }"
    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit", id="retry.submit"),
        Binding("ctrl+o", "toggle_previous", "Previous answer", id="retry.previous"),
        Binding("escape", "back", "Back to debrief", id="retry.back"),
    ]

    def __init__(self, ctx: AppContext, session: Session, question_id: str, pointer: Pointer) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.question_id = question_id
        self.pointer = pointer
        answer = session.answer_for(question_id)
        if answer is None:
            raise KeyError(question_id)
        self.answer = answer
        self.number, resumed = open_take(session, question_id)
        self.attempt = resumed or Attempt(number=self.number, pointer=pointer.kind)
        #: The take this one is compared with: the one just before it.
        self.previous: Take = answer.take(self.number - 1)
        self.recorder = EditRecorder(self.attempt.text)
        self.keeper: DraftKeeper | None = None
        self._save_timer: Timer | None = None
        self.shown_mono = 0.0
        self.base_ms = self.attempt.edits[-1].t_ms if self.attempt.edits else 0
        self.busy = False
        self.verdict: RetryVerdict | None = None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        index = self.session.answers.index(self.answer)
        with Vertical(id="retry"):
            yield Static(plain(f"Try again · {answer_label(self.session, index)} · take {self.number}"), id="topbar")
            yield Static(plain(self.answer.question, multiline=True), id="question")
            yield Static(plain(f"Working on: {self.pointer.title}\nTip: {self.pointer.tip}", multiline=True),
                         id="pointer")
            with VerticalScroll(id="previous"):
                yield Static(plain(f"Your take {self.number - 1}:\n{self.previous.text}", multiline=True),
                             id="previous-text")
            yield AnswerEditor(
                "", id="answer", soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                placeholder="Answer again. It is saved as you type; ctrl+o shows your previous answer.",
            )
            with VerticalScroll(id="verdict"):
                yield Static("", id="verdict-lines")
                yield Static("", id="verdict-provenance")
            yield Static("Autosaves as you type.", id="status")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        app = coach_app(self)
        self.keeper = DraftKeeper(self.ctx.store, self.session)
        app.keepers.add(self.keeper)
        self.query_one("#previous").display = False
        self.query_one("#verdict").display = False
        if self.attempt.shown_at is None:
            self.attempt.shown_at = app.clock.now()
        self.shown_mono = app.clock.monotonic()
        editor = self.query_one("#answer", TextArea)
        editor.cursor_blink = app.cursor_blink
        # A draft from a file may hold live controls: shown made visible, and recorded as an edit.
        editor.load_text(disarm(self.attempt.text))
        editor.move_cursor(editor.document.end)
        editor.focus()

    def on_unmount(self) -> None:
        self.let_keeper_go()
        self.ctx.store.release(self.session.id)

    # ------------------------------------------------------------ recording

    def t_ms(self) -> int:
        return self.base_ms + coach_app(self).clock.ms_since(self.shown_mono)

    def words_now(self) -> int:
        return word_count(self.attempt.text)

    def _observe(self, text: str) -> bool:
        """Record ``text`` as the take's latest state; True when it changed."""
        t = self.t_ms()
        edit = self.recorder.observe(text, t)
        if edit is None:
            return False
        attempt = self.attempt
        if attempt not in self.answer.attempts:
            self.answer.attempts.append(attempt)  # stored from its first change on
        attempt.edits.append(edit)
        attempt.text = self.recorder.text
        if attempt.think_ms is None:
            attempt.think_ms = t
        if attempt.status == "pending":
            attempt.status = "draft"
        return True

    @on(TextArea.Changed, "#answer")
    def _record(self, event: TextArea.Changed) -> None:
        if self.busy or self.verdict is not None:
            return
        if self._observe(event.text_area.text):
            self.arm_autosave()

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Once the verdict is shown, only going back is left (submit and the previous take go from the bar)."""
        if action in ("submit", "toggle_previous") and self.verdict is not None:
            return False
        return True

    def action_toggle_previous(self) -> None:
        box = self.query_one("#previous")
        box.display = not box.display

    def action_submit(self) -> None:
        if self.busy or self.verdict is not None:
            return
        editor = self.query_one("#answer", TextArea)
        if not editor.text.strip():
            self.notify("Type your new answer first, or Esc to go back.", severity="warning")
            return
        self._observe(editor.text)  # any change whose Changed event has not arrived yet
        self.attempt.status = "submitted"
        self.attempt.answer_ms = self.t_ms()
        assert self.keeper is not None
        self.keeper.touch()
        self.busy = True
        editor.read_only = True
        self._judge()

    @work(exclusive=True, group="retry-verdict", exit_on_error=False)
    async def _judge(self) -> None:
        """Save the take, ask for the verdict, save it on the attempt, then show it."""
        status = self.query_one("#status", Static)
        s = self.session
        await self._save_async()
        status.update("Comparing with your previous answer…")
        try:
            async with ReviewService(self.ctx.settings) as service:
                verdict = await service.retry_verdict(
                    self.answer.question, self.previous.text, self.attempt.text,
                    type=self.answer.type, round=s.round, role=s.role, job=s.job,
                )
        except Exception:
            status.update("Could not compare the takes; your new answer is saved.")
            raise
        finally:
            self.busy = False
        self.attempt.verdict = verdict
        assert self.keeper is not None
        self.keeper.touch()
        await self._save_async()
        self.post_message(VerdictReady(verdict))

    def on_verdict_ready(self, message: VerdictReady) -> None:
        self.verdict = message.verdict
        self.query_one("#answer").display = False
        self.query_one("#previous").display = False
        self.query_one("#verdict").display = True
        self.query_one("#verdict-lines", Static).update(verdict_text(message.verdict))
        self.query_one("#verdict-provenance", Static).update(
            plain(verdict_provenance(message.verdict), multiline=True)
        )
        self.query_one("#verdict").focus()
        self.refresh_bindings()

    def action_back(self) -> None:
        self._leave()

    @work(exclusive=True, group="retry-leave", exit_on_error=False)
    async def _leave(self) -> None:
        assert self.keeper is not None
        if self.keeper.dirty and await self._saved_or_let_go("Leave") == "stay":
            return
        dismiss_safely(self, self.session)
