"""coach's screens. Each screen's CSS lives in a .tcss file next to it.

`coach_app(node)` gives a screen typed access to the running `CoachApp`
(its context, clock and draft registry) without importing the app module at
import time, which would be circular.

`app_resources(app)` finds the store and settings a screen works with: the
ones given, else the app's context (CoachApp keeps them in ``app.ctx``), else
attributes a small test app sets, else loaded the usual way.

`WorkerErrorsToApp` exists because Textual's ``Worker.StateChanged`` does not
bubble: a screen's failed worker would otherwise fail silently. Screens mix it
in and every failure lands in the app's one handler, which notifies the user.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.worker import Worker

if TYPE_CHECKING:
    from textual.dom import DOMNode
    from textual.screen import Screen

    from coach.config import Settings
    from coach.store import Store
    from coach.tui.app import CoachApp


def coach_app(node: DOMNode) -> CoachApp:
    return cast("CoachApp", node.app)


def app_resources(
    app: Any, store: Store | None = None, settings: Settings | None = None
) -> tuple[Store, Settings | None]:
    """The store and settings for a screen; settings are loaded only if the store needs them."""
    for owner in (getattr(app, "ctx", None), app):
        if settings is None:
            settings = getattr(owner, "settings", None)
        if store is None:
            store = getattr(owner, "store", None)
    if store is None:
        from coach.store import Store

        if settings is None:
            from coach.config import load_settings

            settings = load_settings()
        store = Store.from_settings(settings)
    return store, settings


class WorkerErrorsToApp:
    """Mixin for screens: forward worker state changes to `CoachApp.worker_changed`."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        app = coach_app(cast("DOMNode", self))
        handler = getattr(app, "worker_changed", None)
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
