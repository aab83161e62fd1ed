"""Optional things a backend can do beyond `review`, as typed Protocols.

Callers check ``isinstance(backend, TextRewriter)`` rather than looking up a
method by name, so a typo or a renamed method is a type error, not a silent
"this backend can't". The Protocols are runtime-checkable: a backend has an
ability when it has the method, whatever its base class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from coach.engine import AnswerItem


@runtime_checkable
class TextRewriter(Protocol):
    """Can reword a short text (e.g. a feedback request to an employer).

    Raises on any failure with a one-line message that never contains a key;
    the caller keeps its own text.
    """

    async def complete_text(self, *, system: str, prompt: str) -> str: ...


@runtime_checkable
class Diagnoser(Protocol):
    """Has its own checks for `coach doctor`: (level, line) with levels ok, info, warn, fail."""

    async def diagnose(self) -> list[tuple[str, str]]: ...


@runtime_checkable
class FollowUpAsker(Protocol):
    """Can generate a probing follow-up question from one answer (None when it has none)."""

    async def follow_up(self, item: AnswerItem, round: str | None = None) -> str | None: ...


@runtime_checkable
class HasModel(Protocol):
    """Names the model it talks to, for honest provenance."""

    @property
    def model(self) -> str: ...


__all__ = ["Diagnoser", "FollowUpAsker", "HasModel", "TextRewriter"]
