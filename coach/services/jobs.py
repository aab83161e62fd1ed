"""The job description, read one way for the app and `coach analyze --job`.

Strict UTF-8 (a binary file or the wrong encoding is a clear error, not a
page of U+FFFD that the job-term reader would take for requirements) and cut
to MAX_JOB_CHARS, which is far beyond any real posting and keeps a huge file
from slowing every review that reads it.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from coach.fsutil import NotRegularFileError, open_regular_file

MAX_JOB_CHARS = 20_000
#: Bytes read at most: enough for MAX_JOB_CHARS characters of any UTF-8 text.
_MAX_JOB_BYTES = 4 * MAX_JOB_CHARS + 4


class JobError(ValueError):
    """A job description could not be read (one line naming the file)."""


def read_job_file(path: Path | str) -> str:
    """The text of a job description file, stripped and capped, or JobError naming the file.

    Only a regular file is opened (a FIFO or device would block or never end),
    and only as many bytes as the cap can use are read.
    """
    path = Path(path)
    try:
        fd = open_regular_file(path)
        try:
            data = b""
            while len(data) <= _MAX_JOB_BYTES and (chunk := os.read(fd, _MAX_JOB_BYTES + 1 - len(data))):
                data += chunk
        finally:
            os.close(fd)
        cut = len(data) > _MAX_JOB_BYTES
        # An incremental decoder lets a cut fall inside a character without calling the file "not UTF-8".
        text = codecs.getincrementaldecoder("utf-8")().decode(data[:_MAX_JOB_BYTES], final=not cut)
    except FileNotFoundError:
        raise JobError(f"{path}: no such file") from None
    except NotRegularFileError as exc:
        raise JobError(f"{path}: {exc.strerror}") from None
    except IsADirectoryError:
        raise JobError(f"{path}: is a directory, not a file") from None
    except UnicodeDecodeError:
        raise JobError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise JobError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return text.strip()[:MAX_JOB_CHARS]


def resolve_job(value: str) -> str | None:
    """A job field: a path to a file, or the description itself.

    One line naming an existing file reads the file; one line that looks like a
    path but names nothing is an error (better than practising against the
    words "~/jobs/acme.txt"); anything else is taken as pasted text.
    """
    text = value.strip()
    if not text:
        return None
    if "\n" not in text and len(text) < 1024:
        path = Path(text).expanduser()
        if path.exists():  # a FIFO or directory is named as such by read_job_file, never opened
            return read_job_file(path) or None
        looks_like_path = text.startswith(("/", "~", "./", "../")) or (
            " " not in text and path.suffix.lower() in (".txt", ".md", ".text")
        )
        if looks_like_path:
            raise JobError(f"{text}: no such file")
    return text[:MAX_JOB_CHARS]


__all__ = ["MAX_JOB_CHARS", "JobError", "read_job_file", "resolve_job"]
