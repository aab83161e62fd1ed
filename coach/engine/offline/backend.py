"""The offline rules as a Backend (registered as "offline")."""

from __future__ import annotations

from coach.domain.models import Feedback
from coach.engine import Backend, Progress, ProgressFn, ReviewRequest
from coach.engine.offline.pipeline import analyze


class OfflineBackend(Backend):
    """The rules as a Backend: instant, private, always available."""

    name = "offline"

    async def review(self, request: ReviewRequest, progress: ProgressFn | None = None) -> Feedback:
        feedback = analyze(request)
        if progress is not None:
            progress(Progress(stage="done"))
        return feedback
