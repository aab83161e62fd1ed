"""The `openai` backend: OpenAI or any OpenAI-compatible server (llama.cpp, Ollama, vLLM...).

It asks for one or two pointers as structured JSON (a schema built from
coach.domain.models, so the two never drift apart), streams the reply so the debrief
fills in as it arrives, checks every quote against the answers, and on *any*
failure returns the offline analyzer's feedback with a notice saying what went
wrong. `review()` never raises and never outlives the configured timeout:
practising must not depend on a network.

The `openai` package is imported only here and only when a request is made,
so `coach --help` and the offline path never pay for it.

Keys (DESIGN "Config"): COACH_OPENAI_API_KEY, else the variable named by
`api_key_env`, else the file named by `api_key_file`, else OPENAI_API_KEY, but
that last one only for the official endpoint or a base_url that itself came
from OPENAI_BASE_URL: a key meant for OpenAI is never sent to a server a
config file named. A non-official server with no key gets a placeholder.
The key is never logged, printed or put in a notice.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from coach.engine import AnswerItem, Backend, Progress, ProgressFn, ReviewRequest
from coach.engine import prompts as P
from coach.engine.verify import verify_draft
from coach.domain.models import Feedback, Pointer, Strength

if TYPE_CHECKING:
    from openai import AsyncOpenAI

OFFICIAL_BASE_URL = "https://api.openai.com/v1"
PLACEHOLDER_KEY = "sk-no-key-needed"
#: Longest we honour a server's Retry-After before giving up (still within the total timeout).
RETRY_AFTER_CAP_S = 10.0
BACKOFF_S = 0.25
MAX_TOKENS = 700
#: The question's schema caps it at FOLLOW_UP_MAX_CHARS, so even a rambling model stops in time.
FOLLOW_UP_MAX_CHARS = 200
FOLLOW_UP_MAX_TOKENS = 256
TEMPERATURE = 0.2
#: Plain-text completions (rewording a message) are short and may vary a little more.
TEXT_MAX_TOKENS = 400
TEXT_TEMPERATURE = 0.4


# ------------------------------------------------------------------ keys


@dataclass(frozen=True)
class ApiKey:
    """A key and where it came from (the source is safe to show; the value never is)."""

    value: str | None
    source: str
    problem: str | None = None

    def __repr__(self) -> str:  # never let the key reach a log or traceback
        return f"ApiKey(source={self.source!r}, set={self.value is not None})"


def is_official(base_url: str) -> bool:
    """True for OpenAI's own API, the only place OPENAI_API_KEY may go by default."""
    parts = urlsplit(base_url)
    return parts.scheme == "https" and (parts.hostname or "").lower() == "api.openai.com"


def _read_key_file(path: Path) -> tuple[str | None, str | None]:
    try:
        value = path.expanduser().read_text(encoding="utf-8").strip()
    except OSError as exc:
        return None, f"cannot read api_key_file {path}: {exc.strerror or exc}"
    return (value, None) if value else (None, f"api_key_file {path} is empty")


def resolve_api_key(
    opts: Any, base_url: str, base_url_from_openai_env: bool, env: Mapping[str, str]
) -> ApiKey:
    """Pick the key for ``base_url`` following the trust rules in the module docstring."""
    if env.get("COACH_OPENAI_API_KEY"):
        return ApiKey(env["COACH_OPENAI_API_KEY"], "COACH_OPENAI_API_KEY")
    named = getattr(opts, "api_key_env", None)
    if named:
        if env.get(named):
            return ApiKey(env[named], f"${named}")
        return ApiKey(None, f"${named}", f"api_key_env names {named}, which is not set")
    key_file = getattr(opts, "api_key_file", None)
    if key_file:
        value, problem = _read_key_file(Path(key_file))
        return ApiKey(value, f"api_key_file {key_file}", problem)
    if env.get("OPENAI_API_KEY") and (is_official(base_url) or base_url_from_openai_env):
        return ApiKey(env["OPENAI_API_KEY"], "OPENAI_API_KEY")
    if is_official(base_url):
        return ApiKey(None, "none", "no API key: set COACH_OPENAI_API_KEY (or OPENAI_API_KEY)")
    return ApiKey(PLACEHOLDER_KEY, "placeholder (no key configured for this server)")


def resolve_base_url(opts: Any, env: Mapping[str, str]) -> tuple[str, bool]:
    """The server URL and whether it came from OPENAI_BASE_URL (which lets OPENAI_API_KEY follow)."""
    configured = getattr(opts, "base_url", None)
    if configured:
        return str(configured).rstrip("/"), False
    if env.get("OPENAI_BASE_URL"):
        return env["OPENAI_BASE_URL"].rstrip("/"), True
    return OFFICIAL_BASE_URL, False


