"""Same user, two terminals: concurrent processes never clobber sessions, the index or the config.

Every test here runs real processes at the same time (released together by a
start gate file) against one data dir and one config dir, then checks that
every write of every process survived.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from coach.store import Store, read_session_file

REPO = Path(__file__).resolve().parents[2]

SESSION_WORKER = r"""
import os, sys, time
from coach.domain.models import Answer
from coach.store import Store
root, tag, n, gate = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
while not os.path.exists(gate):
    time.sleep(0.001)
store = Store(root)
for i in range(n):
    s = store.create("second", "general",
                     answers=[Answer(question_id=f"q{i}", question="Tell me about a time.")])
    for k in range(3):  # autosaves of a draft
        s.answers[0].text = f"{tag} answer {i} draft {k}"
        s.answers[0].status = "draft"
        store.save(s)
        store.list_sessions()  # listings refresh the shared index meanwhile
    s.answers[0].status = "submitted"
    s.status = "complete"
    store.save(s)
    print(s.id, flush=True)
"""

CONFIG_WORKER = r"""
import os, sys, time, tomllib
from coach import config, paths
keys, rounds, gate = sys.argv[1].split(","), int(sys.argv[2]), sys.argv[3]
while not os.path.exists(gate):
    time.sleep(0.001)
def value(key, r):
    # (what `coach config set` is given, what the TOML file then holds)
    if key == "questions":
        return str(r % 12 + 1), r % 12 + 1  # 1..12, the most a round can have
    if key in ("timed", "follow_ups", "practice_mode"):
        return ("true", True) if r % 2 else ("false", False)
    return f"v{r}", f"v{r}"
mine = {}
lost = []
for r in range(rounds):
    for key in keys:
        given, stored = value(key, r)
        config.set_user_value(key, given)
        mine[key] = stored
        with open(paths.user_config_file(), "rb") as f:
            data = tomllib.load(f)
        for k, want in mine.items():
            section, _, name = k.rpartition(".")
            got = (data.get(section, {}) if section else data).get(name)
            if got != want:
                lost.append(f"{k}: wanted {want!r}, file has {got!r} (round {r})")
print(f"{len(lost)} lost, e.g.:" if lost else "")
print("\n".join(lost[:8]))
"""


def _start_together(argvs: list[list[str]], gate: Path) -> list[subprocess.CompletedProcess[str]]:
    """Start every argv, release them at once by creating `gate`, wait for all of them."""
    procs = [
        subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        for argv in argvs
    ]
    try:
        time.sleep(0.3)  # let both interpreters get to the gate
        gate.touch()
        results = []
        for proc, argv in zip(procs, argvs):
            out, err = proc.communicate(timeout=120)
            results.append(subprocess.CompletedProcess(argv, proc.returncode, out, err))
        return results
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_two_processes_creating_and_saving_sessions(isolated_env: dict[str, Path], tmp_path: Path) -> None:
    root = isolated_env["data"]
    n = 12
    gate = tmp_path / "go"
    results = _start_together(
        [[sys.executable, "-c", SESSION_WORKER, str(root), tag, str(n), str(gate)] for tag in ("left", "right")],
        gate,
    )
    ids: dict[str, list[str]] = {}
    for tag, result in zip(("left", "right"), results):
        assert result.returncode == 0, result.stderr
        ids[tag] = result.stdout.split()
        assert len(ids[tag]) == n
    all_ids = ids["left"] + ids["right"]
    assert len(set(all_ids)) == 2 * n, "two processes got the same session id"

    store = Store(root)
    files = sorted(p.name for p in store.sessions_dir.glob("*.toml"))
    assert files == sorted(f"{i}.toml" for i in all_ids)
    assert [p.name for p in store.sessions_dir.iterdir() if p.name.startswith(".")] == []

    # The index (read before any listing in this process could repair it) has every session.
    index = json.loads((root / "index.json").read_text())
    assert set(index["entries"]) == set(files), "an index write dropped another process's entries"

    for tag in ("left", "right"):
        for i, sid in enumerate(ids[tag]):
            session = read_session_file(store.path_for(sid))
            assert session.status == "complete"
            assert session.answers[0].text == f"{tag} answer {i} draft 2"
    rows = store.list_sessions()
    assert len(rows) == 2 * n and all(r.error is None for r in rows)
    assert {r.status for r in rows} == {"complete"}


def test_two_processes_setting_config(isolated_env: dict[str, Path], tmp_path: Path) -> None:
    gate = tmp_path / "go"
    left = "role,questions,theme,timed"
    right = "openai.model,backend,follow_ups,practice_mode"
    results = _start_together(
        [[sys.executable, "-c", CONFIG_WORKER, keys, "15", str(gate)] for keys in (left, right)], gate
    )
    for keys, result in zip((left, right), results):
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "", f"updates by {keys!r} were lost:\n{result.stdout}"
    cfg = isolated_env["config"] / "config.toml"
    data = tomllib.loads(cfg.read_text())
    assert data["role"] == "v14" and data["theme"] == "v14" and data["questions"] == 14 % 12 + 1
    assert data["openai"]["model"] == "v14" and data["backend"] == "v14"
    assert [p.name for p in cfg.parent.iterdir() if p.name.startswith(".")] == []


def test_coach_config_set_from_two_processes(isolated_env: dict[str, Path]) -> None:
    """The real command, from two shells at once: every key set ends up in the file."""
    runs = {
        "left": [("role", "data-analyst"), ("questions", "7"), ("round", "final")],
        "right": [("openai.model", "local"), ("theme", "monokai"), ("timed", "true")],
    }
    env = dict(os.environ)
    scripts = []
    for pairs in runs.values():
        cmds = " && ".join(f"{sys.executable} -m coach config set {k} {v}" for k, v in pairs)
        scripts.append(["/bin/sh", "-c", cmds])
    procs = [subprocess.Popen(s, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for s in scripts]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    shown = subprocess.run([sys.executable, "-m", "coach", "config", "show"], capture_output=True,
                           text=True, env=env, cwd=REPO, timeout=60)
    assert shown.returncode == 0, shown.stderr
    for key, value in runs["left"] + runs["right"]:
        name = key.rsplit(".", 1)[-1]
        assert re.search(rf"^{name} = \"?{value}\"?\s", shown.stdout, re.M), (
            f"{key} = {value} was lost:\n{shown.stdout}"
        )


@pytest.mark.pty
def test_two_apps_in_two_terminals_keep_their_own_drafts(isolated_env: dict[str, Path]) -> None:
    """Two `coach practice` at once for the same user: each draft lands in its own session."""
    from tests.helpers.proc import spawn_coach, wait_for_drafts, wait_for_question_1

    with spawn_coach("practice", "--questions", "2") as left, spawn_coach("practice", "--questions", "2") as right:
        for term in (left, right):
            wait_for_question_1(term)
        left.type("From the left terminal: I rebuilt the on-call rota.")
        right.type("From the right terminal: I ran the customer survey.")
        drafts = wait_for_drafts(
            Store(isolated_env["data"]),
            ["From the left terminal: I rebuilt the on-call rota.",
             "From the right terminal: I ran the customer survey."],
        )
        assert drafts[0].id != drafts[1].id
