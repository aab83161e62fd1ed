"""The data model: questions, banks, sessions, answers, edits and feedback.

Pure pydantic, no I/O and no UI: storage, the feedback engine and the app all
speak these types. Validation is strict (unknown fields are errors) so a typo
in a bank or a damaged session file is reported, not silently dropped.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_serializer,
    model_validator,
)

from coach.domain.kinds import Kind
from coach.domain.rounds import OUTCOMES, QUESTION_TYPES, ROUND_TITLES, ROUNDS, STAGES  # noqa: F401  (re-exported)

SCHEMA_VERSION = 2

# The Literal types are built from the one vocabulary in coach.domain.rounds.
RoundType = Literal[ROUNDS]  # type: ignore[valid-type]
QuestionType = Literal[QUESTION_TYPES]  # type: ignore[valid-type]
StageType = Literal[STAGES]  # type: ignore[valid-type]
OutcomeType = Literal[OUTCOMES]  # type: ignore[valid-type]
SessionStatus = Literal["in-progress", "complete", "abandoned"]
AnswerStatus = Literal["pending", "draft", "submitted", "skipped"]
VerdictStatus = Literal["resolved", "remaining", "new"]
SessionKind = Literal["practice", "real"]

Id = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", min_length=1, max_length=80)
]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def utcnow() -> datetime:
    """Timezone-aware now, truncated to milliseconds (TOML keeps ms precision)."""
    now = datetime.now(timezone.utc)
    return now.replace(microsecond=(now.microsecond // 1000) * 1000)


def aware(moment: datetime) -> datetime:
    """A time with an offset: a hand-edited one without (or a bare date) is taken as local time.

    Every time coach writes has an offset; one that lacks it would make sorting
    a listing or a round's history fail (naive and aware times do not compare).
    """
    return moment if moment.tzinfo else moment.astimezone(timezone.utc)


#: A moment in time that always compares with the others (see `aware`).
Moment = Annotated[datetime, AfterValidator(aware)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


# --------------------------------------------------------------------- banks


class Question(Strict):
    """One interview question as written in a bank."""

    id: Id
    text: NonEmpty
    rounds: list[RoundType] = Field(min_length=1)
    roles: list[NonEmpty] = Field(min_length=1, description="role ids, or 'any'")
    type: QuestionType
    competencies: list[NonEmpty] = Field(default_factory=list)
    follow_ups: list[NonEmpty] = Field(default_factory=list)
    suggested_seconds: int | None = Field(default=None, gt=0, le=1800)

    def fits(self, round: str, role: str) -> bool:
        return round in self.rounds and ("any" in self.roles or role in self.roles)


class Bank(Strict):
    """A named set of questions (one TOML file)."""

    id: Id
    title: NonEmpty
    description: str = ""
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Bank:
        seen: set[str] = set()
        for q in self.questions:
            if q.id in seen:
                raise ValueError(f"duplicate question id {q.id!r}")
            seen.add(q.id)
        return self


class RoundPlan(Strict):
    """The questions chosen for one round, in the order they will be asked."""

    round: RoundType
    role: NonEmpty
    questions: list[Question] = Field(min_length=1)
    job: str | None = None
    seed: int | None = None


# ------------------------------------------------------------------ feedback


class Pointer(Strict):
    """One thing to change next time, tied to the candidate's own words."""

    kind: Kind
    title: Annotated[str, StringConstraints(min_length=1, max_length=160)]
    evidence: str = Field(default="", description="verbatim span of the answer, or empty")
    question_id: str | None = None
    tip: NonEmpty
    verified: bool = Field(
        default=True, description="false when the evidence could not be found in the answer"
    )
    source: str | None = Field(
        default=None,
        description="who made this pointer ('offline rules', 'openai · gpt-4o-mini'); "
        "None: the feedback's own backend (files written before pointers said so)",
    )


class Strength(Strict):
    """One thing that worked, with the words that showed it."""

    title: NonEmpty
    evidence: str = ""
    question_id: str | None = None
    source: str | None = Field(default=None, description="who made it; None: the feedback's own backend")


class AnswerNote(Strict):
    """Per-answer detail, one key away from the headline debrief."""

    question_id: str
    pointers: list[Pointer] = Field(default_factory=list)


class Feedback(Strict):
    """A debrief: one or two ranked pointers and where they came from."""

    pointers: list[Pointer] = Field(min_length=1, max_length=2)
    strength: Strength | None = None
    notes: list[AnswerNote] = Field(default_factory=list)
    backend: NonEmpty
    model: str | None = None
    created_at: Moment = Field(default_factory=utcnow)
    notice: str | None = None


# ------------------------------------------------------------------ sessions