# ---------------------------------------------------------------- schema


def _as_required(model: type[BaseModel], name: str, description: str) -> tuple[Any, Any]:
    """A field of a coach model, same type and constraints, but required (no default)."""
    info = model.model_fields[name]
    annotation = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]  # type: ignore[valid-type]
    return annotation, Field(description=description)


def draft_model(question_ids: tuple[str, ...]) -> type[BaseModel]:
    """The pydantic model the LLM must fill, derived from coach.domain.models.Pointer/Strength.

    Every field is required (nullable where optional) and extra keys are
    forbidden, which is what strict structured-output servers want.
    ``question_id`` is an enum of this round's ids, so a grammar-constrained
    server cannot name an answer that does not exist.
    """
    strict = ConfigDict(extra="forbid")
    qid_type: Any = Literal[question_ids] if question_ids else str  # type: ignore[valid-type]
    draft_pointer = create_model(
        "DraftPointer",
        __config__=strict,
        kind=_as_required(Pointer, "kind", "pointer kind from the taxonomy, or 'other'"),
        title=_as_required(Pointer, "title", "one short line"),
        question_id=(qid_type, Field(description="id of the answer this is about")),
        evidence=(str, Field(description="the candidate's exact words from that answer, or empty")),
        tip=_as_required(Pointer, "tip", "what to do next time, one or two sentences"),
    )
    draft_strength = create_model(
        "DraftStrength",
        __config__=strict,
        title=_as_required(Strength, "title", "one thing that worked"),
        question_id=(qid_type, Field(description="id of the answer it is in")),
        evidence=(str, Field(description="the candidate's exact words that show it")),
    )
    pointers_field = Feedback.model_fields["pointers"]
    bounds = {
        k: v
        for m in pointers_field.metadata
        for k, v in (("min_length", getattr(m, "min_length", None)), ("max_length", getattr(m, "max_length", None)))
        if v is not None
    }
    return create_model(
        "DraftFeedback",
        __config__=strict,
        pointers=(list[draft_pointer], Field(description="one or two pointers, most useful first", **bounds)),  # type: ignore[valid-type]
        strength=(draft_strength | None, Field(description="one thing that worked, or null")),  # type: ignore[valid-type]
    )


def response_schema(model: type[BaseModel]) -> dict[str, Any]:
    """JSON schema for ``response_format``: every property required, no extras."""
    schema = model.model_json_schema()
    for node in [schema, *schema.get("$defs", {}).values()]:
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
    return schema


# --------------------------------------------------------------- failures


class LLMFailure(Exception):
    """Something went wrong talking to the server; the message becomes the notice."""

    def __init__(
        self,
        message: str,
        *,
        retry: bool = False,
        wait_s: float | None = None,
        schema_rejected: bool = False,
    ):
        super().__init__(message)
        self.retry = retry
        self.wait_s = wait_s
        self.schema_rejected = schema_rejected


def _cause_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        chain.append(current)
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return chain


def _retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("retry-after-ms")
    if raw:
        try:
            return float(raw) / 1000
        except ValueError:
            return None
    raw = headers.get("retry-after")
    try:
        return float(raw) if raw else None
    except ValueError:
        return None  # an HTTP date: treat as "unknown"


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        msg = err.get("message") if isinstance(err, dict) else err
        if msg:
            return str(msg)[:200]
    return str(getattr(exc, "message", "") or exc)[:200]


def describe_connection_error(exc: BaseException, base_url: str) -> LLMFailure:
    """Turn a transport error into a plain notice; say whether a retry is safe."""
    host = urlsplit(base_url).hostname or base_url
    for e in _cause_chain(exc):
        name = type(e).__name__
        if isinstance(e, socket.gaierror):
            return LLMFailure(f"could not find the server {host} (DNS lookup failed)")
        if isinstance(e, ConnectionRefusedError) or "refused" in str(e).lower():
            return LLMFailure(f"nothing is answering at {base_url} (connection refused)", retry=True)
        if name == "ConnectTimeout":
            return LLMFailure(f"could not connect to {base_url} in time", retry=True)
        if name in ("ReadTimeout", "WriteTimeout", "PoolTimeout") or name == "APITimeoutError":
            return LLMFailure(f"{base_url} did not answer in time")
        if name in ("RemoteProtocolError", "ReadError"):
            return LLMFailure(f"the connection to {base_url} was cut")
        if "name or service not known" in str(e).lower() or "nodename nor servname" in str(e).lower():
            return LLMFailure(f"could not find the server {host} (DNS lookup failed)")
    return LLMFailure(f"could not reach {base_url} ({type(exc).__name__})", retry=True)


