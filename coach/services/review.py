"""`ReviewService`: the one door through which the app and the CLI get feedback.

It owns a backend's whole life: made from the settings on first use (in a
thread: loading a plugin or an SDK may block), used for every review of a
screen or a command, closed exactly once. When the backend cannot be made,
or fails while reviewing, the offline rules answer instead and the notice
says why, so practising never depends on a network. It also merges what
belongs together: fit pointers before an LLM's after a CV/phone rejection,
and the offline per-answer notes beside an LLM debrief that has none.

Everything slow runs off the event loop (`asyncio.to_thread`), so a Textual
worker can await it without freezing the screen.

    async with ReviewService(settings) as service:
        feedback = await service.review_round(session, progress)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coach.engine import AnswerItem, Backend, BackendError, ProgressFn, ReviewRequest, make_backend
from coach.engine.abilities import Diagnoser, FollowUpAsker
from coach.real import RealInterviewError, debrief_offline
from coach.domain.redact import redact, secrets_from_env
from coach.services import trust
from coach.services.provenance import OFFLINE, OFFLINE_LABEL, backend_label, is_offline, label_for, who
from coach.services.real import debrief_real

if TYPE_CHECKING:
    from coach.domain.models import AnswerNote, Feedback, RetryVerdict, Session, Stronger
    from coach.outreach import OutreachDraft, Personalised

BackendFactory = Callable[[str, Any], Backend]

#: A generated follow-up must come quickly: the candidate is waiting for the next question.
FOLLOW_UP_TIMEOUT_S = 8.0

#: How long `coach doctor` waits for its sample review (the backend's own timeout usually ends it first).
SAMPLE_TIMEOUT_S = 120.0

#: The answer `coach doctor` sends for one real review: a story with hedges, 'we' and no ending.
SAMPLE_REQUEST = ReviewRequest(
    items=(
        AnswerItem(
            question_id="sample",
            question="Tell me about a time you had to deal with a difficult deadline.",
            answer="I think maybe the hardest one was last spring. We had two weeks to move the reports to the"
            " new system, and the team split the work and we kind of worked late most nights. I wrote the"
            " scripts that checked every report against the old numbers.",
        ),
    ),
    round="second",
)


def offline_review(request: ReviewRequest) -> Feedback:
    """The offline rules' feedback, synchronously (batch callers and threads)."""
    from coach.engine.offline import analyze

    return analyze(request)


def answer_notes(session: Session, feedback: Feedback) -> tuple[list[AnswerNote], bool]:
    """The per-answer notes to show under each answer, and whether the offline rules lent them.

    An LLM debrief gives no per-answer notes, and "nothing to change" under
    every answer would be untrue; the offline rules' notes stand in, and the
    caller labels them as theirs.
    """
    if feedback.notes or is_offline(feedback):
        return list(feedback.notes), False
    return offline_review(ReviewRequest.from_session(session)).notes, True


def _same_question(text: str, asked: Sequence[str]) -> bool:
    """Whether ``text`` is one of the follow-ups already asked (case, spacing and end punctuation aside)."""
    said = " ".join(text.casefold().split()).rstrip("?.! ")
    return any(said == " ".join(a.casefold().split()).rstrip("?.! ") for a in asked if a)


@dataclass(frozen=True)
class FollowUp:
    """The follow-up to ask (None: the answer needs none) and where it came from."""

    question: str | None
    generated: bool = False
    #: Set when the backend's own follow-up failed and the offline choice stood in.
    problem: str | None = None


