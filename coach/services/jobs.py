"""The job description, read one way for the app and `coach analyze --job`.

Strict UTF-8 (a binary file or the wrong encoding is a clear error, not a
page of U+FFFD that the job-term reader would take for requirements) and cut
to MAX_JOB_CHARS, which is far beyond any real posting and keeps a huge file
from slowing every review that reads it.
"""

from __future__ import annotations

from pathlib import Path

MAX_JOB_CHARS = 20_000


class JobError(ValueError):
    """A job description could not be read (one line naming the file)."""


def read_job_file(path: Path | str) -> str:
    """The text of a job description file, stripped and capped, or JobError naming the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JobError(f"{path}: no such file") from None
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
        if path.is_file():
            return read_job_file(path) or None
        looks_like_path = text.startswith(("/", "~", "./", "../")) or (
            " " not in text and path.suffix.lower() in (".txt", ".md", ".text")
        )
        if looks_like_path:
            raise JobError(f"{text}: no such file")
    return text[:MAX_JOB_CHARS]


__all__ = ["MAX_JOB_CHARS", "JobError", "read_job_file", "resolve_job"]
