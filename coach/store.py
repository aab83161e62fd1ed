"""Session files: naming, atomic saves, migration, listing and the listing index.

Layout under the data directory (``root``, 0700)::

    root/sessions/<id>.toml   one file per session, 0600, written atomically
    root/index.json           a cache of session summaries for fast listing
    root/index.lock           flock'ed around every read-modify-write of the index

**Ids** are ``YYYYMMDDTHHMMSSmmm-<pid>-<random>`` (UTC, milliseconds), so ``ls``
and a plain sort give time order. The id is claimed by creating its file with
``O_EXCL``: two processes that pick the same id in the same millisecond cannot
both win, the loser just draws another random suffix.

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
ensure_ascii=False)`` with ``'`` written as ``\u0027`` and DEL as ``\u007f`` so
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

**Listing reads only the header**: the ``[summary]`` table is always the first
table, so a listing reads the first 4 KB (more only if ``job`` is long), cuts at
the first table line after ``[summary]`` and parses just that. The header's
scalars are validated exactly as a full load would, and the file size must equal
header + ``body_bytes`` (a truncated or hand-edited body fails that check).
Anything doubtful (no summary, another schema_version, a size mismatch, a bad
value) falls back to a full parse, which is authoritative and reports errors.
So a listing can show as readable a file whose *body* was damaged in place at
the same size; loading it then reports the damage. That is the price of not
parsing 10,000 files in full, and the index below hides it the same way.

**Loading** parses TOML, applies the upgrade functions in :data:`MIGRATIONS`
(``{from_version: fn(dict) -> dict}``) and validates with pydantic. A file that
is not TOML, is from a newer coach, or fails validation raises
:class:`StoreError` (path + one-line reason); listings include it with
``.error`` set instead of hiding it.

**Never overwrite what we could not read**: :meth:`Store.save` writes only
sessions this process got from :meth:`Store.create` or :meth:`Store.load` (or
brand-new ids whose file does not exist yet). A damaged file can only be
replaced by deleting it explicitly.

**The index** maps each file name to ``(mtime_ns, size, inode)`` and the
summary parsed from it. It is never trusted blindly: a listing stats every file
(a batch at a time) and reparses only those whose stat changed, so a stale,
missing or corrupt index costs time, never correctness. Every atomic save makes
a new inode, so even two same-size saves inside one mtime tick are told apart.
Writers take ``flock(index.lock)``, re-read the index from disk, apply only
their own entries and write it back atomically, so two processes saving
different sessions cannot drop each other's entries. Autosaves (every second
while typing) do *not* rewrite the index when the session's summary is
unchanged; the next listing notices the new stat and refreshes that one entry.

**Index layout** (version 2): still one JSON document (``json.load`` and
``jq`` read it whole), but laid out one entry per line, newest file name first,
so it can be read a line at a time::

    {"version": 2, "entries": {
    "20261126T160255123-4242-a1b2c3.toml": [mtime_ns, size, inode, {summary}],
    "20261126T153001000-4242-9f8e7d.toml": [...]
    }}

The first line must be exactly that header and the last exactly ``}}``.
A listing reads only as many lines as the batches it has been asked for need
(the first page of History parses ~200 lines, not 10,000), each line with its
own small ``json.loads``, giving the GIL away every :data:`_INDEX_YIELD_LINES`
lines: one ``json.loads`` of a 10,000-entry document held the GIL for
30-90 ms, a frozen UI thread. A line that does not parse is ignored (its file
is summarized from disk) and the index is rewritten when the listing ends; an
index with another header (version 1 was one line) is rebuilt the same way.
Writers merge lines without parsing the entries (only each line's key).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import stat
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.fsutil import atomic_write_bytes, ensure_private_dir, is_temp_name, remove_stale_temps
from coach.domain.models import SCHEMA_VERSION, Answer, Edit, Feedback, Session, utcnow

SESSIONS_DIR = "sessions"
INDEX_FILE = "index.json"
LOCK_FILE = "index.lock"
SUFFIX = ".toml"
INDEX_VERSION = 2
_INDEX_HEAD = b'{"version": %d, "entries": {\n' % INDEX_VERSION
_INDEX_TAIL = b"}}\n"
_INDEX_YIELD_LINES = 100  # index lines parsed between two GIL hand-overs (~0.3 ms of work)
_FILES_PER_YIELD = 8  # files summarized from disk between two GIL hand-overs (each sleep(0) costs ~0.1 ms)
_IN_PROGRESS_MARK = '"status": "in-progress"'  # as json.dumps writes it; quotes in values are escaped
_ID_TIME_FORMAT = "%Y%m%dT%H%M%S"
_FRESH_EMPTY_S = 5.0  # an empty file younger than this is an id being claimed right now

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# Upgrade functions: MIGRATIONS[n] turns a version-n document into version n+1.
# Add one here (and bump models.SCHEMA_VERSION) whenever the format changes.
MIGRATIONS: dict[int, Migration] = {}


class StoreError(Exception):
    """A session file that cannot be used; ``str(e) == f"{path}: {reason}"``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass
