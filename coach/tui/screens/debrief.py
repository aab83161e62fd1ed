"""The debrief: one or two pointers, each shown inside the answer it is about.

The headline stays short on purpose (design principle 1): at most two ranked
pointers and one strength. Per-answer notes are one key away. Every feedback
says who made it; a re-run with another backend is *appended* to the session
(never replacing the earlier one) and streams into view while it works, in a
worker that Esc cancels, so the screen never freezes.

Pointer cards can be selected (Tab); `t` tries the selected pointer's
question again (`coach.tui.screens.retry`) and `s` shows what that answer
could sound like (`coach.tui.screens.stronger`), from the headline or from
the per-answer notes. With one pointer, that one is meant.
"""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from coach.domain.models import ROUND_TITLES, Answer, Feedback, Pointer, Session
from coach.domain.numbering import answer_label, questions_answered
from coach.real import RealInterviewError
from coach.services.provenance import OFFLINE_LABEL, made_by, who
from coach.services.review import ReviewService, answer_notes
from coach.services.setup import backend_needs
from coach.tui.messages import ReviewFinished, ReviewProgress, SessionLoaded
from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.plain import note, plain
from coach.tui.widgets.pointers import PointerCard, StrengthCard, answer_for, pointer_text

if TYPE_CHECKING:
    from coach.engine import Progress
    from coach.tui.context import AppContext

STREAM_TAIL_CHARS = 400


def header_line(session: Session) -> Content:
    title = ROUND_TITLES.get(session.round, session.round)
    when = session.created_at.astimezone().strftime("%d %b %Y %H:%M")
    answered, total = questions_answered(session)
    return plain(f"Debrief · {title} · {session.role} · {when} · {answered} of {total} answered")


