"""The `openai` backend: OpenAI or any OpenAI-compatible server (llama.cpp, Ollama, vLLM...).

It asks for one or two pointers as structured JSON (a schema built from
coach.domain.models, so the two never drift apart), streams the reply so the debrief
fills in as it arrives, checks every quote against the answers, and on *any*
failure returns the offline analyzer's feedback with a notice saying what went
wrong. `review()` never raises and never outlives the configured timeout:
practising must not depend on a network.

The `openai` package is imported only when a request is made, so
`coach --help` and the offline path never pay for it.

Rooms: `keys` (which server, which key, and the trust rules between them),
`errors` (failures as plain lines), `schema` (the reply's schema and parsing),
`backend` (client, streaming, retries, rewording, follow-ups) and `doctor`
(checks for `coach doctor`). The registry's entry point is
``coach.engine.openai:OpenAIBackend``.
"""

from __future__ import annotations

from coach.engine.openai.backend import (
    BACKOFF_S,
    MAX_TOKENS,
    RETRY_AFTER_CAP_S,
    TEXT_MAX_TOKENS,
    OpenAIBackend,
)
from coach.engine.openai.doctor import diagnose
from coach.engine.openai.errors import LLMFailure, describe_api_error, describe_connection_error
from coach.engine.openai.keys import (
    OFFICIAL_BASE_URL,
    PLACEHOLDER_KEY,
    ApiKey,
    Options,
    is_official,
    resolve_api_key,
    resolve_base_url,
)
from coach.engine.openai.schema import (
    FOLLOW_UP_MAX_CHARS,
    clean_follow_up,
    draft_model,
    parse_draft,
    response_schema,
)

__all__ = [
    "BACKOFF_S",
    "FOLLOW_UP_MAX_CHARS",
    "MAX_TOKENS",
    "OFFICIAL_BASE_URL",
    "PLACEHOLDER_KEY",
    "RETRY_AFTER_CAP_S",
    "TEXT_MAX_TOKENS",
    "ApiKey",
    "LLMFailure",
    "OpenAIBackend",
    "Options",
    "clean_follow_up",
    "describe_api_error",
    "describe_connection_error",
    "diagnose",
    "draft_model",
    "is_official",
    "parse_draft",
    "resolve_api_key",
    "resolve_base_url",
    "response_schema",
]
