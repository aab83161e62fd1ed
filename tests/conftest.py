"""Shared test fixtures; the rest live in the plugins under tests/helpers/.

Every test runs with its own data dir, config dir and system dir under
tmp_path, so no test reads or writes the real user's files or /etc/coach.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The helpers are plugins: their fixtures are available to every test folder
# (unit/, tui/ for Pilot and snapshots, system/ for pty, ssh, root and llama).
pytest_plugins = [
    "tests.helpers.banks",
    "tests.helpers.history",
    "tests.helpers.llama",
    "tests.helpers.multiuser",
    "tests.helpers.offline",
    "tests.helpers.proc",
    "tests.helpers.real",
    "tests.helpers.tui",
]


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    dirs = {
        "data": tmp_path / "data",
        "config": tmp_path / "config",
        "system": tmp_path / "system",
    }
    for name in list(os.environ):
        if name.startswith("COACH_") or name in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COACH_DATA_DIR", str(dirs["data"]))
    monkeypatch.setenv("COACH_CONFIG_DIR", str(dirs["config"]))
    monkeypatch.setenv("COACH_SYSTEM_DIR", str(dirs["system"]))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return dirs
