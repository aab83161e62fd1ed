"""Choosing the questions of one round from the loaded banks (see `plan_round`)."""

from __future__ import annotations

import random
import re
from collections.abc import Collection
from dataclasses import dataclass

from coach.banks.layers import GENERAL_ROLE, LoadedBanks
from coach.domain.models import ROUNDS, Question, RoundPlan
from coach.limits import MAX_QUESTIONS, MIN_QUESTIONS

class PlanError(ValueError):
    """A round cannot be planned as asked; the message is one clear line."""


# Which questions exercise a recurring weakness: (types, competencies).
_STORY_KINDS = ("no-example", "no-result", "vague-impact", "ownership", "structure", "too-short")
FOCUS_BIAS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    **{
        kind: (frozenset({"behavioral"}), frozenset())
        for kind in _STORY_KINDS + ("too-long", "hedging", "filler", "off-topic")
    },
    "ownership": (frozenset({"behavioral"}), frozenset({"ownership", "leadership", "initiative"})),
    "no-result": (
        frozenset({"behavioral"}),
        frozenset({"results", "data-driven", "impact", "delivery"}),
    ),
    "vague-impact": (
        frozenset({"behavioral"}),
        frozenset({"results", "data-driven", "impact", "delivery"}),
    ),
    "negative": (frozenset(), frozenset({"conflict", "failure", "resilience", "feedback"})),
    "no-job-link": (frozenset({"motivational", "technical-light"}), frozenset({"role-fit"})),
    "no-questions": (frozenset({"closing"}), frozenset()),
    "no-answer": (frozenset(), frozenset()),
}

_WORD_RE = re.compile(r"[a-z][a-z-]{2,}")


def _job_words(job: str | None) -> set[str]:
    """Words of a job description, split like competency ids, for overlap."""
    if not job:
        return set()
    words = set(_WORD_RE.findall(job.lower()))
    return words | {part for w in words for part in w.split("-") if len(part) > 2}


def _is_role_specific(q: Question, role: str) -> bool:
    """True for a question written for this role rather than for 'any'."""
    return role != GENERAL_ROLE and role in q.roles


@dataclass
class _Scorer:
    """Ranks candidate questions: role first, then focus and job, then chance.

    The random part comes from one `random.Random(seed)` draw per question in
    id order, so a seed always gives the same plan for the same banks.
    """

    role: str
    jitter: dict[str, float]
    avoid_rank: dict[str, int]
    focus_kind: str | None
    job_words: set[str]

    def focus_bonus(self, q: Question) -> float:
        """How strongly a question exercises the weakness being practised."""
        if not self.focus_kind or self.focus_kind not in FOCUS_BIAS:
            return 0.0
        types, comps = FOCUS_BIAS[self.focus_kind]
        bonus = 2.0 if q.type in types else 0.0
        bonus += 1.5 if comps.intersection(q.competencies) else 0.0
        if self.focus_kind == "no-job-link" and _is_role_specific(q, self.role):
            bonus += 1.0
        return bonus

    def job_bonus(self, q: Question) -> float:
        """A pull towards competencies the job description mentions.

        Strong enough to beat chance between two otherwise equal questions,
        capped so it cannot outweigh a role's own questions on its own.
        """
        if not self.job_words:
            return 0.0
        parts = {p for c in q.competencies for p in [c, *c.split("-")]}
        return min(1.0 * len(parts & self.job_words), 1.4)

    def score(self, q: Question) -> float:
        """Higher is better. Recently answered questions sink below all others;
        among them, the least recently answered sinks least."""
        value = self.jitter[q.id]
        value += 1.5 if _is_role_specific(q, self.role) else 0.0
        value += self.focus_bonus(q) + self.job_bonus(q)
        if q.id in self.avoid_rank:
            value -= 100.0 + (len(self.avoid_rank) - self.avoid_rank[q.id])
        return value


def _is_closing(q: Question) -> bool:
    """Closing items ("any questions for us?") only ever end a round."""
    return q.type == "closing"


def _is_logistics(q: Question) -> bool:
    """Notice period, salary, working pattern: one per phone screen, near the end."""
    return "logistics" in q.competencies


def _is_opening(q: Question) -> bool:
    """An opener is mainly about the candidate's background ("walk me through your CV")."""
    return _main_competency(q) == "background"


def _main_competency(q: Question) -> str | None:
    """The first competency listed is what the question mainly probes."""
    return q.competencies[0] if q.competencies else None


# A slot is a named wish: a test a question should pass to fill it.
_SLOT_TESTS = {
    "opening": _is_opening,
    "motivation": lambda q: "motivation" in q.competencies and not _is_logistics(q),
    "role-skill": lambda q: q.type in ("technical-light", "behavioral") and not _is_logistics(q),
    "logistics": _is_logistics,
    "behavioral": lambda q: q.type == "behavioral",
    "situational": lambda q: q.type == "situational",
    "culture": lambda q: q.type == "motivational" or "culture" in q.competencies,
    "closing": _is_closing,
    "fill": lambda q: not _is_logistics(q),
}


def _phone_slots(n: int) -> list[str]:
    """Opening, motivation, one or two role skills, fill, logistics last."""
    if n == 1:
        return ["opening"]
    head = ["opening", "motivation"]
    body = ["role-skill"] if n <= 4 else ["role-skill", "role-skill"]
    slots = head + body
    if n >= 4:
        slots.append("logistics")
    while len(slots) < n:
        slots.insert(len(slots) - 1, "fill")
    return slots[:n]


