"""Text from outside, made safe to put on a terminal.

Answers, questions, roles, titles, tips, notices and company names come from
files, banks, configs, other users and LLM replies. Printed raw, an ESC
sequence in them would act on the user's terminal: OSC 52 writes the
clipboard, OSC 0 sets the window title, CSI 2J clears the screen, and a C1
control such as U+009B is a one-character CSI on many terminals.

`visible` makes every control character *visible* rather than deleting it,
one character for one, so ``len(visible(s)) == len(s)`` and an index into
the text (a replay cursor, a quoted span) is an index into what is drawn:

* C0 controls and DEL become their Unicode control pictures (ESC -> "␛",
  BEL -> "␇", NUL -> "␀", CR -> "␍", DEL -> "␡"): one printable cell each,
  so columns and wrapping stay as they were, and nothing the file holds is
  hidden (a reader can see that an answer carries an escape). Taking the ESC
  away is enough to disarm any sequence (CSI, OSC, DCS, APC, PM, SOS): what
  follows it is plain printable text. No sequence grammar is parsed, so a
  malformed sequence can neither eat real text nor leave a live fragment.
* C1 controls (U+0080-U+009F; U+009B is a one-character CSI, U+0085 a line
  break on some terminals) have no pictures: they become U+FFFD "�", the
  glyph every terminal font has for "a character that cannot be shown".
* Bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
  which can make a terminal draw what follows in another order, and lone
  surrogates (undecodable bytes, which cannot even be encoded to print)
  become U+FFFD too.

Multi-line fields (an answer, a tip, a job description) keep "\\n" and "\\t",
and a CR that ends a line (CRLF) becomes a space; single-line fields (a
role, a title, a table cell) show those as pictures too, so one field stays
one line.

`json_dumps` / `json_safe` are for JSON printed to a terminal: `json.dumps`
already escapes C0, but with ``ensure_ascii=False`` it leaves DEL, C1,
U+2028/U+2029, bidi controls and lone surrogates raw; these become ``\\uXXXX``
escapes, which load back to exactly the same string.

Pure functions; nothing here is used for what is *stored*: the saved text
keeps what was typed.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Everything `visible` changes, in one class so clean text costs one scan.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same without newline and tab, for multi-line fields.
_UNSAFE_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The controls a pasted answer must not keep (line breaks and tabs are text).
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
#: Characters left raw by ``json.dumps(..., ensure_ascii=False)`` that a terminal may act on.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_DEL_PICTURE = "\u2421"
_REPLACEMENT = "\ufffd"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return _DEL_PICTURE
    return _REPLACEMENT  # C1, a bidi control or a lone surrogate


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every terminal control made visible (see the module docstring).

    ``multiline`` keeps newlines and tabs, for fields that may span lines.
    Printable characters are returned unchanged, in place (one character
    for one).
    """
    if multiline:
        if "\r\n" in text:
            text = text.replace("\r\n", " \n")
        pattern = _UNSAFE_MULTILINE
    else:
        pattern = _UNSAFE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_picture, text)


def disarm(text: str) -> str:
    """What an answer keeps of pasted ``text``: its controls made visible, in place.

    Unlike `visible` this is for what is *stored*: only C0 controls (but line
    breaks and tabs), DEL and C1 controls change, to the same pictures;
    format characters (joiners, direction marks, bidi controls) are kept, as
    they are when typed, so the saved answer is what the candidate pasted,
    with nothing in it that could act on a terminal later.
    """
    if _CONTROLS.search(text) is None:
        return text
    return _CONTROLS.sub(_picture, text)


def json_safe(json_text: str) -> str:
    """Escape what a terminal could act on inside already-serialised JSON.

    Only characters that can appear solely inside JSON strings are touched,
    so the result is valid JSON that loads to the same value.
    """
    if _JSON_UNSAFE.search(json_text) is None:
        return json_text
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def json_dumps(obj: Any, **kwargs: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False, **kwargs)``, safe to print on a terminal."""
    return json_safe(json.dumps(obj, ensure_ascii=False, **kwargs))
