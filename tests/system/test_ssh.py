"""Over real SSH: practise, lose the link, come back, resume — privately.

Runs as root with OpenSSH's server installed (.ci/run installs it): one private
sshd per module on 127.0.0.1 at a free port (temporary host key, key auth only,
two throwaway users; tests/helpers/multiuser.py). `ssh -tt` runs in a local
pseudo-terminal (tests/helpers/proc.py), exactly as a person's terminal would.
The link is dropped by SIGKILLing the local ssh client: sshd sees the
connection go, closes the session's pty, and the kernel sends coach SIGHUP.
"""

from __future__ import annotations

import json
import signal
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.domain.models import replay_edits
from coach.store import Store, read_session_file
from tests.helpers.multiuser import SshServer, ThrowawayUser, pids_of, shared_venv, ssh_tools_missing, throwaway_users
from tests.helpers.proc import RESUME_RE, PtyProcess, child_env, wait_for_drafts, wait_for_question_1

pytestmark = [pytest.mark.ssh, pytest.mark.root]


class SshBox:
    def __init__(self, server: SshServer, a: ThrowawayUser, b: ThrowawayUser, venv: Path) -> None:
        self.server, self.a, self.b = server, a, b
        self.coach = str(venv / "bin" / "coach")

    def terminal(self, user: ThrowawayUser, *coach_args: str, umask: str = "000") -> PtyProcess:
        """`ssh -tt user@127.0.0.1 coach ARGS` in a local 80×24 pty (remote umask as given)."""
        remote = f"umask {umask}; exec env LANG=C.UTF-8 {self.coach} " + " ".join(coach_args)
        return PtyProcess(self.server.ssh_argv(user, remote), env=child_env(term="xterm-256color"))

    def store(self, user: ThrowawayUser) -> Store:
        return Store(user.home / ".local" / "share" / "coach")


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshBox]:
    reason = ssh_tools_missing()
    if reason:
        pytest.skip(reason)
    venv = shared_venv()
    with throwaway_users(2) as (a, b):
        server = SshServer(tmp_path_factory.mktemp("sshd"), [a, b])
        try:
            server.start()
            yield SshBox(server, a, b, venv)
        finally:
            server.stop()


def wait_gone(user: ThrowawayUser, timeout: float = 5.0) -> None:
    """Wait until `user` has no processes left (their coach exited after the hang-up)."""
    deadline = time.monotonic() + timeout
    while pids_of(user.uid):
        if time.monotonic() > deadline:
            raise AssertionError(f"{user.name} still has processes {pids_of(user.uid)} {timeout}s after the link dropped")
        time.sleep(0.05)


def test_ssh_runs_commands_as_the_user(box: SshBox) -> None:
    # The uid and sshd's $USER, not `id -un`: on a box whose /etc/passwd is 0600 a
    # non-root user cannot look its own name up, and coach must work there too.
    r = box.server.run(box.a, 'id -u; echo "$USER"')
    assert r.returncode == 0, f"{r.stderr}\n{box.server.log()}"
    assert r.stdout.split() == [str(box.a.uid), box.a.name], r.stdout + r.stderr
    r = box.server.run(box.b, f"{box.coach} --version")
    assert r.returncode == 0 and r.stdout.startswith("coach "), r.stdout + r.stderr


def test_dropped_link_saves_draft_privately_and_resumes(box: SshBox) -> None:
    a = box.a
    store = box.store(a)
    draft = "Over ssh: I rebuilt the deploy pipeline after the outage"
    with box.terminal(a, "practice", "--questions", "2") as term:
        wait_for_question_1(term, timeout=40)
        term.type(draft)
        term.wait_for(draft)
        term.send_signal(signal.SIGKILL)  # the local ssh client: the link is gone
        term.wait_exit(5)
    wait_gone(a)

    files = sorted(store.sessions_dir.glob("*.toml"))
    assert len(files) == 1, [f.name for f in files]
    path = files[0]
    st = path.stat()
    assert st.st_uid == a.uid and st.st_gid == a.gid, "the draft is not owned by the user"
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert stat.S_IMODE(store.sessions_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.root.stat().st_mode) == 0o700
    session = read_session_file(path)
    assert session.status == "in-progress"
    assert session.answers[0].text == draft
    edits_before = list(session.answers[0].edits)

    # The other user cannot read it, over ssh either.
    r = box.server.run(box.b, f"cat {path}")
    assert r.returncode != 0 and "Permission denied" in r.stderr and draft not in r.stdout
    r = box.server.run(box.b, f"{box.coach} history --json")
    assert r.returncode == 0 and json.loads(r.stdout) == [], r.stdout + r.stderr

    # Come back: the home screen offers the session first; the text is intact.
    more = ", and cut deploy time from an hour to ten minutes."
    with box.terminal(a) as term:
        term.wait_until(lambda s: RESUME_RE.search(s) is not None, 40, "the resume offer")
        term.press("r")
        screen = wait_for_question_1(term)
        assert draft in screen
        term.type(more)
        wait_for_drafts(store, [draft + more])
        term.press("ctrl+q")
        term.wait_exit(10)
    wait_gone(a)
    resumed = read_session_file(path)
    assert resumed.id == session.id
    answer = resumed.answers[0]
    assert answer.text == draft + more
    assert answer.edits[: len(edits_before)] == edits_before
    assert replay_edits(answer.edits) == answer.text
    assert sorted(store.sessions_dir.glob("*.toml")) == [path]