class SessionSummary:
    """What a listing shows about one session file.

    When ``error`` is set the file could not be read: ``id`` is the file's
    stem, times come from the id (or the file's mtime) so it still sorts into
    place, and kind/round/role/status are None.
    """

    id: str
    path: Path
    created_at: datetime
    updated_at: datetime
    kind: str | None
    round: str | None
    role: str | None
    status: str | None
    n_answers: int
    first_pointer: str | None
    backend: str | None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601, path as a string)."""
        out = asdict(self)
        out["path"] = str(self.path)
        out["created_at"] = self.created_at.isoformat()
        out["updated_at"] = self.updated_at.isoformat()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any], path: Path) -> SessionSummary:
        """Inverse of :meth:`to_json` (used to read index entries)."""
        values = {f.name: data[f.name] for f in fields(cls) if f.name not in ("path",)}
        values["created_at"] = datetime.fromisoformat(values["created_at"])
        values["updated_at"] = datetime.fromisoformat(values["updated_at"])
        return cls(path=path, **values)


# ------------------------------------------------------------ TOML documents


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


# Root scalars in the order they are written: what a listing needs first, then
# ``job`` (possibly long). A scalar field a future model adds goes after these.
HEADER_KEYS: tuple[str, ...] = (
    "schema_version", "id", "kind", "created_at", "updated_at", "round", "role", "status", "timed", "job",
)
SUMMARY_KEY = "summary"
EDIT_LOG_KEY = "edit_log"
_SUMMARY_FIELDS = frozenset({"n_answers", "first_pointer", "backend", "body_bytes"})
_SUMMARY_LINE = b"\n[summary]\n"
_HEAD_BYTES = 4096


def session_to_toml(session: Session) -> str:
    """The file text for ``session`` in the compact layout described in the module docstring.

    Values are formatted by tomli-w (None dropped; datetimes with offsets),
    except each answer's edit log, which is one literal string (see
    :func:`encode_edit_log`). The pieces are assembled here so that the
    ``[summary]`` table comes first and can state the body's size.
    """
    import tomli_w

    doc = _drop_none(session.model_dump(mode="python", exclude={"answers": {"__all__": {"edits"}}}))
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
        body.append(tomli_w.dumps(fields_))
        if model.edits:
            body.append(f"{EDIT_LOG_KEY} = '{encode_edit_log(model.edits)}'\n")
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
    summary = {
        "n_answers": len(session.answers),
        "first_pointer": latest.pointers[0].title if latest else None,
        "backend": latest.backend if latest else None,
        # what save() will write: a lone surrogate becomes one "?" byte
        "body_bytes": len(body_text.encode("utf-8", errors="replace")),
    }
    header = tomli_w.dumps(root) + "\n" + tomli_w.dumps({SUMMARY_KEY: _drop_none(summary)})
    return header + ("\n" + body_text if body_text else "")


def _is_table(value: Any) -> bool:
    """True for what TOML writes as a table or an array of tables (it must not precede [summary])."""
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


# Recent edit-log encodings, so an autosave encodes only the edits typed since
# the last save. Keyed by the identity of the first Edit: autosave snapshots
# copy the list but share the (frozen) Edit objects, so the cached prefix is
# checked with one list comparison, which compares identical items by identity
# at C speed (equal-but-distinct items compare by value, which is also right).
# Autosaves run in a worker thread while a signal handler may save on the UI
# thread, hence the lock (held only for the dict operations, not the encoding).
_LOG_CACHE: dict[int, tuple[list[Edit], str]] = {}
_LOG_CACHE_LOCK = threading.Lock()
_LOG_CACHE_SIZE = 32


def encode_edit_log(edits: Sequence[Edit]) -> str:
    """The inside of an ``edit_log`` literal string: compact JSON safe in TOML ``'...'``.

    TOML literal strings cannot hold ``'`` or control characters other than
    tab; JSON already escapes those below U+0020, so only ``'`` and DEL need
    ``\\u`` escapes (they can only occur inside JSON strings, so replacing
    them never touches the structure). A lone surrogate stays as it is and
    becomes "?" when the file is encoded, exactly as in the answer's text.
    """
    if not edits:
        return "[]"
    key = id(edits[0])
    with _LOG_CACHE_LOCK:
        cached = _LOG_CACHE.get(key)
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
    with _LOG_CACHE_LOCK:
        _LOG_CACHE.pop(key, None)
        _LOG_CACHE[key] = entry  # newest last: the dict's order is the LRU order
        while len(_LOG_CACHE) > _LOG_CACHE_SIZE:
            del _LOG_CACHE[next(iter(_LOG_CACHE))]
    return f"[{done}]"


def _edits_json(edits: Sequence[Edit]) -> str:
    """``[t,pos,removed,"text"],...`` (no outer brackets) for ``edits``, escaped for a literal string."""
    raw = json.dumps([[e.t_ms, e.pos, e.removed, e.text] for e in edits], ensure_ascii=False, separators=(",", ":"))
    return raw[1:-1].replace("'", "\\u0027").replace("\x7f", "\\u007f")


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
        if isinstance(fields_, dict) and EDIT_LOG_KEY in fields_:
            if "edits" in fields_:
                raise ValueError(f"answers.{i}: has both edits and {EDIT_LOG_KEY}; keep one")
            fields_["edits"] = decode_edit_log(fields_.pop(EDIT_LOG_KEY), f"answers.{i}.{EDIT_LOG_KEY}")
    return data


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a parsed document up to :data:`SCHEMA_VERSION`; ValueError if impossible."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"schema_version {version!r} is not a positive integer")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"schema_version {version} is newer than this coach understands ({SCHEMA_VERSION});"
            " upgrade coach to read it"
        )
    while version < SCHEMA_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no upgrade from schema_version {version}")
        data = step(dict(data))
        version += 1
        data["schema_version"] = version
    return data


def session_from_toml(text: str, path: Path) -> Session:
    """Parse, migrate and validate a session document; StoreError on any failure."""
    try:
        data = tomllib.loads(text)
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
        raise StoreError(path, f"invalid session: {_validation_line(exc)}") from None


def _validation_line(exc: ValidationError) -> str:
    """The first validation error as ``field.path: message``, plus a count of the rest."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "document"
    line = f"{where}: {first.get('msg', 'invalid')}"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more)"
    return line


