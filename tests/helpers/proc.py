"""Drive `coach` as a real process in a pseudo-terminal and read its screen.

`PtyProcess` spawns a command with its stdin/stdout/stderr on the slave side of
a fresh pty (the child is a session leader with the pty as its controlling
terminal, as under a login shell or sshd), a chosen TERM, window size and
environment. A background thread drains the master side continuously (so the
child never blocks on a full pty buffer) into:

* a pyte screen, for `screen_text()` / `wait_for()`;
* the raw byte log, for checks on escape sequences (alt-screen exit, cursor
  shown again) that a screen emulator throws away.

Typing goes to the master side as bytes, exactly what a terminal would send:
`type()` for text, `press()` for named keys, `paste()` for bracketed paste.

Nothing here knows about coach's screens; tests say what to wait for.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from pathlib import Path

import pyte

REPO = Path(__file__).resolve().parents[2]

#: Escape sequences a full-screen app writes when it gives the terminal back.
ALT_SCREEN_EXIT = b"\x1b[?1049l"
CURSOR_SHOW = b"\x1b[?25h"

#: What a terminal sends for common keys (xterm conventions).
KEYS: dict[str, bytes] = {
    "enter": b"\r",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
    "escape": b"\x1b",
    "backspace": b"\x7f",
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "delete": b"\x1b[3~",
    "space": b" ",
    **{f"f{n}": seq for n, seq in zip(range(1, 5), (b"\x1bOP", b"\x1bOQ", b"\x1bOR", b"\x1bOS"))},
    **{f"ctrl+{c}": bytes([ord(c) - 96]) for c in "abcdefghijklmnopqrstuvwxyz"},
}

BRACKETED_PASTE_START = b"\x1b[200~"
BRACKETED_PASTE_END = b"\x1b[201~"


def coach_argv(*args: str) -> list[str]:
    """argv that runs this checkout's coach with the test interpreter."""
    return [sys.executable, "-m", "coach", *args]


