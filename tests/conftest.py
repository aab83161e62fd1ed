"""Shared test fixtures.

Every test runs with its own data dir, config dir and system dir under
tmp_path, so no test reads or writes the real user's files or /etc/coach.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from llama_helpers import LlamaServer, start_smollm2_server

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SIOP_ANSWERS = SHARED / "data" / "siop2024" / "answers.jsonl"


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


@pytest.fixture
def siop_answers() -> Path:
    """The 508 real typed answers from ../shared, or a skip where it is absent."""
    if not SIOP_ANSWERS.is_file():
        pytest.skip(f"real-answer data not present at {SIOP_ANSWERS}")
    return SIOP_ANSWERS


@pytest.fixture(scope="session")
def smollm2_server(tmp_path_factory: pytest.TempPathFactory) -> LlamaServer:
    """One llama-server with SmolLM2-135M-Instruct for the whole run (8k context, 4 slots).

    Skips with the reason when the binary or the model is absent, unless
    COACH_REQUIRE_SMOLLM2=1 (CI), where that is a failure. Stopped at the end.
    """
    server = start_smollm2_server(tmp_path_factory.mktemp("smollm2"))
    yield server
    server.stop()
