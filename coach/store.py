"""Session files: naming, atomic saves, migration, listing and the listing index.

Layout under the data directory (``root``, 0700)::

    root/sessions/<id>.toml   one file per session, 0600, written atomically
    root/index.json           a cache of session summaries for fast listing
    root/index.lock           flock'ed around every read-modify-write of the index

**Ids** are ``YYYYMMDDTHHMMSSmmm-<pid>-<random>`` (UTC, milliseconds), so ``ls``
and a plain sort give time order. The id is claimed by creating its file with
``O_EXCL``: two processes that pick the same id in the same millisecond cannot
both win, the loser just draws another random suffix.

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
(one ``scandir``) and reparses only those whose stat changed, so a stale,
missing or corrupt index costs time, never correctness. Every atomic save makes
a new inode, so even two same-size saves inside one mtime tick are told apart.
Writers take ``flock(index.lock)``, re-read the index from disk, apply only
their own entries and write it back atomically, so two processes saving
different sessions cannot drop each other's entries. Autosaves (every second
while typing) do *not* rewrite the index when the session's summary is
unchanged; the next listing notices the new stat and refreshes that one entry.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.fsutil import atomic_write_bytes, ensure_private_dir, is_temp_name, remove_stale_temps
from coach.models import SCHEMA_VERSION, Answer, Feedback, Session, utcnow

SESSIONS_DIR = "sessions"
INDEX_FILE = "index.json"
LOCK_FILE = "index.lock"
SUFFIX = ".toml"
INDEX_VERSION = 1
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


def session_to_toml(session: Session) -> str:
    """The file text for ``session`` (tomli-w; None dropped; datetimes with offsets)."""
    import tomli_w

    return tomli_w.dumps(_drop_none(session.model_dump(mode="python")))


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
        data = migrate(data)
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


# Files this process created or loaded: id -> path. save() writes only these
# (or ids whose file does not exist yet), so a file that failed to load, or
# that another program put there, is never overwritten by accident.
_OWNED: dict[str, Path] = {}
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
            if not path.is_file():
                raise StoreError(path, "no such session file")
            return path
        ref = str(ref).strip()
        if not ref:
            raise StoreError(self.sessions_dir, "no session id given")
        exact = self.path_for(ref)
        if exact.is_file():
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
        return [n for n in names if n.endswith(SUFFIX) and not n.startswith(".")]

    # --------------------------------------------------------- read/write

    def load(self, ref: str | os.PathLike[str]) -> Session:
        """Load a session by id, unique id prefix or path; StoreError if unusable."""
        path = self.resolve(ref)
        session = read_session_file(path)
        _OWNED[session.id] = path
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
        _OWNED[session_id] = path
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
        # it as U+FFFD beats refusing to save the rest of the answer.
        data = session_to_toml(session).encode("utf-8", errors="replace")
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            raise StoreError(path, f"could not save ({exc.strerror or exc}); the previous version is intact") from None
        _OWNED[session.id] = path
        self._index_after_save(session, path)
        return path

    def _path_to_save(self, session: Session) -> Path:
        """Where to save; claims the file for a brand-new id, refuses foreign files."""
        owned = _OWNED.get(session.id)
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
        for sid, owned in list(_OWNED.items()):
            if owned == path:
                del _OWNED[sid]
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
        stats = self._scan()
        if not stats:
            return []
        cached = self._read_index()
        rows: list[SessionSummary] = []
        fresh: dict[str, list[Any]] = {}
        for name, sig in stats.items():
            path = self.sessions_dir / name
            entry = cached.get(name)
            if entry is not None and entry[:3] == list(sig):
                row = self._row_from_entry(entry, path)
                if row is not None:
                    rows.append(row)
                    continue
            row = self._summarize_file(path, sig)
            if row is None:
                continue  # an id being claimed this instant: not a session yet
            rows.append(row)
            fresh[name] = [*sig, row.to_json()]
        stale = set(cached) - set(stats)
        if fresh or stale:
            self._update_index(upserts=fresh, removals=stale)
        rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)
        return rows

    def _scan(self) -> dict[str, tuple[int, int, int]]:
        """File name -> (mtime_ns, size, inode) for every session file; cleans old temp litter."""
        found: dict[str, tuple[int, int, int]] = {}
        try:
            entries = os.scandir(self.sessions_dir)
        except FileNotFoundError:
            return found
        litter = False
        with entries:
            for entry in entries:
                name = entry.name
                if is_temp_name(name):
                    litter = True
                    continue
                if not name.endswith(SUFFIX) or name.startswith("."):
                    continue
                try:
                    st = entry.stat()
                except FileNotFoundError:
                    continue  # deleted while we looked
                found[name] = (st.st_mtime_ns, st.st_size, st.st_ino)
        if litter:
            remove_stale_temps(self.sessions_dir)
        return found

    def _row_from_entry(self, entry: list[Any], path: Path) -> SessionSummary | None:
        """A cached row, or None if the entry is malformed (then the file is reparsed)."""
        try:
            return SessionSummary.from_json(entry[3], path)
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def _summarize_file(self, path: Path, sig: tuple[int, int, int]) -> SessionSummary | None:
        """Parse one file into its listing row (an error row if it cannot be read)."""
        mtime = sig[0] / 1e9
        if sig[1] == 0 and utcnow().timestamp() - mtime < _FRESH_EMPTY_S:
            return None
        try:
            session = read_session_file(path)
        except StoreError as exc:
            return error_summary(path, exc.reason, mtime)
        return summarize(session, path)

    def latest(self, status: str | None = None) -> SessionSummary | None:
        """The newest readable session (with ``status``, if given)."""
        for row in self.list_sessions():
            if row.error is None and (status is None or row.status == status):
                return row
        return None

    def resumable(self) -> list[SessionSummary]:
        """Readable sessions still in progress, newest first."""
        return [r for r in self.list_sessions() if r.error is None and r.status == "in-progress"]

    def recent_question_ids(self, sessions: int = 10) -> set[str]:
        """Ids of questions shown in the ``sessions`` newest readable sessions.

        A question counts once it was shown (answered, drafted or skipped), so a
        new round can avoid what the user has just seen.
        """
        seen: set[str] = set()
        rows = [r for r in self.list_sessions() if r.error is None][: max(sessions, 0)]
        for row in rows:
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

    def _read_index(self) -> dict[str, list[Any]]:
        """The cached entries, or {} when the index is missing, corrupt or from another version."""
        try:
            data = json.loads(self.index_path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # rebuilt from the files on this listing
        if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
            return {}
        entries = data.get("entries")
        if not isinstance(entries, dict):
            return {}
        return {k: v for k, v in entries.items() if isinstance(v, list) and len(v) == 4}

    @contextlib.contextmanager
    def _index_lock(self) -> Iterator[None]:
        """Exclusive flock on index.lock for a read-modify-write of the index."""
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _update_index(self, upserts: dict[str, list[Any]], removals: Iterable[str]) -> None:
        """Merge our entries into the index as it is on disk now, under the lock.

        The index is only a cache, so failing to write it (disk full, read-only
        data dir) costs speed, not data: the error is swallowed on purpose.
        """
        try:
            with self._index_lock():
                entries = self._read_index()
                entries.update(upserts)
                for name in removals:
                    if not (self.sessions_dir / name).exists():
                        entries.pop(name, None)
                body = json.dumps({"version": INDEX_VERSION, "entries": entries}, ensure_ascii=False)
                atomic_write_bytes(self.index_path, body.encode("utf-8"))
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
        self._update_index({path.name: [st.st_mtime_ns, st.st_size, st.st_ino, row.to_json()]}, ())
        _INDEXED[path] = row


def _same_listing(a: SessionSummary, b: SessionSummary) -> bool:
    """Equal apart from updated_at, which the stat check tracks anyway."""
    return a.to_json() | {"updated_at": None} == b.to_json() | {"updated_at": None}


def list_json(summaries: Sequence[SessionSummary]) -> str:
    """A listing as one JSON array (for ``coach history --json``)."""
    return json.dumps([s.to_json() for s in summaries], ensure_ascii=False, indent=2)