def describe_api_error(exc: Any, *, model: str, base_url: str, key: ApiKey) -> LLMFailure:
    """Turn an HTTP error status into a plain notice (and whether/when to retry)."""
    import openai

    status = getattr(exc, "status_code", None)
    if isinstance(exc, openai.APIConnectionError):
        return describe_connection_error(exc, base_url)
    if status in (401, 403):
        return LLMFailure(
            f"{base_url} refused the API key (HTTP {status}): check the key (from {key.source})"
        )
    if status == 404:
        return LLMFailure(f"model {model!r} not found at {base_url} (HTTP 404)")
    if status == 429:
        wait = _retry_after(exc.response.headers) if getattr(exc, "response", None) else None
        return LLMFailure(f"{base_url} is rate limiting requests (HTTP 429)", retry=True, wait_s=wait)
    if status is not None and status >= 500:
        return LLMFailure(f"{base_url} had a server error (HTTP {status})", retry=True)
    if status is not None:
        return LLMFailure(f"{base_url} rejected the request (HTTP {status}): {_server_message(exc)}")
    return LLMFailure(f"the server reply could not be used ({type(exc).__name__})")


# ---------------------------------------------------------------- backend


@dataclass(frozen=True)
class Options:
    """The settings this backend uses, with defaults for anything missing."""

    base_url: str
    base_url_from_openai_env: bool
    model: str
    timeout_s: float
    connect_timeout_s: float
    max_retries: int

    @classmethod
    def from_settings(cls, settings: Any, env: Mapping[str, str]) -> tuple[Options, ApiKey]:
        opts = getattr(settings, "openai", None)
        base_url, from_env = resolve_base_url(opts, env)
        options = cls(
            base_url=base_url,
            base_url_from_openai_env=from_env,
            model=str(getattr(opts, "model", None) or "gpt-4o-mini"),
            timeout_s=float(getattr(opts, "timeout_s", None) or 60.0),
            connect_timeout_s=float(getattr(opts, "connect_timeout_s", None) or 5.0),
            max_retries=int(getattr(opts, "max_retries", 2) if opts is not None else 2),
        )
        return options, resolve_api_key(opts, base_url, from_env, env)


