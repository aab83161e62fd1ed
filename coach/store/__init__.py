"""Session files: the one door (:class:`Store`) through which coach reads and writes them.

Layout under the data directory (``root``, 0700)::

    root/sessions/<id>.toml   one file per session, 0600, written atomically
    root/index.json           a cache of session summaries for fast listing
    root/index.lock           flock'ed around every read-modify-write of the index

The rooms, each importing only those listed before it:

- :mod:`~coach.store.errors`: :class:`StoreError`, the one error callers catch;
- :mod:`~coach.store.codec`: the TOML layout, the edit-log encoding, schema upgrades;
- :mod:`~coach.store.claims`: ids, and which files this store may write;
- :mod:`~coach.store.summaries`: listing rows, from a file's header alone when safe;
- :mod:`~coach.store.index`: the listing index and the listings read through it.

Everything a store remembers (files it owns, the index entries it wrote, recent
edit-log encodings) lives on the :class:`Store` instance, never in the module.
Listings include unreadable files with ``.error`` set instead of hiding them.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from coach.domain.models import Answer, Feedback, Session, utcnow
from coach.fsutil import (
    UnsafeDirError,
    atomic_write_bytes,
    ensure_private_dir,
    is_temp_name,
    read_regular_file,
    remove_stale_temps,
    size_text,
)
from coach.store.claims import SUFFIX, Claims, new_session_id, session_path, time_from_id
from coach.store.claims import Lease, LeaseHeld, LeaseHolder, LeaseLost, foreign_lease
from coach.store.codec import (
    MAX_SESSION_BYTES,
    MIGRATIONS,
    EditLogCache,
    decode_edit_log,
    encode_edit_log,
    migrate,
    read_session_file,
    session_from_toml,
    session_to_toml,
)
from coach.store.errors import StoreError
from coach.store.index import INDEX_VERSION, Index, Sig
from coach.store.summaries import (
    PastAnswer,
    SessionSummary,
    aware,
    error_summary,
    list_json,
    newest_first,
    read_header_summary,
    summarize,
)

__all__ = (
    "INDEX_VERSION", "MIGRATIONS", "PastAnswer", "Lease", "LeaseHeld", "LeaseHolder", "LeaseLost",
    "SessionSummary", "Store", "StoreError", "decode_edit_log",
    "encode_edit_log", "error_summary", "list_json", "migrate", "new_session_id", "read_header_summary",
    "read_session_file", "session_from_toml", "session_to_toml", "summarize", "time_from_id",
)

SESSIONS_DIR = "sessions"
#: How long adding feedback waits for another process's short save of the same session.
FEEDBACK_WAIT_S = 5.0
INDEX_FILE = "index.json"
LOCK_FILE = "index.lock"
_FRESH_EMPTY_S = 5.0  # an empty file younger than this is an id being claimed right now


class Store:
    """The sessions of one data directory.

    Reading goes through this module's ``read_session_file`` and
    ``read_header_summary``, so one patch here covers every read a store makes.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).expanduser()
        self.sessions_dir = self.root / SESSIONS_DIR
        self.index_path = self.root / INDEX_FILE
        self.lock_path = self.root / LOCK_FILE
        self.index = Index(self.index_path, self.lock_path, self.sessions_dir)
        self._claims = Claims(self.sessions_dir)
        self._edit_logs = EditLogCache()
        #: Sessions this store has open for editing (session id -> its lease).
        self._leases: dict[str, Lease] = {}

    @classmethod
    def from_settings(cls, settings: Any) -> Store:
        """The store in ``settings.data_path()`` (flag > env > config > XDG default)."""
        return cls(settings.data_path())

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # ------------------------------------------------------------ paths

    def _ensure_dirs(self) -> None:
        """Create root (0700 if new; a pre-existing user-chosen dir is left as is) and sessions/ (0700).

        StoreError (naming sessions/, and root when it is the culprit) if
        either is someone else's, or root is writable by others
        (nothing is written there then), or they cannot be made; sessions/ is
        ours alone, so a loose mode there is tightened back to 0700 instead.
        """
        for directory, tighten in ((self.root, False), (self.sessions_dir, True)):
            where = "" if directory == self.sessions_dir else f"{directory}: "
            try:
                ensure_private_dir(directory, tighten=tighten)
            except UnsafeDirError as exc:
                raise StoreError(self.sessions_dir, f"cannot save here: {where}{exc.problem}") from None
            except OSError as exc:
                reason = exc.strerror or str(exc)
                raise StoreError(self.sessions_dir, f"cannot save here: {where}{reason}") from None

    def path_for(self, session_id: str) -> Path:
        """Where the session with this id lives (whether or not it exists)."""
        return session_path(self.sessions_dir, session_id)

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
        opened = self._claims.owned(ref)
        if opened is not None and _is_file(opened):
            return opened  # the file this store already read for that id (it may be a renamed copy)
        exact = self.path_for(ref)
        if _is_file(exact):
            return exact
        return self._by_prefix(ref)

    def _by_prefix(self, prefix: str) -> Path:
        """The one session whose id starts with ``prefix``."""
        matches = sorted(name for name in self._names() if name.startswith(prefix))
        if not matches:
            return self._by_inner_id(prefix)
        if len(matches) > 1:
            shown = ", ".join(m.removesuffix(SUFFIX) for m in matches[:3])
            more = "" if len(matches) <= 3 else f", … ({len(matches)} in all)"
            raise StoreError(self.sessions_dir, f"'{prefix}' is ambiguous: {shown}{more}")
        return self.sessions_dir / matches[0]

    def _by_inner_id(self, ref: str) -> Path:
        """The one file whose ``id`` (as History shows it) is ``ref`` or starts with it.

        For a file renamed or copied by hand: its name no longer says its id,
        but the id is what every listing prints. Only reached on a miss by name.
        """
        rows = [row for row in self.list_sessions() if row.error is None]
        matches = [row for row in rows if row.id == ref] or [row for row in rows if row.id.startswith(ref)]
        if not matches:
            raise StoreError(self.sessions_dir, f"no session matches '{ref}'")
        if len(matches) > 1:
            names = sorted(row.path.name for row in matches)
            shown = ", ".join(names[:3]) + ("" if len(names) <= 3 else f", … ({len(names)} in all)")
            if len({row.id for row in matches}) == 1:
                raise StoreError(self.sessions_dir, f"'{ref}' is the id of {len(names)} files ({shown}): give the file's path")
            raise StoreError(self.sessions_dir, f"'{ref}' is ambiguous: {shown}")
        return matches[0].path

    def _names(self, *, clean: bool = False) -> list[str]:
        """Every session file's name (one directory read, no stats); ``clean`` removes old temp litter."""
        try:
            entries = os.listdir(self.sessions_dir)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise StoreError(self.sessions_dir, f"cannot read ({exc.strerror or exc})") from None
        names = [n for n in entries if n.endswith(SUFFIX) and not n.startswith(".")]
        if clean and any(is_temp_name(n) for n in entries):
            remove_stale_temps(self.sessions_dir)
        return names

    # --------------------------------------------------------- read/write

    def load(self, ref: str | os.PathLike[str]) -> Session:
        """Load a session by id, unique id prefix or path; StoreError if unusable."""
        path = self.resolve(ref)
        session = read_session_file(path)
        self._claims.own(session.id, path)
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
        session_id, path = self._claims.claim_new_id(now)
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
            self._claims.release(session_id, path)
            raise
        self._claims.own(session_id, path)
        try:
            self.save(session)
        except BaseException:
            self._claims.release(session_id, path)  # no 0-byte file left for a session never saved
            raise
        return session

    def save(self, session: Session) -> Path:
        """Write ``session`` atomically (bumping ``updated_at``) and keep the index in step.

        Refuses (StoreError) to overwrite a file this store did not create or
        load, so an unreadable file is never replaced by accident. Write
        failures (disk full, permissions) raise StoreError; the old file stays.
        """
        path = self._claims.owned(session.id)
        claimed_now = path is None
        if path is None:
            self._ensure_dirs()
            path = self._claims.claim_unowned(session.id)
        elif path.parent == self.sessions_dir:
            try:
                self._ensure_dirs()  # the folders may have been opened up to others since we made them
            except StoreError as exc:
                raise StoreError(path, exc.reason) from None
        self._check_lease(session.id, path)
        session.updated_at = max(utcnow(), aware(session.updated_at))
        # A lone surrogate (undecodable pasted bytes) cannot be UTF-8; saving
        # it as "?" (what errors="replace" gives when encoding) beats refusing
        # to save the rest of the answer.
        data = session_to_toml(session, self._edit_logs).encode("utf-8", errors="replace")
        if len(data) > MAX_SESSION_BYTES:  # a file coach would then refuse to read is no save at all
            if claimed_now:
                self._claims.release(session.id, path)
            raise StoreError(path, f"could not save: the session would be {size_text(len(data))}, more than coach "
                             f"reads ({size_text(MAX_SESSION_BYTES)}); the previous version is intact")
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            if claimed_now:
                self._claims.release(session.id, path)
                raise StoreError(path, f"could not save ({exc.strerror or exc})") from None
            raise StoreError(path, f"could not save ({exc.strerror or exc}); the previous version is intact") from None
        self._claims.own(session.id, path)
        self.index.after_save(summarize(session, path), path)
        return path

    # ------------------------------------------------------------ leases

    def lease(self, session_id: str, *, take_over: bool = False) -> Lease | None:
        """Hold ``session_id`` open for editing in this process (see `coach.store.claims.Lease`).

        Raises LeaseHeld (naming host, pid and since when) when another live
        process has it, unless ``take_over``. None when no lease file can be
        made (a read-only data dir): saving will then fail and say so.
        """
        current = self._leases.get(session_id)
        if current is not None and current.held():
            return current
        path = self._claims.owned(session_id) or self.path_for(session_id)
        try:
            lease = Lease.take_over(path) if take_over else Lease.acquire(path)
        except LeaseHeld:
            raise
        except OSError:
            return None
        self._leases[session_id] = lease
        return lease

    def release(self, session_id: str) -> None:
        """Let go of the session's lease, if this store holds it."""
        lease = self._leases.pop(session_id, None)
        if lease is not None:
            lease.release()

    def _check_lease(self, session_id: str, path: Path) -> None:
        """Refuse to save over a session another terminal has open (or took over from us)."""
        lease = self._leases.get(session_id)
        if lease is not None:
            lease.check()
            return
        holder = foreign_lease(path)
        if holder is not None:
            raise LeaseHeld(path, holder)

    def delete(self, ref: str | os.PathLike[str]) -> None:
        """Remove a session file (readable or not) and its index entry."""
        path = self.resolve(ref)
        try:
            path.unlink()
        except OSError as exc:
            raise StoreError(path, f"could not delete ({exc.strerror or exc})") from None
        self._claims.forget(path)
        self.index.forget(path)

    def add_feedback(self, ref: str | os.PathLike[str], feedback: Feedback) -> Session:
        """Append ``feedback`` to the session on disk (older feedback is kept) and save.

        The read-append-write runs under the session's lease, so two processes
        adding feedback at once both keep theirs; one waits up to
        ``FEEDBACK_WAIT_S`` for the other (a save takes milliseconds), and a
        session held open in the app still refuses with LeaseHeld.
        """
        import time

        session_id = self.load(ref).id
        own = session_id in self._leases
        deadline = time.monotonic() + FEEDBACK_WAIT_S
        while not own:
            try:
                self.lease(session_id)
                break
            except LeaseHeld:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        try:
            session = self.load(ref)  # again, under the lease: what another process just added stays
            session.feedback.append(feedback)
            self.save(session)
        finally:
            if not own:
                self.release(session_id)
        return session

    # ----------------------------------------------------------- listing

    def list_sessions(self) -> list[SessionSummary]:
        """Every session file, newest first; unreadable ones included with ``.error``."""
        rows = [row for batch in self.iter_summaries() for row in batch]
        newest_first(rows)
        return rows

    def iter_summaries(self, batch: int = 200) -> Iterator[list[SessionSummary]]:
        """Every session file's row in lists of up to ``batch``, newest file name first.

        For screens that should show the newest sessions before the rest are
        read: one directory read, the index read once, then each batch is
        stat'ed and summarized (from the index, else the file's header, else a
        full parse) only when asked for. Ids sort by time, so file-name order
        is newest first; unlike :meth:`list_sessions` (sorted by
        ``created_at``), a file whose name is not a coach id, e.g. a copy,
        sits where its name sorts. Unreadable files are rows with ``.error``.
        The index is brought up to date once the last batch has been taken
        (or with what was read so far, if the caller stops early).
        """
        if batch < 1:
            raise ValueError(f"batch must be at least 1, not {batch}")
        names = self._names(clean=True)
        if names:
            yield from self.index.batches(names, batch, self._summarize_file)

    def _summarize_file(self, path: Path, sig: Sig) -> SessionSummary | None:
        """One file's listing row: from its header if it has a usable one, else a full parse.

        An error row if the file cannot be read; None for an id being claimed.
        """
        mtime = sig[0] / 1e9
        if sig[1] == 0 and utcnow().timestamp() - mtime < _FRESH_EMPTY_S and _is_regular(path):
            return None  # (a FIFO, socket or device is size 0 too: those are reported, below)
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
        for row in self.iter_newest():
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
        names = self._names(clean=True)
        return self.index.resumable(names, self._summarize_file) if names else []

    def iter_newest(self, batch: int = 200) -> Iterator[SessionSummary]:
        """Rows one at a time, newest first (by file name across batches), reading only as far as the caller goes.

        For callers that want "the newest N sessions such that ...": stop
        iterating (``break``) and nothing further is read or stat'ed.
        """
        for rows in self.iter_summaries(batch=batch):
            newest_first(rows)
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
                newest_first(batch)
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

    def attempts_of(self, question_id: str, *, limit: int, exclude: str | None = None) -> list[PastAnswer]:
        """Non-empty answers to ``question_id`` in other readable sessions, newest first, at most ``limit``.

        Must not parse the whole history: the listing says which files exist,
        a plain substring check on each file's bytes rules out the ones that
        never mention the question id, and only the rest are loaded. Files that
        change or vanish meanwhile are simply not attempts.
        """
        needle = question_id.encode("utf-8")
        found: list[PastAnswer] = []
        for rows in self.iter_summaries(batch=100):  # the search usually stops early
            for summary in rows:
                if summary.error or summary.id == exclude or not summary.n_answers:
                    continue
                try:
                    if needle not in read_regular_file(summary.path, limit=MAX_SESSION_BYTES):
                        continue
                    session = self.load(summary.path)
                except (OSError, StoreError):
                    continue
                answer = session.answer_for(question_id)
                if answer is None or not answer.text.strip():
                    continue
                feedback = session.latest_feedback
                titles = tuple(p.title for p in feedback.pointers if p.question_id == question_id) \
                    if feedback else ()
                found.append(PastAnswer(session.id, session.created_at, answer, titles))
                if len(found) >= limit:
                    return found
        return found

    def iter_sessions(self) -> Iterator[Session]:
        """Every readable session, newest first (for analysis and export)."""
        for row in self.list_sessions():
            if row.error is None:
                with contextlib.suppress(StoreError):
                    yield read_session_file(row.path)


def _is_file(path: Path) -> bool:
    """True if something other than a directory is there (a FIFO or bad symlink too: loading says what is wrong).

    A directory we may not enter is a clear StoreError.
    """
    try:
        return not stat.S_ISDIR(path.lstat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as exc:
        raise StoreError(path, f"cannot read ({exc.strerror or exc})") from None


def _is_regular(path: Path) -> bool:
    """True for a regular file (symlinks followed); False for anything else or nothing."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False