def child_env(
    base: Mapping[str, str] | None = None,
    *,
    term: str = "xterm-256color",
    extra: Mapping[str, str | None] | None = None,
) -> dict[str, str]:
    """An environment for a child in a pty.

    Starts from `base` (default: this process's environment, which carries
    the per-test COACH_* dirs from conftest), sets TERM and a UTF-8 locale,
    drops variables that would make the child think it has another size or
    colour setting than the test asked for, then applies `extra` (a value of
    None removes the variable).
    """
    env = dict(os.environ if base is None else base)
    for name in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "COLORTERM", "TEXTUAL",
                 "TMUX", "STY", "PYTEST_CURRENT_TEST"):
        env.pop(name, None)
    env["TERM"] = term
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONUNBUFFERED"] = "1"
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def set_winsize(fd: int, cols: int, rows: int) -> None:
    """Set a tty's window size (TIOCSWINSZ)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class _AnsweringScreen(pyte.Screen):
    """A pyte screen that answers the terminal's queries (DA, cursor position).

    pyte calls `write_process_input` for device-attribute and status reports;
    a real terminal would send those bytes back to the application.
    """

    def __init__(self, cols: int, rows: int, reply: Callable[[str], None]) -> None:
        super().__init__(cols, rows)
        self._reply = reply

    def write_process_input(self, data: str) -> None:
        self._reply(data)

    def draw(self, data: str) -> None:
        """Draw like a terminal that keeps format characters (U+200D, U+200F…).

        pyte stops drawing a run at any zero-width character that is not a
        combining mark, silently losing the rest of the run; a real terminal
        draws on. So each "Cf" character is attached to the cell before the
        cursor (as pyte does for combining marks) and the run goes on.
        """
        start = 0
        for i, char in enumerate(data):
            if unicodedata.category(char) == "Cf":
                if i > start:
                    super().draw(data[start:i])
                self._attach(char)
                start = i + 1
        if start < len(data):
            super().draw(data[start:])

    def _attach(self, char: str) -> None:
        x, y = self.cursor.x, self.cursor.y
        if x:
            line, col = self.buffer[y], x - 1
        elif y:
            line, col = self.buffer[y - 1], self.columns - 1
        else:
            return
        cell = line[col]
        line[col] = cell._replace(data=cell.data + char)


class PtyProcess:
    """A child process on a pseudo-terminal, with a pyte view of its screen.

    Use as a context manager (or call `close()`): on exit the child is killed
    (SIGKILL to its process group) if it is still running and reaped, and the
    master fd is closed, whatever happened in the test.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cols: int = 80,
        rows: int = 24,
        cwd: str | os.PathLike[str] | None = None,
        term: str | None = None,
    ) -> None:
        """Spawn `argv` on a new pty of `cols`×`rows`.

        `env` defaults to `child_env()`; `term`, when given, overrides TERM in
        it. The child is started in its own session with the pty as its
        controlling terminal, so closing the master side or `send_signal`
        behaves as it would for a login session.
        """
        self.argv = list(argv)
        self.env = dict(env) if env is not None else child_env()
        if term is not None:
            self.env["TERM"] = term
        self.cols, self.rows = cols, rows
        self._lock = threading.Lock()
        self._raw = bytearray()
        self._screen = _AnsweringScreen(cols, rows, self._answer)
        self._stream = pyte.ByteStream(self._screen)
        self._eof = threading.Event()
        self._closed = False

        master, slave = os.openpty()
        set_winsize(slave, cols, rows)
        # A sane line discipline, like a fresh terminal: the app puts it in raw mode.
        attrs = termios.tcgetattr(slave)
        attrs[3] |= termios.ECHO | termios.ICANON | termios.ISIG
        termios.tcsetattr(slave, termios.TCSANOW, attrs)

        def _take_ctty() -> None:  # runs in the child after setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        try:
            self.proc = subprocess.Popen(
                self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self.env,
                cwd=cwd,
                start_new_session=True,
                preexec_fn=_take_ctty,
                close_fds=True,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        self.master_fd = master
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read_loop, name=f"pty-{self.pid}", daemon=True)
        self._reader.start()

    # ------------------------------------------------------------- reading

    def _read_loop(self) -> None:
        while True:
            try:
                data = os.read(self.master_fd, 65536)
            except OSError as exc:
                # EIO: every slave fd is closed (the child and its children exited).
                if exc.errno not in (errno.EIO, errno.EBADF):
                    raise
                break
            if not data:
                break
            with self._lock:
                self._raw += data
                self._stream.feed(data)
        self._eof.set()

    def _answer(self, data: str) -> None:
        """Send a terminal's reply to a query back to the child (called under the lock)."""
        if not self._closed:
            try:
                os.write(self.master_fd, data.encode())
            except OSError as exc:
                if exc.errno not in (errno.EIO, errno.EBADF):
                    raise

    def screen_text(self) -> str:
        """The screen as text: one line per row, trailing spaces stripped."""
        with self._lock:
            return "\n".join(line.rstrip() for line in self._screen.display)

    def raw_output(self) -> bytes:
        """Every byte the child has written to the terminal so far."""
        with self._lock:
            return bytes(self._raw)

    def wait_until(
        self, predicate: Callable[[str], bool], timeout: float = 15.0, what: str = "condition"
    ) -> str:
        """Poll the screen until `predicate(screen_text())` holds; return that screen.

        On timeout raise AssertionError with the last screen and the exit status,
        so a failing test shows what the user would have seen.
        """
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen_text()
            if predicate(text):
                return text
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"timed out after {timeout:.1f}s waiting for {what}; "
                    f"exit status {self.proc.poll()}; screen:\n{text}\n"
                    f"--- last raw bytes: {self.raw_output()[-400:]!r}"
                )
            if self._eof.is_set() and self.proc.poll() is not None:
                # The child is gone; give the reader a last look, then fail fast.
                text = self.screen_text()
                if predicate(text):
                    return text
                raise AssertionError(
                    f"process exited ({self.proc.returncode}) while waiting for {what}; "
                    f"screen:\n{text}\n--- last raw bytes: {self.raw_output()[-400:]!r}"
                )
            time.sleep(0.05)

    def wait_for(self, text: str, timeout: float = 15.0) -> str:
        """Wait until `text` appears on the screen (case-sensitive); return the screen."""
        return self.wait_until(lambda screen: text in screen, timeout, what=repr(text))

    def wait_for_any(self, texts: Sequence[str], timeout: float = 15.0) -> str:
        """Wait until any of `texts` appears on the screen; return the screen."""
        return self.wait_until(
            lambda screen: any(t in screen for t in texts), timeout, what=f"any of {list(texts)!r}"
        )

    def wait_raw(self, data: bytes, timeout: float = 5.0) -> None:
        """Wait until `data` appears in the raw output."""
        deadline = time.monotonic() + timeout
        while data not in self.raw_output():
            if time.monotonic() >= deadline:
                raise AssertionError(
                    f"{data!r} not written within {timeout}s; last bytes {self.raw_output()[-300:]!r}"
                )
            time.sleep(0.05)

    # ------------------------------------------------------------- writing

    def write(self, data: bytes) -> None:
        """Write raw bytes to the terminal input (what the user's terminal sends)."""
        view = memoryview(data)
        while view:
            try:
                n = os.write(self.master_fd, view)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            view = view[n:]

    def type(self, text: str, delay: float = 0.0) -> None:
        """Type `text` as keystrokes (newlines become Enter); `delay` seconds between keys."""
        data = text.replace("\n", "\r").encode()
        if delay <= 0:
            self.write(data)
            return
        for ch in text.replace("\n", "\r"):
            self.write(ch.encode())
            time.sleep(delay)

    def press(self, *keys: str) -> None:
        """Press keys: named ones (press("ctrl+s"), press("down", "enter")) or single characters."""
        for key in keys:
            if key in KEYS:
                self.write(KEYS[key])
            elif len(key) == 1:
                self.write(key.encode())
            else:
                raise ValueError(f"unknown key {key!r}; known: {sorted(KEYS)}")
            time.sleep(0.05)

    def paste(self, text: str) -> None:
        """Paste `text` with bracketed paste, as a terminal does when the app enabled it."""
        self.write(BRACKETED_PASTE_START + text.encode() + BRACKETED_PASTE_END)

    def resize(self, cols: int, rows: int) -> None:
        """Change the window size and tell the child (TIOCSWINSZ + SIGWINCH)."""
        set_winsize(self.master_fd, cols, rows)
        with self._lock:
            self._screen.resize(rows, cols)
            self.cols, self.rows = cols, rows
        self.send_signal(signal.SIGWINCH)

    # ------------------------------------------------------------ lifecycle

    def send_signal(self, sig: int) -> None:
        """Send `sig` to the child process (not its whole group)."""
        if self.proc.poll() is None:
            os.kill(self.pid, sig)

    def hang_up(self) -> None:
        """Drop the terminal: close the master side, as when a link goes away.

        The kernel then sends SIGHUP to the child's session.
        """
        if not self._closed:
            self._closed = True
            os.close(self.master_fd)

    def wait_exit(self, timeout: float = 5.0) -> int:
        """Wait for the child to exit; return its status. AssertionError on timeout."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"{self.argv} still running after {timeout}s; screen:\n{self.screen_text()}"
            ) from None

    def drain(self, timeout: float = 2.0) -> None:
        """After the child exited, wait for the reader to see end-of-file."""
        self._eof.wait(timeout)

    def close(self) -> None:
        """Kill the child's process group if still running, reap it, close the pty."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._eof.wait(1.0)
        if not self._closed:
            self._closed = True
            os.close(self.master_fd)
        self._reader.join(1.0)

    def __enter__(self) -> PtyProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def spawn_coach(
    *args: str,
    cols: int = 80,
    rows: int = 24,
    term: str = "xterm-256color",
    extra_env: Mapping[str, str | None] | None = None,
) -> PtyProcess:
    """Start this checkout's `coach ARGS` in a pty with the test's COACH_* dirs."""
    return PtyProcess(
        coach_argv(*args), env=child_env(term=term, extra=extra_env), cols=cols, rows=rows, cwd=REPO
    )


