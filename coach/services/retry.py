"""The retry verdict with an LLM backend: both takes reviewed through the trust gate, then compared.

A verdict is only as trustworthy as the reviews under it, so there is no
separate "did they fix it?" prompt for a model to get wrong in new ways. The
previous take and the new take are each reviewed the way every LLM review is
(`ReviewService.review_answer`, which holds the reply to the trust gate), and
their pointer kinds are compared mechanically: a kind the new review no longer
has is resolved, one it still has remains (quoting its gated evidence), one it
did not have before is new.

What a model cannot be trusted with is the quote that shows a fix, so that
comes from the offline rules' finder (`coach.engine.offline.retry.resolution`),
checked to be a clean, whole-word slice of the new take; a fix that is an
absence (the hedges gone) needs the rules to agree they are gone. When either
review fell back to the offline rules, or coach cannot confirm a kind the model
dropped is fixed, the whole verdict is the offline one, with a notice saying
why: never half a model's verdict and half a guess.
"""

from __future__ import annotations

from coach.domain.models import Feedback, RetryVerdict, VerdictLine
from coach.engine.offline.retry import compare, new_line, resolution, review_take, still_line
from coach.services.provenance import is_offline

_DECIDED = "this verdict comes from the offline rules"
#: How a review's own notice says it fell back; the verdict's notice says it once, for the verdict.
_FELL_BACK = (" These pointers come from the offline rules.", "; these pointers come from the offline rules")


def _kinds(feedback: Feedback) -> dict[str, str]:
    """The feedback's pointer kinds, each with its (gated) evidence, in the order shown."""
    found: dict[str, str] = {}
    for p in feedback.pointers:
        found.setdefault(p.kind, p.evidence)
    for note in feedback.notes:
        for p in note.pointers:
            found.setdefault(p.kind, p.evidence)
    return found


def _offline(question: str, previous: str, answer: str, context: dict, notice: str | None) -> RetryVerdict:
    verdict = compare(question, previous, answer, **context)
    return verdict.model_copy(update={"notice": notice}) if notice else verdict


def offline_verdict(question: str, previous: str, answer: str, *, type: str | None = None,
                    round: str | None = None, role: str | None = None, job: str | None = None) -> RetryVerdict:
    """The offline rules' verdict, synchronously (batch callers and threads)."""
    return compare(question, previous, answer, type=type, round=round, role=role, job=job)


def decide(before: Feedback, after: Feedback, question: str, previous: str, answer: str, *,
           type: str | None = None, round: str | None = None, role: str | None = None,
           job: str | None = None) -> RetryVerdict:
    """The verdict from two gated reviews of a non-offline backend (see the module docstring).

    ``before`` reviews ``previous`` and ``after`` reviews ``answer``, both through
    the trust gate. Pure and synchronous: a batch calls it between reviews.
    """
    context = {"type": type, "round": round, "role": role, "job": job}
    for which, feedback in (("the previous answer", before), ("the new answer", after)):
        if is_offline(feedback):
            why = " ".join((feedback.notice or "the backend was not used").split())
            for said in _FELL_BACK:
                why = why.replace(said, "")
            why = why.rstrip(" .;")
            return _offline(question, previous, answer, context,
                            f"Reviewing {which}: {why[:1].lower()}{why[1:]}. {_DECIDED[:1].upper()}{_DECIDED[1:]}.")
    had, now = _kinds(before), _kinds(after)
    take_before = review_take(question, previous, **context)
    take_after = review_take(question, answer, **context)
    lines: list[VerdictLine] = []
    for kind in had:
        if kind in now:
            lines.append(still_line(kind, now[kind], answer, take_after.text.n_words))
            continue
        found = resolution(kind, take_before, take_after)
        # A fix is shown by the words that make it, or, where the fix is an absence (no hedges
        # left), by the rules no longer finding the kind either.
        if found is None or (not found[1] and kind in take_after.present()):
            model = after.model or after.backend
            return _offline(question, previous, answer, context,
                            f"{model} no longer points at '{kind}', but coach could not confirm it is fixed in the"
                            f" new answer; {_DECIDED}.")
        lines.append(VerdictLine(kind=kind, status="resolved", says=found[0], evidence=found[1]))
    for kind, evidence in now.items():
        if kind not in had:
            lines.append(new_line(kind, evidence, answer))
    notice = " ".join(n for n in (before.notice, after.notice) if n) or None
    return RetryVerdict(lines=lines, backend=after.backend, model=after.model, notice=notice)


__all__ = ["decide", "offline_verdict"]
