"""Home: resume what was interrupted, or set up and start a new round.

An interrupted round is offered first (and focused) because after a dropped
SSH link that is what the person came back for. Problems with the config or
the banks are shown here as a notice so a broken admin file is visible
without stopping anyone from practising.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Select, Static, TextArea

from coach.rounds import ROUND_TITLES, ROUNDS
from coach.tui.context import JobError, RoundRequest, resolve_job
from coach.tui.messages import SessionLoaded
from coach.tui.screens import WorkerErrorsToApp, coach_app

if TYPE_CHECKING:
    from coach.models import Session
    from coach.patterns import PracticeSuggestion
    from coach.store import SessionSummary

MAX_QUESTIONS = 12
#: Bound to plain letters: off while a text field has the cursor.
LETTER_ACTIONS = frozenset({"start_round", "resume", "history", "settings", "debrief_real"})
#: Only while a text field has the cursor.
FIELD_ACTIONS = frozenset({"start_from_field", "leave_field"})
MAX_PROBLEMS_SHOWN = 3


def resume_label(session: Session) -> str:
    """One line describing an unfinished round: what, how far, when."""
    mains = [a for a in session.answers if a.follow_up_of is None]
    done = sum(1 for a in mains if a.status in ("submitted", "skipped"))
    title = ROUND_TITLES.get(session.round, session.round)
    when = session.updated_at.astimezone().strftime("%d %b %H:%M")
    return f"Resume: {title} · {session.role} · {done} of {len(mains)} answered · {when}"


class HomeScreen(WorkerErrorsToApp, Screen[None]):
    CSS_PATH = "home.tcss"
    # Single-letter keys for the screen, like a menu; they would type letters
    # into the job box, so while it has the cursor they are off (and not in the
    # footer) and the footer shows what does work there: ctrl+s starts the
    # round (as it submits an answer on the interview screen), Esc leaves the
    # box, and then the letters work again.
    BINDINGS = [
        Binding("n", "start_round", "Start round", id="home.start"),
        Binding("r", "resume", "Resume", id="home.resume"),
        Binding("h", "history", "History", id="home.history"),
        Binding("s", "settings", "Settings", id="home.settings"),
        Binding("d", "debrief_real", "Real interview", id="home.debrief-real"),
        Binding("ctrl+s", "start_from_field", "Start round", id="home.start-from-field"),
        Binding("escape", "leave_field", "Done typing", id="home.leave-field"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.resumable: Session | None = None
        self.more_resumable = 0
        self.suggestion: PracticeSuggestion | None = None

    def compose(self) -> ComposeResult:
        ctx = coach_app(self).ctx
        req = ctx.default_request()
        roles = ctx.banks.roles()
        if req.role not in roles:
            roles.append(req.role)
        n_options = sorted(set(range(1, MAX_QUESTIONS + 1)) | {req.questions})
        with VerticalScroll(id="home"):
            with Horizontal(id="title-row"):
                yield Static("coach · interview practice", id="title")
                yield Static("", id="backend")
            yield Static("", id="problems", classes="notice")
            with Vertical(id="resume-box"):
                yield Button("Resume", id="resume", compact=True)
                yield Static("", id="resume-more")
            with Vertical(id="suggest-box"):
                yield Static("", id="suggest-reason")
                yield Button("Start the suggested round", id="suggest", compact=True)
            yield Static("New round", classes="section")
            with Horizontal(classes="row"):
                yield Label("Round", classes="label")
                yield Select(
                    [(ROUND_TITLES[r], r) for r in ROUNDS],
                    value=req.round, allow_blank=False, id="round", compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Role", classes="label")
                yield Select(
                    [(r, r) for r in roles], value=req.role, allow_blank=False, id="role", compact=True
                )
            with Horizontal(classes="row"):
                yield Label("Questions", classes="label")
                yield Select(
                    [(str(n), n) for n in n_options],
                    value=req.questions, allow_blank=False, id="questions", compact=True,
                )
            with Horizontal(classes="row"):
                yield Label("Timer", classes="label")
                yield Checkbox(
                    "soft timer (warns, never cuts you off)", req.timed, id="timed", compact=True
                )
            with Horizontal(classes="row job-row"):
                yield Label("Job", classes="label")
                yield TextArea(
                    "", id="job", soft_wrap=True, tab_behavior="focus", compact=True,
                    placeholder="optional: a file path, or paste the job description",
                )
            yield Button("Start round", id="start", variant="primary", compact=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#job", TextArea).cursor_blink = coach_app(self).cursor_blink
        self.refresh_info()
        self.query_one("#resume-box").display = False
        self.query_one("#suggest-box").display = False
        self.query_one("#start", Button).focus()
        # Reading recent debriefs is slower than painting: do it after the first frame.
        self.call_after_refresh(self._find_suggestion)

    def on_screen_resume(self) -> None:
        self.refresh_info()

    def refresh_info(self) -> None:
        """Backend line, problem notice and the resume offer (after settings or a round)."""
        ctx = coach_app(self).ctx
        s = ctx.settings
        self.query_one("#backend", Static).update(
            f"feedback: {ctx.backend_label()}"
            + (" · practice mode" if s.practice_mode else "")
            + ("" if s.follow_ups else " · no follow-ups")
        )
        problems = ctx.problems
        notice = self.query_one("#problems", Static)
        notice.display = bool(problems)
        if problems:
            lines = problems[:MAX_PROBLEMS_SHOWN]
            if len(problems) > MAX_PROBLEMS_SHOWN:
                lines.append(f"…and {len(problems) - MAX_PROBLEMS_SHOWN} more (run `coach doctor`)")
            notice.update("Problems (coach keeps working without these):\n" + "\n".join(lines))
        self._find_resumable()

    @work(thread=True, exclusive=True, group="home-resumable", exit_on_error=False)
    def _find_resumable(self) -> None:
        store = coach_app(self).ctx.store
        summaries: list[SessionSummary] = [s for s in store.resumable() if not s.error]
        self.more_resumable = max(0, len(summaries) - 1)
        if not summaries:
            self.app.call_from_thread(self._show_resumable, None)
            return
        self.post_message(SessionLoaded(store.load(summaries[0].path)))

    def on_session_loaded(self, message: SessionLoaded) -> None:
        self._show_resumable(message.session)

    def _show_resumable(self, session: Session | None) -> None:
        had = self.resumable is not None
        self.resumable = session
        box = self.query_one("#resume-box")
        box.display = session is not None
        if session is not None:
            self.query_one("#resume", Button).label = resume_label(session)
            more = self.query_one("#resume-more", Static)
            more.display = self.more_resumable > 0
            more.update(f"and {self.more_resumable} more unfinished in History (h)")
            if not had:
                self.query_one("#resume", Button).focus()
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="home-suggestion", exit_on_error=False)
    def _find_suggestion(self) -> None:
        """A practice round aimed at the pointer kind that keeps coming back (issue 8)."""
        from coach.patterns import recurring_kinds, suggest_practice

        ctx = coach_app(self).ctx
        req = ctx.default_request()
        suggestion = suggest_practice(
            recurring_kinds(ctx.store), ctx.banks, role=req.role, n=req.questions,
            avoid=ctx.store.recent_question_ids(),
        )
        self.app.call_from_thread(self._show_suggestion, suggestion)

    def _show_suggestion(self, suggestion: PracticeSuggestion | None) -> None:
        self.suggestion = suggestion
        self.query_one("#suggest-box").display = suggestion is not None
        if suggestion is not None:
            self.query_one("#suggest-reason", Static).update(f"Suggested: {suggestion.reason}")
        self.refresh_bindings()

    def typing(self) -> bool:
        """True while the cursor is in a text field (where letters are text)."""
        return isinstance(self.focused, (TextArea, Input))

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def on_descendant_blur(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in LETTER_ACTIONS and self.typing():
            return False
        if action in FIELD_ACTIONS:
            return self.typing()
        if action == "resume":
            return self.resumable is not None
        return True

    # ------------------------------------------------------------ actions

    def request(self) -> RoundRequest:
        """The round described by the form; raises JobError for a bad job file."""
        job = resolve_job(self.query_one("#job", TextArea).text)
        return RoundRequest(
            round=str(self.query_one("#round", Select).value),
            role=str(self.query_one("#role", Select).value),
            questions=int(self.query_one("#questions", Select).value),  # type: ignore[arg-type]
            timed=self.query_one("#timed", Checkbox).value,
            job=job,
        )

    def action_start_round(self) -> None:
        try:
            req = self.request()
        except JobError as exc:
            self.notify(str(exc), title="Job description", severity="error")
            return
        coach_app(self).start_round(req)

    def action_practise_suggested(self) -> None:
        """Start the suggested round, with the role, length, timer and job from the form."""
        suggestion = self.suggestion
        if suggestion is None:
            return
        try:
            req = self.request()
        except JobError as exc:
            self.notify(str(exc), title="Job description", severity="error")
            return
        req.round = suggestion.round
        req.focus_kind = suggestion.focus_kind
        coach_app(self).start_round(req)

    def action_start_from_field(self) -> None:
        self.action_start_round()

    def action_leave_field(self) -> None:
        self.query_one("#start", Button).focus()

    def action_debrief_real(self) -> None:
        coach_app(self).action_debrief_real()

    def action_resume(self) -> None:
        if self.resumable is not None:
            coach_app(self).resume_session(self.resumable.id)

    def action_history(self) -> None:
        coach_app(self).action_history()

    def action_settings(self) -> None:
        coach_app(self).action_settings()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start_round()

    @on(Button.Pressed, "#suggest")
    def _suggest_pressed(self) -> None:
        self.action_practise_suggested()

    @on(Button.Pressed, "#resume")
    def _resume_pressed(self) -> None:
        self.action_resume()
