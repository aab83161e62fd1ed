"""CoachApp: the Textual app that ties the screens together.

The app owns what outlives a screen: the loaded context (settings, store,
banks), the clock, the registry of unsaved drafts that a quit or a signal must
flush, the single place where failed workers become notifications, the
"terminal too small" guard, and navigation between screens: whoever pushes a
screen hands it the context. Screens other than home are imported only when
opened, so this module works before (and without) them.

The context loads in a worker after the first frame (`load_context`). Nothing
on the UI thread waits for it: what needs it runs through `with_context`
(now, or once it has loaded) or awaits `context()`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.worker import Worker, WorkerState

from coach.tui.clock import Clock
from coach.tui.commands import CoachCommands
from coach.tui.context import AppContext, Glance, RoundRequest, glance
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.too_small import TooSmallScreen, too_small

if TYPE_CHECKING:
    # pydantic (coach.domain.models) and the interview screen load when a round starts.
    from coach.domain.models import Session
    from coach.tui.drafts import DraftKeeper
    from coach.tui.screens.interview import InterviewOutcome

class ContextReady(Message):
    """The context finished loading (or failed: then `CoachApp.context_error` says why)."""


def _glance_of(ctx: AppContext) -> Glance:
    s = ctx.settings
    return Glance(
        backend=s.backend, model=s.openai.model, base_url=s.openai.base_url, theme=s.theme,
        round=s.round, role=s.role, questions=s.questions, timed=s.timed,
        practice_mode=s.practice_mode, follow_ups=s.follow_ups, data_dir=s.data_path(),
    )


#: After a hang-up the terminal may be gone; if a clean exit has not finished
#: by then, leave anyway (the draft is already on disk).
SIGNAL_EXIT_DEADLINE_S = 1.0


@dataclass
class LaunchOptions:
    """Where the app opens and what the command line asked for."""

    start: str = "home"  # home | practice | history | replay | debrief-real
    session_ref: str | None = None
    flags: dict[str, Any] = field(default_factory=dict)
    job: str | None = None
    #: Leave the app when the screen it opened on is closed (`coach replay`, `coach debrief`).
    close_exits: bool = False


class CoachApp(App[None]):
    TITLE = "coach"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {CoachCommands}
    # Home is the base of the one mode, added in __init__ (rather than
    # `get_default_screen`, whose screen does not get its CSS_PATH loaded).
    DEFAULT_MODE = "coach"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Before any screen's Esc: with the key help open, Esc closes just that.
        # (Active only while the help is open: `check_action`.)
        Binding("escape", "hide_keys", "Close key help", id="app.hide-keys", priority=True),
    ]

    def __init__(
        self,
        options: LaunchOptions | None = None,
        *,
        ctx: AppContext | None = None,
        clock: Clock | None = None,
        cursor_blink: bool = True,
        seed: int | None = None,
        handle_signals: bool = True,
    ) -> None:
        super().__init__()
        self.options = options or LaunchOptions()
        # Settings, banks and store (pydantic, TOML files: ~0.1 s) load in a
        # worker started once the home screen has painted from `glance` (a
        # cheap read of the few settings it shows); whatever needs them first
        # waits for them without blocking (`with_context`, `context()`).
        # Start-up trick defended by benchmarks/README.md row "first frame ratio coach / minimal".
        self._ctx = ctx
        self.context_error: Exception | None = None
        self._ctx_loading = False
        self._running_ui = False  # from the Load event on, nothing may wait for the context
        self._ctx_done = asyncio.Event()
        if ctx is not None:
            self._ctx_done.set()
        self.glance: Glance = glance(self.options.flags) if ctx is None else _glance_of(ctx)
        # (Built when the app composes: by then `ctx` may have been loaded for a test or script.)
        self.add_mode("coach", lambda: HomeScreen(self._ctx, self.glance))
        self.clock = clock or Clock()
        self.cursor_blink = cursor_blink
        self.seed = seed
        self.handle_signals = handle_signals
        self.keepers: set[DraftKeeper] = set()
        self.flush_errors: list[str] = []
        self._watchdog: threading.Timer | None = None

    def get_driver_class(self):  # noqa: ANN201 - Textual's signature
        """Textual's driver, with pastes kept whole and in order (`coach.tui.paste_guard`)."""
        from coach.tui.paste_guard import driver_for

        return driver_for(super().get_driver_class())

    # ------------------------------------------------------------ start-up

    def load_context(self) -> None:
        """Start loading the context (once); `ContextReady` is posted when done."""
        if self._ctx is not None or self._ctx_loading:
            return
        self._ctx_loading = True
        self._load_context()

    @work(exclusive=True, group="context", exit_on_error=False)
    async def _load_context(self) -> None:
        try:
            self._ctx = await asyncio.to_thread(AppContext.load, self.options.flags)
        except Exception as exc:  # said once on screen (`on_context_ready`)
            self.context_error = exc
        self._ctx_done.set()
        self.post_message(ContextReady())

    async def context(self) -> AppContext | None:
        """The context, waiting for it to load without blocking the loop; None if it failed."""
        if not self._ctx_done.is_set():
            self.load_context()
            await self._ctx_done.wait()
        return self._ctx

    def with_context(self, then: Callable[[AppContext], object]) -> None:
        """Call ``then(ctx)`` now if the context has loaded, else as soon as it has."""
        if self._ctx is not None:
            then(self._ctx)
        elif self.context_error is not None:
            self._say_context_failed()
        else:
            self._when_loaded(then)

    @work(exclusive=True, group="when-context", exit_on_error=False)
    async def _when_loaded(self, then: Callable[[AppContext], object]) -> None:
        ctx = await self.context()
        if ctx is not None:
            then(ctx)

    @property
    def ctx_loaded(self) -> bool:
        return self._ctx is not None

    @property
    def ctx(self) -> AppContext:
        """The loaded context, for code that runs once it has loaded: it never waits.

        Before the app runs (a script or test preparing it: nothing on screen
        yet) it is loaded here and now.
        """
        if self._ctx is None and not self._running_ui and self.context_error is None:
            self._ctx = AppContext.load(self.options.flags)
            self._ctx_done.set()
        if self._ctx is None:
            raise self.context_error or RuntimeError("the app context has not loaded yet")
        return self._ctx

    def on_load(self) -> None:
        self._running_ui = True

    async def on_mount(self) -> None:
        if self._ctx is not None:
            self._apply_theme(self._ctx.settings.theme)
            self._apply_keys(self._ctx)
        else:
            self._apply_theme(self.glance.theme, quiet=True)
        if self.handle_signals:
            self._install_signal_handlers()
        self.call_after_refresh(self.check_size)
        start = self.options.start
        if start == "home":
            return
        # Opening straight onto a screen that needs the context: there is
        # nothing to show before it, so wait for it here (the loop runs on).
        ctx = await self.context()
        if ctx is None:
            return
        if start == "practice":
            req = ctx.default_request()
            req.job = self.options.job
            self.start_round(req)
        elif start == "history":
            self.action_history()
        elif start == "replay":
            self.open_replay(self.options.session_ref, closed=self._start_closed)
        elif start == "debrief-real":
            self.action_debrief_real(closed=self._start_closed)

    def _start_closed(self, _result: object = None) -> None:
        """The screen the app opened on was closed: back to the shell, or to home."""
        if self.options.close_exits:
            self.exit()

    def on_context_ready(self, message: ContextReady) -> None:
        """The context loaded after the first frame: theme, then home, catch up with it."""
        if self._ctx is None:
            self._say_context_failed()
            return
        self._apply_theme(self._ctx.settings.theme)
        self._apply_keys(self._ctx)
        home = self.screen_stack[0] if self.screen_stack else None
        if isinstance(home, HomeScreen):
            home.context_ready(self._ctx)

    def _say_context_failed(self) -> None:
        error = self.context_error
        self.notify(f"{error}" or type(error).__name__, title="Could not load settings",
                    severity="error", timeout=10)

    def _apply_theme(self, theme: str, *, quiet: bool = False) -> None:
        if theme in self.available_themes:
            if self.theme != theme:
                self.theme = theme
        elif not quiet:  # the glance's guess: the context says it once loaded
            self.notify(f"theme {theme!r} is not known; using {self.theme}", severity="warning")

    def search_themes(self) -> None:
        """The palette's theme picker; the theme chosen is saved to the user config."""
        from textual.command import CommandPalette

        from coach.tui.commands import SavedThemes

        self.push_screen(CommandPalette(providers=[SavedThemes], placeholder="Search for themes…"))

    @work(exclusive=True, group="save-theme", exit_on_error=False)
    async def save_theme(self, theme: str) -> None:
        """Keep ``theme`` for next time (the user config), and say so, or why not."""
        from coach.config import ConfigError, config_sources, set_user_value

        try:
            await asyncio.to_thread(set_user_value, "theme", theme)
        except ConfigError as exc:
            self.notify(str(exc), title="Theme not saved", severity="error", timeout=10)
            return
        ctx = await self.context()
        origin = "user config"
        if ctx is not None:
            await asyncio.to_thread(ctx.reload_settings)
            origin = config_sources(ctx.settings)["theme"]
        if origin.startswith("user config") or origin == "default":
            self.notify(f"Theme {theme} saved; coach opens with it next time.", title="Theme")
        else:
            self.notify(f"Theme {theme} saved, but {origin} sets another one for coach.",
                        title="Theme", severity="warning")

    # ------------------------------------------------------------ keys

    def _apply_keys(self, ctx: AppContext) -> None:
        if ctx.settings.keys:
            self._load_keys(dict(ctx.settings.keys))

    @work(exclusive=True, group="keys", exit_on_error=False)
    async def _load_keys(self, keymap: dict[str, str]) -> None:
        """Check the config's ``[keys]`` against every binding (off the UI thread), then use it."""
        from coach.config import config_sources
        from coach.tui.keymap import catalogue, check_keymap

        where = config_sources(self.ctx.settings)["keys"]
        known = await asyncio.to_thread(catalogue, type(self))
        usable, problems = check_keymap(keymap, known, where)
        self.set_keymap(usable)
        for problem in problems:
            self.notify(problem, title="Key bindings", severity="warning", timeout=10)

    def key_of(self, binding_id: str, default: str) -> str:
        """The key the user gave ``binding_id`` in ``[keys]``, else ``default`` (for the palette)."""
        return self._keymap.get(binding_id, default)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":  # else Esc is the screen's (Back, Cancel...)
            return bool(self.screen.query("HelpPanel"))
        return True

    def action_hide_keys(self) -> None:
        if not self.screen.query("HelpPanel"):
            raise SkipAction()
        self.action_hide_help_panel()

    def action_show_help_panel(self) -> None:
        super().action_show_help_panel()
        self.call_after_refresh(self.refresh_bindings)

    def action_hide_help_panel(self) -> None:
        super().action_hide_help_panel()
        self.call_after_refresh(self.refresh_bindings)

    def on_input_blurred(self, event: Any) -> None:
        """A field left with a long value shows its start again, not its last characters."""
        event.input.scroll_to(x=0, animate=False, immediate=True)

    # ------------------------------------------------------------ signals

    def _install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._on_signal, signum)
            except (NotImplementedError, RuntimeError, ValueError) as exc:
                # Not the main thread or not a Unix loop: keep the default action.
                self.log.warning(f"cannot handle {signum!r}: {exc}")

    def _on_signal(self, signum: int) -> None:
        """SIGHUP (link dropped) or SIGTERM: save drafts now, then leave cleanly."""
        self.flush_drafts()
        code = 128 + signum
        self._watchdog = threading.Timer(SIGNAL_EXIT_DEADLINE_S, os._exit, args=(code,))
        self._watchdog.daemon = True
        self._watchdog.start()
        self.exit(return_code=code)

    def cancel_watchdog(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()

    def flush_drafts(self, *, report: bool = True) -> list[str]:
        """Write every open draft synchronously (quit and signals); the failures, one line each.

        ``report`` also prints them to stderr (a signal: nobody is left to ask).
        """
        from coach.store import StoreError

        failed: list[str] = []
        for keeper in list(self.keepers):
            try:
                keeper.save_now()
            except (StoreError, OSError) as exc:
                failed.append(str(exc))
                self.flush_errors.append(str(exc))
                if report:
                    print(f"coach: draft not saved: {exc}", file=sys.stderr)
        return failed

    def action_quit(self) -> None:
        """Quit, saving every draft first; if one cannot be saved, ask (stay / try again / lose N words)."""
        from coach.tui.screens.safety import UnsavedScreen

        if not isinstance(self.screen, UnsavedScreen):  # else: already asking
            self._quit()

    @work(exclusive=True, group="quit", exit_on_error=False)
    async def _quit(self) -> None:
        from coach.tui.screens.safety import LOSE, RETRY, UnsavedScreen

        while self.flush_drafts(report=False):
            unsaved = [k for k in self.keepers if k.dirty]
            if not unsaved:
                break
            words = sum(k.unsaved_words() for k in unsaved)
            reason = next((k.failure for k in unsaved if k.failure), None) or "could not write the session file"
            choice = await self.push_screen_wait(UnsavedScreen(self._ctx, words, reason, leaving="Quit"))
            if choice == LOSE:
                break
            if choice != RETRY:
                return
        self.exit()

    # ------------------------------------------------------------ errors

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_changed(event)

    def worker_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker becomes something the user can see."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        self.notify(str(error) or type(error).__name__, title="Something went wrong", severity="error", timeout=10)

    # ------------------------------------------------------------ size

    def on_resize(self, event: Resize) -> None:
        self.call_after_refresh(self.check_size)

    def check_size(self) -> None:
        small = too_small(self.size)
        showing = isinstance(self.screen, TooSmallScreen)
        if small and not showing:
            self.push_screen(TooSmallScreen())
        elif showing and not small:
            self.pop_screen()

    # ------------------------------------------------------------ rounds

    @work(exclusive=True, group="start-round", exit_on_error=False)
    async def start_round(self, req: RoundRequest) -> None:
        ctx = await self.context()
        if ctx is not None:
            session = await asyncio.to_thread(self._create_session, ctx, req)
            await asyncio.to_thread(ctx.store.lease, session.id)  # brand new: nobody else can hold it
            self.open_interview(ctx, session)

    def _create_session(self, ctx: AppContext, req: RoundRequest) -> Session:
        from coach.banks import plan_round
        from coach.domain.models import Answer

        plan = plan_round(
            ctx.banks, req.round, req.role, req.questions,
            avoid=ctx.store.recent_question_ids(), seed=self.seed, job=req.job,
            focus_kind=req.focus_kind,
        )
        answers = [Answer(question_id=q.id, question=q.text, type=q.type) for q in plan.questions]
        return ctx.store.create(
            plan.round, plan.role, job=req.job, timed=req.timed, answers=answers
        )

    @work(exclusive=True, group="start-round", exit_on_error=False)
    async def resume_session(self, ref: str) -> None:
        """Open a saved session to continue it; if another terminal has it open, ask first."""
        from coach.store import LeaseHeld
        from coach.tui.screens.safety import READ_ONLY, TAKE_OVER, OpenElsewhereScreen

        ctx = await self.context()
        if ctx is None:
            return
        session = await asyncio.to_thread(ctx.store.load, ref)
        try:
            await asyncio.to_thread(ctx.store.lease, session.id)
        except LeaseHeld as held:
            where = held.holder.describe() if held.holder else "another process"
            choice = await self.push_screen_wait(OpenElsewhereScreen(ctx, where))
            if choice == READ_ONLY:
                self.open_interview(ctx, session, read_only=f"open in another terminal ({where})")
                return
            if choice != TAKE_OVER:
                return
            await asyncio.to_thread(ctx.store.lease, session.id, take_over=True)
            session = await asyncio.to_thread(ctx.store.load, ref)  # what the other terminal saved last
        self.open_interview(ctx, session)

    def open_interview(self, ctx: AppContext, session: Session, *, read_only: str | None = None) -> None:
        from coach.tui.screens.interview import InterviewScreen

        screen = InterviewScreen(ctx, session, ctx.banks.questions(), read_only=read_only)
        self.push_screen(screen, self._interview_done)

    def _interview_done(self, outcome: InterviewOutcome | None) -> None:
        if outcome is not None and outcome.finished:
            self.open_debrief(outcome.session_id)

    def open_debrief(self, session_id: str) -> None:
        from coach.tui.screens.debrief import DebriefScreen

        self.with_context(lambda ctx: self.push_screen(DebriefScreen(ctx, session_id)))

    # ------------------------------------------------------------ navigation

    def go_home(self) -> None:
        home = self.screen_stack[0]
        if self.screen is not home:
            home.pop_until_active()

    def action_new_round(self) -> None:
        self.go_home()
        self.call_after_refresh(self._focus_start)

    def _focus_start(self) -> None:
        self.screen_stack[0].query_one("#start").focus()

    @work(exclusive=True, group="resume-latest", exit_on_error=False)
    async def action_resume_latest(self) -> None:
        ctx = await self.context()
        if ctx is None:
            return
        found = await asyncio.to_thread(ctx.store.resumable)
        found = [s for s in found if not s.error]
        if not found:
            self.notify("No unfinished round to resume.")
            return
        self.go_home()
        self.resume_session(found[0].id)

    def action_history(self) -> None:
        try:
            from coach.tui.screens.history import HistoryScreen
        except ImportError as exc:
            self.notify(f"History is not available in this build ({exc}).", severity="warning")
            return
        self.with_context(lambda ctx: self.push_screen(HistoryScreen(ctx)))

    def action_replay_latest(self) -> None:
        self.open_replay(None)

    def open_replay(self, session_ref: str | None,
                    closed: Callable[[Any], None] | None = None) -> None:
        try:
            from coach.tui.screens.replay import ReplayScreen
        except ImportError as exc:
            self.notify(f"Replay is not available in this build ({exc}).", severity="warning")
            return
        self.with_context(lambda ctx: self.push_screen(ReplayScreen(ctx, session_ref), closed))

    def action_debrief_real(self, closed: Callable[[Any], None] | None = None) -> None:
        from coach.tui.screens.real_interview import RealInterviewScreen

        self.with_context(lambda ctx: self.push_screen(RealInterviewScreen(ctx), closed))

    def action_settings(self) -> None:
        from coach.tui.screens.settings import SettingsScreen

        self.with_context(lambda ctx: self.push_screen(SettingsScreen(ctx), self._settings_done))

    def _settings_done(self, saved: bool | None) -> None:
        if saved:
            self._reload_settings()

    @work(exclusive=True, group="settings", exit_on_error=False)
    async def _reload_settings(self) -> None:
        """Settings were saved: read them again, then show what changed (theme, home)."""
        ctx = self.ctx
        await asyncio.to_thread(ctx.reload_settings)
        self._apply_theme(ctx.settings.theme)
        home = self.screen_stack[0]
        if isinstance(home, HomeScreen):
            home.refresh_info()

    @work(exclusive=True, group="export", exit_on_error=False)
    async def action_export(self) -> None:
        """Export the session on screen (if any), else the latest one, as Markdown."""
        from coach.export import save_export
        from coach.domain.models import Session

        session: Session | None = getattr(self.screen, "session", None)
        ctx = await self.context()
        if ctx is None:
            return
        store = ctx.store
        if not isinstance(session, Session):
            latest = await asyncio.to_thread(store.latest)
            if latest is None:
                self.notify("No session to export yet.")
                return
            session = await asyncio.to_thread(store.load, latest.path)
        path = await asyncio.to_thread(save_export, session, ctx.settings.data_path(), "md")
        self.notify(f"Exported to {path}", title="Export")
