"""What a backend needs before it can run here, in the words the backend itself would use.

The debrief's backend picker lists only backends that can run; which settings
the `openai` backend accepts (a key, which key may go to which server, a key
file) is that backend's rule, so it is asked, never restated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NO_KEY = "set COACH_OPENAI_API_KEY (or OPENAI_API_KEY), or openai.base_url for a local server"


def backend_needs(name: str, settings: Any, env: Mapping[str, str]) -> str | None:
    """What to set before backend ``name`` can run, or None when it can.

    Only the openai backend needs something: a key it will send to the server it
    would talk to (its trust rules decide), or a base_url of a server that needs none.
    """
    if name != "openai":
        return None
    from coach.engine.openai.keys import resolve_api_key, resolve_base_url

    opts = getattr(settings, "openai", None)
    base_url, from_openai_env = resolve_base_url(opts, env)
    key = resolve_api_key(opts, base_url, from_openai_env, env)
    if key.value is not None:
        return None
    if key.source == "none":  # nothing configured at all: a local server is the other way in
        return NO_KEY
    return key.problem or NO_KEY
