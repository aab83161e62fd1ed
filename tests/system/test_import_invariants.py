"""What each entry point imports, checked in real subprocesses (no timings here: see benchmarks/).

- `coach --help` and `coach analyze --backend offline` import neither Textual nor openai;
- the app, started for real in a pseudo-terminal and quit, never imports openai
  with the offline backend.

Each child runs coach's own `main` under a tiny wrapper that writes the names in
`sys.modules` to a file at exit, so what is checked is everything imported
during the whole run, not just at start.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.proc import HOME_RE, REPO, PtyProcess, child_env

#: Runs `coach ARGS` (argv[2:]) and dumps sys.modules to argv[1] at exit, even on SystemExit.
WRAPPER = """\
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv = ["coach", *sys.argv[2:]]
from coach.cli import main
raise SystemExit(main())
"""

ANSWER = {"id": 1, "question": "Tell me about a time you disagreed with a colleague.",
          "answer": "I think maybe we kind of talked it over and it went well."}


def tops(modules: list[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def run_wrapped(tmp_path: Path, *args: str, stdin: str = "") -> tuple[subprocess.CompletedProcess[str], list[str]]:
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(out), *args],
        input=stdin, capture_output=True, text=True, cwd=REPO, timeout=60,
    )
    assert out.is_file(), f"the module list was not written: {proc.stderr[-500:]}"
    return proc, json.loads(out.read_text())


def test_help_imports_neither_textual_nor_openai(tmp_path: Path) -> None:
    proc, modules = run_wrapped(tmp_path, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "usage: coach" in proc.stdout
    assert not tops(modules) & {"textual", "openai", "rich"}
    assert "coach.cli" in modules  # the wrapper really ran coach


def test_analyze_offline_imports_neither_textual_nor_openai(tmp_path: Path) -> None:
    proc, modules = run_wrapped(tmp_path, "analyze", "--backend", "offline", stdin=json.dumps(ANSWER) + "\n")
    assert proc.returncode == 0, proc.stderr
    line = json.loads(proc.stdout.splitlines()[0])
    assert line["backend"] == "offline" and line["pointers"]
    assert not tops(modules) & {"textual", "openai"}
    assert "coach.engine.openai" not in modules
    assert "coach.engine.offline" in modules  # the analysis really happened in this process


def test_analyze_with_openai_configured_but_offline_asked_never_imports_openai(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A configured openai backend must not leak into an explicit `--backend offline` batch."""
    monkeypatch.setenv("COACH_BACKEND", "openai")
    proc, modules = run_wrapped(tmp_path, "analyze", "--backend", "offline", stdin=json.dumps(ANSWER) + "\n")
    assert proc.returncode == 0, proc.stderr
    assert "openai" not in tops(modules)


@pytest.mark.parametrize("backend", ["offline", "openai"])
def test_app_start_and_quit_in_a_pty_never_imports_openai(tmp_path: Path, backend: str) -> None:
    """Opening the home screen and quitting needs no model client, whatever backend is configured."""
    out = tmp_path / "modules.json"
    argv = [sys.executable, "-c", WRAPPER, str(out)]
    env = child_env(extra={"COACH_BACKEND": backend})
    with PtyProcess(argv, env=env, cwd=REPO) as term:
        term.wait_until(lambda s: HOME_RE.search(s) is not None, 30.0, "the home screen")
        term.press("ctrl+q")
        assert term.wait_exit(timeout=10.0) == 0
    modules = json.loads(out.read_text())
    assert "textual" in tops(modules)  # the app really started
    assert "coach.tui.app" in modules
    assert "openai" not in tops(modules)
    assert "coach.engine.openai" not in modules