class BackendPicker(WorkerErrorsToApp, ModalScreen[str | None]):
    """Choose a backend for a re-run (names come from the registry, nothing imported).

    A backend that cannot run here is listed, disabled, with what to set.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, ctx: AppContext, current: str) -> None:
        super().__init__()
        self.ctx = ctx
        self.current = current

    def compose(self) -> ComposeResult:
        from coach.engine import available_backends

        options = []
        for name in sorted(available_backends()):
            needs = backend_needs(name, self.ctx.settings, os.environ)
            label = name + ("  (in use)" if name == self.current else "") + (f": {needs}" if needs else "")
            options.append(Option(plain(label), id=name, disabled=needs is not None))
        with Vertical(id="picker-box"):
            yield Static("Re-run the debrief with:", classes="title")
            yield OptionList(*options, id="backends")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    @on(OptionList.OptionSelected, "#backends")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


def takes_line(answer: Answer) -> str | None:
    """ "Tried again: 2 takes · take 2: 1 resolved, 0 still there, 0 new", or None before any retry."""
    if not answer.attempts:
        return None
    line = f"Tried again: {len(answer.takes)} takes"
    latest = next((a for a in reversed(answer.attempts) if a.verdict is not None), None)
    if latest is not None and latest.verdict is not None:
        v = latest.verdict
        line += (f" · take {latest.number}: {len(v.kinds('resolved'))} resolved,"
                 f" {len(v.kinds('remaining'))} still there, {len(v.kinds('new'))} new")
    elif answer.attempts[-1].status != "submitted":
        line += f" · take {answer.attempts[-1].number} not submitted yet (t continues it)"
    return line


class PickablePointer(PointerCard):
    """A pointer card that can be selected (focused), so t and s know which answer they are for."""

    can_focus = True

    def __init__(self, index: int | None, pointer: Pointer, answer: Answer | None, *,
                 show_question: bool = True, **kw: object) -> None:
        super().__init__(index, pointer, answer, show_question=show_question, **kw)
        self.answer = answer
        extra = takes_line(answer) if answer is not None else None
        if extra:
            text = pointer_text(index, pointer, answer, show_question=show_question)
            text.append("\n" + extra, style="italic")
            self.update(text)


PICK_HINT = "Tab picks a pointer · t tries that question again · s shows what it could sound like"


class DebriefScreen(WorkerErrorsToApp, Screen[None]):
    CSS_PATH = "debrief.tcss"
    BINDINGS = [
        Binding("t", "retry", "Try again", id="debrief.retry"),
        Binding("s", "stronger", "Stronger", id="debrief.stronger"),
        Binding("n", "toggle_notes", "Notes", id="debrief.notes"),
        Binding("b", "rerun", "Re-run", id="debrief.rerun"),
        Binding("e", "app.export", "Export", id="debrief.export"),
        Binding("escape", "back", "Back", id="debrief.back"),
    ]

    def __init__(self, ctx: AppContext, session_id: str, *, run_backend: str | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id = session_id
        self.session: Session | None = None
        self.run_backend = run_backend
        self.streamed = ""
        self._review: Worker[None] | None = None
        #: Which pointer card of the headline t and s act on when none has focus (kept across a retry).
        self._picked_index = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="debrief"):
            yield Static("Debrief", id="header")
            yield Static("", id="provenance")
            yield Static("", id="progress")
            with ContentSwitcher(initial="pointers", id="views"):
                yield VerticalScroll(id="pointers")
                yield VerticalScroll(id="notes")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        self.query_one("#progress").display = False
        self._load()

    @work(thread=True, exclusive=True, group="debrief-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(SessionLoaded(self.ctx.store.load(self.session_id)))

    def on_session_loaded(self, message: SessionLoaded) -> None:
        session = self.session = message.session
        self.query_one("#header", Static).update(header_line(session))
        latest = session.latest_feedback
        if latest is not None and self.run_backend is None:
            self.show_feedback(latest)
        else:
            self.start_review(self.run_backend or self.ctx.settings.backend)

    # ------------------------------------------------------------ showing

    def show_feedback(self, feedback: Feedback) -> None:
        assert self.session is not None
        session = self.session
        line = made_by(feedback)
        if len(session.feedback) > 1:
            line += f" · {len(session.feedback)} debriefs kept for this session"
        if feedback.notice:
            line += f"\nNote: {feedback.notice}"
        self.query_one("#provenance", Static).update(plain(line, multiline=True))
        pointers = self.query_one("#pointers", VerticalScroll)
        pointers.remove_children()
        cards: list[Static] = [
            PickablePointer(i, p, answer_for(session, p.question_id), classes="pointer")
            for i, p in enumerate(feedback.pointers, 1)
        ]
        if feedback.strength is not None:
            s = feedback.strength
            cards.append(StrengthCard(s, answer_for(session, s.question_id), classes="strength"))
        cards.append(Static(PICK_HINT, classes="pick-hint"))
        pointers.mount_all(cards)
        self._fill_notes(feedback)
        if self.query_one("#views", ContentSwitcher).current == "pointers":
            self.call_after_refresh(self._select, self._picked_index)

    def _fill_notes(self, feedback: Feedback) -> None:
        assert self.session is not None
        notes = self.query_one("#notes", VerticalScroll)
        notes.remove_children()
        items: list[Static] = [Static("Per-answer notes (n to go back)", classes="notes-title")]
        notes_by_answer, borrowed = answer_notes(self.session, feedback)
        if borrowed:
            items.append(Static(
                plain(f"Per-answer notes by {OFFLINE_LABEL} (the {who(feedback.backend, feedback.model)} debrief has none)"),
                classes="notes-provenance",
            ))
        by_question = {n.question_id: n.pointers for n in notes_by_answer}
        for i, answer in enumerate(self.session.answers):
            label = answer_label(self.session, i)
            items.append(Static(plain(f"{label}: {answer.question}", multiline=True), classes="note-question"))
            if answer.status == "skipped":
                items.append(Static("(skipped)", classes="note-empty"))
            pointers = by_question.get(answer.question_id, [])
            if not pointers and answer.status != "skipped":
                items.append(Static("Nothing to change here.", classes="note-empty"))
            items.extend(PickablePointer(None, p, answer, show_question=False, classes="pointer") for p in pointers)
        notes.mount_all(items)

    # ------------------------------------------------------------ review

    @work(exclusive=True, group="review", exit_on_error=False)
    async def run_review(self, backend_name: str) -> None:
        ctx = self.ctx
        assert self.session is not None
        session = self.session
        progress = self.query_one("#progress", Static)
        progress.display = True
        self.streamed = ""
        progress.update(plain(f"Asking {ctx.backend_label(backend_name)}… (Esc cancels)"))
        try:
            try:
                # A real interview gets the stage-aware debrief (fit first after
                # a CV/phone rejection); a practice round the backend's review.
                async with ReviewService(ctx.settings, backend_name) as service:
                    feedback = await service.review_round(session, self._progress)
            except RealInterviewError as exc:
                self.notify(note(str(exc)), title="Nothing to debrief", severity="warning", timeout=10,
                            markup=False)
                if session.latest_feedback is None:
                    self.query_one("#provenance", Static).update(plain(f"Nothing to debrief yet: {exc}", multiline=True))
                return
            updated = await asyncio.to_thread(ctx.store.add_feedback, session.id, feedback)
        finally:
            progress.display = False
        self.post_message(ReviewFinished(feedback, updated))

    def _progress(self, update: Progress) -> None:
        self.post_message(ReviewProgress(update))

    def on_review_progress(self, message: ReviewProgress) -> None:
        p = message.progress
        if p.text:
            self.streamed = p.text if len(p.text) >= len(self.streamed) else self.streamed + p.text
        tail = self.streamed[-STREAM_TAIL_CHARS:]
        detail = f" · {p.chars:,} chars" if p.chars else ""
        self.query_one("#progress", Static).update(plain(f"{p.stage}{detail} (Esc cancels)\n{tail}".rstrip(), multiline=True))

    def on_review_finished(self, message: ReviewFinished) -> None:
        self.session = message.session
        self.query_one("#header", Static).update(header_line(message.session))
        self.show_feedback(message.feedback)

    # ------------------------------------------------------------ actions

    def _reviewing(self) -> bool:
        return self._review is not None and self._review.is_running

    def start_review(self, backend_name: str) -> None:
        self._review = self.run_review(backend_name)

    def action_back(self) -> None:
        if self._reviewing():
            assert self._review is not None
            self._review.cancel()
            self.query_one("#progress").display = False
            self.notify("Cancelled; nothing was added to the session.")
            if self.session is not None and self.session.latest_feedback is not None:
                self.show_feedback(self.session.latest_feedback)
            return
        self.dismiss(None)

    def action_toggle_notes(self) -> None:
        views = self.query_one("#views", ContentSwitcher)
        views.current = "notes" if views.current == "pointers" else "pointers"
        self._select(self._picked_index if views.current == "pointers" else 0)

    # ------------------------------------------------------------ retry and example

    def _cards(self) -> list[PickablePointer]:
        """The pointer cards of the view on screen (headline or per-answer notes)."""
        current = self.query_one("#views", ContentSwitcher).current or "pointers"
        return list(self.query_one(f"#{current}").query(PickablePointer))

    def _select(self, index: int) -> None:
        cards = self._cards()
        if cards:
            cards[min(index, len(cards) - 1)].focus()

    def _selected_card(self) -> PickablePointer | None:
        """The focused pointer card, else the first one shown (with one pointer, that one)."""
        cards = self._cards()
        focused = self.focused
        if isinstance(focused, PickablePointer) and focused in cards:
            return focused
        return cards[0] if cards else None

    def _picked_answer(self, doing: str) -> tuple[PickablePointer, Answer] | None:
        if self.session is None or self._reviewing():
            return None
        card = self._selected_card()
        if card is None:
            self.notify(f"No pointer to {doing}.", severity="warning")
            return None
        if card.answer is None:
            self.notify(f"That pointer is about the round as a whole; pick one about an answer to {doing}.",
                        severity="warning")
            return None
        cards = self._cards()
        if self.query_one("#views", ContentSwitcher).current == "pointers":
            self._picked_index = cards.index(card)
        return card, card.answer

    def action_retry(self) -> None:
        picked = self._picked_answer("try again")
        if picked is not None:
            self._open_retry(picked[0].pointer, picked[1].question_id)

    @work(exclusive=True, group="debrief-retry", exit_on_error=False)
    async def _open_retry(self, pointer: Pointer, question_id: str) -> None:
        """Hold the session for editing (as the interview does), then open the retry on a fresh copy."""
        from coach.store import LeaseHeld
        from coach.tui.screens.retry import prepare_retry

        assert self.session is not None
        try:
            screen = await prepare_retry(self.ctx, self.session.id, question_id, pointer)
        except LeaseHeld as held:
            where = held.holder.describe() if held.holder else "another process"
            self.notify(note(f"This session is open in another terminal ({where}); close it there first."),
                        title="Cannot try again here", severity="warning", markup=False, timeout=10)
            return
        self.app.push_screen(screen, self._after_retry)

    def _after_retry(self, session: Session | None) -> None:
        if session is not None:
            self._refresh(session)

    def _refresh(self, session: Session) -> None:
        self.session = session
        self.query_one("#header", Static).update(header_line(session))
        if session.latest_feedback is not None:
            self.show_feedback(session.latest_feedback)

    def action_stronger(self) -> None:
        from coach.tui.screens.stronger import StrongerScreen, last_answered

        picked = self._picked_answer("show an example for")
        if picked is None or self.session is None:
            return
        qid = picked[1].question_id
        screen = StrongerScreen(self.ctx, self.session, qid, last_answered(self.session, qid))
        self.app.push_screen(screen, self._after_stronger)

    def _after_stronger(self, session: Session | None) -> None:
        if session is not None:
            self._refresh(session)

    def action_rerun(self) -> None:
        if self.session is None or self._reviewing():
            return
        self.app.push_screen(BackendPicker(self.ctx, self.ctx.settings.backend), self._picked)

    def _picked(self, name: str | None) -> None:
        if name:
            self.start_review(name)
