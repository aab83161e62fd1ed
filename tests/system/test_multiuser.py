"""Two people on one box: each user's files are private, whatever their umask.

Runs as root (CI does): creates two throwaway users, installs coach into a
venv every user can run (tests/helpers/multiuser.py), runs real `coach`
commands and the app as each of them with umask 000, and checks that

* data and config dirs are 0700 and every file 0600 (sessions, drafts saved
  by the app, the index and its lock, the config, exports);
* the other user gets "Permission denied" on all of it, and coach run by the
  other user says so in one line without showing a word of it;
* an administrator's shared config and banks (COACH_SYSTEM_DIR) reach both
  users, and each user's own files override them for that user only;
* `coach doctor` warns about a data file others can read and says how to fix it.

The users are deleted (userdel -r) afterwards, even when a test fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.multiuser import ThrowawayUser, shared_venv, skip_unless_root_tools, throwaway_users
from tests.helpers.proc import PtyProcess, child_env, wait_for_question_1

pytestmark = pytest.mark.root

SECRET_ANSWER = "My private answer about the reorganisation at Northwind, not for colleagues."

CREATE_SESSION = f"""
from coach.config import load_settings
from coach.domain.models import Answer
from coach.store import Store
store = Store.from_settings(load_settings())
answer = Answer(question_id="gen.proud-achievement", question="What are you proud of?",
                text={SECRET_ANSWER!r}, status="submitted")
session = store.create("second", "general", answers=[answer])
session.status = "complete"
store.save(session)
print(store.resolve(session.id))
"""

SHARED_BANK = """
id = "{id}"
title = "{title}"
description = "Questions an administrator installed for everyone on this box."

[[questions]]
id = "{id}.why-here"
text = "What drew you to apply to a team like ours?"
rounds = ["phone"]
roles = ["any"]
type = "motivational"
competencies = ["motivation"]
"""


class Box:
    """The shared box: two users, the venv, and the administrator's system dir."""

    def __init__(self, a: ThrowawayUser, b: ThrowawayUser, venv: Path, system: Path) -> None:
        self.a, self.b, self.venv, self.system = a, b, venv, system
        self.coach = venv / "bin" / "coach"
        self.python = venv / "bin" / "python"

    def env(self, user: ThrowawayUser) -> dict[str, str]:
        return user.env(COACH_SYSTEM_DIR=str(self.system))

    def coach_as(self, user: ThrowawayUser, *args: str, umask: int = 0o000):
        return user.run([self.coach, *args], umask=umask, env=self.env(user))

    def data_dir(self, user: ThrowawayUser) -> Path:
        return user.home / ".local" / "share" / "coach"

    def config_dir(self, user: ThrowawayUser) -> Path:
        return user.home / ".config" / "coach"