def read_session_file(path: Path) -> Session:
    """Load one session file; StoreError names the path and the reason."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StoreError(path, "no such session file") from None
    except OSError as exc:
        raise StoreError(path, f"cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(path, f"not UTF-8 text (byte {exc.start})") from None
    return session_from_toml(text, path)


# ------------------------------------------------------------------- ids


def new_session_id(now: datetime | None = None) -> str:
    """A time-sortable candidate id; uniqueness comes from claiming its file."""
    now = now or utcnow()
    stamp = now.astimezone(timezone.utc).strftime(_ID_TIME_FORMAT) + f"{now.microsecond // 1000:03d}"
    return f"{stamp}-{os.getpid()}-{_random_suffix()}"


def _random_suffix() -> str:
    """Six hex digits: with the pid, makes same-millisecond collisions rare (O_EXCL makes them harmless)."""
    return secrets.token_hex(3)


def time_from_id(session_id: str) -> datetime | None:
    """The creation time encoded in an id, if it has one."""
    try:
        stamp = datetime.strptime(session_id[:15], _ID_TIME_FORMAT)
        ms = int(session_id[15:18])
    except ValueError:
        return None
    return stamp.replace(microsecond=ms * 1000, tzinfo=timezone.utc)


def summarize(session: Session, path: Path) -> SessionSummary:
    """The listing row for a readable session."""
    latest = session.latest_feedback
    return SessionSummary(
        id=session.id,
        path=path,
        created_at=_aware(session.created_at),
        updated_at=_aware(session.updated_at),
        kind=session.kind,
        round=session.round,
        role=session.role,
        status=session.status,
        n_answers=len(session.answers),
        first_pointer=latest.pointers[0].title if latest else None,
        backend=latest.backend if latest else None,
    )


def read_header_summary(path: Path, size: int) -> SessionSummary | None:
    """The listing row from a file's header alone, or None when only a full parse can tell.

    Reads the first :data:`_HEAD_BYTES` (the whole header unless ``job`` is
    long), so a cold listing of 10,000 sessions never parses their answers.
    None (never an error) for old files without ``[summary]``, files from
    another schema version, a size that does not match ``body_bytes``, or any
    value a full load would reject: the caller then parses the whole file,
    which gives the authoritative row or the error to show.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None  # the full parse reports why
    try:
        head = os.read(fd, _HEAD_BYTES)
        body_start = _body_start(head, whole=len(head) >= size)
        if body_start is None and len(head) < size:
            chunks = [head]
            while chunk := os.read(fd, max(size, _HEAD_BYTES)):
                chunks.append(chunk)
            head = b"".join(chunks)
            body_start = _body_start(head, whole=True)
    except OSError:
        return None
    finally:
        os.close(fd)
    if body_start is None:
        return None
    return summary_from_header(head[:body_start], size - body_start, path)


def _body_start(buf: bytes, *, whole: bool) -> int | None:
    """Offset of the first table after ``[summary]`` (len(buf) if none and ``buf`` is the whole file).

    None when ``[summary]`` is missing or not the first table, or when ``buf``
    ends before the header does. Every string we write is on one line, so a
    line starting with ``[`` is always a table header.
    """
    mark = buf.find(_SUMMARY_LINE)
    if mark < 0 or buf.startswith(b"[") or buf.rfind(b"\n[", 0, mark) >= 0:
        return None
    end = buf.find(b"\n[", mark + len(_SUMMARY_LINE) - 1)
    if end >= 0:
        return end + 1
    return len(buf) if whole else None


