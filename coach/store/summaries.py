"""Listing rows, read from a file's header alone when it can be trusted.

**Listing reads only the header**: the ``[summary]`` table is always the first
table, so a listing reads the first 4 KB (more only if ``job`` is long), cuts at
the first table line after ``[summary]`` and parses just that. The header's
scalars are validated exactly as a full load would, and the file size must equal
header + ``body_bytes`` (a truncated or hand-edited body fails that check).
Anything doubtful (no summary, a summary written before retries were counted,
another schema_version, a size mismatch, a bad value) falls back to a full
parse, which is authoritative and reports errors. So a listing can show as readable a file whose *body* was damaged in place at
the same size; loading it then reports the damage. That is the price of not
parsing 10,000 files in full, and the index hides it the same way.
"""

from __future__ import annotations

import contextlib
import json
import os
import tomllib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coach.domain.models import SCHEMA_VERSION, Answer, Session, aware
from coach.fsutil import loads_toml, open_regular_file
from coach.store.claims import time_from_id
from coach.store.codec import (
    HEADER_KEYS,
    MAX_SESSION_BYTES,
    REQUIRED_SUMMARY,
    SUMMARY_FIELDS,
    SUMMARY_KEY,
    retry_counts,
)

_SUMMARY_LINE = b"\n[summary]\n"
_HEAD_BYTES = 4096


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
    #: Most takes at any one question (1: nothing retried; see `coach.store.codec.retry_counts`).
    n_attempts: int = 1
    #: Questions with at least one retry.
    n_retried: int = 0
    #: The newest retry verdict in short ("fixed no-result", "1 of 2 fixed"), if any.
    latest_verdict: str | None = None

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


@dataclass(frozen=True)
class PastAnswer:
    """An answer to a question from another session ("how did I answer this last time?"); a retry within a session is a domain Attempt."""

    session_id: str
    created_at: datetime
    answer: Answer
    pointer_titles: tuple[str, ...]


def summarize(session: Session, path: Path) -> SessionSummary:
    """The listing row for a readable session."""
    latest = session.latest_feedback
    attempts, retried, verdict = retry_counts(session)
    return SessionSummary(
        id=session.id,
        path=path,
        created_at=aware(session.created_at),
        updated_at=aware(session.updated_at),
        kind=session.kind,
        round=session.round,
        role=session.role,
        status=session.status,
        n_answers=len(session.answers),
        first_pointer=latest.pointers[0].title if latest else None,
        backend=latest.backend if latest else None,
        n_attempts=attempts,
        n_retried=retried,
        latest_verdict=verdict,
    )


def read_header_summary(path: Path, size: int) -> SessionSummary | None:
    """The listing row from a file's header alone, or None when only a full parse can tell.

    Speed: benchmarks/README.md row "history first page, 10,000 sessions, no index (first opening ever)".
    Reads the first :data:`_HEAD_BYTES` (the whole header unless ``job`` is
    long), so a cold listing of 10,000 sessions never parses their answers.
    None (never an error) for old files without ``[summary]``, files from
    another schema version, a size that does not match ``body_bytes``, or any
    value a full load would reject: the caller then parses the whole file,
    which gives the authoritative row or the error to show.
    """
    try:
        fd = open_regular_file(path, limit=MAX_SESSION_BYTES)  # never a FIFO or device, never a huge file
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
        data = loads_toml(header.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    summary = data.pop(SUMMARY_KEY, None)
    version = data.get("schema_version", 1)
    if (
        not isinstance(summary, dict)
        or not SUMMARY_FIELDS.issuperset(summary)
        or not REQUIRED_SUMMARY.issubset(summary)
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
    n_attempts, n_retried = summary.get("n_attempts"), summary.get("n_retried", 0)
    latest_verdict = summary.get("latest_verdict")
    if (
        type(n_answers) is not int
        or n_answers < 0
        or not isinstance(first_pointer, (str, type(None)))
        or not isinstance(backend, (str, type(None)))
        or type(n_attempts) is not int
        or type(n_retried) is not int
        or not 0 <= n_retried <= n_answers
        or n_attempts < (1 if n_answers else 0)
        or (n_answers == 0 and n_attempts != 0)
        or (n_attempts > 1) != (n_retried > 0)
        or not isinstance(latest_verdict, (str, type(None)))
    ):
        return None
    try:
        head = Session.model_validate(data)  # the same checks a full load makes on these fields
    except ValidationError:
        return None
    return SessionSummary(
        id=head.id,
        path=path,
        created_at=aware(head.created_at),
        updated_at=aware(head.updated_at),
        kind=head.kind,
        round=head.round,
        role=head.role,
        status=head.status,
        n_answers=n_answers,
        first_pointer=first_pointer,
        backend=backend,
        n_attempts=n_attempts,
        n_retried=n_retried,
        latest_verdict=latest_verdict,
    )


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
        n_attempts=0,
    )


def same_listing(a: SessionSummary, b: SessionSummary) -> bool:
    """Equal apart from updated_at, which the index's stat check tracks anyway."""
    return a.to_json() | {"updated_at": None} == b.to_json() | {"updated_at": None}


def newest_first(rows: list[SessionSummary]) -> None:
    """Sort rows in place, newest first (by creation time, then id)."""
    rows.sort(key=lambda r: (r.created_at, r.id), reverse=True)


def list_json(summaries: Sequence[SessionSummary]) -> str:
    """A listing as one JSON array (for ``coach history --json``)."""
    return json.dumps([s.to_json() for s in summaries], ensure_ascii=False, indent=2)
