"""Start-up: time to first frame in a pseudo-terminal, memory at first frame, `coach --help`.

    python benchmarks/bench_startup.py [--runs N]

The app is started as a real process on a pseudo-terminal (80x24) and its
output is fed to a pyte screen. "First frame" is the moment the screen text
last changed before it stayed still for QUIET_S seconds. The same is done for a
minimal Textual app (one Static widget) in the same run, runs interleaved, and
coach's time is reported as a ratio of the two medians (budget <= 1.3x).

Resident memory is read from /proc/<pid>/status when the screen last changed
(VmRSS) and after it settled (VmHWM, the peak so far); budget <= 80 MB with the
offline backend.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import INFO, MISS, OK, REPO, Row, child_env, coach_command, median_spread, row

QUIET_S = 0.6  # the screen must stay unchanged this long to count as settled
TIMEOUT_S = 20.0
COLS, ROWS = 80, 24

MINIMAL_APP = '''\
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("Hello from a minimal Textual app")


Minimal().run()
'''

#: The home screen's widgets and stylesheets with fixed values and no coach
#: import (no pydantic, settings, banks or store): the floor Textual itself sets
#: for that screen. Placed between the minimal app and coach, it splits the
#: ratio into "Textual widgets" and "coach's own work".
WIDGETS_APP = '''\
from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Label, Select, Static, TextArea

TUI = {tui!r}


class Home(Screen):
    CSS_PATH = TUI + "/screens/home.tcss"

    def compose(self):
        with VerticalScroll(id="home"):
            with Horizontal(id="title-row"):
                yield Static("coach · interview practice", id="title")
                yield Static("feedback: offline rules", id="backend")
            yield Static("", id="problems", classes="notice")
            with Vertical(id="resume-box"):
                yield Button("Resume", id="resume", compact=True)
                yield Static("", id="resume-more")
            yield Static("New round", classes="section")
            for label, options in (("Round", ["Phone screen", "Competency round", "Final round"]),
                                   ("Role", ["general", "software-engineer", "product-manager"]),
                                   ("Questions", [str(n) for n in range(1, 11)])):
                with Horizontal(classes="row"):
                    yield Label(label, classes="label")
                    yield Select([(o, o) for o in options], value=options[1], allow_blank=False, compact=True)
            with Horizontal(classes="row"):
                yield Label("Timer", classes="label")
                yield Checkbox("soft timer (warns, never cuts you off)", False, id="timed", compact=True)
            with Horizontal(classes="row job-row"):
                yield Label("Job", classes="label")
                yield TextArea("", id="job", soft_wrap=True, tab_behavior="focus", compact=True,
                               placeholder="optional: a file path, or paste the job description")
            yield Button("Start round", id="start", variant="primary", compact=True)
        yield Footer()

    def on_mount(self):
        self.query_one("#resume-box").display = False
        self.query_one("#start", Button).focus()


class Widgets(App):
    CSS_PATH = TUI + "/app.tcss"

    def get_default_screen(self):
        return Home()


Widgets().run()
'''


@dataclass
class PtyRun:
    first_frame_s: float  # spawn -> last change of the screen text
    rss_kb: int  # VmRSS when the screen last changed
    hwm_kb: int  # VmHWM once settled (peak resident memory so far)
    first_paint_s: float = 0.0  # spawn -> first non-blank screen text
    display: list[str] = field(default_factory=list)
    exit_code: int | None = None


def proc_status_kb(pid: int) -> dict[str, int]:
    """VmRSS, VmHWM… in kB from /proc/<pid>/status ({} if the process is gone)."""
    out: dict[str, int] = {}
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return out
    for line in text.splitlines():
        if line.startswith("Vm") and line.endswith("kB"):
            key, _, value = line.partition(":")
            out[key] = int(value.split()[0])
    return out


def _read(master: int) -> bytes:
    try:
        return os.read(master, 65536)
    except OSError:  # EIO: the child closed the terminal
        return b""


def run_in_pty(
    argv: Sequence[str],
    env: dict[str, str],
    *,
    quiet_s: float = QUIET_S,
    timeout_s: float = TIMEOUT_S,
    quit_keys: bytes = b"\x11",  # ctrl+q
    cols: int = COLS,
    rows: int = ROWS,
) -> PtyRun:
    """Start argv on a new pty, wait for the screen to settle, record it, then quit with quit_keys."""
    import pyte

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = dict(env, TERM=env.get("TERM", "xterm-256color"), COLUMNS=str(cols), LINES=str(rows))
    screen = pyte.Screen(cols, rows)
    stream = pyte.ByteStream(screen)
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True, close_fds=True,
    )
    os.close(slave)
    last_display: list[str] = list(screen.display)
    last_change: float | None = None
    first_paint: float | None = None
    rss_kb = 0
    try:
        while True:
            now = time.perf_counter()
            if now - start > timeout_s:
                raise TimeoutError(f"{argv[0]}: screen did not settle in {timeout_s:.0f} s")
            if last_change is not None and now - last_change >= quiet_s:
                break
            ready, _, _ = select.select([master], [], [], 0.02)
            if not ready:
                if proc.poll() is not None:
                    raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode} before settling:\n"
                                       + "\n".join(screen.display).rstrip())
                continue
            data = _read(master)
            if not data:
                if proc.poll() is not None or proc.wait(timeout=1) is not None:
                    raise RuntimeError(f"{' '.join(argv)} closed the terminal (exit {proc.returncode}):\n"
                                       + "\n".join(screen.display).rstrip())
                continue
            stream.feed(data)
            display = list(screen.display)
            if display != last_display and any(line.strip() for line in display):
                last_change = time.perf_counter()
                last_display = display
                if first_paint is None:
                    first_paint = last_change
                rss_kb = proc_status_kb(proc.pid).get("VmRSS", rss_kb)
        hwm_kb = proc_status_kb(proc.pid).get("VmHWM", 0)
        assert last_change is not None and first_paint is not None
        result = PtyRun(last_change - start, rss_kb, hwm_kb, first_paint - start, last_display)
        os.write(master, quit_keys)
        deadline = time.perf_counter() + 5
        while proc.poll() is None and time.perf_counter() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                stream.feed(_read(master))
        result.exit_code = proc.poll()
        return result
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        os.close(master)


def _isolated_env(tmp: Path) -> dict[str, str]:
    for name in ("data", "config", "system"):
        (tmp / name).mkdir(exist_ok=True)
    return child_env(
        COACH_DATA_DIR=str(tmp / "data"),
        COACH_CONFIG_DIR=str(tmp / "config"),
        COACH_SYSTEM_DIR=str(tmp / "system"),
    )


def first_frames(runs: int) -> tuple[list[PtyRun], list[PtyRun], list[PtyRun]]:
    """(coach, minimal app, home-widgets app) runs, interleaved, after one discarded warm-up of each."""
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmpdir:
        tmp = Path(tmpdir)
        env = _isolated_env(tmp)
        minimal = tmp / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        coach_argv = coach_command()
        minimal_argv = [sys.executable, str(minimal)]
        widgets = tmp / "widgets_app.py"
        widgets.write_text(WIDGETS_APP.format(tui=str(REPO / "coach" / "tui")))
        widgets_argv = [sys.executable, str(widgets)]
        for argv in (coach_argv, minimal_argv, widgets_argv):
            run_in_pty(argv, env)
        coach_runs: list[PtyRun] = []
        minimal_runs: list[PtyRun] = []
        widget_runs: list[PtyRun] = []
        for _ in range(runs):
            coach_runs.append(run_in_pty(coach_argv, env))
            minimal_runs.append(run_in_pty(minimal_argv, env))
            widget_runs.append(run_in_pty(widgets_argv, env))
        return coach_runs, minimal_runs, widget_runs


def help_times(runs: int) -> tuple[list[float], list[float]]:
    """Wall times of `coach --help` and, for scale, of `python -c pass`."""
    env = child_env()
    help_s: list[float] = []
    bare_s: list[float] = []
    argv = coach_command() + ["--help"]
    subprocess.run(argv, env=env, capture_output=True, check=True)  # warm the page cache
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        help_s.append(time.perf_counter() - t)
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], env=env, capture_output=True, check=True)
        bare_s.append(time.perf_counter() - t)
    return help_s, bare_s


def run(full: bool = False, runs: int | None = None) -> list[Row]:
    runs = runs or (9 if full else 5)
    coach_runs, minimal_runs, widget_runs = first_frames(runs)
    w_t = [r.first_frame_s for r in widget_runs]
    c_t = [r.first_frame_s for r in coach_runs]
    m_t = [r.first_frame_s for r in minimal_runs]
    ratios = [c / m for c, m in zip(c_t, m_t)]
    ratio = median_spread(c_t)[0] / median_spread(m_t)[0]
    rows = [
        row("first frame, minimal Textual app (pty)", m_t, unit="s", fmt="{:.3f}"),
        row("first frame, coach home screen (pty)", c_t, unit="s", fmt="{:.3f}"),
        row("first non-blank paint, coach (pty)", [r.first_paint_s for r in coach_runs], unit="s",
            fmt="{:.3f}", note="first output that shows any text; the frame above is when it stops changing"),
        Row(
            "first frame ratio coach / minimal",
            "≤ 1.3×",
            f"{ratio:.2f}×",
            f"{min(ratios):.2f}–{max(ratios):.2f} (pairs, n={len(ratios)})",
            OK if ratio <= 1.3 else MISS,
        ),
        row("first frame, home-screen widgets only, no coach code (pty)", w_t, unit="s", fmt="{:.3f}",
            note=f"{median_spread(w_t)[0] / median_spread(m_t)[0]:.2f}× minimal: the old form-first home's widgets, for scale"),
        row("RSS at first frame, coach, offline (VmRSS)", [r.rss_kb / 1024 for r in coach_runs],
            unit="MiB", budget="≤ 80 MB", passed=lambda v: v * 1.048576 <= 80, fmt="{:.1f}"),
        row("peak RSS by first frame, coach (VmHWM)", [r.hwm_kb / 1024 for r in coach_runs],
            unit="MiB", budget="≤ 80 MB", passed=lambda v: v * 1.048576 <= 80, fmt="{:.1f}"),
        row("RSS at first frame, minimal app (VmRSS)", [r.rss_kb / 1024 for r in minimal_runs],
            unit="MiB", fmt="{:.1f}"),
    ]
    help_s, bare_s = help_times(max(runs * 2, 10))
    rows.append(row("`coach --help` (wall, new process)", help_s, unit="s", budget="≤ 0.15 s",
                    passed=lambda v: v <= 0.15, fmt="{:.3f}"))
    rows.append(row("`python -c pass` (for scale)", bare_s, unit="s", fmt="{:.3f}"))
    bad = [r for r in coach_runs if "coach" not in r.display[0]]
    if bad:
        rows[1].note = "home screen text not recognised in some runs: " + bad[0].display[0].strip()
    for r in rows:
        if r.verdict == INFO and not r.budget:
            r.budget = "—"
    return rows


def main() -> None:
    from benchmarks.run import print_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print_table(run(runs=args.runs))


if __name__ == "__main__":
    main()
