"""A session as file text and back: the TOML layout, the edit-log encoding, schema upgrades.

**On disk** (schema_version 1, "compact layout"; written by :func:`session_to_toml`)::

    schema_version = 1                    # header: the session's own scalars, in this order
    id = "20261126T160255123-4242-a1b2c3"
    kind = "practice"                     # practice | real
    created_at = 2026-11-26 16:02:55.123000+00:00
    updated_at = 2026-11-26 16:20:01.456000+00:00
    round = "second"                      # phone | second | final
    role = "general"
    status = "complete"                   # in-progress | complete | abandoned
    timed = false
    job = "..."                           # only when set (it may be long, so it comes last)

    [summary]                             # derived, for listings only; ignored when loading
    n_answers = 5
    first_pointer = "Say how it ended"    # title of the latest feedback's first pointer, if any
    backend = "offline"                   # backend of the latest feedback, if any
    n_attempts = 2                        # most takes at one question (1: nothing retried)
    n_retried = 1                         # questions with at least one retry
    latest_verdict = "fixed no-result"    # the newest retry verdict in short, if any
    body_bytes = 95123                    # size in bytes of everything after this table

    [[answers]]                           # body: one table per answer, in order
    question_id = "gen.disagreement"
    question = "Tell me about a time you disagreed with a colleague."
    type = "behavioral"
    text = "In my last role ..."
    status = "submitted"
    shown_at = 2026-11-26 16:03:00+00:00
    think_ms = 4000
    answer_ms = 90000
    edit_log = '[[4000,0,0,"I"],[4210,1,0,"n"],[4500,1,1,""]]'

    [[feedback]]                          # every feedback ever made, oldest first
    ...                                   # (pointers, strength, notes: as the pydantic models)

    [real]                                # only for real interviews
    ...

Fields that are None are left out (TOML has no null). Datetimes carry their
offset. ``edit_log`` is one TOML *literal* string (single quotes) holding
``json.dumps([[t_ms, pos, removed, text], ...], separators=(",", ":"),
ensure_ascii=False)`` with ``'`` written as ``\\u0027`` and DEL as ``\\u007f`` so
the literal string is legal TOML; it is left out when an answer has no edits.
Why: the old form, an array of arrays (``edits = [[t, pos, removed, "x"], ...]``,
which tomli-w spreads over six lines per edit), costs the pure-Python tomllib
about a microsecond per character; a literal string is found with one
``str.index`` and the JSON inside is decoded in C, which makes a long edit log
~20x cheaper to load and lets saves append to a cached encoding.

Reading is tolerant, still under schema_version 1 (no version bump, so files
and tools that expect 1 keep working): an answer may spell its log either as
``edit_log`` (this layout) or as the older ``edits`` array (files written before
it), never both; a file without ``[summary]`` is simply listed by a full parse.
The one price: a coach older than this layout reports new files as invalid
("Extra inputs are not permitted") rather than as "newer than this coach".

**Loading** parses TOML, applies the upgrade functions in :data:`MIGRATIONS`
(``{from_version: fn(dict) -> dict}``) and validates with pydantic. A file that
is not TOML, is from a newer coach, or fails validation raises
:class:`StoreError` (path + one-line reason).
"""

from __future__ import annotations

import json
import os
import threading
import tomllib
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pydantic import ValidationError

