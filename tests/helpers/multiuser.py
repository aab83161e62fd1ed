"""Run coach as other Unix users: throwaway accounts and a venv they can all use.

Used by tests/test_multiuser.py and tests/test_ssh.py, which need root (CI runs
as root). Three pieces:

* `skip_unless_root_tools()` — a one-line pytest skip when the tests cannot
  create users (not root, or useradd/runuser missing).
* `shared_venv()` — coach installed (non-editable, from a copy of the repo)
  into a virtual environment made from the distribution's own /usr/bin/python3
  under /opt, readable by every user. The test interpreter and its packages may
  live under /root, which other users cannot enter. The venv is keyed by a hash
  of pyproject.toml (the dependencies) and coach is reinstalled into it, without
  touching the dependencies, whenever the hash of the source changes, so reruns
  cost nothing and a source edit costs a few seconds.
* `ThrowawayUser` / `throwaway_users()` — create users with a random suffix,
  run commands as them with a clean login-like environment and a chosen umask
  (`runuser -u USER -- env -i ...`), and always remove them (`userdel -r`),
  killing any process of theirs first, by pid.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")
VENV_PARENT = Path("/opt")
VENV_PREFIX = "coach-test-venv-"
USER_PREFIX = "coacht"
#: A file in each throwaway user's home, so stale ones can be told apart from real users.
MARKER = ".coach-throwaway-user"
#: What goes into the wheel (see pyproject.toml): the source copy holds only these.
SOURCE_ITEMS = ("pyproject.toml", "README.md", "coach", "prompts")


# ------------------------------------------------------------------ skipping


def root_tools_missing() -> str | None:
    """Why the multi-user tests cannot run here, or None when they can."""
    if os.geteuid() != 0:
        return "needs root to create throwaway users (CI runs as root)"
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool) is None:
            return f"needs `{tool}` (package passwd/util-linux; .ci/run installs it)"
    if not SYSTEM_PYTHON.is_file():
        return f"needs the distribution's {SYSTEM_PYTHON} to build a venv every user can read"
    return None


def skip_unless_root_tools() -> None:
    """pytest.skip with a one-line reason when users cannot be created here."""
    reason = root_tools_missing()
    if reason:
        pytest.skip(reason)


# ---------------------------------------------------------------------- venv


def _iter_source_files() -> Iterator[Path]:
    for item in SOURCE_ITEMS:
        path = REPO / item
        if path.is_file():
            yield path
        elif path.is_dir():
            for sub in sorted(path.rglob("*")):
                if sub.is_file() and "__pycache__" not in sub.parts and sub.suffix != ".pyc":
                    yield sub


def source_hash() -> str:
    """Hash of everything that goes into the wheel (names and contents)."""
    h = hashlib.sha256()
    for path in _iter_source_files():
        h.update(str(path.relative_to(REPO)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def deps_hash() -> str:
    """Hash of pyproject.toml (the dependency set) and the system python's version."""
    h = hashlib.sha256((REPO / "pyproject.toml").read_bytes())
    h.update(os.fsencode(os.path.realpath(SYSTEM_PYTHON)))
    return h.hexdigest()[:12]


def _run(argv: Sequence[str | os.PathLike[str]], what: str, timeout: float = 600) -> None:
    result = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=timeout
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"{what} failed ({result.returncode}): {' '.join(map(str, argv))}\n"
            f"{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )


