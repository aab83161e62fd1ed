"""The pointer taxonomy: stable ids shared by every backend.

Each kind has a short title (the default headline for a pointer of that kind)
and guidance (what the kind means, used in prompts and help screens). Offline
rules and LLM backends both speak in these ids; only LLM backends may use
`other`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Kind = Literal[
    "no-example",
    "no-result",
    "vague-impact",
    "ownership",
    "too-short",
    "too-long",
    "hedging",
    "filler",
    "off-topic",
    "negative",
    "no-job-link",
    "no-questions",
    "structure",
    "no-answer",
    "other",
]

KIND_IDS: tuple[str, ...] = get_args(Kind)


@dataclass(frozen=True)
class KindInfo:
    id: str
    title: str
    guidance: str


KINDS: dict[str, KindInfo] = {
    info.id: info
    for info in (
        KindInfo(
            "no-example",
            "Tell one real story, not a habit",
            "Answers in generalities, habits or hypotheticals ('I usually', 'I would') "
            "where one concrete past situation was asked for or expected.",
        ),
        KindInfo(
            "no-result",
            "Finish the story with how it ended",
            "Tells the situation and the actions but never how it ended, what changed, "
            "or what was learned.",
        ),
        KindInfo(
            "vague-impact",
            "Make the outcome concrete",
            "States an outcome only vaguely ('it went well'); needs scale, a number, "
            "a before/after, or evidence.",
        ),
        KindInfo(
            "ownership",
            "Say what you did yourself",
            "'We', 'the team' or the passive voice hide what the candidate personally did.",
        ),
        KindInfo(
            "too-short",
            "Give the answer room to show something",
            "Too thin to show anything about the candidate.",
        ),
        KindInfo(
            "too-long",
            "Get to the point sooner",
            "Rambles, or spends a long setup before the point.",
        ),
        KindInfo(
            "hedging",
            "Drop the hedges",
            "Tentative, self-undermining language ('I think maybe', 'kind of', 'I guess').",
        ),
        KindInfo(
            "filler",
            "Cut the filler words",
            "Crutch words and verbal fillers ('like', 'basically', 'you know', 'um').",
        ),
        KindInfo(
            "off-topic",
            "Answer the question that was asked",
            "Does not answer the question asked.",
        ),
        KindInfo(
            "negative",
            "Keep it fair to others",
            "Blames or criticises others, a former employer or colleagues.",
        ),
        KindInfo(
            "no-job-link",
            "Connect it to this job",
            "Does not connect the experience to the role or the job description.",
        ),
        KindInfo(
            "no-questions",
            "Bring questions for them",
            "Had no questions for the interviewer when invited to ask.",
        ),
        KindInfo(
            "structure",
            "Lead with a headline, then tell it in order",
            "Hard to follow: no headline, no order.",
        ),
        KindInfo(
            "no-answer",
            "Give every question a real answer",
            "Skipped, blank or junk.",
        ),
        KindInfo(
            "other",
            "Something else worth changing",
            "(LLM backends only) anything else, with a clear title.",
        ),
    )
}

assert tuple(KINDS) == KIND_IDS, "KINDS and Kind must list the same ids in the same order"

#: Kinds the offline analyzer may produce (everything except `other`).
OFFLINE_KINDS: tuple[str, ...] = tuple(k for k in KIND_IDS if k != "other")
