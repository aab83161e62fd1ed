"""`coach feedback SESSION [--backend NAME] [--json] [--again]`: (re)run feedback on a saved session.

Loads the session, asks the backend (the configured one unless ``--backend``
names another) for a debrief, prints it — readable text by default, the
Feedback model as JSON with ``--json`` — and then appends it to the session
file so earlier feedback is kept beside it. A debrief identical to the latest
saved one (same backend, model and pointers: the answers did not change) is
not saved a second time; the existing one is said to be current and printed,
and ``--again`` saves a new one anyway. ``--json`` only prints, never saves.
When that save fails (a read-only
or full data dir, the session open in another terminal) the debrief has
already been printed; the failure is one line on stderr and exit status 1. A recorded real interview gets the same
stage-aware debrief as in the app (`coach.services.review.ReviewService`): after a CV or
phone rejection the fit pointers come first. Any error is one line on stderr naming the
session or file, exit status 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import textwrap

EXIT_OK = 0
EXIT_FAIL = 1
WIDTH = 78


def _fail(message: str) -> int:
    from coach.domain.text import visible

    print(f"coach feedback: {visible(message)}", file=sys.stderr)
    return EXIT_FAIL


async def _review(service, session):
    """Stage-aware for a real interview (fit first after a CV/phone rejection), else the backend's review."""
    async with service:
        return await service.review_round(session)


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=" " * len(indent)) or [indent]


def render_debrief(session, feedback) -> str:
    """The debrief as plain text: pointers with quoted evidence and tip, strength, provenance.

    Safe on a terminal: every control character from the session or the
    backend is made visible (`coach.domain.text.visible`).
    """
    from coach.domain.models import ROUND_TITLES
    from coach.domain.text import visible
    from coach.services.provenance import made_by

    questions = {a.question_id: a.question for a in session.answers}
    lines = [f"Debrief for {session.id} · {ROUND_TITLES.get(session.round, session.round)} · {session.role}", ""]
    for n, p in enumerate(feedback.pointers, start=1):
        lines.extend(_wrap(p.title, f"{n}. "))
        if p.source:
            lines.extend(_wrap(p.source, "   By: "))
        if p.question_id and p.question_id in questions:
            lines.extend(_wrap(questions[p.question_id], "   About: "))
        if p.evidence:
            lines.extend(_wrap(f"“{p.evidence}”", "   You said: "))
        lines.extend(_wrap(p.tip, "   Next time: "))
        lines.append("")
    if feedback.strength is not None:
        s = feedback.strength
        quoted = f" — “{s.evidence}”" if s.evidence else ""
        lines.extend(_wrap(f"{s.title}{quoted}", "What worked: "))
    lines.append(f"{made_by(feedback)}.")
    if feedback.notice:
        lines.extend(_wrap(feedback.notice, "Note: "))
    return visible("\n".join(lines), multiline=True) + "\n"


def same_debrief(old, new) -> bool:
    """True when ``new`` says what ``old`` said, from the same backend and model (only the time differs)."""
    if old is None:
        return False
    keep = {"created_at"}
    return old.model_dump(exclude=keep) == new.model_dump(exclude=keep)


def run(args: argparse.Namespace) -> int:
    from coach.config import settings_from_args
    from coach.engine import BackendError
    from coach.services.review import ReviewService
    from coach.store import Store, StoreError

    settings = settings_from_args(args)
    store = Store.from_settings(settings)
    try:
        path = store.resolve(args.session)
        session = store.load(path)
    except StoreError as exc:
        return _fail(str(exc))
    service = ReviewService(settings, getattr(args, "backend", None), strict=True)
    from coach.real import RealInterviewError

    try:
        feedback = asyncio.run(_review(service, session))
    except BackendError as exc:
        return _fail(f"{path}: {exc}")
    except RealInterviewError as exc:
        return _fail(f"{path}: nothing to review: {exc}")
    # The debrief is shown first: a read-only or full data dir must not cost
    # the user the feedback they just waited for; then saving is tried.
    if getattr(args, "json", False):
        from coach.domain.text import json_safe

        sys.stdout.write(json_safe(feedback.model_dump_json(indent=2)) + "\n")
        return EXIT_OK
    latest = session.latest_feedback
    if not getattr(args, "again", False) and same_debrief(latest, feedback):
        from coach.services.provenance import made_by

        when = latest.created_at.astimezone().strftime("%d %b %Y, %H:%M")
        sys.stdout.write(
            f"The saved debrief ({made_by(latest)}, {when}) is current: the answers have not changed."
            " Use --again to save a new one.\n\n"
        )
        sys.stdout.write(render_debrief(session, latest))
        return EXIT_OK
    sys.stdout.write(render_debrief(session, feedback))
    sys.stdout.flush()
    try:
        store.add_feedback(path, feedback)
    except StoreError as exc:
        return _fail(f"this feedback could not be saved to the session: {exc}")
    except OSError as exc:
        return _fail(f"this feedback could not be saved to {path}: {exc.strerror or exc}")
    return EXIT_OK
