"""The backend picker asks the backend's own key rules what is missing, never a copy of them."""

from __future__ import annotations

import os
from pathlib import Path

from coach.config import OpenAISettings, Settings
from coach.services.setup import backend_needs


def test_offline_needs_nothing() -> None:
    assert backend_needs("offline", Settings(), {}) is None


def test_openai_needs_a_key_for_the_official_endpoint() -> None:
    assert "COACH_OPENAI_API_KEY" in backend_needs("openai", Settings(), {})
    assert backend_needs("openai", Settings(), {"OPENAI_API_KEY": "sk-x"}) is None
    assert backend_needs("openai", Settings(), {"COACH_OPENAI_API_KEY": "sk-x"}) is None


def test_a_local_server_needs_no_key() -> None:
    local = Settings(openai=OpenAISettings(base_url="http://127.0.0.1:8080/v1"))
    assert backend_needs("openai", local, {}) is None


def test_the_openai_key_is_not_offered_to_a_server_a_config_named() -> None:
    """The backend would refuse to send it, so the picker must not offer a re-run that can only fall back."""
    named = Settings(openai=OpenAISettings(base_url="https://llm.example.com/v1", api_key_env="OPENAI_API_KEY"))
    needs = backend_needs("openai", named, {"OPENAI_API_KEY": "sk-x"})
    assert needs is not None and "llm.example.com" in needs and "sk-x" not in needs


def test_a_key_file_that_is_a_fifo_is_a_reason_not_a_hang(tmp_path: Path) -> None:
    fifo = tmp_path / "key"
    os.mkfifo(fifo)
    with_file = Settings(openai=OpenAISettings(api_key_file=str(fifo)))
    needs = backend_needs("openai", with_file, {})
    assert needs is not None and "api_key_file" in needs
