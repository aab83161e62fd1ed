"""The round form: round type, role, number of questions, timer, job description.

A panel over the home screen, opened with `c` and imported only then (its
Select, Checkbox and TextArea widgets are the heavy part of the old home
screen). Ctrl+S (or its Start button) starts the round with these values; Esc
(or Back) returns to home, which keeps the values as the round Enter starts.
A job description that names a missing file is refused here, with the file
named, so the panel stays open to fix it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, Static, TextArea

from coach.limits import MAX_QUESTIONS, MIN_QUESTIONS
from coach.domain.rounds import ROUND_TITLES, ROUNDS
from coach.services.jobs import JobError, resolve_job
from coach.tui.screens import WorkerErrorsToApp, coach_app
from coach.tui.screens.choices import FormResult, RoundChoice
from coach.tui.widgets.plain import note, plain
from coach.tui.widgets.checkbox import ClearCheckbox
from coach.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from coach.tui.context import AppContext


class RoundFormScreen(WorkerErrorsToApp, ModalScreen[FormResult | None]):
    CSS_PATH = "round_form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "start", "Start round", id="round-form.start"),
        Binding("escape", "back", "Back (keep these)", id="round-form.back"),
    ]

    def __init__(self, ctx: AppContext, choice: RoundChoice) -> None:
        super().__init__()
        self.ctx = ctx
        self.choice = choice

    def compose(self) -> ComposeResult:
        c = self.choice
        roles = self.ctx.banks.roles()
        if c.role not in roles:
            roles.append(c.role)
        n_options = sorted(set(range(MIN_QUESTIONS, MAX_QUESTIONS + 1)) | {c.questions})
        with Vertical(id="form"):
            yield Static("New round", id="form-title")
            with Horizontal(classes="row"):
                yield Label("Round", classes="label")
                yield Select(
                    [(ROUND_TITLES[r], r) for r in ROUNDS],
                    value=c.round, allow_blank=False, id="round", compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Role", classes="label")
                yield Select([(plain(r), r) for r in roles], value=c.role, allow_blank=False, id="role", compact=True)
            with Horizontal(classes="row"):
                yield Label("Questions", classes="label")
                yield Select(
                    [(str(n), n) for n in n_options],
                    value=c.questions, allow_blank=False, id="questions", compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Timer", classes="label")
                yield ClearCheckbox("soft timer (warns, never cuts you off)", c.timed, id="timed", compact=True)
            with Horizontal(classes="row job-row"):
                yield Label("Job", classes="label")
                yield TextArea(
                    c.job_text, id="job", soft_wrap=True, tab_behavior="focus", compact=True,
                    placeholder="optional: a file path, or paste the job description",
                )
            with Horizontal(id="form-buttons"):
                yield Button("Start round", id="form-start", variant="primary", compact=True)
                yield Button("Back", id="form-back", compact=True)
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        self.query_one("#job", TextArea).cursor_blink = coach_app(self).cursor_blink
        self.query_one("#round", Select).focus()

    def read_choice(self) -> RoundChoice:
        """The values in the form; raises JobError for a job path that names nothing."""
        job_text = self.query_one("#job", TextArea).text
        return replace(
            self.choice,
            round=str(self.query_one("#round", Select).value),
            role=str(self.query_one("#role", Select).value),
            questions=int(self.query_one("#questions", Select).value),  # type: ignore[arg-type]
            timed=self.query_one("#timed", ClearCheckbox).value,
            job_text=job_text,
            job=resolve_job(job_text),
        )

    def _finish(self, start: bool) -> None:
        try:
            choice = self.read_choice()
        except JobError as exc:
            self.notify(note(str(exc)), title="Job description", severity="error", markup=False)
            self.query_one("#job", TextArea).focus()
            return
        self.dismiss(FormResult(choice, start))

    def action_start(self) -> None:
        self._finish(start=True)

    def action_back(self) -> None:
        self._finish(start=False)

    @on(Button.Pressed, "#form-start")
    def _start_pressed(self) -> None:
        self.action_start()

    @on(Button.Pressed, "#form-back")
    def _back_pressed(self) -> None:
        self.action_back()
