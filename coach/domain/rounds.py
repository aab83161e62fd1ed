"""The interview vocabulary, defined once: round types, real-interview stages
and outcomes, and question types, with their titles.

Plain data, no pydantic: the app's home screen and `coach --help` name rounds
before pydantic is imported (benchmarks/README.md, "first frame" and
"coach --help" rows). `coach.domain.models` builds its Literal types from the
same words and a test checks the two agree.
"""

from __future__ import annotations

ROUNDS: tuple[str, ...] = ("phone", "second", "final")
ROUND_TITLES: dict[str, str] = {
    "phone": "Phone screen",
    "second": "Competency round",
    "final": "Final round",
}
DEFAULT_ROUND = "second"

#: Stages of a real interview the candidate can record.
STAGES: tuple[str, ...] = ("cv", "phone", "second", "final")
STAGE_TITLES: dict[str, str] = {
    "cv": "CV screen",
    "phone": "Phone screen",
    "second": "Second round",
    "final": "Final round",
}
#: Which practice round a real stage resembles (and is analysed as).
STAGE_ROUND: dict[str, str] = {"cv": "phone", "phone": "phone", "second": "second", "final": "final"}

OUTCOMES: tuple[str, ...] = ("waiting", "rejected", "offer", "withdrew")
OUTCOME_TITLES: dict[str, str] = {
    "waiting": "Waiting to hear",
    "rejected": "Rejected",
    "offer": "Offer",
    "withdrew": "I withdrew",
}

QUESTION_TYPES: tuple[str, ...] = (
    "behavioral",
    "situational",
    "motivational",
    "technical-light",
    "closing",
)
