"""Debrief a real interview: a form for what happened, then the stage-aware pointers.

The candidate records the company, role, date, the stage they reached and the
outcome, pastes the job description, adds the questions they remember with
roughly what they said, and any feedback the employer gave. coach saves it as
a session of kind "real" (so it shows in history and replay) and debriefs it
with `coach.real`: fit for a CV/phone rejection, technique for later rounds.
From the result, "Ask for feedback" opens the request draft.

All the judgement lives in `coach.real`; this screen only collects, saves
(off the UI thread) and shows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, ContentSwitcher, Input, Label, Select, Static, TextArea

from coach.real import (
    OUTCOME_TITLES,
    STAGE_TITLES,
    RealInterviewError,
    Remembered,
    fit_report,
    leans_to_fit,
    real_title,
    stage_note,
)
from coach.services.jobs import JobError, resolve_job
from coach.services.provenance import made_by
from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.plain import note, plain

if TYPE_CHECKING:
    from coach.domain.models import Feedback, Session
    from coach.tui.context import AppContext

#: Rows shown when the form opens; the candidate adds more as they remember.
START_ROWS = 2


class QuestionRow(Vertical):
    """One remembered question and roughly what the candidate said."""

    def __init__(self, number: int) -> None:
        super().__init__(classes="question-row")
        self.number = number

    def compose(self) -> ComposeResult:
        with Horizontal(classes="question-line"):
            yield Input(placeholder="A question they asked", classes="question")
            # Not in the Tab order: Tab goes from the question to its answer, and a
            # space typed while the button had focus would press it and drop the
            # row. Keyboard users remove a row with ctrl+r; the mouse still clicks.
            remove = Button("Remove", classes="remove-row", compact=True)
            remove.can_focus = False
            yield remove
        yield TextArea(classes="answer", tab_behavior="focus")

    def on_mount(self) -> None:
        self.query_one(".answer", TextArea).border_title = "Roughly what you said"

    @property
    def remembered(self) -> Remembered:
        return Remembered(
            self.query_one(".question", Input).value, self.query_one(".answer", TextArea).text
        )


@dataclass
class DebriefReady(Message):
    """The real interview is saved and debriefed."""

    session: Session
    feedback: Feedback


class RealInterviewScreen(WorkerErrorsToApp, Screen[str | None]):
    """Record a real interview and show its stage-aware debrief. Dismisses with the session id."""

    CSS_PATH = "real_interview.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "submit", "Save & debrief", id="real.submit"),
        Binding("ctrl+n", "add_question", "Add question", id="real.add-question"),
        Binding("ctrl+r", "remove_question", "Remove question", id="real.remove-question"),
        Binding("f", "ask_feedback", "Ask for feedback", id="real.ask-feedback"),
        Binding("escape", "back", "Back", id="real.back"),
    ]

    def __init__(self, ctx: AppContext, *, today: date | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self._today = today or date.today()
        self._rows = 0
        self.session: Session | None = None
        self.feedback: Feedback | None = None

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with ContentSwitcher(initial="form", id="views"):
            with VerticalScroll(id="form"):
                yield Static("Debrief a real interview", classes="title")
                yield Static(
                    "Log an interview you really had, and coach gives you the one or two "
                    "pointers the employer didn't.",
                    classes="hint",
                )
                with Horizontal(classes="fields"):
                    yield Input(placeholder="Company", id="company")
                    yield Input(placeholder="Role, e.g. Data analyst", id="role")
                    yield Input(self._today.isoformat(), placeholder="Date", id="date")
                with Horizontal(classes="fields"):
                    yield Select(
                        [(title, key) for key, title in STAGE_TITLES.items()],
                        prompt="Stage you reached",
                        id="stage",
                    )
                    yield Select(
                        [(title, key) for key, title in OUTCOME_TITLES.items()],
                        prompt="Outcome",
                        id="outcome",
                    )
                yield Label("Job description: paste it, or a file path (it sharpens the fit pointers)")
                yield TextArea(id="job", tab_behavior="focus")
                yield Label("Questions you remember, and roughly what you said")
                yield Vertical(id="rows")
                yield Button("Add a question (ctrl+n)", id="add-row")
                yield Label("What the employer told you, if anything")
                yield TextArea(id="employer", tab_behavior="focus")
                yield Static("", id="form-error")
                yield Button("Save and debrief (ctrl+s)", id="submit", variant="primary")
            with VerticalScroll(id="result"):
                yield Static("", id="result-title", classes="title")
                yield Static("", id="stage-note")
                yield Static("", id="progress")
                yield Vertical(id="pointers")
                yield Static("", id="employer-said")
                yield Static("", id="provenance")
                with Horizontal(id="result-buttons"):
                    yield Button("Ask for feedback (f)", id="ask", variant="primary")
                    yield Button("Done (esc)", id="done")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    async def on_mount(self) -> None:
        for _ in range(START_ROWS):
            await self.action_add_question(focus=False)
        self.query_one("#company", Input).focus()

    def _showing_result(self) -> bool:
        return self.query_one("#views", ContentSwitcher).current == "result"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Form keys only on the form, result keys only on the result."""
        if action in ("submit", "add_question", "remove_question"):
            return not self._showing_result()
        if action == "ask_feedback":
            return self.feedback is not None and self._showing_result()
        return True

    # ------------------------------------------------------------ rows

    async def action_add_question(self, focus: bool = True) -> None:
        self._rows += 1
        row = QuestionRow(self._rows)
        await self.query_one("#rows", Vertical).mount(row)
        if focus:
            row.query_one(".question", Input).focus()
            row.scroll_visible()

    def action_remove_question(self) -> None:
        focused = self.focused
        row = next((n for n in (focused.ancestors if focused else []) if isinstance(n, QuestionRow)), None)
        if row is None:
            self.notify("Move to a question first, then remove it.")
            return
        self._remove(row)

    @on(Button.Pressed, ".remove-row")
    def _remove_pressed(self, event: Button.Pressed) -> None:
        row = next(n for n in event.button.ancestors if isinstance(n, QuestionRow))
        self._remove(row)

    def _remove(self, row: QuestionRow) -> None:
        rows = list(self.query(QuestionRow))
        index = rows.index(row)
        row.remove()
        rest = [r for r in rows if r is not row]
        if rest:
            target = rest[min(index, len(rest) - 1)]
            target.query_one(".question", Input).focus()
        else:
            self.query_one("#add-row", Button).focus()

    @on(Button.Pressed, "#add-row")
    async def _add_pressed(self) -> None:
        await self.action_add_question()

    # ------------------------------------------------------------ submit

    def _value(self, selector: str) -> str:
        widget = self.query_one(selector)
        if isinstance(widget, TextArea):
            return widget.text
        if isinstance(widget, Select):
            return "" if widget.is_blank() else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def _problem(self, fields: dict[str, Any]) -> tuple[str, str] | None:
        """The first thing missing, as (widget id, kind sentence)."""
        if not fields["role"].strip():
            return "role", "Which role was it? The debrief compares your answers with it."
        if not fields["stage"]:
            return "stage", "Which stage did you reach? It decides what the debrief looks at."
        if not fields["outcome"]:
            return "outcome", "What was the outcome (or are you still waiting)?"
        answered = [r for r in fields["answers"] if r.question.strip() and r.answer.strip()]
        if not answered and not (fields["stage"] == "cv" and fields["job"].strip()):
            return (
                "rows",
                "Add at least one question you remember and roughly what you said"
                " (for a CV screen, pasting the job description is enough).",
            )
        return None

    def action_submit(self) -> None:
        fields = {
            "company": self._value("#company"),
            "role": self._value("#role"),
            "date": self._value("#date"),
            "stage": self._value("#stage"),
            "outcome": self._value("#outcome"),
            "job": self._value("#job"),
            "employer_feedback": self._value("#employer"),
            "answers": [row.remembered for row in self.query(QuestionRow)],
        }
        error = self.query_one("#form-error", Static)
        try:
            # Like the home screen: one line naming a file reads the file.
            fields["job"] = resolve_job(fields["job"]) or ""
        except JobError as exc:
            self._show_form_error(error, str(exc))
            self.query_one("#job", TextArea).focus()
            return
        problem = self._problem(fields)
        if problem is not None:
            where, message = problem
            self._show_form_error(error, message)
            target = self.query_one(f"#{where}")
            if where == "rows":
                rows = list(self.query(QuestionRow))
                target = rows[0].query_one(".question", Input) if rows else self.query_one("#add-row")
            target.focus()
            return
        error.update("")
        self.query_one("#submit", Button).disabled = True
        self.save_and_debrief(fields)

    def _show_form_error(self, error: Static, message: str) -> None:
        """Say what is wrong where the eye is: at 80×24 the form's error line may be off screen."""
        error.update(plain(message, multiline=True))
        error.scroll_visible()
        self.notify(note(message), title="Check the form", severity="warning", markup=False)

    @work(exclusive=True, group="real-debrief", exit_on_error=False)
    async def save_and_debrief(self, fields: dict[str, Any]) -> None:
        from coach.real import record_real
        from coach.services.review import ReviewService

        store = self.ctx.store
        try:
            session = await asyncio.to_thread(lambda: record_real(store, **fields))
        except RealInterviewError as exc:
            self.query_one("#form-error", Static).update(plain(str(exc), multiline=True))
            self.query_one("#submit", Button).disabled = False
            return
        self.session = session
        self._show_result_header(session)
        progress = self.query_one("#progress", Static)
        try:
            async with ReviewService(self.ctx.settings) as service:
                if not service.is_offline:
                    progress.update(plain(f"Asking {service.label}…"))
                feedback = await service.review_real(session)
        except RealInterviewError as exc:
            progress.update(plain(f"Saved, but there is nothing to debrief yet: {exc}", multiline=True))
            return
        finally:
            self.query_one("#submit", Button).disabled = False
        updated = await asyncio.to_thread(store.add_feedback, session.id, feedback)
        self.post_message(DebriefReady(updated, feedback))

    def _show_result_header(self, session: Session) -> None:
        self.query_one("#result-title", Static).update(plain(real_title(session)))
        fit = fit_report(session) if leans_to_fit(session) else None
        self.query_one("#stage-note", Static).update(plain(stage_note(session, fit), multiline=True))
        self.query_one("#progress", Static).update("Reading your answers…")
        self.query_one("#views", ContentSwitcher).current = "result"
        self.query_one("#done", Button).focus()
        self.refresh_bindings()

    def on_debrief_ready(self, message: DebriefReady) -> None:
        from coach.tui.widgets.pointers import PointerCard, StrengthCard, answer_for

        self.session, self.feedback = message.session, message.feedback
        session, feedback = message.session, message.feedback
        self.query_one("#progress", Static).update("")
        cards: list[Static] = [
            PointerCard(i, p, answer_for(session, p.question_id), classes="pointer")
            for i, p in enumerate(feedback.pointers, 1)
        ]
        if feedback.strength is not None:
            s = feedback.strength
            cards.append(StrengthCard(s, answer_for(session, s.question_id), classes="strength"))
        self.query_one("#pointers", Vertical).mount_all(cards)
        said = session.real.employer_feedback if session.real else ""
        self.query_one("#employer-said", Static).update(
            plain(f"What they told you: “{said}”", multiline=True) if said else ""
        )
        self.query_one("#provenance", Static).update(plain(made_by(feedback, notice=True), multiline=True))
        self.query_one("#ask", Button).focus()
        self.query_one("#result", VerticalScroll).scroll_home(animate=False)
        self.refresh_bindings()

    # ------------------------------------------------------------ result

    @on(Button.Pressed, "#submit")
    def _submit_pressed(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#ask")
    def _ask_pressed(self) -> None:
        self.action_ask_feedback()

    @on(Button.Pressed, "#done")
    def _done_pressed(self) -> None:
        self.action_back()

    def action_ask_feedback(self) -> None:
        if self.session is None:
            return
        from coach.tui.screens.outreach import OutreachScreen

        self.app.push_screen(OutreachScreen(self.ctx, self.session))

    def action_back(self) -> None:
        self.dismiss(self.session.id if self.session else None)
