"""`OpenAIBackend`: review, reword and follow-ups over one streamed, retried, time-limited client.

On *any* failure `review()` returns the offline analyzer's feedback with a
notice saying what went wrong; it never raises and never outlives the
configured timeout. The `openai` SDK is imported only when a request is made.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from coach.domain.models import Feedback
from coach.engine import AnswerItem, Backend, Progress, ProgressFn, ReviewRequest
from coach.engine import prompts as P
from coach.engine.openai.doctor import diagnose
from coach.engine.openai.errors import LLMFailure, _is_schema_rejection, describe_api_error, describe_connection_error
from coach.engine.openai.keys import PLACEHOLDER_KEY, ApiKey, Options, is_official
from coach.engine.openai.schema import (
    FOLLOW_UP_MAX_CHARS,
    clean_follow_up,
    draft_model,
    parse_draft,
    reply_shape,
    response_schema,
)
from coach.engine.verify import verify_draft
from coach.domain.redact import redact

if TYPE_CHECKING:
    from openai import AsyncOpenAI

#: Longest we honour a server's Retry-After before giving up (still within the total timeout).
RETRY_AFTER_CAP_S = 10.0
BACKOFF_S = 0.25
#: Room for the reply. The schema caps every string (schema.TITLE/EVIDENCE/TIP_MAX_CHARS), so a
#: real model's two pointers and a strength take ~400 tokens; a one-answer prompt (<= 1,200
#: tokens) plus this fits a 2,048-token llama.cpp slot (-c 8192 -np 4).
MAX_TOKENS = 700
FOLLOW_UP_MAX_TOKENS = 256
TEMPERATURE = 0.2
#: Plain-text completions (rewording a message) are short and may vary a little more.
TEXT_MAX_TOKENS = 400
TEXT_TEMPERATURE = 0.4


def context_advice(n_ctx: int, needed: int, slots: int = 1) -> str:
    """What to say when a request needs more context than the server has per request."""
    per_slot = 1 << max(needed - 1, 1).bit_length()
    how = f"-c {per_slot * slots}" + (f" (-np {slots} splits it into {slots} slots)" if slots > 1 else "")
    return (
        f"the server's context ({n_ctx:,} tokens) is smaller than this round needs ({needed:,},"
        f" with room for the reply): start it with {how}"
    )


def _context_overflow(exc: Exception) -> str | None:
    """llama.cpp's "exceeds the available context size" error, as advice; None for any other error."""
    body = getattr(exc, "body", None)
    if not isinstance(body, dict):
        return None
    if body.get("type") != "exceed_context_size_error" and "context size" not in str(body.get("message", "")):
        return None
    try:
        n_ctx, prompt = int(body["n_ctx"]), int(body["n_prompt_tokens"])
    except (KeyError, TypeError, ValueError):
        return f"the request does not fit the server's context ({body.get('message', 'context exceeded')}): start it with a larger -c"
    return context_advice(n_ctx, prompt + MAX_TOKENS)