from coach.domain.models import SCHEMA_VERSION, Edit, RetryVerdict, Session
from coach.fsutil import FileTooLargeError, NotRegularFileError, loads_toml, read_regular_file
from coach.store.errors import StoreError

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# Upgrade functions: MIGRATIONS[n] turns a version-n document into version n+1.
# Add one here (and bump models.SCHEMA_VERSION) whenever the format changes.
def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 lets an answer hold retries (``attempts``) and example rewrites (``stronger``).

    A version-1 file has neither, so its content is already valid version 2;
    the step exists so the number says what a file may contain, and an older
    coach refuses a file with retries as "newer" instead of "invalid".
    """
    return data


MIGRATIONS: Mapping[int, Migration] = MappingProxyType({1: _v1_to_v2})

# Root scalars in the order they are written: what a listing needs first, then
# ``job`` (possibly long). A scalar field a future model adds goes after these.
HEADER_KEYS: tuple[str, ...] = (
    "schema_version", "id", "kind", "created_at", "updated_at", "round", "role", "status", "timed", "job",
)
SUMMARY_KEY = "summary"
SUMMARY_FIELDS = frozenset(
    {"n_answers", "first_pointer", "backend", "n_attempts", "n_retried", "latest_verdict", "body_bytes"}
)
#: Summary fields a header must have to be believed: one written before retries
#: existed lacks ``n_attempts``, and only a full parse can say whether it has any.
REQUIRED_SUMMARY = frozenset({"n_answers", "n_attempts", "body_bytes"})
EDIT_LOG_KEY = "edit_log"
# An answer's own fields in the order they are written: what was asked, then
# the take; retries and example rewrites (sub-tables) follow.
ANSWER_KEYS: tuple[str, ...] = (
    "question_id", "question", "type", "follow_up_of", "text", "status", "shown_at", "think_ms", "answer_ms",
)
#: The largest session file coach reads. Loading costs several times a file's
#: size in memory (a long edit log becomes many small objects), so a bigger
#: file is reported, not read. Twelve answers of pasted megabytes fit easily.
MAX_SESSION_BYTES = 32 * 1024 * 1024


def _drop_none(value: Any) -> Any:
    """TOML has no null: leave None out (the models default those fields to None)."""
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    if isinstance(value, datetime) and value.tzinfo is None:
        # A naive time is local time; store it with its offset, as UTC.
        return value.astimezone(timezone.utc)
    return value


def session_to_toml(session: Session, edit_logs: EditLogCache | None = None) -> str:
    """The file text for ``session`` in the compact layout described above.

    Values are formatted by tomli-w (None dropped; datetimes with offsets),
    except each answer's edit log, which is one literal string (see
    :func:`encode_edit_log`; ``edit_logs`` reuses earlier encodings). The
    pieces are assembled here so that the ``[summary]`` table comes first and
    can state the body's size.
    """
    import tomli_w

    encode = edit_logs.encode if edit_logs is not None else encode_edit_log
    doc = _drop_none(
        session.model_dump(
            mode="python", exclude={"answers": {"__all__": {"edits": True, "attempts": {"__all__": {"edits"}}}}}
        )
    )
    answers = doc.pop("answers", [])
    feedback = doc.pop("feedback", [])
    real = doc.pop("real", None)
    root = {key: doc.pop(key) for key in HEADER_KEYS if key in doc}
    tables = {}
    for key, value in doc.items():  # fields a future model adds: scalars to the header, tables to the body
        (tables if _is_table(value) else root)[key] = value

    body: list[str] = []
    for fields_, model in zip(answers, session.answers):
        body.append("[[answers]]\n")
        nested = {key: value for key in ("attempts", "stronger") if (value := fields_.pop(key, None))}
        ordered = {key: fields_.pop(key) for key in ANSWER_KEYS if key in fields_}
        body.append(tomli_w.dumps({**ordered, **fields_}))
        if model.edits:
            body.append(f"{EDIT_LOG_KEY} = '{encode(model.edits)}'\n")
        for attempt_fields, attempt in zip(nested.get("attempts", ()), model.attempts):
            if attempt.edits:  # rare and short: a plain TOML string is fine here
                attempt_fields[EDIT_LOG_KEY] = encode_edit_log(attempt.edits)
        if nested:
            body.append(_nested_tables(nested))
        body.append("\n")
    if feedback:
        body.append(tomli_w.dumps({"feedback": feedback}) + "\n")
    if real is not None:
        tables["real"] = real
    if tables:
        body.append(tomli_w.dumps(tables) + "\n")
    body_text = "".join(body).rstrip("\n")
    body_text = body_text + "\n" if body_text else ""

    latest = session.latest_feedback
    attempts, retried, verdict = retry_counts(session)
    summary = {
        "n_answers": len(session.answers),
        "first_pointer": latest.pointers[0].title if latest else None,
        "backend": latest.backend if latest else None,
        "n_attempts": attempts,
        "n_retried": retried,
        "latest_verdict": verdict,
        # what save() will write: a lone surrogate becomes one "?" byte
        "body_bytes": len(body_text.encode("utf-8", errors="replace")),
    }
    header = tomli_w.dumps(root) + "\n" + tomli_w.dumps({SUMMARY_KEY: _drop_none(summary)})
    return header + ("\n" + body_text if body_text else "")


def retry_counts(session: Session) -> tuple[int, int, str | None]:
    """(most takes at one question, questions retried, the latest verdict in short) for listings.

    The rule a listing reads as "2 attempts": the largest number of takes any
    one question has (the answer counts as the first), so one question tried
    twice is "2 attempts" whatever the other questions did. ``n_retried`` says
    how many questions have a retry at all. The latest verdict is the newest
    one made (by its time) on any retry, in :func:`short_verdict`'s words. A retry
    still being typed (not submitted) is a draft, not an attempt: it is not counted.
    """
    most = max((1 + sum(1 for t in a.attempts if t.status == "submitted") for a in session.answers), default=0)
    retried = sum(1 for a in session.answers if any(t.status == "submitted" for t in a.attempts))
    verdicts = [t.verdict for a in session.answers for t in a.attempts if t.verdict is not None]
    newest = max(verdicts, key=lambda v: v.created_at, default=None)
    return most, retried, short_verdict(newest) if newest is not None else None


def short_verdict(verdict: RetryVerdict) -> str:
    """A verdict in a few words: "fixed no-result", "still no-result", "1 of 2 fixed", "+1 new".

    One pointer compared: its kind with "fixed" or "still"; several: how many
    of them were fixed. New pointers are counted after. No lines: "compared".
    """
    fixed, still, new = (verdict.kinds(status) for status in ("resolved", "remaining", "new"))
    compared = len(fixed) + len(still)
    if compared == 1:
        head = f"fixed {fixed[0]}" if fixed else f"still {still[0]}"
    elif compared:
        head = f"{len(fixed)} of {compared} fixed"
    else:
        head = ""
    tail = f"+{len(new)} new" if new else ""
    return ", ".join(bit for bit in (head, tail) if bit) or "compared"


def _nested_tables(nested: dict[str, Any]) -> str:
    """``[[answers.attempts]]`` / ``[[answers.stronger]]`` tables for the answer just written."""
    import tomli_w

    text = tomli_w.dumps({"answers": [nested]})
    # tomli-w writes the parent's header first ("[[answers]]\n"); this answer's header is already out.
    head = "[[answers]]\n"
    return text[len(head):] if text.startswith(head) else text


def _is_table(value: Any) -> bool:
    """True for what TOML writes as a table or an array of tables (it must not precede [summary])."""
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def encode_edit_log(edits: Sequence[Edit]) -> str:
    """The inside of an ``edit_log`` literal string: compact JSON safe in TOML ``'...'``.

    TOML literal strings cannot hold ``'`` or control characters other than
    tab; JSON already escapes those below U+0020, so only ``'`` and DEL need
    ``\\u`` escapes (they can only occur inside JSON strings, so replacing
    them never touches the structure). A lone surrogate stays as it is and
    becomes "?" when the file is encoded, exactly as in the answer's text.
    """
    return f"[{_edits_json(edits)}]" if edits else "[]"


def _edits_json(edits: Sequence[Edit]) -> str:
    """``[t,pos,removed,"text"],...`` (no outer brackets) for ``edits``, escaped for a literal string."""
    raw = json.dumps([[e.t_ms, e.pos, e.removed, e.text] for e in edits], ensure_ascii=False, separators=(",", ":"))
    return raw[1:-1].replace("'", "\\u0027").replace("\x7f", "\\u007f")


class EditLogCache:
    """Recent edit-log encodings, so an autosave encodes only the edits typed since the last save.

    Speed: benchmarks/README.md row "autosave p99, 1,000-word answer + 6,363-edit log".
    Keyed by the identity of the first Edit: autosave snapshots copy the list
    but share the (frozen) Edit objects, so the cached prefix is checked with
    one list comparison, which compares identical items by identity at C speed
    (equal-but-distinct items compare by value, which is also right).
    Autosaves run in a worker thread while a signal handler may save on the UI
    thread, hence the lock (held only for the dict operations, not the encoding).
    """

    def __init__(self, size: int = 32) -> None:
        self._size = size
        self._entries: dict[int, tuple[list[Edit], str]] = {}
        self._lock = threading.Lock()

    def encode(self, edits: Sequence[Edit]) -> str:
        """Same text as :func:`encode_edit_log`, reusing the cached encoding of a prefix."""
        if not edits:
            return "[]"
        key = id(edits[0])
        with self._lock:
            cached = self._entries.get(key)
        n = 0
        done = ""
        if cached is not None:
            prefix, encoded = cached
            if len(prefix) <= len(edits) and prefix[0] is edits[0] and list(edits[: len(prefix)]) == prefix:
                n, done = len(prefix), encoded
        if n < len(edits):
            new = _edits_json(edits[n:])
            done = f"{done},{new}" if done else new
        entry = (list(edits), done)
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = entry  # newest last: the dict's order is the LRU order
            while len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]
        return f"[{done}]"


def decode_edit_log(value: Any, where: str) -> list[Any]:
    """The ``[[t_ms, pos, removed, text], ...]`` lists of an ``edit_log`` string (pydantic checks the items).

    ValueError says what is wrong, prefixed with ``where`` (e.g. ``answers.2.edit_log``).
    """
    if not isinstance(value, str):
        raise ValueError(f"{where}: must be a string of JSON, not {type(value).__name__}")
    try:
        edits = json.loads(value)
    except ValueError as exc:
        raise ValueError(f"{where}: not valid JSON ({exc})") from None
    except RecursionError:  # the C decoder recurses per level, like tomllib
        raise ValueError(f"{where}: JSON arrays nested too deeply") from None
    if not isinstance(edits, list):
        raise ValueError(f"{where}: must be a JSON array of [t_ms, pos, removed, text]")
    return edits


def _from_disk_layout(data: dict[str, Any]) -> dict[str, Any]:
    """Turn the on-disk document into model fields: drop ``[summary]``, decode ``edit_log``.

    Accepts both spellings of an edit log (``edit_log`` string, older ``edits``
    array) so files written before the compact layout keep loading. ValueError
    names the field when something is wrong.
    """
    data.pop(SUMMARY_KEY, None)  # derived from the body, which is what counts when loading
    answers = data.get("answers")
    if not isinstance(answers, list):
        return data  # missing, or wrong: pydantic reports it
    for i, fields_ in enumerate(answers):
        _decode_take(fields_, f"answers.{i}")
        attempts = fields_.get("attempts") if isinstance(fields_, dict) else None
        if isinstance(attempts, list):
            for j, attempt in enumerate(attempts):
                _decode_take(attempt, f"answers.{i}.attempts.{j}")
    return data


def _decode_take(fields_: Any, where: str) -> None:
    """Turn one take's ``edit_log`` string into its ``edits`` list, in place."""
    if isinstance(fields_, dict) and EDIT_LOG_KEY in fields_:
        if "edits" in fields_:
            raise ValueError(f"{where}: has both edits and {EDIT_LOG_KEY}; keep one")
        fields_["edits"] = decode_edit_log(fields_.pop(EDIT_LOG_KEY), f"{where}.{EDIT_LOG_KEY}")