class OpenAIBackend(Backend):
    """Pointers from an LLM, verified against the answers, with the offline rules as a net."""

    name = "openai"

    def __init__(self, options: Options, key: ApiKey) -> None:
        self.options = options
        self._key = key
        self._client: AsyncOpenAI | None = None
        #: Flips to "json_object" once a server rejects json_schema, so we ask only once.
        self.mode: str = "json_schema"

    def __repr__(self) -> str:
        o = self.options
        return f"OpenAIBackend(model={o.model!r}, base_url={o.base_url!r}, key={self._key!r})"

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
        if self._key.problem:
            return self._fallback(request, self._key.problem, report)
        if not any(item.answer.strip() for item in request.items):
            return self._fallback(request, "there were no answers to send", report)
        try:
            async with asyncio.timeout(self.options.timeout_s):
                return await self._review(request, report)
        except TimeoutError:
            why = f"{self.options.base_url} did not finish within {self.options.timeout_s:g} s"
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
        messages = await asyncio.to_thread(P.review_messages, request, json.dumps(schema, separators=(",", ":")))
        report(Progress(stage="connecting", extra={"model": self.model, "base_url": self.options.base_url}))
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
            raise LLMFailure(
                f"the reply from {self.options.base_url} was cut off after {chars} characters"
                f" ({describe_connection_error(exc, self.options.base_url)})"
            ) from exc
        if finish is None:
            raise LLMFailure(f"the reply from {self.options.base_url} ended early after {chars} characters")
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
                failure = describe_api_error(exc, model=self.model, base_url=self.options.base_url, key=self._key)
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
        if self._key.problem:
            raise LLMFailure(self._key.problem)
        try:
            async with asyncio.timeout(self.options.timeout_s):
                return await self._complete_text(system, prompt, max_tokens)
        except TimeoutError:
            raise LLMFailure(
                f"{self.options.base_url} did not finish within {self.options.timeout_s:g} s"
            ) from None
        except LLMFailure:
            raise
        except Exception as exc:  # e.g. a reply body of the wrong shape: still one plain line
            raise LLMFailure(
                f"the reply from {self.options.base_url} could not be used ({type(exc).__name__})"
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
            raise LLMFailure(f"the reply from {self.options.base_url} had no message in it")
        text = ((choice.message.content if choice.message else None) or "").strip()
        if choice.finish_reason == "length":
            raise LLMFailure(f"the reply was too long and was cut at {max_tokens} tokens")
        if not text:
            raise LLMFailure("the model returned an empty reply")
        return text

    # -------------------------------------------------------- follow-up

    async def follow_up(self, item: AnswerItem, round: str | None = None) -> str | None:
        """One probing follow-up question about this answer, or None if anything goes wrong."""
        if self._key.problem or not item.answer.strip():
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


def _is_schema_rejection(exc: Any) -> bool:
    """A 400/422 that blames response_format: the server cannot do JSON schemas."""
    if getattr(exc, "status_code", None) not in (400, 422):
        return False
    message = _server_message(exc).lower()
    return any(word in message for word in ("response_format", "json_schema", "schema", "grammar"))


def parse_draft(text: str, model: type[BaseModel]) -> Any:
    """JSON text → validated draft, or an LLMFailure that says what was wrong."""
    stripped = text.strip()
    if not stripped:
        raise LLMFailure("the model returned an empty reply")
    if stripped.startswith("```"):
        stripped = stripped.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise LLMFailure(f"the model's reply was not valid JSON ({exc.msg} at char {exc.pos})") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reply"
        raise LLMFailure(f"the model's reply did not match the schema ({where}: {first['msg']})") from exc


def clean_follow_up(text: str) -> str | None:
    """A follow-up question from JSON or plain text: one line, ends with '?', not too long."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            return None
        stripped = str(data.get("question", "")).strip() if isinstance(data, dict) else ""
    question = " ".join(stripped.split())
    if len(question) < 5 or len(question) > FOLLOW_UP_MAX_CHARS + 40:
        return None
    return question if question.endswith("?") else question + "?"


# ------------------------------------------------------------------ doctor


async def _diagnose_models(backend: OpenAIBackend) -> tuple[list[tuple[str, str]], bool]:
    """Is the server there, and does it list our model? Also: is it worth going on?"""
    import openai

    o = backend.options
    try:
        page = await backend.client().models.list()
    except openai.APIError as exc:
        status = getattr(exc, "status_code", None)
        if status == 404:  # some servers have no model list; chat may still work
            return [("warn", f"{o.base_url} has no model list (HTTP 404); cannot check the model name")], True
        failure = describe_api_error(exc, model=o.model, base_url=o.base_url, key=backend._key)
        return [("fail", str(failure))], status not in (None, 401, 403)
    ids = [m.id for m in page.data]
    results = [("ok", f"reachable: {o.base_url} answers")]
    if o.model in ids:
        results.append(("ok", f"model {o.model!r} is listed"))
    else:
        shown = ", ".join(ids[:8]) + (" ..." if len(ids) > 8 else "")
        results.append(("fail", f"model {o.model!r} is not listed by the server (it lists: {shown or 'nothing'})"))
    return results, True


async def _diagnose_structured(backend: OpenAIBackend) -> list[tuple[str, str]]:
    """Does the server accept a JSON schema (or at least JSON mode) for replies?"""
    import openai

    o = backend.options
    schema = {
        "type": "object",
        "properties": {"ready": {"type": "boolean"}},
        "required": ["ready"],
        "additionalProperties": False,
    }
    messages = [{"role": "user", "content": 'Reply with the JSON object {"ready": true}.'}]
    for fmt, label in (
        ({"type": "json_schema", "json_schema": {"name": "ready", "schema": schema, "strict": True}}, "JSON schema"),
        ({"type": "json_object"}, "JSON mode"),
    ):
        try:
            await backend.client().chat.completions.create(
                model=o.model, messages=messages, response_format=fmt, max_completion_tokens=16  # type: ignore[arg-type]
            )
        except openai.APIError as exc:
            if label == "JSON schema" and _is_schema_rejection(exc):
                continue
            failure = describe_api_error(exc, model=o.model, base_url=o.base_url, key=backend._key)
            return [("fail", f"structured output: {failure}")]
        if label == "JSON schema":
            return [("ok", "structured output: JSON schema accepted")]
        return [("warn", "structured output: no JSON schema support; coach will use JSON mode and check the reply")]
    return [("fail", "structured output: the server accepts neither a JSON schema nor JSON mode")]


async def diagnose(backend: OpenAIBackend) -> list[tuple[str, str]]:
    """Checks for `coach doctor`: key, reachability, model, structured output (levels ok/warn/fail)."""
    o = backend.options
    results = [("info", f"server {o.base_url}, model {o.model!r}, key from {backend.key_source}")]
    if backend._key.problem:
        return [*results, ("fail", backend._key.problem)]
    await backend.ready()
    found, go_on = await _diagnose_models(backend)
    results += found
    return results + await _diagnose_structured(backend) if go_on else results
