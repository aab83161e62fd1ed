"""`coach config ...` and `coach history --json` as real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from coach import paths
from coach.domain.models import Answer, Feedback, Pointer
from coach.store import Store

SECRET = "sk-proj-SECRETSECRET0123456789abcdef"


def coach(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_config_show_lists_every_key_with_source() -> None:
    r = coach("config", "show", env_extra={"COACH_BACKEND": "openai"})
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert 'backend = "openai"  # env COACH_BACKEND' in r.stdout
    assert "[openai]" in r.stdout and 'model = "gpt-4o-mini"  # default' in r.stdout
    assert "# feedback backend" in r.stdout  # the help text is shown


def test_config_show_default_action() -> None:
    assert coach("config").stdout == coach("config", "show").stdout


def test_config_show_never_prints_a_key(tmp_path: Path) -> None:
    user = paths.user_config_file()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text(
        f'[openai]\nbase_url = "https://me:{SECRET}@llm.example/v1?token={SECRET}"\napi_key = "{SECRET}"\n'
    )
    env = {"OPENAI_API_KEY": SECRET, "COACH_OPENAI_API_KEY": SECRET, "COACH_OPENAI_MODEL": SECRET}
    r = coach("config", "show", env_extra=env)
    assert SECRET not in r.stdout and SECRET not in r.stderr
    assert SECRET[:12] not in r.stdout + r.stderr
    assert "OPENAI_API_KEY" in r.stdout and "never shown" in r.stdout
    assert "unknown key 'openai.api_key'" in r.stderr
    assert r.returncode == 1


def test_config_show_reports_problems_on_stderr_and_exits_1() -> None:
    user = paths.user_config_file()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.write_text('bakend = "openai"\nquestions = 0\n')
    r = coach("config", "show")
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert lines == [
        f"coach config: {user}: unknown key 'bakend' (did you mean 'backend'?)",
        f"coach config: {user}: bad value for 'questions': Input should be greater than or equal to 1",
    ]
    assert "questions = 5  # default" in r.stdout


def test_config_data_dir_flag_wins(tmp_path: Path) -> None:
    r = coach("--data-dir", str(tmp_path / "flagdir"), "config", "show")
    assert f'data_dir = "{tmp_path / "flagdir"}"  # flag --data-dir' in r.stdout


def test_config_path_lists_both_files() -> None:
    r = coach("config", "path")
    assert r.returncode == 0
    assert f"system\t{paths.system_config_file()}\t(not present)" in r.stdout
    assert f"user\t{paths.user_config_file()}\t(not present)" in r.stdout


def test_config_path_says_when_the_user_file_is_a_link(tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "coach.toml"
    target.parent.mkdir()
    target.write_text('role = "sales"\n')
    user = paths.user_config_file()
    user.parent.mkdir(parents=True, exist_ok=True)
    user.symlink_to(target)
    r = coach("config", "path")
    assert f"user\t{user}\t(exists, a link to {target})" in r.stdout


def test_config_set_round_trip_and_masking() -> None:
    r = coach("config", "set", "openai.base_url", "http://me:pw123456@localhost:8080/v1")
    assert r.returncode == 0, r.stderr
    assert "pw123456" not in r.stdout
    r = coach("config", "set", "questions", "3")
    assert r.returncode == 0
    show = coach("config", "show")
    assert show.returncode == 0, show.stderr
    assert "questions = 3  # user config" in show.stdout
    assert "pw123456" not in show.stdout and "localhost:8080/v1" in show.stdout


@pytest.mark.parametrize(
    "key, value, message",
    [
        ("bakend", "x", "unknown key 'bakend' (did you mean 'backend'?)"),
        ("openai.api_key", SECRET, "never writes API keys"),
        ("questions", "lots", "bad value for 'questions'"),
    ],
)
def test_config_set_refusals(key: str, value: str, message: str) -> None:
    r = coach("config", "set", key, value)
    assert r.returncode == 1
    assert message in r.stderr
    assert SECRET not in r.stderr + r.stdout
    assert len(r.stderr.strip().splitlines()) == 1
    assert not paths.user_config_file().exists()


def _make_sessions(root: Path) -> tuple[str, str]:
    store = Store(root)
    a = store.create("phone", "general", answers=[Answer(question_id="q1", question="Why us?", text="Because", status="submitted")])
    store.add_feedback(
        a.id,
        Feedback(pointers=[Pointer(kind="no-job-link", title="Tie it to the job", tip="Name one need of the role.")], backend="offline"),
    )
    b = store.create("final", "sales", kind="real")
    return a.id, b.id


def test_history_json_lists_sessions_newest_first(isolated_env: dict[str, Path]) -> None:
    a, b = _make_sessions(isolated_env["data"])
    bad = isolated_env["data"] / "sessions" / "20200101T000000000-1-bad.toml"
    bad.write_text("round = [")
    r = coach("history", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert [row["id"] for row in rows] == [b, a, bad.stem]
    for row in rows:
        for key in ("id", "path", "created_at", "round", "role", "status", "kind", "first_pointer", "backend", "error"):
            assert key in row
    assert rows[1]["first_pointer"] == "Tie it to the job" and rows[1]["backend"] == "offline"
    assert rows[0]["kind"] == "real" and rows[0]["error"] is None
    assert rows[2]["error"].startswith("not valid TOML") and rows[2]["path"] == str(bad)
    assert bad.read_text() == "round = ["


def test_history_json_honours_data_dir_flag(tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    a, b = _make_sessions(other)
    assert json.loads(coach("history", "--json").stdout) == []
    rows = json.loads(coach("--data-dir", str(other), "history", "--json").stdout)
    assert {row["id"] for row in rows} == {a, b}


def test_history_json_on_empty_store_does_not_create_anything(isolated_env: dict[str, Path]) -> None:
    r = coach("history", "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []
    assert not isolated_env["data"].exists()


def test_history_json_does_not_import_textual(isolated_env: dict[str, Path]) -> None:
    code = (
        "import sys\nfrom coach.cli import main\nrc = main(['history', '--json'])\n"
        "assert 'textual' not in sys.modules and 'openai' not in sys.modules, 'heavy import'\n"
        "sys.exit(rc)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_config_does_not_import_textual() -> None:
    code = (
        "import sys\nfrom coach.cli import main\nrc = main(['config', 'show'])\n"
        "assert 'textual' not in sys.modules and 'openai' not in sys.modules, 'heavy import'\n"
        "sys.exit(rc)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("argv, hint", [((), None), (("history",), "coach history --json"), (("practice",), None)])
def test_the_app_without_a_terminal_says_so_and_exits(argv: tuple[str, ...], hint: str | None,
                                                      isolated_env: dict[str, Path]) -> None:
    # stdin and stdout are pipes here (as in `ssh host coach` without -t): no escape
    # codes into the pipe, no app waiting for keys, one line and status 2.
    r = subprocess.run([sys.executable, "-m", "coach", *argv], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "needs a terminal" in r.stderr and "ssh -t" in r.stderr
    assert (hint in r.stderr) if hint else "--json" not in r.stderr


def test_config_show_and_set_never_print_a_live_control_character(isolated_env: dict[str, Path]) -> None:
    # A value from the file (or typed into `config set`) is shown as a TOML escape,
    # so the line is still TOML that reads back to the same value.
    import tomllib

    config = paths.user_config_file()
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('"back\\u001bnd" = 1\nbackend = "open\\u001b]0;x\\u0007ai\\u202e"\n', encoding="utf-8")
    show = coach("config", "show")
    assert show.returncode == 1  # the unknown key is a problem
    for text in (show.stdout, show.stderr):
        assert not any(c in text for c in "\x1b\x07\u202e"), text
    line = next(ln for ln in show.stdout.splitlines() if ln.startswith("backend = "))
    assert tomllib.loads(line.split("  #")[0])["backend"] == "open\x1b]0;x\x07ai\u202e"
    assert "back\u241bnd" in show.stderr  # the key named, made visible
    config.unlink()
    set_ = coach("config", "set", "role", "x\x1b[2Jy")
    assert set_.returncode == 0 and "\x1b" not in set_.stdout and 'role = "x\\u001b[2Jy"' in set_.stdout


def test_a_usage_error_echoes_what_was_typed_made_visible() -> None:
    r = coach("history", "--json", "\x1b]0;X\x07")
    assert r.returncode == 2 and "\x1b" not in r.stderr and "\x07" not in r.stderr and "\u241b]0;X" in r.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [("config", "show"), ("banks", "list"), ("analyze",)])
def test_a_full_disk_under_stdout_is_one_line_not_a_traceback(argv: tuple[str, ...]) -> None:
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "-m", "coach", *argv], stdout=full, stderr=subprocess.PIPE, text=True,
                           input=json.dumps({"question": "Tell me about a time.", "answer": "I fixed it."}) + "\n",
                           timeout=60)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == ["coach: cannot write the output: No space left on device"]


def test_a_closed_stdout_is_one_line() -> None:
    r = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); sys.stdout = None;"
                        " from coach.cli import main; raise SystemExit(main(['config', 'show']))"],
                       stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 1 and r.stderr.strip() == "coach: standard output is closed; nothing to write to"


def test_config_set_on_a_table_names_its_keys() -> None:
    r = coach("config", "set", "openai", "x")
    assert r.returncode == 1 and "did you mean 'openai'" not in r.stderr
    assert "'openai' is a table" in r.stderr and "openai.model" in r.stderr