def migrate(
    data: dict[str, Any], migrations: Mapping[int, Migration] = MIGRATIONS, target: int = SCHEMA_VERSION
) -> dict[str, Any]:
    """Bring a parsed document up to ``target`` (this coach's version); ValueError if impossible."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"schema_version {version!r} is not a positive integer")
    if version > target:
        raise ValueError(
            f"schema_version {version} is newer than this coach understands ({target});"
            " upgrade coach to read it"
        )
    while version < target:
        step = migrations.get(version)
        if step is None:
            raise ValueError(f"no upgrade from schema_version {version}")
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return data


def session_from_toml(text: str, path: Path) -> Session:
    """Parse, migrate and validate a session document; StoreError on any failure."""
    try:
        data = loads_toml(text)
    except tomllib.TOMLDecodeError as exc:
        raise StoreError(path, f"not valid TOML ({exc})") from None
    if not data:
        raise StoreError(path, "empty file (a write was interrupted, or it is being created)")
    try:
        data = migrate(_from_disk_layout(data))
    except ValueError as exc:
        raise StoreError(path, str(exc)) from None
    try:
        return Session.model_validate(data)
    except ValidationError as exc:
        raise StoreError(path, f"invalid session: {validation_line(exc)}") from None


def validation_line(exc: ValidationError) -> str:
    """The first validation error as ``field.path: message``, plus a count of the rest."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "document"
    line = f"{where}: {first.get('msg', 'invalid')}"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more)"
    return line


