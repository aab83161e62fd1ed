"""The feedback engine's front door: the Backend contract and the registry.

A backend turns a round's answers into a `Feedback`. Built-ins are `offline`
(rules, no network) and `openai` (any OpenAI-compatible server); third parties
add more through the entry-point group ``coach.backends``. Names are listed
from entry-point metadata without importing anything; a backend's module is
imported only when that backend is chosen.

This package knows nothing of the UI.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from coach.domain.models import Feedback, Session

ENTRY_POINT_GROUP = "coach.backends"

#: The rules engine's registry name: always there, no network (its feedback is "offline rules").
OFFLINE_BACKEND = "offline"

#: Built-in backends, as "module:Class" so listing them imports nothing.
BUILTIN_BACKENDS: dict[str, str] = {
    OFFLINE_BACKEND: "coach.engine.offline:OfflineBackend",
    "openai": "coach.engine.openai:OpenAIBackend",
}


@dataclass(frozen=True)
class AnswerItem:
    """One question and the candidate's answer to it."""

    question_id: str
    question: str
    answer: str
    type: str | None = None
    follow_up_of: str | None = None
    skipped: bool = False


@dataclass(frozen=True)
class ReviewRequest:
    """Everything a backend may look at: the answers and their context."""

    items: tuple[AnswerItem, ...]
    round: str | None = None
    role: str | None = None
    job: str | None = None
    real_stage: str | None = None
    real_outcome: str | None = None

    @classmethod
    def from_session(cls, session: Session) -> ReviewRequest:
        items = tuple(
            AnswerItem(
                question_id=a.question_id,
                question=a.question,
                answer=a.text,
                type=a.type,
                follow_up_of=a.follow_up_of,
                skipped=a.status == "skipped",
            )
            for a in session.answers
            if a.status in ("submitted", "skipped", "draft")
        )
        real = session.real
        return cls(
            items=items,
            round=session.round,
            role=session.role,
            job=session.job,
            real_stage=real.stage if real else None,
            real_outcome=real.outcome if real else None,
        )


@dataclass(frozen=True)
class Progress:
    """A streaming update: what the backend is doing and the text so far."""

    stage: str  # "connecting", "streaming", "verifying", "fallback", "done"
    text: str = ""
    chars: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


ProgressFn = Callable[[Progress], None]


class BackendError(Exception):
    """A backend could not be loaded or configured (one clear line)."""


class Backend(abc.ABC):
    """Turns answers into one or two pointers.

    Implementations must never raise for a backend-side failure during
    `review`; they fall back to offline feedback with a `notice` instead.
    """

    name: ClassVar[str]

    @abc.abstractmethod
    async def review(self, request: ReviewRequest, progress: ProgressFn | None = None) -> Feedback:
        """Review the request's answers and return a Feedback."""

    async def review_session(
        self, session: Session, progress: ProgressFn | None = None
    ) -> Feedback:
        return await self.review(ReviewRequest.from_session(session), progress)

    async def follow_up(self, item: AnswerItem, round: str | None = None) -> str | None:
        """A probing follow-up question generated from the answer, if this backend makes them.

        Backends that cannot generate one return None and the app uses the bank's follow-ups.
        """
        return None

    async def aclose(self) -> None:
        """Release connections; called once the caller is done."""

    @classmethod
    def from_settings(cls, settings: Any) -> Backend:
        """Build the backend from `coach.config.Settings` (default: no options)."""
        return cls()


def available_backends() -> dict[str, str]:
    """Backend names mapped to their "module:Class" target, without importing them."""
    from importlib.metadata import entry_points

    found = dict(BUILTIN_BACKENDS)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def backend_class(name: str) -> type[Backend]:
    """Import and return the backend class registered under ``name``."""
    from importlib import import_module

    targets = available_backends()
    if name not in targets:
        known = ", ".join(sorted(targets))
        raise BackendError(f"unknown backend {name!r} (known: {known})")
    target = targets[name]
    module_name, _, attr = target.partition(":")
    try:
        module = import_module(module_name)
        cls = getattr(module, attr) if attr else module
    except Exception as exc:  # a broken plugin must not crash coach
        raise BackendError(f"backend {name!r} ({target}) failed to load: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Backend)):
        raise BackendError(f"backend {name!r} ({target}) is not a coach Backend")
    return cls


def make_backend(name: str, settings: Any) -> Backend:
    """Load backend ``name`` and configure it from ``settings``."""
    cls = backend_class(name)
    try:
        return cls.from_settings(settings)
    except BackendError:
        raise
    except Exception as exc:
        raise BackendError(f"backend {name!r} could not be set up: {exc}") from exc
