"""What every screen needs from outside the UI: settings, the store, the banks.

Loaded once when the app starts (and again after Settings saves) so screens
never touch config files or bank directories themselves. Problems found while
loading (a bad config key, a broken bank) are collected as one-line notices
for the home screen instead of stopping the app.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach import paths
from coach.config_layers import read_layers
from coach.flags import flags_from_args  # noqa: F401  (re-exported)
from coach.limits import MAX_QUESTIONS, MIN_QUESTIONS
from coach.domain.rounds import ROUND_TITLES, ROUNDS

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


def round_summary(round: str, role: str, questions: int, timed: bool) -> str:
    """One line naming a round: "Competency round · general · 5 questions · no timer"."""
    noun = "question" if questions == 1 else "questions"
    timer = "soft timer" if timed else "no timer"
    return f"{ROUND_TITLES.get(round, round)} · {role} · {questions} {noun} · {timer}"


def backend_label(name: str, model: str | None = None, base_url: str | None = None) -> str:
    """How a backend is described on screen: the one provenance wording (coach.services.provenance)."""
    from coach.services.provenance import backend_label as label

    return label(name, model, base_url)


# Start-up trick defended by benchmarks/README.md row "first frame ratio coach / minimal".
@dataclass
class Glance:
    """The few settings the home screen's first frame shows, read without pydantic.

    `AppContext.load` (pydantic settings, every bank, the store) costs about
    0.1 s; the home screen paints from this first and the context loads after
    the first frame. The layers and their precedence are `load_settings`'s own
    (`coach.config_layers`); a value that would not validate is skipped here as
    it is there. Should the two ever disagree, the context wins: the home
    screen redraws from it once loaded, and only it is used to plan and store
    rounds.
    """

    backend: str = "offline"
    model: str = "gpt-4o-mini"
    base_url: str | None = None
    theme: str = "textual-dark"
    round: str = "second"
    role: str = "general"
    questions: int = 5
    timed: bool = False
    practice_mode: bool = False
    follow_ups: bool = True
    data_dir: Path | None = None

    def data_path(self) -> Path:
        return self.data_dir if self.data_dir is not None else paths.default_user_data_dir()

    def backend_label(self) -> str:
        return backend_label(self.backend, self.model, self.base_url)

    def default_request(self) -> RoundRequest:
        return RoundRequest(round=self.round, role=self.role, questions=self.questions, timed=self.timed)


#: Settings key -> Glance field, for the keys the first frame needs.
_GLANCE_KEYS: dict[str, str] = {
    "backend": "backend", "theme": "theme", "round": "round", "role": "role",
    "questions": "questions", "timed": "timed", "practice_mode": "practice_mode",
    "follow_ups": "follow_ups", "data_dir": "data_dir",
    "openai.model": "model", "openai.base_url": "base_url",
}
_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})


def _glance_value(key: str, raw: Any) -> Any:
    """The value ``raw`` gives ``key``, or None when the full loader would refuse it."""
    default = getattr(Glance, _GLANCE_KEYS[key])
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower() if isinstance(raw, (str, int)) else ""
        return True if text in _TRUE else False if text in _FALSE else None
    if key == "questions":
        if isinstance(raw, int) and not isinstance(raw, bool):
            n = raw
        elif isinstance(raw, str) and raw.strip().isdigit():
            n = int(raw)
        else:
            return None
        return n if MIN_QUESTIONS <= n <= MAX_QUESTIONS else None
    if key == "data_dir":
        return Path(raw).expanduser() if isinstance(raw, (str, Path)) and str(raw) else None
    if not isinstance(raw, str) or not raw:
        return None
    if key == "round" and raw not in ROUNDS:
        return None
    return raw


def glance(flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Glance:
    """What `load_settings(flags, env)` would say about the home screen's keys, cheaply.

    The same layers in the same order (`coach.config_layers.read_layers`);
    only the checking of each value is the light `_glance_value`.
    """
    values: dict[str, Any] = {}
    for layer in read_layers(flags or {}, os.environ if env is None else env, _GLANCE_KEYS):
        for entry in layer.entries:
            if entry.key in _GLANCE_KEYS:
                value = _glance_value(entry.key, entry.raw)
                if value is not None:
                    values[_GLANCE_KEYS[entry.key]] = value
    return Glance(**values)


def has_sessions(data_path: Path) -> bool:
    """True if the data directory holds any session file (one directory read, no parsing).

    Session files are ``<data dir>/sessions/<id>.toml`` (see coach.store).
    """
    try:
        with os.scandir(data_path / "sessions") as entries:
            return any(e.name.endswith(".toml") and not e.name.startswith(".") for e in entries)
    except (FileNotFoundError, NotADirectoryError):
        return False  # a first run: nothing stored yet
    except OSError:
        return True  # cannot read it: let the store look, and say why


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
        o = self.settings.openai
        return backend_label(name or self.settings.backend, o.model, o.base_url)

