"""The listing index (``index.json``): a cache of summaries so 10,000 sessions list fast.

It maps each file name to ``(mtime_ns, size, inode)`` and the summary parsed
from it. It is never trusted blindly: a listing stats every file (a batch at a
time) and reparses only those whose stat changed, so a stale, missing or
corrupt index costs time, never correctness. Every atomic save makes a new
inode, so even two same-size saves inside one mtime tick are told apart.
Writers take ``flock(index.lock)``, re-read the index from disk, apply only
their own entries and write it back atomically, so two processes saving
different sessions cannot drop each other's entries. Autosaves (every second
while typing) do *not* rewrite the index when the session's summary is
unchanged; the next listing notices the new stat and refreshes that one entry.

**Layout** (version 2): still one JSON document (``json.load`` and ``jq`` read
it whole), but laid out one entry per line, newest file name first, so it can
be read a line at a time::

    {"version": 2, "entries": {
    "20261126T160255123-4242-a1b2c3.toml": [mtime_ns, size, inode, {summary}],
    "20261126T153001000-4242-9f8e7d.toml": [...]
    }}

The first line must be exactly that header and the last exactly ``}}``.
A listing reads only as many lines as the batches it has been asked for need,
each line with its own small ``json.loads``. A line that does not parse is
ignored (its file is summarized from disk) and the index is rewritten when the
listing ends; an index with another header (version 1 was one line) is rebuilt
the same way. Writers merge lines without parsing the entries (only each
line's key).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from coach.fsutil import (
    CREATE_FLAGS,
    NotRegularFileError,
    atomic_write_bytes,
    file_kind,
    open_regular_file,
    read_regular_file,
)
from coach.store.summaries import SessionSummary, newest_first, same_listing

INDEX_VERSION = 2
#: An index bigger than this is not read (it is rebuilt); 10,000 sessions take about 5 MB.
MAX_INDEX_BYTES = 128 * 1024 * 1024
_INDEX_HEAD = b'{"version": %d, "entries": {\n' % INDEX_VERSION
_INDEX_TAIL = b"}}\n"
# Speed: benchmarks/README.md row "history largest event-loop gap, index current".
_INDEX_YIELD_LINES = 100  # index lines parsed between two GIL hand-overs (~0.3 ms of work)
# Speed: benchmarks/README.md row "history largest event-loop gap, no index".
_FILES_PER_YIELD = 8  # files summarized from disk between two GIL hand-overs (each sleep(0) costs ~0.1 ms)
_IN_PROGRESS_MARK = b'"status": "in-progress"'  # as json.dumps writes it; quotes in values are escaped

Sig = tuple[int, int, int]
#: One file's row from disk given its stat, None for an id being claimed right now.
Summarize = Callable[[Path, Sig], "SessionSummary | None"]


class Index:
    """One data directory's index file, its lock, and the listings read through it."""

    def __init__(self, path: Path, lock_path: Path, sessions_dir: Path) -> None:
        self.path = path
        self.lock_path = lock_path
        self.sessions_dir = sessions_dir
        # The summary last written for each saved path, so an autosave that
        # changes nothing a listing shows does not rewrite the index.
        self._written: dict[Path, SessionSummary] = {}

    # ------------------------------------------------------------- writing

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive flock on index.lock for a read-modify-write of the index."""
        # Never through a planted symlink; a FIFO or device in its place is refused, not locked.
        fd = os.open(self.lock_path, os.O_RDWR | os.O_NONBLOCK | CREATE_FLAGS, 0o600)
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise NotRegularFileError(self.lock_path, file_kind(os.fstat(fd).st_mode))
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def update(self, upserts: dict[str, bytes], removals: Iterable[str]) -> None:
        """Merge our entries into the index as it is on disk now, under the lock.

        The other lines are carried over as they are (only their keys are
        read); ours replace theirs. The index is only a cache, so failing to
        write it (disk full, read-only data dir) costs speed, not data: the
        error is swallowed on purpose.
        """
        try:
            with self.lock():
                lines = _index_lines(self.path)
                lines.update(upserts)  # each an _entry_line()
                for name in removals:
                    if name in lines and not (self.sessions_dir / name).exists():
                        del lines[name]
                atomic_write_bytes(self.path, _index_body(lines))
        except OSError:
            return  # a cache we could not write; next listing reparses what changed

    def after_save(self, row: SessionSummary, path: Path) -> None:
        """Refresh the entry for a just-saved file when what a listing shows has changed.

        Speed: benchmarks/README.md row "autosave p99, 1,000-word answer + 6,363-edit log".
        """
        if path.parent != self.sessions_dir:
            return  # a file outside this store (e.g. an example session): not indexed
        previous = self._written.get(path)
        if previous is not None and same_listing(previous, row):
            return
        try:
            st = path.stat()
        except OSError:
            return
        entry = [st.st_mtime_ns, st.st_size, st.st_ino, row.to_json()]
        self.update({path.name: _entry_line(path.name, entry)}, ())
        self._written[path] = row

    def forget(self, path: Path) -> None:
        """Drop the entry of a deleted file."""
        self._written.pop(path, None)
        if path.parent == self.sessions_dir and self.path.parent.is_dir():
            self.update(upserts={}, removals={path.name})

    # ------------------------------------------------------------- reading

    def batches(self, names: list[str], batch: int, summarize: Summarize) -> Iterator[list[SessionSummary]]:
        """Rows for ``names`` in lists of up to ``batch``, newest name first (see ``Store.iter_summaries``).

        Speed: benchmarks/README.md row "history first page, 10,000 sessions, index current".
        """
        names = sorted(names, reverse=True)
        index = _IndexReader(self.path)
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
                        row = _row_from_entry(entry, path)
                        if row is not None:
                            rows.append(row)
                            continue
                    row = summarize(path, sig)
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
                self.update(upserts=fresh, removals=removals)

    def resumable(self, names: list[str], summarize: Summarize) -> list[SessionSummary]:
        """Readable in-progress rows among ``names``, newest first (see ``Store.resumable``).

        Speed: benchmarks/README.md row "history largest event-loop gap, index current" (home's resumable()).
        """
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
                row = _row_from_entry(entry, path)
            if row is None:
                row = summarize(path, sig)
                if len(fresh) % _FILES_PER_YIELD == 0:
                    time.sleep(0)
                if row is None:
                    return
                fresh[name] = _entry_line(name, [*sig, row.to_json()])
            if row.error is None and row.status == "in-progress":
                rows.append(row)

        index = _IndexReader(self.path)
        try:
            for line in index.lines():
                if _IN_PROGRESS_MARK not in line:
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
            self.update(upserts=fresh, removals=())
        newest_first(rows)
        return rows


class _IndexReader:
    """index.json read lazily, a line at a time, newest name first (see "Layout").

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
            self._file = os.fdopen(open_regular_file(path, limit=MAX_INDEX_BYTES), "rb")  # closed by close()
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


def _row_from_entry(entry: list[Any], path: Path) -> SessionSummary | None:
    """A cached row, or None if the entry is malformed (then the file is reparsed)."""
    try:
        return SessionSummary.from_json(entry[3], path)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


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
        data = read_regular_file(path, limit=MAX_INDEX_BYTES)
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


def _stat_sig(path: Path) -> Sig | None:
    """(mtime_ns, size, inode) of a file, None if it has gone; what the index is checked against.

    A symlink that leads nowhere (broken, a loop, through a directory we may
    not enter) gets the link's own stat, so it is listed with the reason
    rather than hidden.
    """
    try:
        st = os.stat(path)
    except OSError:
        try:
            st = os.lstat(path)
        except OSError:
            return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)
