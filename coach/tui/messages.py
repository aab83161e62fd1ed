"""Messages that work running elsewhere posts back to screens.

An async worker (the one idiom: see `coach.tui.screens`) runs on the event
loop and updates its screen itself once the slow part, awaited on a thread,
is done; these messages carry news from code that runs off the loop (a save
on a thread, a backend's stream). Worker *failures* are not messages: the
app's single Worker.StateChanged handler turns them into notifications.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from coach.engine import Progress
    from coach.domain.models import Feedback, Session


@dataclass
class DraftSaved(Message):
    """An autosave reached the disk (``path`` None when a newer save had already won)."""

    path: Path | None


@dataclass
class ReviewProgress(Message):
    """A streaming backend reported progress."""

    progress: Progress


@dataclass
class ReviewFinished(Message):
    """Feedback was made and appended to the session on disk."""

    feedback: Feedback
    session: Session


@dataclass
class SessionLoaded(Message):
    """A session was read from the store for a screen to show."""

    session: Session