@pytest.fixture(scope="module")
def box() -> Iterator[Box]:
    skip_unless_root_tools()
    venv = shared_venv()
    system = Path(tempfile.mkdtemp(prefix="coach-system-"))
    try:
        os.chmod(system, 0o755)
        (system / "banks").mkdir(mode=0o755)
        (system / "config.toml").write_text(
            'role = "data-analyst"\n[openai]\nbase_url = "http://127.0.0.1:9/v1"\nmodel = "box-model"\n'
        )
        (system / "banks" / "shared.toml").write_text(SHARED_BANK.format(id="box-shared", title="Shared on this box"))
        for p in [system, *system.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        with throwaway_users(2) as (a, b):
            yield Box(a, b, venv, system)
    finally:
        shutil.rmtree(system)


@pytest.fixture(scope="module")
def a_files(box: Box) -> dict[str, Path]:
    """User A's files, each made by a real coach command (or the app) under umask 000."""
    a = box.a
    files: dict[str, Path] = {}
    r = box.coach_as(a, "config", "set", "questions", "3")
    assert r.returncode == 0, r.stderr
    files["config"] = box.config_dir(a) / "config.toml"

    r = a.run([box.python, "-c", CREATE_SESSION], umask=0o000, env=box.env(a), check=True)
    files["session"] = Path(r.stdout.strip())

    r = box.coach_as(a, "history", "--json")
    assert r.returncode == 0, r.stderr
    files["index"] = box.data_dir(a) / "index.json"

    r = box.coach_as(a, "feedback", files["session"].stem, "--backend", "offline")
    assert r.returncode == 0, r.stdout + r.stderr

    files["export"] = a.home / "debrief.md"
    r = box.coach_as(a, "export", files["session"].stem, "-o", str(files["export"]))
    assert r.returncode == 0, r.stderr

    # A draft saved by the app itself when the terminal goes away.
    draft = "Half an answer about my manager, typed in the app"
    with PtyProcess(a.command([box.coach, "practice", "--questions", "2"], umask=0o000, env=box.env(a)),
                    env=child_env()) as term:
        wait_for_question_1(term)
        term.type(draft)
        term.wait_for(draft)
        term.send_signal(signal.SIGHUP)
        term.wait_exit(5)
    drafts = [p for p in (box.data_dir(a) / "sessions").glob("*.toml") if draft in p.read_text()]
    assert len(drafts) == 1, "the app did not save the draft on SIGHUP"
    files["draft"] = drafts[0]
    return files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_dirs_0700_and_files_0600_under_umask_000(box: Box, a_files: dict[str, Path]) -> None:
    for root in (box.data_dir(box.a), box.config_dir(box.a)):
        assert mode(root) == 0o700, f"{root} is {mode(root):04o}"
        for path in root.rglob("*"):
            want = 0o700 if path.is_dir() else 0o600
            assert mode(path) == want, f"{path} is {mode(path):04o}, want {want:04o}"
            assert path.stat().st_uid == box.a.uid, f"{path} is not owned by {box.a.name}"
    assert mode(a_files["export"]) == 0o600, f"export is {mode(a_files['export']):04o}"
    for name in ("session", "draft", "index", "config"):
        assert mode(a_files[name]) == 0o600, name


@pytest.mark.parametrize("name", ["session", "draft", "index", "config", "export"])
def test_other_user_cannot_read(box: Box, a_files: dict[str, Path], name: str) -> None:
    r = box.b.run(["cat", a_files[name]])
    assert r.returncode != 0 and "Permission denied" in r.stderr, (name, r.stdout[:200], r.stderr)
    assert SECRET_ANSWER not in r.stdout


def test_other_user_cannot_list_sessions(box: Box, a_files: dict[str, Path]) -> None:
    r = box.b.run(["ls", a_files["session"].parent])
    assert r.returncode != 0 and "Permission denied" in r.stderr


def test_coach_as_other_user_refuses_in_one_line(box: Box, a_files: dict[str, Path]) -> None:
    b = box.b
    session = a_files["session"]
    r = box.coach_as(b, "export", str(session))
    assert r.returncode == 1
    assert SECRET_ANSWER not in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if str(session) in ln]
    assert len(lines) == 1 and "denied" in lines[0].lower(), r.stderr

    r = box.coach_as(b, "--data-dir", str(box.data_dir(box.a)), "history", "--json")
    assert SECRET_ANSWER not in r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    assert "denied" in (r.stdout + r.stderr).lower(), (r.stdout, r.stderr)

    r = box.coach_as(b, "feedback", str(session), "--backend", "offline")
    assert r.returncode == 1 and SECRET_ANSWER not in r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr

    # B's own history is empty: nothing of A's leaks into it.
    r = box.coach_as(b, "history", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []


def test_shared_config_reaches_everyone_and_user_files_override(box: Box, a_files: dict[str, Path]) -> None:
    a, b = box.a, box.b
    r = box.coach_as(a, "config", "set", "role", "software-engineer")
    assert r.returncode == 0, r.stderr
    shown_a = box.coach_as(a, "config", "show").stdout
    shown_b = box.coach_as(b, "config", "show").stdout
    assert 'role = "software-engineer"' in shown_a
    assert 'role = "data-analyst"' in shown_b, shown_b
    for shown in (shown_a, shown_b):
        assert 'model = "box-model"' in shown and "127.0.0.1:9" in shown
    assert "questions = 3" in shown_a and "questions = 5" in shown_b


def test_shared_banks_reach_everyone_and_user_banks_override(box: Box, a_files: dict[str, Path]) -> None:
    a, b = box.a, box.b
    user_banks = box.config_dir(a) / "banks"
    mine = user_banks / "mine.toml"
    r = a.run(["sh", "-c", f"mkdir -p {user_banks} && cat > {mine}"], umask=0o077,
              input=SHARED_BANK.format(id="box-shared", title="My own version"), check=True)
    assert r.returncode == 0
    listed_a = box.coach_as(a, "banks", "list")
    listed_b = box.coach_as(b, "banks", "list")
    assert listed_a.returncode == 0 and listed_b.returncode == 0, listed_a.stderr + listed_b.stderr
    assert "My own version" in listed_a.stdout and "Shared on this box" not in listed_a.stdout
    assert "Shared on this box" in listed_b.stdout and "My own version" not in listed_b.stdout
    assert "general" in listed_b.stdout


def test_doctor_warns_about_files_others_can_read(box: Box, a_files: dict[str, Path]) -> None:
    a = box.a
    session = a_files["session"]
    os.chmod(session, 0o644)
    try:
        r = box.coach_as(a, "doctor")
        out = r.stdout + r.stderr
        assert str(session) in out or "readable by others" in out, out
        assert "chmod" in out, out
    finally:
        os.chmod(session, 0o600)
    r = box.coach_as(a, "doctor")
    assert "readable by others" not in r.stdout + r.stderr
