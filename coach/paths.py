"""Where coach's files live. Pure path arithmetic: nothing here creates a directory.

User paths follow XDG via platformdirs; the administrator's shared files live
under /etc/coach (or the `COACH_SYSTEM_*` variables), so one box can give every
user the same banks, prompts and backend config.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "coach"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else None


def default_user_data_dir() -> Path:
    """The XDG data dir (used when no flag, env var or config names another)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_dir() -> Path:
    explicit = _env_path("COACH_CONFIG_DIR")
    if explicit:
        return explicit
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_config_file() -> Path:
    return _env_path("COACH_CONFIG") or user_config_dir() / "config.toml"


def user_banks_dir() -> Path:
    return user_config_dir() / "banks"


def user_prompts_dir() -> Path:
    return user_config_dir() / "prompts"


def system_dir() -> Path:
    return _env_path("COACH_SYSTEM_DIR") or Path("/etc/coach")


def system_config_file() -> Path:
    return _env_path("COACH_SYSTEM_CONFIG") or system_dir() / "config.toml"


def system_banks_dir() -> Path:
    return _env_path("COACH_SYSTEM_BANKS") or system_dir() / "banks"


def system_prompts_dir() -> Path:
    return _env_path("COACH_SYSTEM_PROMPTS") or system_dir() / "prompts"