def _copy_source(dest: Path) -> None:
    """Copy the wheel's inputs to `dest`, readable by everyone."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for item in SOURCE_ITEMS:
        src = REPO / item
        if src.is_dir():
            shutil.copytree(src, dest / item, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.is_file():
            shutil.copy2(src, dest / item)


def _make_world_readable(root: Path) -> None:
    """chmod a+rX on a tree (the venv may be created under a restrictive umask)."""
    for dirpath, dirnames, filenames in os.walk(root):
        os.chmod(dirpath, os.stat(dirpath).st_mode | 0o555)
        for name in filenames:
            p = os.path.join(dirpath, name)
            if not os.path.islink(p):
                mode = os.stat(p).st_mode
                os.chmod(p, mode | 0o444 | (0o111 if mode & 0o100 else 0))


def prune_old_venvs(keep: Path) -> None:
    """Remove shared venvs built for an older pyproject.toml (nobody is using them).

    A venv counts as in use while its lock file is held; those are left alone.
    """
    for old in VENV_PARENT.glob(f"{VENV_PREFIX}*"):
        if old == keep or old.suffix == ".lock" or not old.is_dir():
            continue
        lock_path = old.with_name(old.name + ".lock")
        with open(lock_path, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another test run is building or using it
            shutil.rmtree(old)
        lock_path.unlink(missing_ok=True)


@functools.cache
def shared_venv() -> Path:
    """A venv every user can run, with this checkout's coach installed (non-editable).

    /opt/coach-test-venv-<deps hash>/bin/coach. Built once per dependency set,
    coach reinstalled when the source hash changes; a file lock keeps two test
    processes from building it at once. Raises RuntimeError with pip's output
    when building fails.
    """
    venv = VENV_PARENT / f"{VENV_PREFIX}{deps_hash()}"
    lock_path = VENV_PARENT / f"{VENV_PREFIX}{deps_hash()}.lock"
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        src_stamp = venv / ".coach-source-hash"
        deps_ok = venv / ".coach-deps-ok"
        want = source_hash()
        if deps_ok.is_file() and src_stamp.is_file() and src_stamp.read_text() == want:
            return venv
        old_umask = os.umask(0o022)
        try:
            src = venv / "src"
            pip = venv / "bin" / "pip"
            if not deps_ok.is_file():
                if venv.exists():
                    shutil.rmtree(venv)
                _run([SYSTEM_PYTHON, "-m", "venv", venv], "making the shared venv (python3-venv)")
                _run([pip, "install", "-q", "hatchling>=1.21"], "installing hatchling into the venv")
                _copy_source(src)
                _run([pip, "install", "-q", "--no-build-isolation", src], "installing coach")
                deps_ok.write_text("ok\n")
            else:
                _copy_source(src)
                _run(
                    [pip, "install", "-q", "--no-deps", "--no-build-isolation",
                     "--force-reinstall", src],
                    "reinstalling coach",
                )
            src_stamp.write_text(want)
            _make_world_readable(venv)
        finally:
            os.umask(old_umask)
    prune_old_venvs(keep=venv)
    return venv


# --------------------------------------------------------------------- users


def clean_env(
    user: str, home: Path, *, term: str = "xterm-256color", extra: Mapping[str, str] | None = None
) -> dict[str, str]:
    """A login-like environment for `user`: no COACH_* or XDG_* leaking from the test."""
    env = {
        "HOME": str(home),
        "USER": user,
        "LOGNAME": user,
        "SHELL": "/bin/sh",
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "TERM": term,
    }
    env.update(extra or {})
    return env


def pids_of(uid: int) -> list[int]:
    """Pids of the processes whose real uid is `uid` (from /proc)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as f:
                for line in f:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except (FileNotFoundError, ProcessLookupError):
            continue
    return pids