def read_session_file(path: Path) -> Session:
    """Load one session file; StoreError names the path and the reason.

    Never opens a FIFO, socket or device (that would hang, or worse) and never
    reads more than :data:`MAX_SESSION_BYTES`: see :func:`read_session_bytes`.
    """
    return session_from_toml(decode_session_bytes(read_session_bytes(path), path), path)


def read_session_bytes(path: Path) -> bytes:
    """A session file's bytes, if it is a regular file within the size cap; StoreError otherwise."""
    try:
        return read_regular_file(path, limit=MAX_SESSION_BYTES)
    except FileNotFoundError:
        raise StoreError(path, _missing_reason(path)) from None
    except (NotRegularFileError, FileTooLargeError) as exc:
        raise StoreError(path, f"{exc.strerror}; skipped") from None
    except OSError as exc:
        raise StoreError(path, f"cannot read ({exc.strerror or exc})") from None


def _missing_reason(path: Path) -> str:
    """"no such session file", or what is wrong with the symlink standing in its place."""
    try:
        target = os.readlink(path)
    except OSError:
        return "no such session file"
    return f"broken symbolic link (to {target!r}, which does not exist)"


def decode_session_bytes(raw: bytes, path: Path) -> str:
    """The text of a session file; StoreError if it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(path, f"not UTF-8 text (byte {exc.start})") from None
