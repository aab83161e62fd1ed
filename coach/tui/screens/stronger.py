"""What it could sound like: one answer's take rebuilt from the candidate's own sentences.

The example is asked of the service (`ReviewService.stronger`: offline rules
reorder and trim the candidate's sentences; a backend's rewrite must pass the
trust gate's no-new-facts check) and saved on the answer, so export and
replay can show it too. One already saved for the same take is shown instead
of building another. It is labelled as an example built from their answer,
says who built it, and shows what is missing as visible ``[placeholders]``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from coach.domain.models import Session, Stronger
from coach.services.review import ReviewService
from coach.tui.drafts import why_not_saved
from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.plain import plain
from coach.tui.widgets.takes import EXAMPLE_LABEL, stronger_provenance, stronger_text

if TYPE_CHECKING:
    from coach.store import Store
    from coach.tui.context import AppContext


@dataclass
class ExampleReady(Message):
    """An example to show; ``session`` is the saved session holding it (None: not saved, ``problem`` says why)."""

    example: Stronger
    session: Session | None
    problem: str | None = None
    reused: bool = False


def last_answered(session: Session, question_id: str) -> int:
    """The number of the newest submitted take of the answer (1 when none is)."""
    answer = session.answer_for(question_id)
    if answer is None:
        raise KeyError(question_id)
    for number in range(len(answer.takes), 0, -1):
        if answer.take(number).answered:
            return number
    return 1


def save_example(store: Store, session_id: str, question_id: str, example: Stronger) -> Session:
    """Append ``example`` to the answer in the file on disk (what else changed there is kept)."""
    session = store.load(session_id)
    answer = session.answer_for(question_id)
    if answer is None:
        raise KeyError(question_id)
    answer.stronger.append(example)
    store.save(session)
    return session


class StrongerScreen(WorkerErrorsToApp, Screen["Session | None"]):
    """Show (building and saving it if needed) the example for take ``number`` of one answer."""

    CSS_PATH = "stronger.tcss"
    BINDINGS = [Binding("escape", "back", "Back to debrief", id="stronger.back")]

    def __init__(self, ctx: AppContext, session: Session, question_id: str, number: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        self.question_id = question_id
        self.number = number
        answer = session.answer_for(question_id)
        if answer is None:
            raise KeyError(question_id)
        self.answer = answer
        self.saved: Session | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="stronger"):
            yield Static("What it could sound like", id="title")
            yield Static(plain(self.answer.question, multiline=True), id="question")
            yield Static(plain(EXAMPLE_LABEL), id="label")
            yield Static("", id="provenance")
            with VerticalScroll(id="example-box"):
                yield Static("Building the example from your answer…", id="example")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        self.query_one("#example-box").focus()
        self._build()

    @work(exclusive=True, group="stronger", exit_on_error=False)
    async def _build(self) -> None:
        saved = self.answer.stronger_for(self.number)
        if saved is not None:
            self.post_message(ExampleReady(saved, None, reused=True))
            return
        s = self.session
        take = self.answer.take(self.number)
        async with ReviewService(self.ctx.settings) as service:
            example = await service.stronger(
                self.answer.question, take.text, type=self.answer.type, attempt=self.number,
                round=s.round, role=s.role, job=s.job,
            )
        try:
            session = await asyncio.to_thread(save_example, self.ctx.store, s.id, self.question_id, example)
        except Exception as exc:  # StoreError, OSError: shown, and said to be unsaved
            self.post_message(ExampleReady(example, None, problem=why_not_saved(exc)))
            return
        self.post_message(ExampleReady(example, session))

    def on_example_ready(self, message: ExampleReady) -> None:
        self.saved = message.session
        line = stronger_provenance(message.example)
        if message.reused:
            line += " · saved earlier"
        elif message.problem:
            line += f"\nNOT SAVED: {message.problem}; it is shown here only."
        else:
            line += " · saved with the session"
        self.query_one("#provenance", Static).update(plain(line, multiline=True))
        self.query_one("#example", Static).update(stronger_text(message.example))

    def action_back(self) -> None:
        self.dismiss(self.saved)