@dataclass
class ThrowawayUser:
    """A Unix user created for one test module; `delete()` removes it and its home."""

    name: str
    uid: int
    gid: int
    home: Path

    @classmethod
    def create(cls) -> ThrowawayUser:
        """useradd a user with a random name, a home (0755, like many shared boxes) and no
        password (``*``: not locked, so sshd without PAM accepts its keys)."""
        name = f"{USER_PREFIX}{secrets.token_hex(4)}"
        _run(
            ["useradd", "--create-home", "--shell", "/bin/sh", "--user-group",
             "--password", "*", name],
            f"useradd {name}",
            timeout=60,
        )
        pw = pwd.getpwnam(name)
        home = Path(pw.pw_dir)
        # World-searchable home: privacy must come from coach's own modes, not from ~.
        os.chmod(home, 0o755)
        (home / MARKER).write_text(f"{time.time()}\n")
        return cls(name=name, uid=pw.pw_uid, gid=pw.pw_gid, home=home)

    def kill_processes(self) -> None:
        """SIGKILL every process of this user, by pid, and wait briefly for them to go."""
        for _ in range(50):
            pids = pids_of(self.uid)
            if not pids:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)
            time.sleep(0.1)

    def delete(self) -> None:
        """Kill the user's processes and `userdel -r` it (home and group too)."""
        self.kill_processes()
        result = subprocess.run(
            ["userdel", "-r", self.name], capture_output=True, text=True, timeout=60
        )
        # 12: could not remove the home or mail spool (e.g. no mail spool); the user is gone.
        if result.returncode not in (0, 12):
            raise RuntimeError(f"userdel -r {self.name} failed: {result.stderr.strip()}")
        if self.home.exists() and (self.home / MARKER).exists():
            shutil.rmtree(self.home)

    def env(self, **extra: str) -> dict[str, str]:
        """This user's clean environment plus `extra`."""
        return clean_env(self.name, self.home, extra=extra)

    def command(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        umask: int = 0o022,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
    ) -> list[str]:
        """argv that runs `argv` as this user with a clean env, a umask and a cwd (default ~).

        Uses setpriv when present: it execs (as does the shell after setting the
        umask), so the process started *is* the user's command and signals sent
        to it reach the command itself; runuser otherwise.
        """
        env = dict(self.env() if env is None else env)
        script = f'umask {umask:03o}; cd "$0" && exec "$@"'
        if shutil.which("setpriv"):
            switch = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--init-groups", "--"]
        else:
            switch = ["runuser", "-u", self.name, "--"]
        return [
            *switch,
            "env", "-i", *(f"{k}={v}" for k, v in env.items()),
            "/bin/sh", "-c", script, str(cwd or self.home), *map(str, argv),
        ]

    def run(
        self,
        argv: Sequence[str | os.PathLike[str]],
        *,
        umask: int = 0o022,
        env: Mapping[str, str] | None = None,
        input: str | None = None,
        timeout: float = 60,
        check: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run `argv` as this user; returns the CompletedProcess (text mode).

        With check=True a non-zero exit raises AssertionError showing stdout/stderr.
        """
        result = subprocess.run(
            self.command(argv, umask=umask, env=env),
            input=input, capture_output=True, text=True, timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"as {self.name}: {' '.join(map(str, argv))} exited {result.returncode}\n"
                f"stdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
            )
        return result


def sweep_stale_users(max_age_s: float = 3600) -> None:
    """Remove throwaway users left behind by an earlier run that was killed outright.

    Only users named coacht* whose home holds our marker file older than
    `max_age_s` are touched.
    """
    for pw in pwd.getpwall():
        if not pw.pw_name.startswith(USER_PREFIX):
            continue
        marker = Path(pw.pw_dir) / MARKER
        try:
            age = time.time() - marker.stat().st_mtime
        except FileNotFoundError:
            continue
        if age > max_age_s:
            ThrowawayUser(pw.pw_name, pw.pw_uid, pw.pw_gid, Path(pw.pw_dir)).delete()


@contextlib.contextmanager
def throwaway_users(n: int) -> Iterator[list[ThrowawayUser]]:
    """Create `n` throwaway users; delete all of them on exit, even on failure."""
    sweep_stale_users()
    users: list[ThrowawayUser] = []
    try:
        for _ in range(n):
            users.append(ThrowawayUser.create())
        yield users
    finally:
        errors = []
        for user in users:
            try:
                user.delete()
            except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
                errors.append(str(exc))
        if errors:
            raise RuntimeError("cleaning up throwaway users: " + "; ".join(errors))


# ----------------------------------------------------------------------- ssh


SSHD = Path("/usr/sbin/sshd")


def ssh_tools_missing() -> str | None:
    """Why the SSH tests cannot run here, or None when they can."""
    reason = root_tools_missing()
    if reason:
        return reason
    if not SSHD.is_file():
        return f"needs OpenSSH's server at {SSHD} (package openssh-server; .ci/run installs it)"
    for tool in ("ssh", "ssh-keygen"):
        if shutil.which(tool) is None:
            return f"needs `{tool}` (package openssh-client; .ci/run installs it)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody is listening on right now."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SshServer:
    """A private sshd on 127.0.0.1 at a free high port, for throwaway users only.

    Temporary host key and client key (ssh-keygen, ed25519), key auth only,
    StrictModes on, no PAM, no pid file, logs to `workdir/sshd.log`. Each
    user's ~/.ssh/authorized_keys gets the client key (0700/0600, owned by the
    user). Use as a context manager; `stop()` terminates the server by pid and
    removes the keys from the users' homes.
    """

    def __init__(self, workdir: Path, users: Sequence[ThrowawayUser]) -> None:
        self.workdir = workdir
        self.users = list(users)
        self.port = 0
        self.client_key = workdir / "client_ed25519"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "sshd.log"

    def start(self) -> SshServer:
        """Generate keys, write the config, start sshd and wait until it accepts connections."""
        import socket

        self.workdir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.workdir, 0o700)
        host_key = self.workdir / "host_ed25519"
        for key in (host_key, self.client_key):
            _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "coach-test",
                  "-f", key], f"ssh-keygen {key.name}")
        pub = (self.client_key.with_suffix(".pub")).read_text()
        for user in self.users:
            ssh_dir = user.home / ".ssh"
            ssh_dir.mkdir(mode=0o700, exist_ok=True)
            keys = ssh_dir / "authorized_keys"
            keys.write_text(pub)
            os.chmod(ssh_dir, 0o700)
            os.chmod(keys, 0o600)
            os.chown(ssh_dir, user.uid, user.gid)
            os.chown(keys, user.uid, user.gid)
        self.port = free_port()
        config = self.workdir / "sshd_config"
        config.write_text(
            "\n".join([
                f"Port {self.port}",
                "ListenAddress 127.0.0.1",
                f"HostKey {host_key}",
                "PidFile none",
                "UsePAM no",
                "StrictModes yes",
                "PubkeyAuthentication yes",
                "AuthorizedKeysFile .ssh/authorized_keys",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin no",
                f"AllowUsers {' '.join(u.name for u in self.users)}",
                "PermitUserEnvironment no",
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "AllowAgentForwarding no",
                "PrintMotd no",
                "PrintLastLog no",
                "UseDNS no",
                "LogLevel VERBOSE",
                "",
            ])
        )
        # Privilege separation directory; a fresh container may not have it.
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        _run([SSHD, "-t", "-f", config], "sshd -t (config check)")
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                [str(SSHD), "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + 10
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sshd exited ({self.proc.returncode}):\n{self.log()}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            if time.monotonic() > deadline:
                raise RuntimeError(f"sshd not listening on {self.port} after 10s:\n{self.log()}")
            time.sleep(0.05)

    def log(self) -> str:
        """sshd's log so far (for failure messages)."""
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except FileNotFoundError:
            return ""

    def ssh_argv(self, user: ThrowawayUser, *remote: str, tty: bool = True) -> list[str]:
        """argv for the local ssh client logging in as `user` and running `remote`."""
        return [
            "ssh", "-tt" if tty else "-T",
            "-F", "/dev/null",
            "-i", str(self.client_key),
            "-p", str(self.port),
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=no",
            "-o", "UserKnownHostsFile=/dev/null",
            "-o", "LogLevel=ERROR",
            "-o", "ConnectTimeout=10",
            f"{user.name}@127.0.0.1",
            *remote,
        ]

    def run(self, user: ThrowawayUser, *remote: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
        """Run a remote command without a tty; returns the CompletedProcess (text)."""
        return subprocess.run(
            self.ssh_argv(user, *remote, tty=False),
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
        )

    def stop(self) -> None:
        """Stop sshd (SIGTERM, then SIGKILL, by pid) and remove the client key from the users."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for user in self.users:
            with contextlib.suppress(FileNotFoundError):
                (user.home / ".ssh" / "authorized_keys").unlink()
        for name in ("host_ed25519", "host_ed25519.pub", "client_ed25519", "client_ed25519.pub"):
            with contextlib.suppress(FileNotFoundError):
                (self.workdir / name).unlink()

    def __enter__(self) -> SshServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
