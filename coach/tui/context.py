"""What every screen needs from outside the UI: settings, the store, the banks.

Loaded once when the app starts (and again after Settings saves) so screens
never touch config files or bank directories themselves. Problems found while
loading (a bad config key, a broken bank) are collected as one-line notices
for the home screen instead of stopping the app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coach.banks import LoadedBanks
    from coach.config import Settings
    from coach.store import Store


@dataclass
class RoundRequest:
    """The choices on the home screen (or `coach practice` flags) for a new round."""

    round: str
    role: str
    questions: int
    timed: bool = False
    job: str | None = None
    #: A pointer kind the questions should exercise (a suggested practice round).
    focus_kind: str | None = None


@dataclass
class AppContext:
    settings: Settings
    store: Store
    banks: LoadedBanks
    flags: dict[str, Any] = field(default_factory=dict)
    bank_problems: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Config and bank problems, one line each, for a visible notice."""
        from coach.config import settings_problems

        return settings_problems(self.settings) + self.bank_problems

    @classmethod
    def load(cls, flags: Mapping[str, Any] | None = None) -> AppContext:
        from coach.banks import load_banks
        from coach.config import load_settings
        from coach.store import Store

        flags = dict(flags or {})
        settings = load_settings(flags)
        banks = load_banks()
        problems = [str(p) for p in banks.problems]
        return cls(settings, Store.from_settings(settings), banks, flags, problems)

    def reload_settings(self) -> None:
        """Re-read settings after a change (flags given on the command line still win)."""
        from coach.config import load_settings
        from coach.store import Store

        self.settings = load_settings(self.flags)
        self.store = Store.from_settings(self.settings)

    def default_request(self) -> RoundRequest:
        s = self.settings
        return RoundRequest(round=s.round, role=s.role, questions=s.questions, timed=s.timed)

    def backend_label(self, name: str | None = None) -> str:
        """How the backend in use is described on screen (honest provenance)."""
        name = name or self.settings.backend
        if name == "offline":
            return "offline rules"
        if name == "openai":
            o = self.settings.openai
            where = f" at {o.base_url}" if o.base_url else ""
            return f"openai · {o.model}{where}"
        return name


class JobError(ValueError):
    """A job description could not be read (one line naming the file)."""


MAX_JOB_CHARS = 20_000


def read_job_file(path: Path) -> str:
    """The text of a job description file, or JobError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise JobError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise JobError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise JobError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return text.strip()[:MAX_JOB_CHARS] or ""


def resolve_job(value: str) -> str | None:
    """The home screen's job field: a path to a file, or the description itself.

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