# ------------------------------------------------- what coach's app shows
#
# The few facts about coach's screens that the process-level tests rely on,
# kept in one place (issue 4: the interview screen says "Question 1 of N";
# the home screen offers to resume an interrupted session first).

#: The interview screen's progress line for the first question.
QUESTION_1_RE = re.compile(r"question\s+1\s+of\s+\d+", re.IGNORECASE)
#: The home screen (its main action).
HOME_RE = re.compile(r"start round", re.IGNORECASE)
#: The message shown instead of a broken layout below 80×24.
TOO_SMALL_RE = re.compile(r"too small", re.IGNORECASE)
#: The home screen offering to resume an interrupted session.
RESUME_RE = re.compile(r"\bresume\b", re.IGNORECASE)


def wait_for_question_1(term: PtyProcess, timeout: float = 30.0) -> str:
    """Wait for the interview screen's "Question 1 of N"; return the screen."""
    return term.wait_until(lambda s: QUESTION_1_RE.search(s) is not None, timeout, "Question 1 of N")


def drafts_containing(store: Any, texts: Sequence[str]) -> list[Any] | None:
    """For each text, the session whose answers contain it (None if any is missing yet).

    Reads every session file directly, so it sees what is on disk right now.
    """
    from coach.store import StoreError, read_session_file

    found: list[Any] = []
    paths = sorted(store.sessions_dir.glob("*.toml")) if store.sessions_dir.is_dir() else []
    sessions = []
    for path in paths:
        try:
            sessions.append(read_session_file(path))
        except StoreError:
            continue  # an id being claimed right now; not a session yet
    for text in texts:
        match = next((s for s in sessions if any(text in a.text for a in s.answers)), None)
        if match is None:
            return None
        found.append(match)
    return found


def wait_for_drafts(store: Any, texts: Sequence[str], timeout: float = 5.0) -> list[Any]:
    """Wait until every text is in some saved answer; return the sessions, in order of `texts`."""
    deadline = time.monotonic() + timeout
    while True:
        found = drafts_containing(store, texts)
        if found is not None:
            return found
        if time.monotonic() >= deadline:
            on_disk = []
            for path in sorted(store.sessions_dir.glob("*.toml")) if store.sessions_dir.is_dir() else []:
                on_disk.append(f"{path.name}: {path.read_text(errors='replace')[-600:]!r}")
            raise AssertionError(
                f"not saved within {timeout}s: {list(texts)!r}\non disk:\n" + "\n".join(on_disk)
            )
        time.sleep(0.1)