class Edit(BaseModel):
    """One change to an answer, for replay.

    Stored compactly as ``[t_ms, pos, removed, text]``: at ``t_ms`` after the
    question was shown, ``removed`` characters at ``pos`` were replaced by
    ``text``. Applying every edit in order to "" rebuilds the final answer.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    t_ms: int = Field(ge=0)
    pos: int = Field(ge=0)
    removed: int = Field(default=0, ge=0)
    text: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        if isinstance(data, (list, tuple)):
            if len(data) != 4:
                raise ValueError("an edit is [t_ms, pos, removed, text]")
            t_ms, pos, removed, text = data
            return {"t_ms": t_ms, "pos": pos, "removed": removed, "text": text}
        return data

    @model_serializer(mode="plain")
    def _to_list(self) -> list[Any]:
        return [self.t_ms, self.pos, self.removed, self.text]

    def apply(self, text: str) -> str:
        if self.pos > len(text) or self.pos + self.removed > len(text):
            raise ValueError(f"edit at {self.pos}+{self.removed} is outside a text of {len(text)}")
        return text[: self.pos] + self.text + text[self.pos + self.removed :]


def replay_edits(edits: list[Edit], upto_ms: int | None = None) -> str:
    """The answer text after every edit (or every edit up to ``upto_ms``)."""
    text = ""
    for edit in edits:
        if upto_ms is not None and edit.t_ms > upto_ms:
            break
        text = edit.apply(text)
    return text


class Take(Strict):
    """One go at answering a question: the text as typed, its timings and its edit log.

    An :class:`Answer` is the first take; each :class:`Attempt` is a later one,
    so a retry is typed, autosaved and replayed exactly like the first answer.
    """

    text: str = ""
    status: AnswerStatus = "pending"
    shown_at: Moment | None = None
    think_ms: int | None = Field(default=None, ge=0, description="question shown → first key")
    answer_ms: int | None = Field(default=None, ge=0, description="question shown → submit")
    edits: list[Edit] = Field(default_factory=list)

    @property
    def answered(self) -> bool:
        return self.status == "submitted" and bool(self.text.strip())


class VerdictLine(Strict):
    """What a retry did about one pointer: resolved, still there, or new."""

    kind: Kind
    status: VerdictStatus
    says: NonEmpty = Field(description="one sentence for the candidate")
    evidence: str = Field(default="", description="verbatim words of the new attempt, or empty")


class RetryVerdict(Strict):
    """The comparison of a retry with the attempt before it, pointer by pointer."""

    lines: list[VerdictLine] = Field(default_factory=list)
    backend: NonEmpty
    model: str | None = None
    created_at: Moment = Field(default_factory=utcnow)
    notice: str | None = None

    def kinds(self, status: str) -> list[str]:
        return [line.kind for line in self.lines if line.status == status]


class Stronger(Strict):
    """What an answer could sound like: the candidate's own sentences in a clear order.

    What the answer lacks is a visible ``[placeholder]``; nothing in ``text``
    is a fact the candidate did not give (the trust gate checks an LLM's).
    """

    attempt: int = Field(default=1, ge=1, description="which take it was built from")
    text: NonEmpty
    placeholders: list[str] = Field(default_factory=list)
    backend: NonEmpty
    model: str | None = None
    created_at: Moment = Field(default_factory=utcnow)
    notice: str | None = None


class Attempt(Take):
    """A further try at a question, made after a debrief pointed at something."""

    number: int = Field(ge=2, description="2 for the first retry; the answer itself is take 1")
    pointer: Kind | None = Field(default=None, description="the pointer the retry was working on")
    verdict: RetryVerdict | None = None


class Answer(Take):
    """The candidate's answer to one question (or one follow-up), and any retries of it."""

    question_id: NonEmpty
    question: NonEmpty = Field(description="the question text as asked")
    type: QuestionType | None = None
    follow_up_of: str | None = Field(
        default=None, description="question_id this follow-up probes, if it is one"
    )
    attempts: list[Attempt] = Field(default_factory=list, description="retries, oldest first")
    stronger: list[Stronger] = Field(default_factory=list, description="example rewrites, oldest first")

    @property
    def takes(self) -> list[Take]:
        """Every take, first answer first."""
        return [self, *self.attempts]

    @property
    def latest(self) -> Take:
        return self.attempts[-1] if self.attempts else self

    def take(self, number: int) -> Take:
        """Take ``number`` (1 = the answer itself); IndexError when there is none."""
        if number < 1 or number > 1 + len(self.attempts):
            raise IndexError(f"no attempt {number} at {self.question_id}")
        return self if number == 1 else self.attempts[number - 2]

    def stronger_for(self, number: int) -> Stronger | None:
        """The newest example rewrite built from take ``number``, if any."""
        for example in reversed(self.stronger):
            if example.attempt == number:
                return example
        return None


class RealInterview(Strict):
    """What the candidate recorded about an interview they really had."""

    company: str = ""
    date: str = ""
    stage: StageType = "phone"
    outcome: OutcomeType = "waiting"
    employer_feedback: str = ""


class Session(Strict):
    """One round: its plan, every answer with its edit log, every feedback."""

    schema_version: int = SCHEMA_VERSION
    id: NonEmpty
    kind: SessionKind = "practice"
    created_at: Moment = Field(default_factory=utcnow)
    updated_at: Moment = Field(default_factory=utcnow)
    round: RoundType
    role: NonEmpty
    job: str | None = None
    timed: bool = False
    status: SessionStatus = "in-progress"
    answers: list[Answer] = Field(default_factory=list)
    feedback: list[Feedback] = Field(default_factory=list)
    real: RealInterview | None = None

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, v: int) -> int:
        if v > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {v} is newer than this coach understands ({SCHEMA_VERSION});"
                " upgrade coach to read it"
            )
        if v < 1:
            raise ValueError(f"schema_version {v} is not valid")
        return v

    @property
    def latest_feedback(self) -> Feedback | None:
        return self.feedback[-1] if self.feedback else None

    def answer_for(self, question_id: str) -> Answer | None:
        for a in self.answers:
            if a.question_id == question_id:
                return a
        return None
