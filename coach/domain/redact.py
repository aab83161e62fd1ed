"""Take API keys out of text before it is shown, logged, put in a notice or saved.

Servers echo keys back in their errors, whole or in part ("Incorrect API key
provided: sk-abc...xyz"); that text becomes a notice, and notices are saved in
session files. `redact` replaces every word that carries a known secret (the
whole key, a run of 8 of its characters, or a masked form showing its first
or last few characters) and anything shaped like an OpenAI key or a bearer
token, so no error path has to remember which parts of a message are safe.

Standard library only, so the engine, the services and the commands can all
use the one function.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

REDACTED = "[redacted]"

#: Environment variables that hold a key whatever the config says.
KEY_VARIABLES = ("COACH_OPENAI_API_KEY", "OPENAI_API_KEY")

_WORD = re.compile(r"\S+")
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+\S+")
#: sk-…, sk-proj-…, and their masked echoes (sk-abc...xyz, sk-****1234).
_OPENAI_SHAPE = re.compile(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9*.…_\-]{3,}")
#: What servers put in place of the hidden middle of a key.
_MASKING = re.compile(r"\.{2,}|…|\*+|•+|x{4,}|X{4,}")
_EDGE = "\"'`()[]{}<>,;:!?"
#: Shorter "secrets" (a placeholder, an empty variable) are not worth hunting in words.
_MIN_SECRET = 8
_WINDOW = 8


def _leaks(word: str, secret: str) -> bool:
    """True when ``word`` shows ``secret`` whole, 8 of its characters in a row, or a masked edge of it."""
    window = min(_WINDOW, len(secret))
    if any(secret[i : i + window] in word for i in range(len(secret) - window + 1)):
        return True
    pieces = [p for p in _MASKING.split(word) if p]
    masked = _MASKING.search(word) is not None
    for piece in pieces:
        if len(piece) >= 6 and piece in secret:
            return True
        if masked and len(piece) >= 3 and (secret.startswith(piece) or secret.endswith(piece)):
            return True
    return False


def _core(word: str) -> tuple[str, str, str]:
    """(leading punctuation, the word, trailing punctuation); a lone trailing '.' is punctuation."""
    start, end = 0, len(word)
    while start < end and word[start] in _EDGE:
        start += 1
    while end > start and word[end - 1] in _EDGE:
        end -= 1
    if end - start > 1 and word[end - 1] == "." and word[end - 2] != ".":
        end -= 1
    return word[:start], word[start:end], word[end:]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every trace of ``secrets`` (and anything key-shaped) replaced by ``[redacted]``."""
    if not text:
        return text
    known = sorted({s for s in secrets if s and len(s) >= _MIN_SECRET}, key=len, reverse=True)
    for secret in known:
        text = text.replace(secret, REDACTED)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)

    def word(match: re.Match[str]) -> str:
        lead, core, trail = _core(match.group(0))
        if not core or core == REDACTED:
            return match.group(0)
        if _OPENAI_SHAPE.search(core) or any(_leaks(core, s) for s in known):
            return f"{lead}{REDACTED}{trail}"
        return match.group(0)

    return _WORD.sub(word, text)


def secrets_from_env(env: Mapping[str, str] | None = None, names: Iterable[str | None] = ()) -> list[str]:
    """The values of the key variables (and of any extra variable ``names``) set in ``env``."""
    env = os.environ if env is None else env
    wanted = [*KEY_VARIABLES, *(n for n in names if n)]
    return [env[n] for n in wanted if env.get(n)]
