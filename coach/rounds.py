"""Round types and their titles: plain data, no pydantic.

Kept apart from `coach.models` so the app's home screen can name rounds
without paying for pydantic before its first frame; `coach.models` imports
these names from here.
"""

from __future__ import annotations

ROUNDS: tuple[str, ...] = ("phone", "second", "final")
ROUND_TITLES: dict[str, str] = {
    "phone": "Phone screen",
    "second": "Competency round",
    "final": "Final round",
}
