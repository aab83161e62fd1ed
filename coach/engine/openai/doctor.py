"""The openai backend's checks for `coach doctor`: key, server, model, structured output."""

from __future__ import annotations

from typing import Any, Protocol

from coach.engine.openai.errors import _is_schema_rejection, describe_api_error
from coach.engine.openai.keys import ApiKey, Options


class OpenAIBackend(Protocol):
    """What the checks need of the backend; typed here so this module imports nothing above it."""

    options: Options
    key_source: str
    _key: ApiKey

    def client(self) -> Any: ...

    async def ready(self) -> None: ...

    async def context_size(self) -> tuple[int, int] | None: ...


async def _diagnose_models(backend: OpenAIBackend) -> tuple[list[tuple[str, str]], bool]:
    """Is the server there, and does it list our model? Also: is it worth going on?"""
    import openai

    o = backend.options
    try:
        page = await backend.client().models.list()
    except openai.APIError as exc:
        status = getattr(exc, "status_code", None)
        if status == 404:  # some servers have no model list; chat may still work
            return [("warn", f"{o.shown_url} has no model list (HTTP 404); cannot check the model name")], True
        failure = describe_api_error(exc, model=o.model, base_url=o.shown_url, key=backend._key)
        return [("fail", str(failure))], status not in (None, 401, 403)
    ids = [m.id for m in page.data]
    results = [("ok", f"reachable: {o.shown_url} answers")]
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
            failure = describe_api_error(exc, model=o.model, base_url=o.shown_url, key=backend._key)
            return [("fail", f"structured output: {failure}")]
        if label == "JSON schema":
            return [("ok", "structured output: JSON schema accepted")]
        return [("warn", "structured output: no JSON schema support; coach will use JSON mode and check the reply")]
    return [("fail", "structured output: the server accepts neither a JSON schema nor JSON mode")]


async def diagnose(backend: OpenAIBackend) -> list[tuple[str, str]]:
    """Checks for `coach doctor`: key, reachability, model, structured output (levels ok/warn/fail)."""
    o = backend.options
    results = [("info", f"server {o.shown_url}, model {o.model!r}, key from {backend.key_source}")]
    if backend._problem:
        return [*results, ("fail", backend._problem)]
    await backend.ready()
    found, go_on = await _diagnose_models(backend)
    results += found
    if not go_on:
        return results
    return results + await _diagnose_structured(backend) + await _diagnose_context(backend)


async def _diagnose_context(backend: OpenAIBackend) -> list[tuple[str, str]]:
    """How many tokens one request may use (llama.cpp's /props); other servers do not say."""
    context = await backend.context_size()
    if context is None:
        return [("info", "context size: the server does not report it (not a llama.cpp server)")]
    n_ctx, slots = context
    split = f", the server's -c split over {slots} slots (-np {slots})" if slots > 1 else ""
    return [("ok", f"context size: {n_ctx:,} tokens per request{split}")]
