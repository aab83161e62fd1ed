"""Messages that workers post back to screens.

Workers never touch widgets; they post one of these and the screen updates
itself on the UI thread. Worker *failures* are not messages: the app's single
Worker.StateChanged handler turns them into notifications.
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
