"""Server URLs from settings and the environment: checked before use, masked before shown.

A base URL is text from outside (a config file, OPENAI_BASE_URL). One that an
HTTP client cannot parse would surface deep inside a request as an odd
exception; one with ``user:password@`` would print the password in every
status line. Both rules live here so config, the backend and `coach doctor`
agree.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

MASK = "********"
_SECRET_QUERY = re.compile(r"key|token|secret|password|sig", re.IGNORECASE)
_UNPRINTABLE = re.compile(r"[\x00-\x20\x7f-\x9f]")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a server's base URL (one short phrase), or None when it can."""
    if _UNPRINTABLE.search(url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises for "abc" or 99999
    except ValueError as exc:
        return f"is not a valid URL ({exc})"
    if parts.scheme not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if not parts.hostname:
        return "has no host name"
    if port == 0:
        return "port must be from 1 to 65535"
    return None


def mask_url(url: str) -> str:
    """``url`` with ``user:password@`` and secret query values hidden (the whole URL if it won't parse)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return MASK
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{host}" if ":" in userinfo else f"{MASK}@{host}"
    query = parts.query
    if query:
        pairs = [(k, MASK if _SECRET_QUERY.search(k) else v) for k, v in parse_qsl(query, keep_blank_values=True)]
        query = urlencode(pairs, safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
