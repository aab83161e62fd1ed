"""Failures talking to an OpenAI-compatible server, turned into one plain line each.

Each `LLMFailure` says what went wrong in words a candidate can act on, and
whether a retry is safe; the message becomes the fallback notice, so any text
the server sent is passed through `coach.domain.redact.redact` with the key first (a
server may echo the key back: "Incorrect API key provided: sk-abc...xyz").
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from coach.domain.redact import redact

if TYPE_CHECKING:
    from coach.engine.openai.keys import ApiKey


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
    """Turn an HTTP error status into a plain notice (and whether/when to retry); never shows the key."""
    failure = _describe_api_error(exc, model=model, base_url=base_url, key=key)
    failure.args = (redact(str(failure), [key.value]),)
    return failure


def _describe_api_error(exc: Any, *, model: str, base_url: str, key: ApiKey) -> LLMFailure:
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


def _is_schema_rejection(exc: Any) -> bool:
    """A 400/422 that blames response_format: the server cannot do JSON schemas."""
    if getattr(exc, "status_code", None) not in (400, 422):
        return False
    message = _server_message(exc).lower()
    return any(word in message for word in ("response_format", "json_schema", "schema", "grammar"))
