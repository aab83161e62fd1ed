"""Who made a feedback, said one way everywhere (debrief, replay, export, CLI, home).

A feedback names its backend and model; a fallback says so in its notice. The
offline engine is the one backend that is special to the reader ("offline
rules": no network, no model), and `is_offline` is the one place that knows
its name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coach.domain.models import Feedback

#: The registry name of the offline rules engine (see coach.engine.BUILTIN_BACKENDS).
OFFLINE = "offline"
OFFLINE_LABEL = "offline rules"


def is_offline(subject: Feedback | str | None) -> bool:
    """True for the offline engine's name, a Feedback it made, or a backend object named so."""
    if subject is None:
        return True
    name = subject if isinstance(subject, str) else getattr(subject, "backend", None) or getattr(subject, "name", "")
    return name == OFFLINE


def who(backend: str, model: str | None = None) -> str:
    """'offline rules', 'openai · gpt-4o-mini', or the backend's name when it has no model."""
    if is_offline(backend):
        return OFFLINE_LABEL
    return f"{backend} · {model}" if model else backend


def made_by(feedback: Feedback, *, when: bool = False, notice: bool = False) -> str:
    """The label: "Feedback by openai · gpt-4o-mini", optionally with its date and notice.

    ``when`` adds ", 2026-03-14 10:05"; ``notice`` adds the fallback or check
    notice on a line of its own ("Note: ..."), so a fallback is never shown
    without saying it is one.
    """
    text = f"Feedback by {who(feedback.backend, feedback.model)}"
    if when:
        text += f", {feedback.created_at:%Y-%m-%d %H:%M}"
    if notice and feedback.notice:
        text += f"\nNote: {feedback.notice}"
    return text


def backend_label(name: str, model: str | None = None, base_url: str | None = None) -> str:
    """A backend about to be used, described before it has made anything.

    ``model`` and ``base_url`` are the openai settings, so they describe only
    the openai backend; a plugin is named as it is registered.
    """
    if name == "openai":
        where = f" at {base_url}" if base_url else ""
        return f"{who(name, model or None)}{where}"
    return who(name)


def label_for(backend: Any) -> str:
    """A live backend object described like its feedback will be."""
    name = getattr(backend, "name", None) or type(backend).__name__
    model = getattr(backend, "model", None)
    return who(str(name), model if isinstance(model, str) else None)


__all__ = ["OFFLINE", "OFFLINE_LABEL", "backend_label", "is_offline", "label_for", "made_by", "who"]
