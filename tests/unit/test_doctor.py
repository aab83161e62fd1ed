"""`coach doctor`: plain verdicts and exit status for each kind of problem."""

from __future__ import annotations

import json

import argparse
import io
import os
from pathlib import Path

import pytest

from coach.commands import doctor
from tests.helpers.llama import FakeOpenAIServer, Reply, free_port

MODELS = {"object": "list", "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "me"}]}
CHAT = {
    "id": "x",
    "object": "chat.completion",
    "created": 0,
    "model": "fake-model",
    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": '{"ready": true}'}}],
}


def run(backend: str | None = None, timeout: float = 10.0) -> tuple[int, str]:
    out = io.StringIO()
    args = argparse.Namespace(command="doctor", backend=backend, timeout=timeout, data_dir=None)
    code = doctor.run(args, out=out)
    return code, out.getvalue()


def lines_with(text: str, mark: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip().startswith(mark)]


def test_offline_everything_fine(isolated_env: dict[str, Path]) -> None:
    code, text = run()
    assert code == 0, text
    assert "All good" in text and not lines_with(text, "FAIL")
    assert "openai: coach.engine.openai:OpenAIBackend" in text


def test_exposed_data_files_warn_with_chmod_fix(isolated_env: dict[str, Path]) -> None:
    data = isolated_env["data"]
    (data / "sessions").mkdir(parents=True)
    data.chmod(0o755)
    leaked = data / "sessions" / "s1.toml"
    leaked.write_text("x")
    leaked.chmod(0o644)
    code, text = run()
    assert code == 1
    assert f"chmod 700 {data}" in text and f"chmod -R go-rwx {data}" in text
    assert str(leaked) in text


def test_a_file_where_the_sessions_folder_belongs_fails(isolated_env: dict[str, Path]) -> None:
    data = isolated_env["data"]
    data.mkdir(parents=True)
    data.chmod(0o700)
    (data / "sessions").write_text("", encoding="utf-8")
    code, text = run()
    assert code == 1
    assert any(line.startswith("  FAIL") and "is a special file" not in line and "not the folder of sessions" in line
               for line in text.splitlines()), text


def test_no_color_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    _, text = run()
    assert "NO_COLOR is set" in text


def test_unknown_backend_fails() -> None:
    code, text = run("nosuch")
    assert code == 1 and "unknown backend 'nosuch'" in text


def test_openai_server_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    code, text = run("openai", timeout=5)
    assert code == 1
    assert "connection refused" in text and "falls back to the offline rules" in text


SAMPLE_REPLY = json.dumps({
    "pointers": [{"kind": "no-result", "title": "Finish with how it ended", "question_id": "sample",
                  "evidence": "I wrote the scripts", "tip": "Close with the result: did the reports move on time?"}],
    "strength": None,
})
JUNK_REPLY = json.dumps({
    "pointers": [{"kind": "no-result", "title": "<your headline>", "question_id": "sample",
                  "evidence": "", "tip": "<what you should do next time>"}],
    "strength": None,
})


def test_openai_all_good(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer([Reply(json_body=MODELS), Reply(json_body=CHAT), Reply(stream=[SAMPLE_REPLY])]) as srv:
        monkeypatch.setenv("COACH_OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("COACH_OPENAI_MODEL", "fake-model")
        code, text = run("openai")
    assert code == 0, text
    assert "model 'fake-model' is listed" in text and "JSON schema accepted" in text
    assert srv.requests[0]["response_format"]["type"] == "json_schema"
    lines = text.splitlines()
    assert "  ok    sample review: passed coach's checks (1 pointer from the model)" in lines
    assert any(line.startswith("        sample review took ") and line.endswith(" s") for line in lines)
    assert "        context size: the server does not report it (not a llama.cpp server)" in lines


def test_openai_sample_review_that_fails_the_checks_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer([Reply(json_body=MODELS), Reply(json_body=CHAT), Reply(stream=[JUNK_REPLY])]) as srv:
        monkeypatch.setenv("COACH_OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("COACH_OPENAI_MODEL", "fake-model")
        code, text = run("openai")
    assert code == 1
    line = next(line for line in text.splitlines() if "sample review:" in line)
    assert line.startswith("  WARN  sample review: did not pass coach's checks")
    assert "placeholder titles" in line


def test_openai_model_missing_and_bad_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_OPENAI_API_KEY", "sk-doctor-secret")
    with FakeOpenAIServer([Reply(json_body=MODELS), Reply(json_body=CHAT)]) as srv:
        monkeypatch.setenv("COACH_OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("COACH_OPENAI_MODEL", "other-model")
        code, text = run("openai")
    assert code == 1 and "'other-model' is not listed" in text and "fake-model" in text
    with FakeOpenAIServer([Reply(status=401, json_body={"error": {"message": "nope"}})]) as srv:
        monkeypatch.setenv("COACH_OPENAI_BASE_URL", srv.base_url)
        code, text = run("openai")
    assert code == 1 and "check the key" in text and "sk-doctor-secret" not in text
    assert len(srv.paths) == 1  # no point asking for structured output with a refused key


def test_openai_json_mode_only_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    rejected = Reply(status=400, json_body={"error": {"message": "response_format json_schema not supported"}})
    with FakeOpenAIServer([Reply(json_body=MODELS), rejected, Reply(json_body=CHAT)]) as srv:
        monkeypatch.setenv("COACH_OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("COACH_OPENAI_MODEL", "fake-model")
        code, text = run("openai")
    assert code == 1 and "JSON mode" in text and not lines_with(text, "FAIL")


def test_openai_slow_server_hits_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeOpenAIServer([Reply(json_body=MODELS, delay_s=5)]) as srv:
        monkeypatch.setenv("COACH_OPENAI_BASE_URL", srv.base_url)
        code, text = run("openai", timeout=1)
    assert code == 1 and "no answer within 1 s" in text
    assert os.environ.get("COACH_OPENAI_BASE_URL") == srv.base_url
