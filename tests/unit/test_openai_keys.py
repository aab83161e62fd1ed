"""Which key goes where: a key meant for OpenAI never travels to a server a config file named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine import AnswerItem, ReviewRequest
from coach.engine.openai import (
    OFFICIAL_BASE_URL,
    PLACEHOLDER_KEY,
    OpenAIBackend,
    Options,
    draft_model,
    response_schema,
)
from coach.domain.kinds import KIND_IDS
from coach.domain.models import Pointer
from coach.engine.openai.schema import EVIDENCE_MAX_CHARS, TIP_MAX_CHARS, TITLE_MAX_CHARS

SECRET = "sk-very-secret-0123456789"


def resolve(env: dict[str, str], **openai: object):
    settings = Settings(backend="openai", openai=OpenAISettings(**openai))
    return Options.from_settings(settings, env)


def test_official_endpoint_takes_openai_api_key() -> None:
    opts, key = resolve({"OPENAI_API_KEY": SECRET})
    assert opts.base_url == OFFICIAL_BASE_URL and key.value == SECRET and key.source == "OPENAI_API_KEY"


def test_config_base_url_never_gets_openai_api_key() -> None:
    opts, key = resolve({"OPENAI_API_KEY": SECRET}, base_url="http://10.0.0.5:8080/v1")
    assert key.value == PLACEHOLDER_KEY and key.problem is None


def test_openai_base_url_env_lets_openai_api_key_follow() -> None:
    opts, key = resolve({"OPENAI_API_KEY": SECRET, "OPENAI_BASE_URL": "http://proxy.local/v1"})
    assert opts.base_url == "http://proxy.local/v1" and key.value == SECRET


def test_coach_key_wins_everywhere() -> None:
    env = {"COACH_OPENAI_API_KEY": "coach-key", "OPENAI_API_KEY": SECRET}
    _, key = resolve(env, base_url="http://10.0.0.5:8080/v1")
    assert key.value == "coach-key" and key.source == "COACH_OPENAI_API_KEY"


def test_named_env_var_and_missing_one() -> None:
    _, key = resolve({"MY_KEY": "k1"}, base_url="http://h/v1", api_key_env="MY_KEY")
    assert key.value == "k1" and key.source == "$MY_KEY"
    _, key = resolve({}, base_url="http://h/v1", api_key_env="MY_KEY")
    assert key.value is None and "MY_KEY" in (key.problem or "")


def test_key_file(tmp_path: Path) -> None:
    f = tmp_path / "key"
    f.write_text(SECRET + "\n")
    _, key = resolve({}, base_url="http://h/v1", api_key_file=str(f))
    assert key.value == SECRET
    _, key = resolve({}, base_url="http://h/v1", api_key_file=str(tmp_path / "missing"))
    assert key.value is None and "cannot read" in (key.problem or "")


def test_a_fifo_or_binary_key_file_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "key-fifo"
    os.mkfifo(fifo)
    _, key = resolve({}, base_url="http://h/v1", api_key_file=str(fifo))
    assert key.value is None and "FIFO" in (key.problem or "")
    binary = tmp_path / "key-bin"
    binary.write_bytes(b"\xff\xfe" + SECRET.encode())
    _, key = resolve({}, base_url="http://h/v1", api_key_file=str(binary))
    assert key.value is None and "not UTF-8" in (key.problem or "") and SECRET not in (key.problem or "")


def test_official_endpoint_without_key_falls_back_with_notice() -> None:
    b = OpenAIBackend.from_settings(Settings(backend="openai"))
    req = ReviewRequest(items=(AnswerItem("q", "Why this job?", "Because I like it."),), round="phone")
    import asyncio

    fb = asyncio.run(b.review(req))
    assert fb.backend == "offline" and "no API key" in (fb.notice or "")


def test_key_never_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_OPENAI_API_KEY", SECRET)
    b = OpenAIBackend.from_settings(Settings(backend="openai"))
    assert SECRET not in repr(b) and SECRET not in repr(b._key)
    assert b.key_source == "COACH_OPENAI_API_KEY"


def test_settings_without_openai_section_use_defaults() -> None:
    opts, key = Options.from_settings(SimpleNamespace(), {})
    assert opts.base_url == OFFICIAL_BASE_URL and opts.timeout_s == 60.0 and key.problem


def test_schema_follows_the_models() -> None:
    schema = response_schema(draft_model(("a", "b")))
    ptr = schema["$defs"]["DraftPointer"]
    assert ptr["properties"]["kind"]["enum"] == list(KIND_IDS)
    title_max = next(m.max_length for m in Pointer.model_fields["title"].metadata if hasattr(m, "max_length"))
    # The reply's caps are tighter than the model's, never looser: a small model loops in a long string.
    assert ptr["properties"]["title"]["maxLength"] == TITLE_MAX_CHARS <= title_max
    assert ptr["properties"]["evidence"]["maxLength"] == EVIDENCE_MAX_CHARS
    assert ptr["properties"]["tip"]["maxLength"] == TIP_MAX_CHARS
    # pydantic's class titles ("DraftFeedback", "Pointers") are gone; the property named title stays.
    assert "DraftFeedback" not in json.dumps(schema) and '"title":"Pointers"' not in json.dumps(schema)
    assert ptr["properties"]["question_id"]["enum"] == ["a", "b"]
    assert set(ptr["required"]) == set(ptr["properties"]) and ptr["additionalProperties"] is False
    pointers = schema["properties"]["pointers"]
    assert (pointers["minItems"], pointers["maxItems"]) == (1, 2)


def test_importing_the_backend_does_not_import_openai() -> None:
    code = "import sys, coach.engine.openai; print('openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize("url", ["http://[::1", "http://127.0.0.1:99999/v1", "http://127.0.0.1:9/v1\t", "ftp://x", "http://"])
def test_an_unusable_base_url_is_the_backends_problem_not_an_exception(url: str) -> None:
    # OPENAI_BASE_URL is not validated by the settings; the backend says what is wrong
    # and falls back to the offline rules instead of raising inside the HTTP client.
    opts, key = resolve({"OPENAI_BASE_URL": url, "OPENAI_API_KEY": SECRET})
    assert opts.url_problem and opts.url_problem.startswith("OPENAI_BASE_URL ")
    backend = OpenAIBackend(opts, key)
    request = ReviewRequest(items=(AnswerItem(question_id="q", question="Tell me about a time.", answer="I fixed it."),))
    import asyncio

    fb = asyncio.run(backend.review(request))
    assert fb.backend == "offline" and "OPENAI_BASE_URL" in (fb.notice or "")


def test_a_refused_base_url_never_becomes_the_official_server() -> None:
    # A typo in the configured URL (refused by the settings) must not send the answers,
    # and a key, to api.openai.com in its place.
    from coach.config import load_settings

    settings = load_settings(env={"COACH_OPENAI_BASE_URL": "http://127.0.0.1:99999/v1", "COACH_BACKEND": "openai"})
    assert "openai.base_url" in settings.refused_keys
    opts, _ = Options.from_settings(settings, {"OPENAI_API_KEY": SECRET})
    assert opts.url_problem and "not sending anything" in opts.url_problem


def test_a_password_in_the_base_url_is_masked_wherever_it_is_shown() -> None:
    opts, key = resolve({}, base_url="http://bob:hunter2@127.0.0.1:9/v1")
    assert opts.shown_url == "http://bob:********@127.0.0.1:9/v1" and opts.url_problem is None
    assert "hunter2" not in repr(OpenAIBackend(opts, key))
