"""A real interview's debrief with a backend: the engine calls `coach.real` leaves out.

`coach.real` records the interview and reads it for fit without any backend;
here the backend's review is asked for and merged behind the fit pointers
when the stage calls for it. `ReviewService.review_real` is the door the app
and `coach feedback` use; these functions take a ready backend.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from coach.engine import ReviewRequest
from coach.real import FIT_NOTE, debrief_offline, fit_report, has_items, leans_to_fit, merge_fit
from coach.services.provenance import is_offline

if TYPE_CHECKING:
    from coach.domain.models import Feedback, Session
    from coach.engine import Backend, ProgressFn


async def debrief_real(
    session: Session, backend: Backend | None = None, progress: ProgressFn | None = None
) -> Feedback:
    """The stage-aware debrief, from ``backend`` when one is given (else offline rules).

    For a CV/phone rejection the backend's pointers are merged behind the
    fit pointers from `fit_report`, so the debrief leans to fit whichever
    backend made it; the notice says which part came from where.
    """
    if backend is None or is_offline(backend):
        return await asyncio.to_thread(debrief_offline, session)
    request = ReviewRequest.from_session(session)
    if not has_items(request):
        return await asyncio.to_thread(debrief_offline, session)
    base = await backend.review(request, progress)
    if not leans_to_fit(session):
        return base
    fit = fit_report(session)
    merged = merge_fit(session, fit, base)
    if fit.pointers and not is_offline(base):
        notice = f"{merged.notice} {FIT_NOTE}" if merged.notice else FIT_NOTE
        merged = merged.model_copy(update={"notice": notice})
    return merged


async def review_any(
    session: Session, backend: Backend | None, progress: ProgressFn | None = None
) -> Feedback:
    """The debrief for any saved session with a ready backend.

    A real interview (``kind == "real"``) gets the stage-aware `debrief_real`;
    a practice round gets ``backend.review_session``. With no backend, the
    offline rules answer. Raises `coach.real.RealInterviewError` only for a
    real interview with nothing to review.
    """
    if session.kind == "real":
        return await debrief_real(session, backend, progress)
    if backend is None:
        from coach.engine.offline import analyze

        return await asyncio.to_thread(analyze, ReviewRequest.from_session(session))
    return await backend.review_session(session, progress)


__all__ = ["debrief_real", "review_any"]
