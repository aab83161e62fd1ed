"""Home: resume what was interrupted, or start the round Enter names.

The first frame is deliberately light, because people open coach in a hurry
(the evening before an interview, over SSH on a shared box): a header with the
backend in use, the resume offer when there is one (first, and focused: after
a dropped link that is what the person came back for), one line naming the
round that Enter starts, and the footer. Everything on it comes from
`CoachApp.glance` (a cheap read of the settings) and one directory read; the
full context (pydantic settings, banks, store) loads after the first frame and
the screen catches up with it only where it differs (config or bank problems,
a stored round to resume, a suggested round), so on a first run nothing moves
after the first paint.

The screen is built before the context exists (`ctx` is None until then);
the app hands it over with `context_ready` once loaded.

The full form (round, role, questions, timer, job description) is a panel
opened with `c` (`RoundFormScreen`), imported only then: its Select, Checkbox
and TextArea widgets cost start-up time that most starts never need.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Static

from coach.domain.rounds import ROUND_TITLES
from coach.tui.context import RoundRequest, has_sessions
from coach.tui.screens import WorkerErrorsToApp, coach_app
from coach.tui.screens.choices import FormResult, RoundChoice
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.plain import plain

if TYPE_CHECKING:
    from coach.domain.models import Session
    from coach.patterns import PracticeSuggestion
    from coach.tui.context import AppContext, Glance

MAX_PROBLEMS_SHOWN = 3


def resume_label(session: Session) -> str:
    """One line describing an unfinished round: what, how far, when."""
    mains = [a for a in session.answers if a.follow_up_of is None]
    done = sum(1 for a in mains if a.status in ("submitted", "skipped"))
    title = ROUND_TITLES.get(session.round, session.round)
    when = session.updated_at.astimezone().strftime("%d %b %H:%M")
    return f"Resume: {title} · {session.role} · {done} of {len(mains)} answered · {when}"


class StartButton(Static, can_focus=True):
    """The home screen's "Start round" and the round it starts, on one focusable line.

    Enter (or a click) presses it. Not a `Button` beside a `Static`: an
    auto-width button's label could reach the screen a frame after the rest,
    and the home screen's first frame should be its last.
    """

    BINDINGS = [Binding("enter", "press", "Start round", show=False, id="home.start-enter")]

    class Pressed(Message):
        pass

    def __init__(self, summary: str, *, id: str | None = None) -> None:
        #: Drawn as the default (reverse) only while it is what Enter presses.
        self.is_default = True
        self.summary = summary
        super().__init__(self.line(summary), id=id)

    def line(self, summary: str) -> Content:
        chip = " Start round "
        return (Content.assemble((chip, "bold reverse"), "  ", plain(summary)) if self.is_default
                else Content.assemble((f"[{chip.strip()}]", "bold"), "   ", plain(summary)))

    def show(self, summary: str) -> None:
        self.summary = summary
        self.update(self.line(summary))

    def mark_default(self, is_default: bool) -> None:
        if is_default != self.is_default:
            self.is_default = is_default
            self.update(self.line(self.summary))

    def action_press(self) -> None:
        self.post_message(self.Pressed())

    def on_click(self) -> None:
        self.action_press()


class HomeScreen(WorkerErrorsToApp, Screen[None]):
    CSS_PATH = "home.tcss"
    # Focus is given after the first frame (`_focus_default`), not by
    # Textual's auto-focus on mount: a widget focused then is drawn blank in
    # the first frame and filled in the next, one more change than needed.
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("n", "start_round", "Start round", id="home.start"),
        Binding("c", "change", "Change", id="home.change"),
        Binding("r", "resume", "Resume", id="home.resume"),
        Binding("h", "history", "History", id="home.history"),
        Binding("s", "settings", "Settings", id="home.settings"),
        Binding("d", "debrief_real", "Real interview", id="home.debrief-real"),
    ]

    def __init__(self, ctx: AppContext | None, glance: Glance) -> None:
        super().__init__()
        #: None until the app's context has loaded (see `context_ready`).
        self.ctx = ctx
        self.glance = glance
        self.resumable: Session | None = None
        self.more_resumable = 0
        self.suggestion: PracticeSuggestion | None = None
        self.choice = RoundChoice.from_request((ctx or glance).default_request())
        #: True once the form changed the choice (then the loaded defaults do not replace it).
        self.changed = False
        #: Widgets mounted only when needed (held: their children mount a moment later).
        self._resume_parts: tuple[Button, Static] | None = None
        self._suggest_reason: Static | None = None
        #: The data directory whose sessions were last looked at (None: not yet).
        self._looked_in: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="home"):
            with Horizontal(id="title-row"):
                yield Static("coach · interview practice", id="title")
                yield Static(plain(self._backend_line()), id="backend")
            # The problems notice, the resume offer and the suggestion are
            # mounted when there is something to show (most starts: never).
            yield StartButton(self.choice.summary(), id="start")
            yield Static("Enter or n starts it · c changes round, role, questions, timer, job", id="hint")
        yield KeyBar(id="footer")

    def on_mount(self) -> None:
        self.call_after_refresh(self._focus_default)
        app = coach_app(self)
        if self.ctx is not None:
            self.context_ready(self.ctx)
        elif has_sessions(self.glance.data_path()):
            app.load_context()  # needed now: there may be a round to resume
        else:
            # A first run: nothing to look up; load the rest once the frame is up.
            self.call_after_refresh(app.load_context)

    def _focus_default(self) -> None:
        if self.focused is None:
            (self.query_one("#resume") if self.resumable is not None else self.query_one("#start")).focus()

    def on_descendant_focus(self) -> None:
        self._mark_default()

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._mark_default)

    def _mark_default(self) -> None:
        """Only what Enter presses looks like the default: Start, unless something else has focus."""
        focused = self.focused
        start = self.query_one("#start", StartButton)
        start.mark_default(focused is start or (focused is None and self.resumable is None))

    def on_screen_resume(self) -> None:
        if self.ctx is not None:
            self.refresh_info()

    def context_ready(self, ctx: AppContext) -> None:
        """The app's context has loaded: show what it knows that the glance did not."""
        self.ctx = ctx
        if not self.changed:
            choice = RoundChoice.from_request(ctx.default_request())
            if choice != self.choice:
                self.choice = choice
                self.query_one("#start", StartButton).show(choice.summary())
        self.refresh_info()
        if self._looked_in is not None:
            self._find_suggestion()

    def _backend_line(self) -> str:
        if self.ctx is not None:
            s = self.ctx.settings
            label, practice, follow_ups = self.ctx.backend_label(), s.practice_mode, s.follow_ups
        else:
            g = self.glance
            label, practice, follow_ups = g.backend_label(), g.practice_mode, g.follow_ups
        return (
            f"feedback: {label}"
            + (" · practice mode" if practice else "")
            + ("" if follow_ups else " · no follow-ups")
        )

    def refresh_info(self) -> None:
        """Backend line, problem notice and the resume offer (after loading, settings or a round)."""
        ctx = self.ctx
        assert ctx is not None, "refresh_info before the context loaded"
        self.query_one("#backend", Static).update(plain(self._backend_line()))
        problems = ctx.problems
        found = self.query("#problems")
        if problems:
            lines = problems[:MAX_PROBLEMS_SHOWN]
            if len(problems) > MAX_PROBLEMS_SHOWN:
                lines.append(f"…and {len(problems) - MAX_PROBLEMS_SHOWN} more (run `coach doctor`)")
            text = plain("Problems (coach keeps working without these):\n" + "\n".join(lines), multiline=True)
            if found:
                found.first(Static).update(text)
            else:
                self.query_one("#home").mount(Static(text, id="problems", classes="notice"), after="#title-row")
        elif found:
            found.remove()
        root = ctx.store.root
        if has_sessions(root):
            self._looked_in = root
            self._find_resumable()
        elif self.resumable is not None:
            self._show_resumable(None)

    @work(exclusive=True, group="home-resumable", exit_on_error=False)
    async def _find_resumable(self) -> None:
        assert self.ctx is not None
        store = self.ctx.store
        latest = await asyncio.to_thread(store.latest, status="in-progress")
        if latest is None:
            self.more_resumable = 0
            self._show_resumable(None)
            return
        self._show_resumable(await asyncio.to_thread(store.load, latest.path))
        # The count of the others needs the whole listing: after the offer is up.
        resumable = await asyncio.to_thread(store.resumable)
        others = sum(1 for s in resumable if s.id != latest.id)
        if others != self.more_resumable:
            self._show_more(others)

    def _show_resumable(self, session: Session | None) -> None:
        had = self.resumable is not None
        self.resumable = session
        if session is None:
            self._resume_parts = None
            self.query("#resume-box").remove()
            if had and (self.focused is None or self.focused.id == "resume"):
                self.query_one("#start").focus()
        else:
            label = plain(resume_label(session))
            if self._resume_parts is not None:  # (held, as they may not be mounted yet)
                self._resume_parts[0].label = label
                self._show_more(self.more_resumable)
            else:
                button = Button(label, id="resume", compact=True)
                more = Static(self._more_text(), id="resume-more")
                more.display = self.more_resumable > 0
                self._resume_parts = (button, more)
                self.query_one("#home").mount(Vertical(button, more, id="resume-box"), before="#start")
                if not had:
                    self.call_after_refresh(button.focus)
        self.refresh_bindings()

    def _more_text(self) -> str:
        return f"and {self.more_resumable} more unfinished in History (h)"

    def _show_more(self, others: int) -> None:
        self.more_resumable = others
        if self._resume_parts is not None:
            more = self._resume_parts[1]
            more.display = others > 0
            more.update(self._more_text())

    @work(exclusive=True, group="home-suggestion", exit_on_error=False)
    async def _find_suggestion(self) -> None:
        """A practice round aimed at the pointer kind that keeps coming back (issue 8)."""
        from coach.patterns import recurring_kinds, suggest_practice

        ctx = self.ctx
        assert ctx is not None
        req = ctx.default_request()

        def suggest() -> PracticeSuggestion | None:
            return suggest_practice(
                recurring_kinds(ctx.store), ctx.banks, role=req.role, n=req.questions,
                avoid=ctx.store.recent_question_ids(),
            )

        suggestion = await asyncio.to_thread(suggest)
        if suggestion is not None or self.suggestion is not None:
            self._show_suggestion(suggestion)

    def _show_suggestion(self, suggestion: PracticeSuggestion | None) -> None:
        self.suggestion = suggestion
        if suggestion is None:
            self._suggest_reason = None
            self.query("#suggest-box").remove()
        else:
            reason = plain(f"Suggested: {suggestion.reason}", multiline=True)
            if self._suggest_reason is not None:
                self._suggest_reason.update(reason)
            else:
                self._suggest_reason = Static(reason, id="suggest-reason")
                box = Vertical(self._suggest_reason,
                               Button("Start the suggested round", id="suggest", compact=True), id="suggest-box")
                self.query_one("#home").mount(box, after="#hint")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.resumable is not None
        return True

    # ------------------------------------------------------------ actions

    def request(self) -> RoundRequest:
        """The round Enter starts (the defaults, or what the form last said)."""
        return self.choice.request()

    def action_start_round(self) -> None:
        coach_app(self).start_round(self.request())

    def action_change(self) -> None:
        """Open the full form (round, role, questions, timer, job description)."""
        coach_app(self).with_context(self._open_form)

    def _open_form(self, ctx: AppContext) -> None:
        # Imported only now: start-up trick defended by benchmarks/README.md row "first frame ratio coach / minimal".
        from coach.tui.screens.round_form import RoundFormScreen

        self.app.push_screen(RoundFormScreen(ctx, self.choice), self._form_done)

    def _form_done(self, result: FormResult | None) -> None:
        if result is None:
            return
        if result.choice != self.choice:
            self.changed = True
            self.choice = result.choice
            self.query_one("#start", StartButton).show(self.choice.summary())
        self.query_one("#start").focus()
        if result.start:
            self.action_start_round()

    def action_practise_suggested(self) -> None:
        """Start the suggested round, with the role, length, timer and job of the round Enter starts."""
        suggestion = self.suggestion
        if suggestion is None:
            return
        req = self.request()
        req.round = suggestion.round
        req.focus_kind = suggestion.focus_kind
        coach_app(self).start_round(req)

    def action_debrief_real(self) -> None:
        coach_app(self).action_debrief_real()

    def action_resume(self) -> None:
        if self.resumable is not None:
            coach_app(self).resume_session(self.resumable.id)

    def action_history(self) -> None:
        coach_app(self).action_history()

    def action_settings(self) -> None:
        coach_app(self).action_settings()

    @on(StartButton.Pressed)
    def _start_pressed(self) -> None:
        self.action_start_round()

    @on(Button.Pressed, "#suggest")
    def _suggest_pressed(self) -> None:
        self.action_practise_suggested()

    @on(Button.Pressed, "#resume")
    def _resume_pressed(self) -> None:
        self.action_resume()