def _second_slots(n: int) -> list[str]:
    """A competency round is behavioral deep dives."""
    return ["behavioral"] * n


def _final_slots(n: int) -> list[str]:
    """Situational and culture questions in turn, the closing item last."""
    cycle = ["situational", "culture"]
    return [cycle[i % 2] for i in range(n - 1)] + ["closing"]


_ROUND_SLOTS = {"phone": _phone_slots, "second": _second_slots, "final": _final_slots}


def _plan_slots(round: str, n: int, focus_kind: str | None, has_closing: bool) -> list[str]:
    """The slot list for a round; practising 'no-questions' always ends on a closing item."""
    slots = _ROUND_SLOTS[round](n)
    if focus_kind == "no-questions" and has_closing and slots[-1] != "closing":
        slots = (_ROUND_SLOTS[round](n - 1) if n > 1 else []) + ["closing"]
    return slots


def _pick(
    slot: str, remaining: list[Question], scorer: _Scorer, used_comps: set[str]
) -> Question:
    """The best remaining question for a slot.

    Prefers questions that pass the slot's test; a closing item is only ever
    used in the closing slot. Repeating a competency already covered costs a
    little, less than repeating a recently answered question.
    """
    test = _SLOT_TESTS[slot]
    allowed = [q for q in remaining if _is_closing(q) == (slot == "closing")] or remaining
    fitting = [q for q in allowed if test(q)] or allowed

    def rank(q: Question) -> tuple[float, str]:
        penalty = 5.0 if _main_competency(q) in used_comps else 0.0
        return (scorer.score(q) - penalty, q.id)

    return max(fitting, key=rank)


def _validate_request(
    banks: LoadedBanks, round: str, role: str, n: int, focus_kind: str | None
) -> None:
    """Raise `PlanError` with the valid values for any bad argument."""
    from coach.domain.kinds import KIND_IDS

    if round not in ROUNDS:
        raise PlanError(f"unknown round {round!r}: choose one of {', '.join(ROUNDS)}")
    roles = banks.roles()
    if role not in roles:
        raise PlanError(f"unknown role {role!r}: choose one of {', '.join(roles)}")
    if isinstance(n, bool) or not isinstance(n, int) or not MIN_QUESTIONS <= n <= MAX_QUESTIONS:
        raise PlanError(
            f"number of questions must be between {MIN_QUESTIONS} and {MAX_QUESTIONS}, got {n!r}"
        )
    if focus_kind is not None and focus_kind not in KIND_IDS:
        raise PlanError(f"unknown focus kind {focus_kind!r}: choose one of {', '.join(KIND_IDS)}")


def _avoid_ranks(avoid: Collection[str]) -> dict[str, int]:
    """Recency rank per avoided id: 0 is the most recent.

    An ordered collection (list, tuple) is read most recent first, so when
    the pool runs out the least recently used question comes back first. A
    set carries no order: every id counts the same.
    """
    if isinstance(avoid, (list, tuple)):
        ranks: dict[str, int] = {}
        for i, qid in enumerate(avoid):
            ranks.setdefault(qid, i)
        return ranks
    return {qid: 0 for qid in avoid}


def candidate_pool(banks: LoadedBanks, round: str, role: str) -> list[Question]:
    """Every question that fits a round and role, in id order (stable for seeding)."""
    return sorted(
        (q for q in banks.questions().values() if q.fits(round, role)), key=lambda q: q.id
    )


def plan_round(
    banks: LoadedBanks,
    round: str,
    role: str,
    n: int,
    *,
    avoid: Collection[str] = (),
    seed: int | None = None,
    job: str | None = None,
    focus_kind: str | None = None,
) -> RoundPlan:
    """Choose ``n`` questions for one round, in the order they will be asked.

    * phone: an opening/background question, motivation, one or two role
      skills, logistics near the end.
    * second: behavioral deep dives, each on a different main competency
      where the pool allows.
    * final: situational and culture/motivation questions, and the closing
      "any questions for us?" item always last.

    Role questions win over general ones; general ones fill in. No question
    repeats; ids in ``avoid`` are used only once the pool runs out. Fewer than
    ``n`` questions come back only when the pool itself is smaller than ``n``.
    ``focus_kind`` (a pointer kind) biases choice toward questions that
    practise that weakness; ``job`` nudges toward competencies it mentions.
    """
    _validate_request(banks, round, role, n, focus_kind)
    pool = candidate_pool(banks, round, role)
    if not pool:
        raise PlanError(f"no questions for role {role!r} in the {round} round")
    rng = random.Random(seed)
    scorer = _Scorer(
        role=role,
        jitter={q.id: rng.random() for q in pool},
        avoid_rank=_avoid_ranks(avoid),
        focus_kind=focus_kind,
        job_words=_job_words(job),
    )
    slots = _plan_slots(round, min(n, len(pool)), focus_kind, any(map(_is_closing, pool)))
    remaining = list(pool)
    chosen: list[Question] = []
    used_comps: set[str] = set()
    for slot in slots:
        q = _pick(slot, remaining, scorer, used_comps)
        remaining.remove(q)
        chosen.append(q)
        if _main_competency(q):
            used_comps.add(_main_competency(q) or "")
    return RoundPlan(round=round, role=role, questions=chosen, job=job, seed=seed)