class ReviewService:
    """Reviews with one backend (the configured one unless named), falling back to offline rules.

    ``strict`` makes a backend that cannot be built an error (`BackendError`,
    raised on entering) instead of a fallback: a command asked for a named
    backend should say it does not exist rather than quietly use another.
    """

    def __init__(
        self,
        settings: Any = None,
        backend_name: str | None = None,
        *,
        strict: bool = False,
        factory: BackendFactory | None = None,
    ) -> None:
        self.settings = settings
        self.backend_name: str = backend_name or getattr(settings, "backend", None) or OFFLINE
        self.strict = strict
        self._factory: BackendFactory = factory or make_backend
        self._backend: Backend | None = None
        self._build_error: str | None = None
        self._tried = False
        self._closed = False
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"ReviewService(backend={self.backend_name!r}, built={self._backend is not None})"

    # ------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> ReviewService:
        if self.strict:
            await self.backend()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def is_offline(self) -> bool:
        """True when the offline rules are the backend (no network, nothing to close)."""
        return is_offline(self.backend_name)

    @property
    def label(self) -> str:
        """The backend described for the screen before it has made anything."""
        opts = getattr(self.settings, "openai", None)
        return backend_label(self.backend_name, getattr(opts, "model", None), getattr(opts, "base_url", None))

    @property
    def unavailable(self) -> str | None:
        """Why the backend could not be made, once that was tried (None: it was made, or not yet tried)."""
        return self._build_error

    async def backend(self) -> Backend | None:
        """The backend, made on first use; None when it cannot be made (and not strict)."""
        if self._closed:
            raise RuntimeError("this ReviewService is closed")
        async with self._lock:
            if not self._tried:
                self._tried = True
                try:
                    self._backend = await asyncio.to_thread(self._factory, self.backend_name, self.settings)
                except BackendError as exc:
                    self._build_error = str(exc)
        if self._build_error is not None and self.strict:
            raise BackendError(self._build_error)
        return self._backend

    async def aclose(self) -> None:
        """Release the backend's connections; later calls do nothing."""
        if self._closed:
            return
        self._closed = True
        backend, self._backend = self._backend, None
        if backend is not None:
            await backend.aclose()

    # ------------------------------------------------------------ fallback

    def _redact(self, text: str) -> str:
        """``text`` without any API key in it: every notice passes here before it is shown or saved."""
        opts = getattr(self.settings, "openai", None)
        return redact(text, secrets_from_env(names=[getattr(opts, "api_key_env", None)]))

    def _stand_in(self) -> str:
        return self._redact(f"Offline rules stood in: {self._build_error}")

    def _failed(self, exc: BaseException) -> str:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        return self._redact(f"The {self.label} backend failed ({reason}); these pointers come from the offline rules.")

    def _cleaned(self, feedback: Feedback) -> Feedback:
        """A backend's feedback with any key taken out of its notice (a plugin may echo one)."""
        if not feedback.notice:
            return feedback
        notice = self._redact(feedback.notice)
        return feedback if notice == feedback.notice else feedback.model_copy(update={"notice": notice})

    @staticmethod
    def _noted(feedback: Feedback, notice: str) -> Feedback:
        return feedback.model_copy(update={"notice": f"{notice} {feedback.notice}" if feedback.notice else notice})

    async def _offline(self, request: ReviewRequest, notice: str | None) -> Feedback:
        feedback = await asyncio.to_thread(offline_review, request)
        return self._noted(feedback, notice) if notice else feedback

    # ------------------------------------------------------------ reviews

    async def review_round(
        self, subject: Session | ReviewRequest, progress: ProgressFn | None = None
    ) -> Feedback:
        """The debrief of a round (a saved session, or a request built by the caller).

        A real interview gets `review_real`. Raises only for a real interview
        with nothing to review (`coach.real.RealInterviewError`), for a cancel,
        and when the offline rules themselves fail (there is nothing below them).
        """
        if isinstance(subject, ReviewRequest):
            request, session = subject, None
        else:
            if subject.kind == "real":
                return await self.review_real(subject, progress)
            request, session = ReviewRequest.from_session(subject), subject
        backend = await self.backend()
        if backend is None:
            return await self._offline(request, self._stand_in())
        try:
            if session is not None:
                feedback = self._cleaned(await backend.review_session(session, progress))
            else:
                feedback = self._cleaned(await backend.review(request, progress))
        except Exception as exc:  # the fallback boundary: a plugin's bug still ends in feedback
            if self.is_offline:
                raise
            return await self._offline(request, self._failed(exc))
        return await self.gated(request, feedback)

    async def review_answer(
        self,
        item: AnswerItem,
        *,
        round: str | None = None,
        role: str | None = None,
        job: str | None = None,
        progress: ProgressFn | None = None,
    ) -> Feedback:
        """Pointers for one answer (practice mode, `coach analyze`)."""
        request = ReviewRequest(items=(item,), round=round, role=role, job=job)
        return await self.review_round(request, progress)

    async def retry_verdict(
        self,
        question: str,
        previous: str,
        answer: str,
        *,
        type: str | None = None,
        round: str | None = None,
        role: str | None = None,
        job: str | None = None,
    ) -> RetryVerdict:
        """Whether a retry fixed the previous take's pointers, pointer by pointer (`coach.services.retry`).

        Offline: the rules compare the takes. Any other backend reviews both
        takes through the trust gate and the kinds are compared; a fallback or
        a fix coach cannot quote gives the offline verdict with a notice.
        Never raises for backend trouble.
        """
        from coach.engine.offline.retry import compare
        from coach.services.retry import decide

        context = {"type": type, "round": round, "role": role, "job": job}
        if self.is_offline:
            return await asyncio.to_thread(compare, question, previous, answer, **context)
        before, after = await asyncio.gather(*(
            self.review_answer(AnswerItem(question_id="answer", question=question, answer=text, type=type),
                               round=round, role=role, job=job)
            for text in (previous, answer)
        ))
        verdict = await asyncio.to_thread(decide, before, after, question, previous, answer, **context)
        return verdict.model_copy(update={"notice": self._redact(verdict.notice)}) if verdict.notice else verdict

    async def rerun(
        self, session: Session, backend_name: str, progress: ProgressFn | None = None
    ) -> Feedback:
        """The session's debrief again, from ``backend_name`` (made, used and closed here)."""
        if backend_name == self.backend_name:
            return await self.review_round(session, progress)
        async with ReviewService(self.settings, backend_name, factory=self._factory) as other:
            return await other.review_round(session, progress)

    async def review_real(self, session: Session, progress: ProgressFn | None = None) -> Feedback:
        """A real interview's stage-aware debrief: fit first after a CV/phone rejection."""
        if self.is_offline:
            return await asyncio.to_thread(debrief_offline, session)
        backend = await self.backend()
        if backend is None:
            return self._noted(await asyncio.to_thread(debrief_offline, session), self._stand_in())
        try:
            return self._cleaned(await debrief_real(session, _Gated(self, backend), progress))
        except RealInterviewError:
            raise
        except Exception as exc:  # same boundary as review_round
            return self._noted(await asyncio.to_thread(debrief_offline, session), self._failed(exc))

    # ------------------------------------------------------------ the trust gate

    async def gated(self, request: ReviewRequest, feedback: Feedback) -> Feedback:
        """An LLM's feedback held to `coach.services.trust`; the offline rules' passes as it is.

        No pointer passes: the offline result, with a notice naming what the
        reply failed. Some were dropped and one passed: it may be completed by
        the offline rules' best pointer of another kind. Every pointer then
        says who made it (``source``), so a mixed debrief is labelled honestly.
        """
        if is_offline(feedback):
            return feedback
        made = who(feedback.backend, feedback.model)
        questions = {item.question_id: item.question for item in request.items}
        answers = {item.question_id: item.answer for item in request.items if not item.skipped}
        verdict = trust.check(feedback.pointers, feedback.strength, questions, answers)
        if not verdict.passed:
            notice = f"The reply from {feedback.model or feedback.backend} didn't pass coach's checks: {verdict.reasons()}."
            return await self._offline(request, notice + " These pointers come from the offline rules.")
        pointers = [p.model_copy(update={"source": p.source or made}) for p in verdict.pointers]
        strength = verdict.strength
        if strength is not None:
            strength = strength.model_copy(update={"source": strength.source or made})
        if not verdict.dropped and verdict.strength is feedback.strength:
            return feedback.model_copy(update={"pointers": pointers, "strength": strength})
        notes: list[str] = []
        if verdict.dropped:
            notes.append(f"coach set aside {verdict.dropped} of the model's {verdict.offered} pointers ({verdict.reasons()})")
        elif feedback.strength is not None and strength is None:
            notes.append(f"coach set aside the model's strength ({verdict.reasons()})")
        if verdict.dropped and len(pointers) == 1:
            offline = await asyncio.to_thread(offline_review, request)
            extra = next((p for p in offline.pointers if p.kind != pointers[0].kind), None)
            if extra is not None:
                pointers.append(extra.model_copy(update={"source": OFFLINE_LABEL}))
                notes.append("the second pointer comes from the offline rules")
        notice = "; ".join(notes)
        notice = notice[:1].upper() + notice[1:] + "." if notice else None
        if notice and feedback.notice:
            notice = f"{notice} {feedback.notice}"
        return feedback.model_copy(
            update={"pointers": pointers, "strength": strength, "notice": notice or feedback.notice}
        )

    # ------------------------------------------------------------ follow-ups

    async def follow_up(
        self,
        item: AnswerItem,
        round: str | None = None,
        *,
        candidates: Sequence[str] = (),
        role: str | None = None,
        job: str | None = None,
        asked: Sequence[str] = (),
        timeout_s: float = FOLLOW_UP_TIMEOUT_S,
    ) -> FollowUp:
        """The one follow-up to ask after ``item``: the backend's own if it makes one, else the offline choice.

        The offline chooser picks among ``candidates`` (the bank's follow-ups)
        for the answer's biggest gap, and asks nothing after a complete answer.
        Neither repeats a follow-up in ``asked`` (the round's so far).
        """
        problem: str | None = None
        backend = await self.backend()
        if isinstance(backend, FollowUpAsker):
            try:
                text = await asyncio.wait_for(backend.follow_up(item, round), timeout_s)
            except TimeoutError:
                text = None
            except Exception as exc:  # a plugin's bug must not end the round
                text = None
                problem = self._redact(f"{label_for(backend)}: follow-up failed ({exc}); using the offline choice.")
            if text and text.strip():
                why = trust.follow_up_problem(text, item.question, item.answer)
                if why is None and _same_question(text, asked):
                    why = "already asked this round"
                if why is None:
                    return FollowUp(text.strip(), generated=True)
                problem = f"{label_for(backend)}: follow-up set aside ({why}); using the offline choice."
        from coach.engine.offline import choose_follow_up

        chosen = await asyncio.to_thread(
            choose_follow_up, item, tuple(candidates), round, role=role, job=job, asked=tuple(asked)
        )
        return FollowUp(chosen, problem=problem)

    # ------------------------------------------------------------ example rewrites

    async def stronger(self, question: str, answer: str, *, type: str | None = None, attempt: int = 1,
                       round: str | None = None, role: str | None = None, job: str | None = None) -> Stronger:
        """What the answer could sound like, from the candidate's own words (see `coach.services.stronger`).

        Offline: the rules' example. With an LLM backend that can reword text,
        its smoothing of that example when it passes the trust gate; otherwise
        the offline example with a notice saying why. Never raises for backend trouble.
        """
        from coach.services.stronger import offline_example, smoothed, with_notice

        offline = await asyncio.to_thread(offline_example, question, answer, type=type, attempt=attempt, round=round,
                                          role=role, job=job)
        if self.is_offline:
            return offline
        backend = await self.backend()
        if backend is None:
            return with_notice(offline, self._redact(f"The offline example stands in: {self._build_error}"))
        return await smoothed(backend, offline, question, answer, self._redact)

    # ------------------------------------------------------------ employer

    async def draft_outreach(
        self,
        session: Session,
        draft: OutreachDraft | None = None,
        *,
        interviewer: str = "",
        sender: str = "",
    ) -> Personalised:
        """A feedback request to the employer, reworded by the backend when it can (else coach's own)."""
        from coach.outreach import Personalised, draft_for_session, personalise

        draft = draft or draft_for_session(session, interviewer=interviewer, sender=sender)
        if self.is_offline:
            return await personalise(draft, session, None)
        backend = await self.backend()
        if backend is None:
            return Personalised(
                draft.text, personalised=False, source="coach's own templates",
                notice=self._redact(f"Kept coach's own draft: {self._build_error}"),
            )
        result = await personalise(draft, session, backend)
        if result.notice:
            result = dataclasses.replace(result, notice=self._redact(result.notice))
        why = trust.text_problem(result.text) if result.personalised else None
        if why is None:
            return result
        return Personalised(
            draft.text, personalised=False, source="coach's own templates",
            notice=self._redact(f"The {result.source} rewrite was set aside because it {why}; this is coach's own draft."),
        )

    # ------------------------------------------------------------ doctor

    async def diagnose(self, timeout_s: float) -> list[tuple[str, str]]:
        """The backend's own checks for `coach doctor`, within ``timeout_s`` (BackendError if it cannot load)."""
        if self.is_offline:
            return [("ok", f"{who(OFFLINE)}: always available, no network needed")]
        strict, self.strict = self.strict, True
        try:
            backend = await self.backend()
        finally:
            self.strict = strict
        if not isinstance(backend, Diagnoser):
            results = [("ok", f"{self.backend_name} loaded (it has no further checks)")]
        else:
            try:
                async with asyncio.timeout(timeout_s):
                    results = await backend.diagnose()
            except TimeoutError:
                return [("fail", f"no answer within {timeout_s:g} s")]
        if any(level == "fail" for level, _ in results):
            return results
        return results + await self._sample_review(timeout_s)

    async def _sample_review(self, timeout_s: float) -> list[tuple[str, str]]:
        """One real review of a sample answer, through the trust gate: did it pass, how long did it take."""
        import time

        # A real review on a small local model takes seconds to a minute: its own bound, not the quick checks'.
        limit = max(timeout_s, SAMPLE_TIMEOUT_S)
        start = time.monotonic()
        try:
            async with asyncio.timeout(limit):
                feedback = await self.review_round(SAMPLE_REQUEST)
        except TimeoutError:
            return [("fail", f"sample review: no reply within {limit:g} s")]
        took = ("info", f"sample review took {time.monotonic() - start:.1f} s")
        if is_offline(feedback):
            why = " ".join((feedback.notice or "fell back to the offline rules").split())[:240]
            return [("warn", f"sample review: did not pass coach's checks; you would see the offline rules ({why})"), took]
        n = len(feedback.pointers)
        return [("ok", f"sample review: passed coach's checks ({n} pointer{'s' if n != 1 else ''} from the model)"), took]

    # ------------------------------------------------------------ batches

    @contextlib.contextmanager
    def blocking(self) -> Iterator[Callable[[ReviewRequest], Feedback]]:
        """A plain function reviewing one request, for a batch (`coach analyze`).

        The offline rules need no event loop at all; any other backend gets one
        loop for the whole batch, and is closed (and the loop's async
        generators finalised) when the block ends. Raises `BackendError` on
        entering when a strict service's backend cannot be made.
        """
        if self.is_offline:
            yield offline_review
            return
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self.__aenter__())
            yield lambda request: loop.run_until_complete(self.review_round(request))
        finally:
            loop.run_until_complete(self.aclose())
            # As asyncio.run would, so nothing warns about pending tasks at exit.
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


class _Gated:
    """A backend whose reviews pass the trust gate (for `debrief_real`, which merges after reviewing)."""

    def __init__(self, service: ReviewService, backend: Backend) -> None:
        self._service, self._backend = service, backend
        self.name = backend.name
        self.model = getattr(backend, "model", None)

    async def review(self, request: ReviewRequest, progress: ProgressFn | None = None) -> Feedback:
        return await self._service.gated(request, await self._backend.review(request, progress))


__all__ = ["FOLLOW_UP_TIMEOUT_S", "FollowUp", "ReviewService", "answer_notes", "offline_review"]