class OpenAIBackend(Backend):
    """Pointers from an LLM, verified against the answers, with the offline rules as a net."""

    name = "openai"

    def __init__(self, options: Options, key: ApiKey) -> None:
        self.options = options
        self._key = key
        self._client: AsyncOpenAI | None = None
        #: Flips to "json_object" once a server rejects json_schema, so we ask only once.
        self.mode: str = "json_schema"
        #: The server's context per request and its slots (llama.cpp's /props), once asked;
        #: None when it has no such endpoint (OpenAI, most other servers).
        self._context: tuple[int, int] | None = None
        self._context_asked = False

    def __repr__(self) -> str:
        o = self.options
        return f"OpenAIBackend(model={o.model!r}, base_url={o.shown_url!r}, key={self._key!r})"

    @classmethod
    def from_settings(cls, settings: Any) -> OpenAIBackend:
        options, key = Options.from_settings(settings, os.environ)
        return cls(options, key)

    @property
    def model(self) -> str:
        return self.options.model

    @property
    def key_source(self) -> str:
        return self._key.source

    @property
    def _problem(self) -> str | None:
        """Why no request can be sent at all (a URL that won't parse, no usable key), or None."""
        return self.options.url_problem or self._key.problem

    def redact(self, text: str) -> str:
        """``text`` without this backend's key (or anything key-shaped) in it."""
        return redact(text, [self._key.value])

    def client(self) -> AsyncOpenAI:
        """The SDK client, created on first use (this is where `openai` gets imported)."""
        if self._client is None:
            import openai

            o = self.options
            self._client = openai.AsyncOpenAI(
                base_url=o.base_url,
                api_key=self._key.value or PLACEHOLDER_KEY,
                timeout=openai.Timeout(o.timeout_s, connect=o.connect_timeout_s),
                max_retries=0,  # we retry ourselves, only what is safe, within our deadline
            )
        return self._client

    async def ready(self) -> AsyncOpenAI:
        """The client, built in a worker thread the first time.

        Importing `openai`, loading its lazily imported resources and building
        the HTTP client's TLS context take tens to hundreds of milliseconds;
        done on the event loop they would freeze the app's screen right when
        the user asked for feedback.
        """
        if self._client is None:
            await asyncio.to_thread(self._build_client)
        return self.client()

    def _build_client(self) -> None:
        client = self.client()
        _ = (client.chat.completions, client.models)  # trigger the SDK's lazy imports here

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None

    # ---------------------------------------------------------- review

    async def review(self, request: ReviewRequest, progress: ProgressFn | None = None) -> Feedback:
        """Pointers from the model, or the offline rules' with a notice; never raises (but honours cancel)."""
        report = progress or (lambda p: None)
        if self._problem:
            return self._fallback(request, self._problem, report)
        if not any(item.answer.strip() for item in request.items):
            return self._fallback(request, "there were no answers to send", report)
        try:
            async with asyncio.timeout(self.options.timeout_s):
                return await self._review(request, report)
        except TimeoutError:
            why = f"{self.options.shown_url} did not finish within {self.options.timeout_s:g} s"
            return self._fallback(request, why, report)
        except LLMFailure as failure:
            return self._fallback(request, str(failure), report)
        except Exception as exc:  # the fallback boundary: anything unexpected still ends in feedback
            return self._fallback(request, f"unexpected {type(exc).__name__} from the openai backend", report)

    async def _review(self, request: ReviewRequest, report: ProgressFn) -> Feedback:
        await self.ready()
        ids = tuple(item.question_id for item in request.items)
        model = draft_model(ids)
        schema = response_schema(model)
        # Templates are files and the offline hints run rules over every answer: off the loop.
        messages = await asyncio.to_thread(P.review_messages, request, reply_shape(ids))
        report(Progress(stage="connecting", extra={"model": self.model, "base_url": self.options.shown_url}))
        await self._check_context(messages)
        text = await self._complete_structured(messages, schema, report)
        draft, text = await self._parse_or_repair(text, model, messages, report)
        report(Progress(stage="verifying", text=text, chars=len(text)))
        answers = {item.question_id: item.answer for item in request.items if not item.skipped}
        checked = verify_draft(draft.pointers, draft.strength, answers)
        if not checked.ok:
            raise LLMFailure("the model's pointers did not hold up (" + "; ".join(checked.dropped) + ")")
        feedback = Feedback(
            pointers=checked.pointers,
            strength=checked.strength,
            backend=self.name,
            model=self.model,
            notice=checked.notice(),
        )
        report(Progress(stage="done", text=text, chars=len(text)))
        return feedback

    # ---------------------------------------------------------- context

    def _server_root(self) -> str:
        """Where a llama.cpp server keeps /props and /tokenize (the base URL without /v1)."""
        return self.options.base_url.rstrip("/").removesuffix("/v1")

    async def context_size(self) -> tuple[int, int] | None:
        """(tokens per request, parallel slots) from llama.cpp's /props; None when the server has none.

        Asked once per backend, and never of OpenAI's own API.
        """
        if self._context_asked:
            return self._context
        self._context_asked = True
        if is_official(self.options.base_url):
            return None
        import openai

        await self.ready()
        try:
            props = await self._side_call("get", "/props")
            n_ctx = int(props["default_generation_settings"]["n_ctx"])
            slots = int(props.get("total_slots") or 1)
        except (openai.APIError, ValueError, KeyError, TypeError):
            return None  # not a llama.cpp server (or an old one): the server's own error will tell
        self._context = (n_ctx, max(1, slots)) if n_ctx > 0 else None
        return self._context

    async def prompt_tokens(self, messages: list[dict[str, str]]) -> int | None:
        """The prompt's length in the server's own tokens (llama.cpp /apply-template + /tokenize), or None."""
        import openai

        try:
            prompt = (await self._side_call("post", "/apply-template", {"messages": messages}))["prompt"]
            tokens = await self._side_call("post", "/tokenize", {"content": prompt, "add_special": True})
            return len(tokens["tokens"])
        except (openai.APIError, ValueError, KeyError, TypeError):
            return None

    async def _side_call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """One quick JSON call to the server's own endpoints (outside /v1), on the same client."""
        url = self._server_root() + path
        timeout = min(self.options.connect_timeout_s * 2, 5.0)
        client = self.client()
        if method == "get":
            return await client.get(url, cast_to=object, options={"timeout": timeout})
        return await client.post(url, cast_to=object, body=body, options={"timeout": timeout})

    async def _check_context(self, messages: list[dict[str, str]]) -> None:
        """Fail early, saying what to do, when the request cannot fit the server's context."""
        context = await self.context_size()
        if context is None:
            return
        n_ctx, slots = context
        prompt = await self.prompt_tokens(messages)
        if prompt is not None and prompt + MAX_TOKENS > n_ctx:
            raise LLMFailure(context_advice(n_ctx, prompt + MAX_TOKENS, slots))

    async def _complete_structured(
        self, messages: list[dict[str, str]], schema: dict[str, Any], report: ProgressFn
    ) -> str:
        """Stream a JSON reply; drop to JSON mode if the server rejects json_schema."""
        if self.mode == "json_schema":
            try:
                return await self._stream(messages, self._schema_format(schema), report)
            except LLMFailure as failure:
                if not failure.schema_rejected:
                    raise
                self.mode = "json_object"
        return await self._stream(messages, {"type": "json_object"}, report)

    @staticmethod
    def _schema_format(schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "json_schema",
            "json_schema": {"name": "coach_feedback", "schema": schema, "strict": True},
        }

    async def _parse_or_repair(
        self,
        text: str,
        model: type[BaseModel],
        messages: list[dict[str, str]],
        report: ProgressFn,
    ) -> tuple[Any, str]:
        """Validate the reply (and return the text it came from); in JSON mode, ask once for a repair."""
        try:
            return parse_draft(text, model), text
        except LLMFailure as failure:
            if self.mode == "json_schema":
                raise
            problem = str(failure)
        repair = [*messages, {"role": "assistant", "content": text[:4000]}, P.repair_message(problem)]
        fixed = await self._stream(repair, {"type": "json_object"}, report)
        return parse_draft(fixed, model), fixed

    async def _stream(
        self, messages: list[dict[str, str]], response_format: dict[str, Any], report: ProgressFn
    ) -> str:
        """One streamed chat completion with safe retries; returns the whole text."""
        stream = await self._with_retries(
            lambda: self.client().chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                response_format=response_format,  # type: ignore[arg-type]
                temperature=TEMPERATURE,
                max_completion_tokens=MAX_TOKENS,
                stream=True,
            )
        )
        return await self._drain(stream, report)

    async def _drain(self, stream: Any, report: ProgressFn) -> str:
        """Collect streamed deltas, reporting the text so far; a cut stream is a failure."""
        parts: list[str] = []
        chars = 0
        finish: str | None = None
        try:
            async with stream:
                async for chunk in stream:
                    for choice in chunk.choices or ():
                        delta = choice.delta.content if choice.delta else None
                        if delta:
                            parts.append(delta)
                            chars += len(delta)
                            report(Progress(stage="streaming", text="".join(parts), chars=chars))
                        finish = choice.finish_reason or finish
        except Exception as exc:  # transport errors arrive raw (httpx), not as openai errors
            if "context" in str(exc).lower() and "exceed" in str(exc).lower():
                raise LLMFailure(
                    f"the server ran out of context after {chars} characters of the reply (requests running"
                    " at once share it): start it with a larger -c, fewer slots (-np), or without --kv-unified"
                ) from exc
            raise LLMFailure(
                f"the reply from {self.options.shown_url} was cut off after {chars} characters"
                f" ({describe_connection_error(exc, self.options.shown_url)})"
            ) from exc
        if finish is None:
            raise LLMFailure(f"the reply from {self.options.shown_url} ended early after {chars} characters")
        if finish == "length":
            raise LLMFailure(f"the reply was too long and was cut at {MAX_TOKENS} tokens")
        return "".join(parts)

    async def _with_retries(self, call: Any) -> Any:
        """Run ``call``, retrying connect failures, 429 and 5xx with backoff; never past the deadline."""
        import openai

        attempt = 0
        while True:
            try:
                return await call()
            except openai.APIError as exc:
                overflow = _context_overflow(exc)
                if overflow is not None:
                    raise LLMFailure(overflow) from exc
                failure = describe_api_error(exc, model=self.model, base_url=self.options.shown_url, key=self._key)
                if _is_schema_rejection(exc):
                    failure.schema_rejected = True
                    raise failure from exc
            if not failure.retry or attempt >= self.options.max_retries:
                raise failure
            if failure.wait_s is not None and failure.wait_s > RETRY_AFTER_CAP_S:
                raise LLMFailure(f"{failure} and asked to wait {failure.wait_s:g} s")
            attempt += 1
            delay = failure.wait_s if failure.wait_s is not None else BACKOFF_S * 2 ** (attempt - 1)
            await asyncio.sleep(delay * (1 + random.random() * 0.1))

    def _fallback(self, request: ReviewRequest, why: str, report: ProgressFn) -> Feedback:
        """The offline rules' feedback, labelled with what went wrong."""
        from coach.engine.offline import analyze

        why = self.redact(why)
        report(Progress(stage="fallback", extra={"reason": why}))
        feedback = analyze(request)
        notice = f"The {self.model} model could not be used: {why}. These pointers come from the offline rules."
        if feedback.notice:
            notice = f"{notice} {feedback.notice}"
        result = feedback.model_copy(update={"notice": notice})
        report(Progress(stage="done"))
        return result

    async def diagnose(self) -> list[tuple[str, str]]:
        """(level, line) checks for `coach doctor`; levels are ok, info, warn and fail."""
        return await diagnose(self)

    # ------------------------------------------------------- plain text

    async def complete_text(self, *, system: str, prompt: str, max_tokens: int = TEXT_MAX_TOKENS) -> str:
        """One plain-text chat completion (e.g. rewording a feedback-request draft).

        Unlike `review` this raises `LLMFailure` on any failure (no key, server
        error, timeout, an empty or cut-off reply) with a message that names
        the server, never the key; the caller keeps its own text. Same key
        rules, timeouts and safe retries as `review`.
        """
        if self._problem:
            raise LLMFailure(self._problem)
        try:
            async with asyncio.timeout(self.options.timeout_s):
                return await self._complete_text(system, prompt, max_tokens)
        except TimeoutError:
            raise LLMFailure(
                f"{self.options.shown_url} did not finish within {self.options.timeout_s:g} s"
            ) from None
        except LLMFailure as failure:
            failure.args = (self.redact(str(failure)),)
            raise
        except Exception as exc:  # e.g. a reply body of the wrong shape: still one plain line
            raise LLMFailure(
                f"the reply from {self.options.shown_url} could not be used ({type(exc).__name__})"
            ) from exc

    async def _complete_text(self, system: str, prompt: str, max_tokens: int) -> str:
        await self.ready()
        messages = [{"role": "system", "content": system}, {"role": "user", "content": prompt}]
        completion = await self._with_retries(
            lambda: self.client().chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=TEXT_TEMPERATURE,
                max_completion_tokens=max_tokens,
            )
        )
        choice = completion.choices[0] if getattr(completion, "choices", None) else None
        if choice is None:
            raise LLMFailure(f"the reply from {self.options.shown_url} had no message in it")
        text = ((choice.message.content if choice.message else None) or "").strip()
        if choice.finish_reason == "length":
            raise LLMFailure(f"the reply was too long and was cut at {max_tokens} tokens")
        if not text:
            raise LLMFailure("the model returned an empty reply")
        return text

    # -------------------------------------------------------- follow-up

    async def follow_up(self, item: AnswerItem, round: str | None = None) -> str | None:
        """One probing follow-up question about this answer, or None if anything goes wrong."""
        if self._problem or not item.answer.strip():
            return None
        try:
            async with asyncio.timeout(min(self.options.timeout_s, 20.0)):
                return await self._follow_up(item, round)
        except (TimeoutError, LLMFailure):
            return None
        except Exception:  # follow-ups are optional: the bank's own follow-ups take over
            return None

    async def _follow_up(self, item: AnswerItem, round: str | None) -> str | None:
        await self.ready()
        messages = P.follow_up_messages(item, round)
        schema = {
            "type": "object",
            "properties": {"question": {"type": "string", "minLength": 5, "maxLength": FOLLOW_UP_MAX_CHARS}},
            "required": ["question"],
            "additionalProperties": False,
        }
        fmt: dict[str, Any] = (
            {"type": "json_schema", "json_schema": {"name": "follow_up", "schema": schema, "strict": True}}
            if self.mode == "json_schema"
            else {"type": "json_object"}
        )
        completion = await self._with_retries(
            lambda: self.client().chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                response_format=fmt,  # type: ignore[arg-type]
                temperature=TEMPERATURE,
                max_completion_tokens=FOLLOW_UP_MAX_TOKENS,
            )
        )
        text = (completion.choices[0].message.content or "") if completion.choices else ""
        return clean_follow_up(text)
