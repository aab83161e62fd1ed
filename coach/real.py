"""Real interviews: record one the candidate really had, and debrief it by stage.

Recruiters see two different kinds of rejection. After a CV or phone screen it
is usually about initial *fit*: the skills the job asks for, motivation for
this role, whether the experience matches. After a second or final round, when
fit was already accepted, it is usually about *technique*: examples, results,
ownership, structure. So the debrief leans the same way:

* rejected at the CV or phone stage -> fit pointers first (``no-job-link``),
  built here from the job description's key requirements, the motivation
  answer and whether the role is mentioned at all, merged with the offline
  engine's (or an LLM's) pointers; never more than two, evidence verbatim;
* any later round, or any other outcome -> the same technique review as a
  practice round of the matching type.

A real interview is stored as an ordinary `Session` (kind "real") so history,
replay, export and patterns treat it like any other round.

No Textual and no backend here: `coach.services` asks a backend for its review
and merges it behind the fit pointers (`merge_fit`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.domain.rounds import OUTCOME_TITLES, OUTCOMES, STAGE_ROUND, STAGE_TITLES, STAGES  # noqa: F401  (re-exported)
from coach.engine import OFFLINE_BACKEND, ReviewRequest

# Reading a job description is shared with the offline engine (coach.engine.offline.job),
# so the fit debrief and the offline no-job-link pointer name the same requirements.
from coach.engine.offline.job import JOB_STOPWORDS as _JOB_STOPWORDS
from coach.engine.offline.job import JOB_WORD_RE as _WORD_RE
from coach.engine.offline.job import has_word as _has_word
from coach.engine.offline.job import job_key_terms, term_touched
from coach.domain.models import Answer, AnswerNote, Feedback, Pointer, RealInterview, Session, Strength

if TYPE_CHECKING:
    from coach.store import Store

#: Said when a fit pointer stands beside another backend's pointers.
FIT_NOTE = "The fit pointer comes from coach's offline rules (job requirements vs your answers)."

#: Evidence quotes are cut to this many characters, at a word boundary.
MAX_QUOTE = 200


class RealInterviewError(ValueError):
    """What the candidate entered cannot be recorded; the message says which field."""


@dataclass(frozen=True)
class Remembered:
    """One question the candidate remembers and roughly what they answered."""

    question: str
    answer: str = ""


def round_for_stage(stage: str) -> str:
    """The practice round a real stage is reviewed as (a CV screen counts as phone)."""
    try:
        return STAGE_ROUND[stage]
    except KeyError:
        raise RealInterviewError(
            f"stage: {stage!r} is not one of {', '.join(STAGES)}"
        ) from None


def build_answers(remembered: Iterable[Remembered | tuple[str, str]]) -> list[Answer]:
    """Answers for the remembered questions, in the order given.

    Rows without a question are dropped. A question with no remembered answer
    is kept as "pending" rather than "skipped": the candidate did answer in the
    room, they just cannot recall it, and a "no answer" pointer would be unfair.
    """
    answers: list[Answer] = []
    for row in remembered:
        item = row if isinstance(row, Remembered) else Remembered(*row)
        question = item.question.strip()
        if not question:
            continue
        text = item.answer.strip()
        answers.append(
            Answer(
                question_id=f"real-{len(answers) + 1}",
                question=question,
                text=text,
                status="submitted" if text else "pending",
            )
        )
    return answers


def record_real(
    store: Store,
    *,
    company: str,
    role: str,
    stage: str,
    outcome: str,
    date: str = "",
    job: str | None = None,
    answers: Iterable[Remembered | tuple[str, str]] = (),
    employer_feedback: str = "",
) -> Session:
    """Save a real interview as a completed Session of kind "real" and return it."""
    role = role.strip()
    if not role:
        raise RealInterviewError("role: say which role you interviewed for")
    if outcome not in OUTCOMES:
        raise RealInterviewError(f"outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    round_ = round_for_stage(stage)
    job_text = (job or "").strip() or None
    built = build_answers(answers)
    session = store.create(round_, role, job=job_text, kind="real", answers=built)
    session.real = RealInterview(
        company=company.strip(),
        date=date.strip(),
        stage=stage,  # type: ignore[arg-type]  # checked by round_for_stage
        outcome=outcome,  # type: ignore[arg-type]
        employer_feedback=employer_feedback.strip(),
    )
    session.status = "complete"
    from coach.store import StoreError

    try:
        store.save(session)
    except StoreError:
        # Without this second save the file is an "in-progress" round with no
        # interview details, which the home screen would offer to resume.
        # If the delete fails too, the save's error is still the one to report.
        with contextlib.suppress(StoreError):
            store.delete(session.id)
        raise
    return session


# ----------------------------------------------------------------- reading


_SENTENCE_RE = re.compile(r"[^.!?\n]+[.!?]*")
_MOTIVATION_Q = re.compile(
    r"\bwhy\b.*\b(?:role|job|position|company|us|here|apply|applying|applied|join|interested|want)\b"
    r"|\bwhat\b.*\b(?:attracts?|interests?|excites?|draws?|drew|appeals?)\b"
    r"|\bmotivat",
    re.IGNORECASE,
)
_REASON_WORDS = re.compile(
    r"\b(?:because|excite[sd]?|exciting|interested|interests|drawn|draws|appeal|appeals|"
    r"want to|keen|love to|looking forward|chance to|opportunity to|why)\b",
    re.IGNORECASE,
)


def _quote(text: str) -> str:
    """The first sentence of ``text``, cut at a word boundary: always a verbatim slice."""
    m = _SENTENCE_RE.search(text)
    span = (m.group(0) if m else text).strip()
    if len(span) <= MAX_QUOTE:
        return span
    cut = span[:MAX_QUOTE]
    space = cut.rfind(" ")
    return cut[:space] if space > MAX_QUOTE // 2 else cut


def _sentence_with(text: str, term: str) -> str | None:
    for m in _SENTENCE_RE.finditer(text):
        sentence = m.group(0).strip()
        if sentence and term_touched(term, sentence):
            return _quote(sentence)
    return None


def _join_terms(terms: Sequence[str]) -> str:
    quoted = [f"“{t}”" for t in terms]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _role_words(role: str) -> list[str]:
    return [w for w in _WORD_RE.findall(role.replace("-", " ")) if w.lower() not in _JOB_STOPWORDS]


# ------------------------------------------------------------------- fit


@dataclass(frozen=True)
class FitReport:
    """How the answers meet the job: what a recruiter screens for at CV/phone stage."""

    terms: tuple[str, ...] = ()
    touched: tuple[str, ...] = ()
    untouched: tuple[str, ...] = ()
    motivation_question_id: str | None = None
    motivation_linked: bool | None = None
    mentions_role_or_company: bool = False
    pointers: tuple[Pointer, ...] = field(default=())
    strength: Strength | None = None


def _answered(session: Session) -> list[Answer]:
    return [a for a in session.answers if a.text.strip()]


def fit_report(session: Session) -> FitReport:
    """Check the answers against the job's key terms, the motivation question and the role.

    Produces at most two ``no-job-link`` pointers, strongest first, each
    quoting the candidate's own words; at the CV stage with no answers
    recorded, the requirements pointer has empty evidence and speaks about
    the CV itself.
    """
    answers = _answered(session)
    real = session.real or RealInterview()
    company = real.company.strip()
    everything = "\n".join(a.text for a in answers)
    lower = everything.lower()

    terms = tuple(job_key_terms(session.job))
    touched = tuple(t for t in terms if term_touched(t, everything))
    untouched = tuple(t for t in terms if t not in touched)

    role_words = _role_words(session.role)
    mentions = bool(
        (company and company.lower() in lower)
        or (role_words and all(_has_word(lower, w) for w in role_words))
    )

    pointers: list[Pointer] = []
    # The longest answer is where the candidate said most about themselves.
    anchor = max(answers, key=lambda a: len(a.text), default=None)

    if terms and len(untouched) * 2 >= len(terms):
        missing = untouched[:3]
        if anchor is None:
            pointers.append(
                Pointer(
                    kind="no-job-link",
                    title="Make this job's key requirements easy to find in your CV",
                    evidence="",
                    question_id=None,
                    tip=(
                        f"The job asks for {_join_terms(missing)}. Put the ones you have in the "
                        "top third of your CV, each with one line of proof (what you did, and "
                        "what came of it), using the job's own words."
                    ),
                )
            )
        else:
            pointers.append(
                Pointer(
                    kind="no-job-link",
                    title="Show how you meet this job's key requirements",
                    evidence=_quote(anchor.text),
                    question_id=anchor.question_id,
                    tip=(
                        f"The job asks for {_join_terms(missing)}, and none of your answers "
                        + ("touched it. Prepare one short example that proves it"
                           if len(missing) == 1 else
                           "touched them. Pick the two you can prove best and prepare one "
                           "short example of each")
                        + ", naming the requirement in your first sentence."
                    ),
                )
            )

    motivation = next((a for a in answers if _MOTIVATION_Q.search(a.question)), None)
    motivation_linked: bool | None = None
    if motivation is not None:
        m_lower = motivation.text.lower()
        linked = (
            (company and company.lower() in m_lower)
            or any(_has_word(m_lower, w) for w in role_words)
            or any(term_touched(t, motivation.text) for t in terms)
        )
        motivation_linked = bool(linked) and bool(_REASON_WORDS.search(motivation.text))
        if not motivation_linked:
            where = company or "this employer"
            hook = f" (its focus on {_join_terms(terms[:1])}, say)" if terms else ""
            pointers.append(
                Pointer(
                    kind="no-job-link",
                    title="Say why this role, at this company",
                    evidence=_quote(motivation.text),
                    question_id=motivation.question_id,
                    tip=(
                        f"This answer could have been given to any employer. Name {where} and "
                        f"one thing about the {session.role} role that draws you{hook}, then "
                        "link it to something you have already done."
                    ),
                )
            )

    if not terms and anchor is not None and not mentions and not pointers:
        pointers.append(
            Pointer(
                kind="no-job-link",
                title=f"Connect your experience to the {session.role} role",
                evidence=_quote(anchor.text),
                question_id=anchor.question_id,
                tip=(
                    f"None of your answers mentioned the {session.role} role"
                    + (f" or {company}" if company else "")
                    + ". End your main examples with one sentence on why that experience "
                    "matters for this job."
                ),
            )
        )

    strength = None
    for term in touched:
        for a in answers:
            sentence = _sentence_with(a.text, term)
            if sentence:
                strength = Strength(
                    title=f"You linked your experience to “{term}”, which the job asks for",
                    evidence=sentence,
                    question_id=a.question_id,
                )
                break
        if strength:
            break

    return FitReport(
        terms=terms,
        touched=touched,
        untouched=untouched,
        motivation_question_id=motivation.question_id if motivation else None,
        motivation_linked=motivation_linked,
        mentions_role_or_company=mentions,
        pointers=tuple(pointers[:2]),
        strength=strength,
    )


# --------------------------------------------------------------- debrief


def leans_to_fit(session: Session) -> bool:
    """A rejection at the CV or phone stage is read as a question of fit."""
    real = session.real
    return bool(real and real.stage in ("cv", "phone") and real.outcome == "rejected")


def stage_note(session: Session, fit: FitReport | None = None) -> str:
    """A plain sentence or two on what this stage and outcome usually mean."""
    real = session.real or RealInterview()
    stage = STAGE_TITLES.get(real.stage, real.stage)
    if leans_to_fit(session):
        text = (
            f"A rejection at the {stage.lower()} is usually about initial fit: the skills the "
            "job asks for, motivation for this role, or requirements that changed. These "
            "pointers look at fit, not polish."
        )
        if fit is not None and fit.terms and not fit.pointers:
            text += (
                f" Your answers did touch the job's requirements ({_join_terms(fit.touched[:3])}),"
                " so the gap may have been on their side: other candidates, or a changed brief."
            )
        return text
    if real.stage in ("second", "final"):
        return (
            f"Reaching the {stage.lower()} means they already saw a fit, so the pointers look at "
            "interview technique, like a practice round."
        )
    return (
        f"At the {stage.lower()} the pointers look at what a screen checks: clear, specific "
        "answers linked to this job."
    )


def has_items(request: ReviewRequest) -> bool:
    """True when the request holds at least one remembered answer to review."""
    return any(item.answer.strip() and not item.skipped for item in request.items)


def merge_fit(session: Session, fit: FitReport, base: Feedback | None) -> Feedback:
    """Fit pointers first, then the engine's best pointer of another kind, two at most.

    Keeps the base's provenance; when the base came from another backend the
    caller says in the notice that the fit pointer is the offline rules' own
    (`FIT_NOTE`).
    """
    pointers: list[Pointer] = list(fit.pointers)
    if base is not None:
        for p in base.pointers:
            if len(pointers) >= 2:
                break
            if p.kind == "no-job-link" and pointers:
                continue  # the fit pointer already says this, with the job's terms
            pointers.append(p)
    if not pointers:
        raise RealInterviewError(
            "questions: add at least one question you remember and roughly what you said"
        )

    notes: list[AnswerNote] = [n.model_copy(deep=True) for n in (base.notes if base else [])]
    for p in fit.pointers:
        if p.question_id is None:
            continue
        note = next((n for n in notes if n.question_id == p.question_id), None)
        if note is None:
            notes.append(AnswerNote(question_id=p.question_id, pointers=[p]))
        elif all(q.kind != "no-job-link" for q in note.pointers):
            note.pointers.insert(0, p)

    return Feedback(
        pointers=pointers[:2],
        strength=fit.strength or (base.strength if base else None),
        notes=notes,
        backend=base.backend if base else OFFLINE_BACKEND,
        model=base.model if base else None,
        notice=base.notice if base else None,
    )


def debrief_offline(session: Session) -> Feedback:
    """The stage-aware debrief from offline rules alone: deterministic, no network.

    The debrief with another backend is `coach.services.review.ReviewService.review_real`.
    """
    from coach.engine.offline import analyze

    request = ReviewRequest.from_session(session)
    base = analyze(request) if has_items(request) else None
    if leans_to_fit(session):
        return merge_fit(session, fit_report(session), base)
    if base is None:
        raise RealInterviewError(
            "questions: add at least one question you remember and roughly what you said"
        )
    return base


def real_title(session: Session) -> str:
    """A one-line label for lists: "Acme · Data analyst · Phone screen · Rejected"."""
    real = session.real or RealInterview()
    parts = [real.company or "(company not given)", session.role, STAGE_TITLES.get(real.stage, real.stage)]
    parts.append(OUTCOME_TITLES.get(real.outcome, real.outcome))
    return " · ".join(parts)


__all__ = [
    "FIT_NOTE",
    "FitReport",
    "OUTCOMES",
    "OUTCOME_TITLES",
    "RealInterviewError",
    "Remembered",
    "STAGES",
    "STAGE_ROUND",
    "STAGE_TITLES",
    "build_answers",
    "debrief_offline",
    "fit_report",
    "has_items",
    "job_key_terms",
    "leans_to_fit",
    "merge_fit",
    "real_title",
    "record_real",
    "round_for_stage",
    "stage_note",
    "term_touched",
]