def summary_from_header(header: bytes, body_bytes: int, path: Path) -> SessionSummary | None:
    """Validate a header (root scalars + ``[summary]``) and make its listing row; None if doubtful."""
    try:
        data = tomllib.loads(header.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    summary = data.pop(SUMMARY_KEY, None)
    version = data.get("schema_version", 1)
    if (
        not isinstance(summary, dict)
        or not _SUMMARY_FIELDS.issuperset(summary)
        or not set(data).issubset(HEADER_KEYS)
        or type(version) is not int
        or version != SCHEMA_VERSION
        or summary.get("body_bytes") != body_bytes
        or type(summary.get("body_bytes")) is not int
    ):
        return None
    n_answers = summary.get("n_answers")
    first_pointer = summary.get("first_pointer")
    backend = summary.get("backend")
    if (
        type(n_answers) is not int
        or n_answers < 0
        or not isinstance(first_pointer, (str, type(None)))
        or not isinstance(backend, (str, type(None)))
    ):
        return None
    try:
        head = Session.model_validate(data)  # the same checks a full load makes on these fields
    except ValidationError:
        return None
    return SessionSummary(
        id=head.id,
        path=path,
        created_at=_aware(head.created_at),
        updated_at=_aware(head.updated_at),
        kind=head.kind,
        round=head.round,
        role=head.role,
        status=head.status,
        n_answers=n_answers,
        first_pointer=first_pointer,
        backend=backend,
    )


def _aware(moment: datetime) -> datetime:
    """Compare-safe time: naive values are taken as local time."""
    return moment if moment.tzinfo else moment.astimezone(timezone.utc)


def error_summary(path: Path, reason: str, mtime: float | None = None) -> SessionSummary:
    """The listing row for a file that could not be read."""
    if mtime is None:
        with contextlib.suppress(OSError):
            mtime = path.stat().st_mtime
    modified = datetime.fromtimestamp(mtime or 0, timezone.utc)
    return SessionSummary(
        id=path.stem,
        path=path,
        created_at=time_from_id(path.stem) or modified,
        updated_at=modified,
        kind=None,
        round=None,
        role=None,
        status=None,
        n_answers=0,
        first_pointer=None,
        backend=None,
        error=reason,
    )


# Files this process created or loaded: (sessions dir, id) -> path. save()
# writes only these (or ids whose file does not exist yet), so a file that
# failed to load, or that another program put there, is never overwritten by
# accident. Keyed by the store's directory too, so two stores in one process
# (tests, a --data-dir switch) never write into each other's folders.
_OWNED: dict[tuple[Path, str], Path] = {}
# The summary last written to the index for each owned path, so an autosave
# that changes nothing a listing shows does not rewrite the index.
_INDEXED: dict[Path, SessionSummary] = {}


class Store:
    """The sessions of one data directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser()
        self.sessions_dir = self.root / SESSIONS_DIR
        self.index_path = self.root / INDEX_FILE
        self.lock_path = self.root / LOCK_FILE

    @classmethod
    def from_settings(cls, settings: Any) -> Store:
        """The store in ``settings.data_path()`` (flag > env > config > XDG default)."""
        return cls(settings.data_path())

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # ------------------------------------------------------------ paths

    def _ensure_dirs(self) -> None:
        """Create root (0700 if new; a pre-existing user-chosen dir is left as is) and sessions/ (0700)."""
        ensure_private_dir(self.root, tighten=False)
        ensure_private_dir(self.sessions_dir)

    def path_for(self, session_id: str) -> Path:
        """Where the session with this id lives (whether or not it exists)."""
        if not session_id or "/" in session_id or session_id.startswith("."):
            raise StoreError(self.sessions_dir, f"not a valid session id: {session_id!r}")
        return self.sessions_dir / f"{session_id}{SUFFIX}"

    def resolve(self, ref: str | os.PathLike[str]) -> Path:
        """A session file from an id, a unique id prefix, or a path."""
        if isinstance(ref, os.PathLike) or os.sep in str(ref) or str(ref).endswith(SUFFIX):
            path = Path(ref).expanduser()
            if not _is_file(path):
                raise StoreError(path, "no such session file")
            return path
        ref = str(ref).strip()
        if not ref:
            raise StoreError(self.sessions_dir, "no session id given")
        exact = self.path_for(ref)
        if _is_file(exact):
            return exact
        return self._by_prefix(ref)

    def _by_prefix(self, prefix: str) -> Path:
        """The one session whose id starts with ``prefix``."""
        matches = sorted(name for name in self._session_names() if name.startswith(prefix))
        if not matches:
            raise StoreError(self.sessions_dir, f"no session matches '{prefix}'")
        if len(matches) > 1:
            shown = ", ".join(m.removesuffix(SUFFIX) for m in matches[:3])
            more = "" if len(matches) <= 3 else f", … ({len(matches)} in all)"
            raise StoreError(self.sessions_dir, f"'{prefix}' is ambiguous: {shown}{more}")
        return self.sessions_dir / matches[0]

    def _session_names(self) -> list[str]:
        try:
            names = os.listdir(self.sessions_dir)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(self.sessions_dir, f"cannot read ({exc.strerror or exc})") from None
        return [n for n in names if n.endswith(SUFFIX) and not n.startswith(".")]

    # --------------------------------------------------------- read/write

    def load(self, ref: str | os.PathLike[str]) -> Session:
        """Load a session by id, unique id prefix or path; StoreError if unusable."""
        path = self.resolve(ref)
        session = read_session_file(path)
        _OWNED[(self.sessions_dir, session.id)] = path
        return session

    def create(
        self,
        round: str,
        role: str,
        *,
        job: str | None = None,
        kind: str = "practice",
        timed: bool = False,
        answers: Iterable[Answer] = (),
    ) -> Session:
        """Start a new session with a fresh unique id and save it."""
        self._ensure_dirs()
        now = utcnow()
        session_id, path = self._claim_id(now)
        try:
            session = Session(
                id=session_id,
                kind=kind,
                created_at=now,
                updated_at=now,
                round=round,
                role=role,
                job=job,
                timed=timed,
                answers=list(answers),
            )
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        _OWNED[(self.sessions_dir, session_id)] = path
        self.save(session)
        return session

    def _claim_id(self, now: datetime) -> tuple[str, Path]:
        """Reserve an id by creating its (empty) file exclusively."""
        for _ in range(100):
            session_id = new_session_id(now)
            path = self.path_for(session_id)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            os.close(fd)
            return session_id, path
        raise StoreError(self.sessions_dir, "could not find a free session id after 100 tries")

    def save(self, session: Session) -> Path:
        """Write ``session`` atomically (bumping ``updated_at``) and keep the index in step.

        Refuses (StoreError) to overwrite a file this process did not create or
        load, so an unreadable file is never replaced by accident. Write
        failures (disk full, permissions) raise StoreError; the old file stays.
        """
        path = self._path_to_save(session)
        session.updated_at = max(utcnow(), _aware(session.updated_at))
        # A lone surrogate (undecodable pasted bytes) cannot be UTF-8; saving
        # it as "?" (what errors="replace" gives when encoding) beats refusing
        # to save the rest of the answer.
        data = session_to_toml(session).encode("utf-8", errors="replace")
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise StoreError(path, f"could not save ({exc.strerror or exc}); the previous version is intact") from None
        _OWNED[(self.sessions_dir, session.id)] = path
        self._index_after_save(session, path)
        return path

    def _path_to_save(self, session: Session) -> Path:
        """Where to save; claims the file for a brand-new id, refuses foreign files."""
        owned = _OWNED.get((self.sessions_dir, session.id))
        if owned is not None:
            return owned
        self._ensure_dirs()
        path = self.path_for(session.id)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise StoreError(
                path, "already exists and was not loaded by this process; refusing to overwrite it"
            ) from None
        os.close(fd)
        return path

    def delete(self, ref: str | os.PathLike[str]) -> None:
        """Remove a session file (readable or not) and its index entry."""
        path = self.resolve(ref)
        try:
            path.unlink()
        except OSError as exc:
            raise StoreError(path, f"could not delete ({exc.strerror or exc})") from None
        for key, owned in list(_OWNED.items()):
            if owned == path:
                del _OWNED[key]
        _INDEXED.pop(path, None)
        if path.parent == self.sessions_dir and self.root.is_dir():
            self._update_index(upserts={}, removals={path.name})

    def add_feedback(self, ref: str | os.PathLike[str], feedback: Feedback) -> Session:
        """Append ``feedback`` to the session on disk (older feedback is kept) and save."""
        session = self.load(ref)
        session.feedback.append(feedback)
        self.save(session)
        return session

    # ----------------------------------------------------------- listing

    def list_sessions(self) -> list[SessionSummary]:
        """Every session file, newest first; unreadable ones included with ``.error``."""
        rows = [row for batch in self.iter_summaries() for row in batch]
        rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return rows

    def iter_summaries(self, batch: int = 200) -> Iterator[list[SessionSummary]]:
        """Every session file's row in lists of up to ``batch``, newest file name first.

        For screens that should show the newest sessions before the rest are
        read: one ``scandir`` (with stats), the index read once, then each
        batch is summarized (from the index, else the file's header, else a
        full parse) only when asked for. Ids sort by time, so file-name order
        is newest first; unlike :meth:`list_sessions` (sorted by
        ``created_at``), a file whose name is not a coach id, e.g. a copy,
        sits where its name sorts. Unreadable files are rows with ``.error``.
        The index is brought up to date once the last batch has been taken
        (or with what was read so far, if the caller stops early).

        Files are stat'ed a batch at a time too: 10,000 stats up front cost a
        thread that shares the GIL with a busy UI far more than their syscall
        time, since each one gives the GIL away and waits to get it back.
        """
        if batch < 1:
            raise ValueError(f"batch must be at least 1, not {batch}")
        names = self._scan_names()
        if not names:
            return
        names.sort(reverse=True)
        index = _IndexReader(self.index_path)
        fresh: dict[str, bytes] = {}
        parsed = 0
        finished = False
        try:
            for start in range(0, len(names), batch):
                chunk = names[start : start + batch]
                index.read_through(chunk[-1])  # the index lines this batch needs, no more
                cached = index.entries  # taken out as used: parsed entries are not kept alive
                rows: list[SessionSummary] = []
                for name in chunk:
                    path = self.sessions_dir / name
                    sig = _stat_sig(path)
                    if sig is None:
                        continue  # deleted while we looked
                    entry = cached.pop(name, None)
                    if entry is not None and entry[:3] == list(sig):
                        row = self._row_from_entry(entry, path)
                        if row is not None:
                            rows.append(row)
                            continue
                    row = self._summarize_file(path, sig)
                    parsed += 1
                    if parsed % _FILES_PER_YIELD == 0:
                        time.sleep(0)  # a header parse is ~0.1 ms of Python: let the UI thread in now and then
                    if row is None:
                        continue  # an id being claimed this instant: not a session yet
                    rows.append(row)
                    fresh[name] = _entry_line(name, [*sig, row.to_json()])  # bytes: nothing for the GC to track
                if rows:
                    yield rows
            index.read_rest()
            finished = True
        finally:
            index.close()
            removals: set[str] = set()
            if finished:
                on_disk = set(names)
                removals = {n for n in index.keys if n not in on_disk}
                removals |= index.bad_keys - fresh.keys()
            if fresh or removals or (finished and index.damaged):
                self._update_index(upserts=fresh, removals=removals)

    def _scan_names(self) -> list[str]:
        """Every session file's name (one directory read, no stats); cleans old temp litter."""
        try:
            entries = os.listdir(self.sessions_dir)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(self.sessions_dir, f"cannot read ({exc.strerror or exc})") from None
        names = [n for n in entries if n.endswith(SUFFIX) and not n.startswith(".")]
        if any(is_temp_name(n) for n in entries):
            remove_stale_temps(self.sessions_dir)
        return names

    def _row_from_entry(self, entry: list[Any], path: Path) -> SessionSummary | None:
        """A cached row, or None if the entry is malformed (then the file is reparsed)."""
        try:
            return SessionSummary.from_json(entry[3], path)
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def _summarize_file(self, path: Path, sig: tuple[int, int, int]) -> SessionSummary | None:
        """One file's listing row: from its header if it has a usable one, else a full parse.

        An error row if the file cannot be read; None for an id being claimed.
        """
        mtime = sig[0] / 1e9
        if sig[1] == 0 and utcnow().timestamp() - mtime < _FRESH_EMPTY_S:
            return None
        row = read_header_summary(path, sig[1])
        if row is not None:
            return row
        try:
            session = read_session_file(path)
        except StoreError as exc:
            return error_summary(path, exc.reason, mtime)
        return summarize(session, path)

    def latest(self, status: str | None = None) -> SessionSummary | None:
        """The newest readable session (with ``status``, if given); reads only as far as it must."""
        for batch in self.iter_summaries():
            batch.sort(key=lambda r: (r.created_at, r.id), reverse=True)
            for row in batch:
                if row.error is None and (status is None or row.status == status):
                    return row
        return None

    def resumable(self) -> list[SessionSummary]:
        """Readable sessions still in progress, newest first; cheap with a current index.

        One directory read and one pass over the index that parses only the
        lines saying ``"status": "in-progress"`` (the others are only checked
        for their key), then a stat of those candidates. Files the index does
        not cover (new, or their line is damaged) and candidates whose stat
        changed are summarized from disk, and the index is brought up to date.

        The price: a file the index records as *not* in progress is not
        stat'ed, so one edited behind coach's back into "in-progress" shows up
        here only after the next full listing (History, ``coach history``)
        refreshes its entry. Coach's own saves rewrite the entry whenever the
        status changes, so in normal use the answer is exact.
        """
        names = self._scan_names()
        if not names:
            return []
        on_disk = set(names)
        seen: set[str] = set()
        rows: list[SessionSummary] = []
        fresh: dict[str, bytes] = {}

        def add(name: str, entry: list[Any] | None) -> None:
            path = self.sessions_dir / name
            sig = _stat_sig(path)
            if sig is None:
                return
            row = None
            if entry is not None and entry[:3] == list(sig):
                row = self._row_from_entry(entry, path)
            if row is None:
                row = self._summarize_file(path, sig)
                if len(fresh) % _FILES_PER_YIELD == 0:
                    time.sleep(0)
                if row is None:
                    return
                fresh[name] = _entry_line(name, [*sig, row.to_json()])
            if row.error is None and row.status == "in-progress":
                rows.append(row)

        index = _IndexReader(self.index_path)
        try:
            for line in index.lines():
                if _IN_PROGRESS_MARK_B not in line:
                    key = _line_key(line)
                    if key is not None and line.rstrip(b",").endswith(b"}]"):
                        seen.add(key)  # recorded as not in progress
                    else:
                        index.damaged = True
                    continue
                parsed = index.parse(line)
                if parsed is not None and parsed[0] in on_disk:
                    seen.add(parsed[0])
                    add(*parsed)
        finally:
            index.close()
        for name in sorted(on_disk - seen, reverse=True):
            add(name, None)
        if fresh:
            self._update_index(upserts=fresh, removals=())
        rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return rows

    def iter_newest(self, batch: int = 200) -> Iterator[SessionSummary]:
        """Rows one at a time, newest first (by file name across batches), reading only as far as the caller goes.

        For callers that want "the newest N sessions such that ...": stop
        iterating (``break``) and nothing further is read or stat'ed.
        """
        for rows in self.iter_summaries(batch=batch):
            rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
            yield from rows

    def recent_question_ids(self, sessions: int = 10) -> set[str]:
        """Ids of questions shown in the ``sessions`` newest readable sessions.

        A question counts once it was shown (answered, drafted or skipped), so a
        new round can avoid what the user has just seen.
        """
        seen: set[str] = set()
        rows: list[SessionSummary] = []
        if sessions > 0:
            for batch in self.iter_summaries(batch=max(sessions, 50)):
                batch.sort(key=lambda r: (r.created_at, r.id), reverse=True)
                rows.extend(r for r in batch if r.error is None)
                if len(rows) >= sessions:
                    break
        for row in rows[:sessions]:
            try:
                session = read_session_file(row.path)
            except StoreError:
                continue  # changed since it was listed; it simply does not count
            seen.update(a.question_id for a in session.answers if a.status != "pending")
        return seen

    def iter_sessions(self) -> Iterator[Session]:
        """Every readable session, newest first (for analysis and export)."""
        for row in self.list_sessions():
            if row.error is None:
                with contextlib.suppress(StoreError):
                    yield read_session_file(row.path)

    # ------------------------------------------------------------- index

    @contextlib.contextmanager
    def _index_lock(self) -> Iterator[None]:
        """Exclusive flock on index.lock for a read-modify-write of the index."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _update_index(self, upserts: dict[str, bytes], removals: Iterable[str]) -> None:
        """Merge our entries into the index as it is on disk now, under the lock.

        The other lines are carried over as they are (only their keys are
        read); ours replace theirs. The index is only a cache, so failing to
        write it (disk full, read-only data dir) costs speed, not data: the
        error is swallowed on purpose.
        """
        try:
            with self._index_lock():
                lines = _index_lines(self.index_path)
                lines.update(upserts)  # each an _entry_line()
                for name in removals:
                    if name in lines and not (self.sessions_dir / name).exists():
                        del lines[name]
                atomic_write_bytes(self.index_path, _index_body(lines))
        except OSError:
            return  # a cache we could not write; next listing reparses what changed

    def _index_after_save(self, session: Session, path: Path) -> None:
        """Refresh the index entry when what a listing shows has changed."""
        if path.parent != self.sessions_dir:
            return  # a file outside this store (e.g. an example session): not indexed
        row = summarize(session, path)
        previous = _INDEXED.get(path)
        if previous is not None and _same_listing(previous, row):
            return
        try:
            st = path.stat()
        except OSError:
            return
        entry = [st.st_mtime_ns, st.st_size, st.st_ino, row.to_json()]
        self._update_index({path.name: _entry_line(path.name, entry)}, ())
        _INDEXED[path] = row


_IN_PROGRESS_MARK_B = _IN_PROGRESS_MARK.encode()


class _IndexReader:
    """index.json read lazily, a line at a time, newest name first (see "Index layout").

    ``entries`` holds the usable entries read so far (callers may take them
    out once used), ``keys`` the names of all of them. ``damaged`` is set when
    the header is wrong (another version, not ours, empty), a line does not
    parse or the closing line is missing: the caller rewrites the index once
    it has read everything. ``bad_keys`` names unusable lines whose key could
    still be read, so they can be dropped even if their file has gone.
    """

    def __init__(self, path: Path) -> None:
        self.entries: dict[str, list[Any]] = {}
        self.keys: set[str] = set()
        self.bad_keys: set[str] = set()
        self.damaged = False
        self._last: str | None = None
        self._count = 0
        self._file: Any = None
        try:
            self._file = open(path, "rb")  # noqa: SIM115 -- closed by close()
            head = self._file.readline()
        except FileNotFoundError:
            return  # no index yet: not damaged, just empty
        except OSError:
            self.damaged = True
            self.close()
            return
        if head != _INDEX_HEAD:
            self.damaged = True  # version 1, another program's file, or junk: rebuilt
            self.close()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def lines(self) -> Iterator[bytes]:
        """The raw entry lines left (no newline, trailing comma kept), giving the GIL away now and then."""
        while self._file is not None:
            try:
                line = self._file.readline()
            except OSError:
                line = b""
            if line in (_INDEX_TAIL, _INDEX_TAIL.rstrip()):
                self.close()
                return
            if not line.endswith(b"\n"):
                self.damaged = True  # cut short: no closing line
                self.close()
                if not line:
                    return
            self._count += 1
            if self._count % _INDEX_YIELD_LINES == 0:
                time.sleep(0)  # let the UI thread have the GIL between small pieces of work
            yield line.rstrip(b"\n")

    def parse(self, line: bytes) -> tuple[str, list[Any]] | None:
        """One entry line as (name, entry), kept in ``entries``; None (and noted) if unusable."""
        body = line[:-1] if line.endswith(b",") else line
        try:
            item = json.loads(b"{" + body + b"}")
        except ValueError:  # also UnicodeDecodeError
            item = None
        if not isinstance(item, dict) or len(item) != 1:
            self.damaged = True
            key = _line_key(line)
            if key is not None:
                self.bad_keys.add(key)
            return None
        ((key, entry),) = item.items()
        self._last = key
        if not _valid_entry(entry):
            self.damaged = True
            self.bad_keys.add(key)
            return None
        self.entries[key] = entry
        self.keys.add(key)
        return key, entry

    def read_through(self, lowest: str) -> None:
        """Read lines until every entry whose name sorts at or above ``lowest`` is in (or the end)."""
        for line in self.lines():
            self.parse(line)
            if self._last is not None and self._last < lowest:
                return

    def read_rest(self) -> None:
        for line in self.lines():
            self.parse(line)


def _valid_entry(entry: Any) -> bool:
    """``[mtime_ns, size, inode, {summary}]`` with int stats (the summary is checked when used)."""
    return (
        isinstance(entry, list)
        and len(entry) == 4
        and all(type(v) is int for v in entry[:3])
        and isinstance(entry[3], dict)
    )


def _line_key(line: bytes) -> str | None:
    """The file name an index line is about, without parsing its entry; None if unreadable."""
    if not line.startswith(b'"'):
        return None
    try:
        text = line.decode("utf-8")
        key, end = scanstring(text, 1)
    except ValueError:  # also UnicodeDecodeError
        return None
    return key if text.startswith(": [", end) else None


def _entry_line(name: str, entry: list[Any]) -> bytes:
    """One index line (no comma, no newline); ASCII-only, so any name or title round-trips."""
    return f"{json.dumps(name)}: {json.dumps(entry)}".encode("ascii")


def _index_lines(path: Path) -> dict[str, bytes]:
    """The index on disk as name -> raw line (entries not parsed); {} if missing or not version 2."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    if not data.startswith(_INDEX_HEAD):
        return {}
    out: dict[str, bytes] = {}
    for n, line in enumerate(data[len(_INDEX_HEAD) :].split(b"\n")):
        if n % (10 * _INDEX_YIELD_LINES) == 0:
            time.sleep(0)
        body = line[:-1] if line.endswith(b",") else line
        key = _line_key(body)
        if key is not None:
            out[key] = body
    return out


def _index_body(lines: dict[str, bytes]) -> bytes:
    """The whole index file: header, lines newest name first, closing line."""
    ordered = [lines[name] for name in sorted(lines, reverse=True)]
    middle = b",\n".join(ordered) + b"\n" if ordered else b""
    return _INDEX_HEAD + middle + _INDEX_TAIL


def _stat_sig(path: Path) -> tuple[int, int, int] | None:
    """(mtime_ns, size, inode) of a file, None if it has gone; what the index is checked against."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _is_file(path: Path) -> bool:
    """Path.is_file(), but a directory we may not enter is a clear StoreError."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise StoreError(path, f"cannot read ({exc.strerror or exc})") from None


def _same_listing(a: SessionSummary, b: SessionSummary) -> bool:
    """Equal apart from updated_at, which the stat check tracks anyway."""
    return a.to_json() | {"updated_at": None} == b.to_json() | {"updated_at": None}


def list_json(summaries: Sequence[SessionSummary]) -> str:
    """A listing as one JSON array (for ``coach history --json``)."""
    return json.dumps([s.to_json() for s in summaries], ensure_ascii=False, indent=2)
