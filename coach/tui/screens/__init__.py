"""coach's screens. Each screen's CSS lives in a .tcss file next to it.

A screen gets what it works with (`coach.tui.context.AppContext`: settings,
store, banks) as its constructor's first argument from whoever pushes it.
What belongs to the running app rather than to the context (the clock, the
draft registry, navigation) a screen asks of `coach_app(node)`, typed by the
`ScreenHost` protocol so that no screen imports the app module (the app
imports the screens, never the other way round).

Slow calls (the store, the banks, a review) run in
``@work(exclusive=True, group=..., exit_on_error=False)`` async workers that
await ``asyncio.to_thread(...)`` and then update the screen (or post a
message). `WorkerErrorsToApp` exists because Textual's ``Worker.StateChanged``
does not bubble: a screen's failed worker would otherwise fail silently.
Screens mix it in and every failure lands in the app's one handler
(`CoachApp.worker_changed`), which notifies the user.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.worker import Worker

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from coach.tui.clock import Clock
    from coach.tui.context import AppContext, RoundRequest
    from coach.tui.drafts import DraftKeeper




class ScreenHost(Protocol):
    """What a screen may ask of the app it runs in (`coach.tui.app.CoachApp`)."""

    clock: Clock
    cursor_blink: bool
    keepers: set[DraftKeeper]

    def load_context(self) -> None: ...
    def with_context(self, then: Callable[[AppContext], object]) -> None: ...
    def start_round(self, req: RoundRequest) -> object: ...
    def resume_session(self, ref: str) -> object: ...
    def open_debrief(self, session_id: str) -> None: ...
    def action_history(self) -> None: ...
    def action_settings(self) -> None: ...
    def action_debrief_real(self) -> None: ...
    def check_size(self) -> None: ...
    def worker_changed(self, event: Worker.StateChanged) -> None: ...


def coach_app(node: DOMNode) -> ScreenHost:
    return cast("ScreenHost", node.app)


class WorkerErrorsToApp:
    """Mixin for screens: forward worker state changes to the app's `worker_changed`."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        handler = getattr(cast("DOMNode", self).app, "worker_changed", None)
        if handler is not None:
            handler(event)


def dismiss_safely(screen: Screen[Any], result: Any) -> None:
    """Dismiss ``screen`` even if another screen (e.g. "too small") is on top of it.

    `Screen.dismiss` pops whatever screen is on top, so first pop back down to
    this one; the app re-checks the terminal size afterwards.
    """
    if screen.app.screen is not screen:
        screen.pop_until_active()
    screen.dismiss(result)
    check = getattr(screen.app, "check_size", None)
    if check is not None:
        screen.app.call_later(check)
