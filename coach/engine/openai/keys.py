"""Which server and which key: the trust rules for the openai backend's credentials.

COACH_OPENAI_API_KEY, else the variable named by `api_key_env`, else the file
named by `api_key_file`, else OPENAI_API_KEY, but that last one only for the
official endpoint or a base_url that itself came from OPENAI_BASE_URL: a key
meant for OpenAI is never sent to a server a config file named. That holds
however a config reaches the key: `api_key_env = "OPENAI_API_KEY"`, another
variable or an `api_key_file` holding the same value are refused for such a
server (a system config must not be able to ship a user's key elsewhere). A
non-official server with no key gets a placeholder. The key is never logged,
printed or put in a notice.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from coach.domain.text import visible
from coach.domain.urls import mask_url, url_problem
from coach.fsutil import read_regular_file

OFFICIAL_BASE_URL = "https://api.openai.com/v1"
PLACEHOLDER_KEY = "sk-no-key-needed"
OPENAI_KEY_VAR = "OPENAI_API_KEY"
#: No wait may be longer than this (seconds): a timeout that never ends is a hang.
MAX_TIMEOUT_S = 600.0
_MAX_KEY_FILE_BYTES = 64 * 1024  # a key is a line; a bigger file is the wrong file


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
    if url_problem(base_url):
        return False  # reported as the backend's problem; never a reason to send a key
    parts = urlsplit(base_url)
    return parts.scheme == "https" and (parts.hostname or "").lower() == "api.openai.com"


def _read_key_file(path: Path) -> tuple[str | None, str | None]:
    try:
        # Only a small regular file: a FIFO named here would block the backend's start forever.
        value = read_regular_file(path.expanduser(), limit=_MAX_KEY_FILE_BYTES).decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, f"api_key_file {path} is not UTF-8 text"
    except OSError as exc:
        return None, f"cannot read api_key_file {path}: {exc.strerror or exc}"
    return (value, None) if value else (None, f"api_key_file {path} is empty")


def resolve_api_key(
    opts: Any, base_url: str, base_url_from_openai_env: bool, env: Mapping[str, str]
) -> ApiKey:
    """Pick the key for ``base_url`` following the trust rules in the module docstring."""
    if env.get("COACH_OPENAI_API_KEY"):
        return ApiKey(env["COACH_OPENAI_API_KEY"], "COACH_OPENAI_API_KEY")
    openai_key_allowed = is_official(base_url) or base_url_from_openai_env
    named = getattr(opts, "api_key_env", None)
    if named:
        if env.get(named):
            key = ApiKey(env[named], f"${named}")
            return key if openai_key_allowed else _not_the_openai_key(key, env, base_url)
        return ApiKey(None, f"${named}", f"api_key_env names {named}, which is not set")
    key_file = getattr(opts, "api_key_file", None)
    if key_file:
        value, problem = _read_key_file(Path(key_file))
        key = ApiKey(value, f"api_key_file {key_file}", problem)
        return key if openai_key_allowed else _not_the_openai_key(key, env, base_url)
    if env.get(OPENAI_KEY_VAR) and openai_key_allowed:
        return ApiKey(env[OPENAI_KEY_VAR], OPENAI_KEY_VAR)
    if is_official(base_url):
        return ApiKey(None, "none", "no API key: set COACH_OPENAI_API_KEY (or OPENAI_API_KEY)")
    return ApiKey(PLACEHOLDER_KEY, "placeholder (no key configured for this server)")


def _not_the_openai_key(key: ApiKey, env: Mapping[str, str], base_url: str) -> ApiKey:
    """``key``, unless it is OPENAI_API_KEY (by name or by value) bound for a server a config named."""
    openai_key = env.get(OPENAI_KEY_VAR)
    if key.source != f"${OPENAI_KEY_VAR}" and not (openai_key and key.value == openai_key):
        return key
    host = urlsplit(base_url).hostname or base_url
    return ApiKey(
        None,
        key.source,
        f"{key.source} holds OPENAI_API_KEY, which coach sends only to api.openai.com or to a base_url"
        f" set by OPENAI_BASE_URL, not to {host}; put the key for {host} in COACH_OPENAI_API_KEY",
    )


def bounded_seconds(value: Any, default: float) -> float:
    """A finite, positive wait of at most MAX_TIMEOUT_S; ``default`` for anything else."""
    try:
        seconds = float(value) if value is not None else default
    except (TypeError, ValueError):
        return default
    if not math.isfinite(seconds) or seconds <= 0:
        return default
    return min(seconds, MAX_TIMEOUT_S)


def resolve_base_url(opts: Any, env: Mapping[str, str]) -> tuple[str, bool]:
    """The server URL and whether it came from OPENAI_BASE_URL (which lets OPENAI_API_KEY follow)."""
    configured = getattr(opts, "base_url", None)
    if configured:
        return str(configured).rstrip("/"), False
    if env.get("OPENAI_BASE_URL"):
        return env["OPENAI_BASE_URL"].rstrip("/"), True
    return OFFICIAL_BASE_URL, False


@dataclass(frozen=True)
class Options:
    """The settings this backend uses, with defaults for anything missing."""

    base_url: str
    base_url_from_openai_env: bool
    model: str
    timeout_s: float
    connect_timeout_s: float
    max_retries: int
    #: The base URL the settings gave was refused: never stand in the official server for it.
    refused_url: bool = False

    @property
    def shown_url(self) -> str:
        """The base URL as every message shows it: a password in it is masked."""
        return mask_url(self.base_url)

    @property
    def url_problem(self) -> str | None:
        """Why the base URL cannot be used (it may come straight from OPENAI_BASE_URL), or None."""
        if self.refused_url:
            return ("openai.base_url is not a usable URL (see `coach config show`); not sending"
                    " anything to another server in its place")
        problem = url_problem(self.base_url)
        if problem is None:
            return None
        where = "OPENAI_BASE_URL" if self.base_url_from_openai_env else "openai.base_url"
        return f"{where} {problem}: {visible(self.shown_url)}"

    @classmethod
    def from_settings(cls, settings: Any, env: Mapping[str, str]) -> tuple[Options, ApiKey]:
        opts = getattr(settings, "openai", None)
        base_url, from_env = resolve_base_url(opts, env)
        options = cls(
            base_url=base_url,
            base_url_from_openai_env=from_env,
            model=str(getattr(opts, "model", None) or "gpt-4o-mini"),
            timeout_s=bounded_seconds(getattr(opts, "timeout_s", None), 60.0),
            connect_timeout_s=bounded_seconds(getattr(opts, "connect_timeout_s", None), 5.0),
            max_retries=int(getattr(opts, "max_retries", 2) if opts is not None else 2),
            refused_url="openai.base_url" in getattr(settings, "refused_keys", ()),
        )
        return options, resolve_api_key(opts, base_url, from_env, env)
