"""Bad files: each gets one clear line naming it, the rest keeps working, nothing is overwritten.

Real commands in subprocesses (`coach history --json`, `coach banks list`,
`coach config show`, `coach export`, `coach feedback`) plus the store and
config APIs in-process. A full disk is simulated by failing `os.write` with
ENOSPC for files under the test's directories only (in-process with
monkeypatch; in a subprocess through a small wrapper that installs the same
patch before running coach's `main`). An unwritable data dir is a real one:
mode 0500 owned by the user who runs coach (as root, coach runs as `nobody`
from the shared venv, since root ignores modes).
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.domain.models import SCHEMA_VERSION, Answer, Edit, Session
from coach.store import Store, StoreError, read_session_file

REPO = Path(__file__).resolve().parents[2]


# ------------------------------------------------------------------ helpers


def run_coach(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`python -m coach ARGS` with the test's environment (COACH_* dirs from conftest)."""
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO,
        env=dict(os.environ if env is None else env),
    )


def problem_lines(stderr: str, needle: str) -> list[str]:
    """The lines of `stderr` that mention `needle` (usually a file name)."""
    return [line for line in stderr.splitlines() if needle in line]


def assert_one_clear_line(result: subprocess.CompletedProcess[str], needle: str) -> str:
    """Exactly one stderr line names `needle`, and there is no traceback; returns that line."""
    assert "Traceback" not in result.stderr, result.stderr
    lines = problem_lines(result.stderr, needle)
    assert len(lines) == 1, f"expected one line naming {needle!r} on stderr, got:\n{result.stderr}"
    return lines[0]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every regular file under `root` (relative path -> bytes), to compare before/after."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in ("index.json", "index.lock")
    }


ANSWER_TEXT = (
    "At my last job our release process kept failing on Fridays. I wrote a checklist,"
    " ran the next three releases myself and cut failed releases from four a month to none."
)


def good_session(store: Store, text: str = ANSWER_TEXT) -> Session:
    """A complete, valid session with one submitted answer and its edit log."""
    edits = [Edit(t_ms=1000 + i * 10, pos=i, removed=0, text=ch) for i, ch in enumerate(text)]
    answer = Answer(
        question_id="gen.handled-a-setback",
        question="Tell me about a time something you were responsible for went wrong.",
        type="behavioral",
        text=text,
        status="submitted",
        think_ms=1000,
        answer_ms=1000 + 10 * len(text),
        edits=edits,
    )
    session = store.create("second", "general", answers=[answer])
    session.status = "complete"
    store.save(session)
    return session


@pytest.fixture
def store(isolated_env: dict[str, Path]) -> Store:
    return Store(isolated_env["data"])


@pytest.fixture
def bad_sessions(store: Store) -> dict[str, Path]:
    """One good session and one of each kind of bad session file, next to it."""
    good = good_session(store)
    good_path = store.resolve(good.id)
    text = good_path.read_text()
    sessions = store.sessions_dir
    files = {"good": good_path}

    files["truncated"] = sessions / "20240101T000000000-1-aaaaaa.toml"
    files["truncated"].write_text(text[: len(text) // 2])

    files["corrupt"] = sessions / "20240101T000000001-1-bbbbbb.toml"
    files["corrupt"].write_bytes(b"\x00\xff\xfe garbage \x89PNG\r\n" * 10)

    files["future"] = sessions / "20240101T000000002-1-cccccc.toml"
    files["future"].write_text(
        text.replace(f"schema_version = {SCHEMA_VERSION}", "schema_version = 99").replace(good.id, "20240101T000000002-1-cccccc")
    )
    assert "schema_version = 99" in files["future"].read_text()

    files["missing"] = sessions / "20240101T000000003-1-dddddd.toml"
    lines = [ln for ln in text.splitlines() if not ln.startswith("round =")]
    files["missing"].write_text("\n".join(lines).replace(good.id, "20240101T000000003-1-dddddd") + "\n")
    for path in files.values():
        os.chmod(path, 0o600)
    return files


# ------------------------------------------------------------ session files


def test_bad_session_files_are_listed_with_reason_and_never_touched(
    store: Store, bad_sessions: dict[str, Path]
) -> None:
    before = snapshot(store.root)
    result = run_coach("history", "--json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
    assert set(rows) == {p.name for p in bad_sessions.values()}
    assert rows[bad_sessions["good"].name]["error"] is None
    assert rows[bad_sessions["good"].name]["round"] == "second"
    reasons = {kind: rows[path.name]["error"] for kind, path in bad_sessions.items() if kind != "good"}
    for kind, reason in reasons.items():
        assert reason, f"{kind} file listed without a reason"
        assert "\n" not in reason, f"{kind}: reason is not one line: {reason!r}"
    assert "TOML" in reasons["truncated"] or "toml" in reasons["truncated"].lower()
    assert "newer" in reasons["future"] and "99" in reasons["future"]
    assert "round" in reasons["missing"]
    assert snapshot(store.root) == before


@pytest.mark.parametrize("kind", ["truncated", "corrupt", "future", "missing"])
def test_export_and_feedback_of_a_bad_file_say_so_in_one_line(
    store: Store, bad_sessions: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    before = snapshot(store.root)
    bad = bad_sessions[kind]
    out = tmp_path / "out.md"
    for args in (["export", bad.stem, "-o", str(out)], ["export", str(bad)], ["feedback", bad.stem]):
        result = run_coach(*args)
        assert result.returncode == 1, f"coach {' '.join(args)}: {result.returncode}\n{result.stderr}"
        assert_one_clear_line(result, bad.name)
        assert not out.exists()
    assert snapshot(store.root) == before


def test_good_session_still_exports_next_to_bad_ones(
    store: Store, bad_sessions: dict[str, Path], tmp_path: Path
) -> None:
    before = snapshot(store.root)
    good = bad_sessions["good"]
    result = run_coach("export", good.stem, "--format", "md")
    assert result.returncode == 0, result.stderr
    assert ANSWER_TEXT in result.stdout
    result = run_coach("export", good.stem, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["answers"][0]["text"] == ANSWER_TEXT
    assert snapshot(store.root) == before


def test_feedback_on_good_session_appends_and_leaves_bad_files_alone(
    store: Store, bad_sessions: dict[str, Path]
) -> None:
    bad_before = {k: p.read_bytes() for k, p in bad_sessions.items() if k != "good"}
    result = run_coach("feedback", bad_sessions["good"].stem, "--backend", "offline")  # --json only prints
    assert result.returncode == 0, result.stderr
    session = read_session_file(bad_sessions["good"])
    assert len(session.feedback) == 1
    assert session.answers[0].text == ANSWER_TEXT
    assert {k: p.read_bytes() for k, p in bad_sessions.items() if k != "good"} == bad_before


def test_store_api_reports_bad_files_and_refuses_to_overwrite(
    store: Store, bad_sessions: dict[str, Path]
) -> None:
    for kind in ("truncated", "corrupt", "future", "missing"):
        path = bad_sessions[kind]
        before = path.read_bytes()
        with pytest.raises(StoreError) as info:
            store.load(path.stem)
        assert info.value.path == path
        assert str(path) in str(info.value) and "\n" not in str(info.value)
        # A session object with the same id must not be able to replace the damaged file.
        intruder = Session(id=path.stem, round="second", role="general")
        with pytest.raises(StoreError):
            store.save(intruder)
        assert path.read_bytes() == before
    summaries = store.list_sessions()
    assert sum(1 for s in summaries if s.error is None) == 1
    assert sum(1 for s in summaries if s.error) == 4
    assert [s.id for s in store.resumable()] == []


# ------------------------------------------------------------ banks, config


def test_bank_with_toml_syntax_error_is_one_line_and_others_load(isolated_env: dict[str, Path]) -> None:
    banks_dir = isolated_env["config"] / "banks"
    banks_dir.mkdir(parents=True)
    broken = banks_dir / "broken.toml"
    broken.write_text('id = "broken"\ntitle = "Broken"\n[[questions]\nid = "x"\n')
    before = broken.read_bytes()
    result = run_coach("banks", "list")
    # Exit 1 flags the problem (as for any bad input); the listing itself must be complete.
    assert result.returncode in (0, 1), result.stderr
    line = assert_one_clear_line(result, "broken.toml")
    assert str(broken) in line
    assert "general" in result.stdout and "software-engineer" in result.stdout
    assert "broken" not in result.stdout.replace(str(broken), "")
    check = run_coach("banks", "check", str(broken))
    assert check.returncode == 1
    assert "Traceback" not in check.stderr + check.stdout
    assert str(broken) in check.stdout + check.stderr
    assert broken.read_bytes() == before


def test_config_with_unknown_key_keeps_the_rest(isolated_env: dict[str, Path]) -> None:
    cfg_dir = isolated_env["config"]
    cfg_dir.mkdir(parents=True)
    cfg = cfg_dir / "config.toml"
    cfg.write_text('role = "data-analyst"\ncolour = "blue"\n[openai]\nmodel = "local"\n')
    before = cfg.read_bytes()
    result = run_coach("config", "show")
    assert result.returncode in (0, 1), result.stderr
    line = assert_one_clear_line(result, "colour")
    assert str(cfg) in line
    assert 'role = "data-analyst"' in result.stdout
    assert 'model = "local"' in result.stdout
    # Other commands keep working and say the same one line.
    history = run_coach("history", "--json")
    assert history.returncode == 0 and json.loads(history.stdout) == []
    assert cfg.read_bytes() == before
    # Setting another key must not drop the user's file or invent a fix for the bad key.
    result = run_coach("config", "set", "questions", "3")
    assert "Traceback" not in result.stderr
    assert cfg.read_bytes() == before or b'colour = "blue"' in cfg.read_bytes()


def test_config_with_syntax_error_is_one_line_and_never_rewritten(isolated_env: dict[str, Path]) -> None:
    cfg_dir = isolated_env["config"]
    cfg_dir.mkdir(parents=True)
    cfg = cfg_dir / "config.toml"
    cfg.write_text('role = "data-analyst\n')
    before = cfg.read_bytes()
    result = run_coach("config", "show")
    assert result.returncode in (0, 1), result.stderr
    assert 'role = "general"' in result.stdout, "the defaults still apply"
    assert str(cfg) in assert_one_clear_line(result, "config.toml")
    result = run_coach("config", "set", "questions", "3")
    assert result.returncode == 1, "setting a key over a broken config must not replace the file"
    assert str(cfg) in assert_one_clear_line(result, "config.toml")
    assert cfg.read_bytes() == before


# --------------------------------------------------------------- disk full


def _disk_full_code(under: Path) -> str:
    """Python that makes every os.write to a file under `under` fail with ENOSPC."""
    return textwrap.dedent(
        f"""
        import errno, os
        _real_write = os.write
        _UNDER = {str(under)!r}
        def _write(fd, data, _real=_real_write):
            try:
                target = os.readlink(f"/proc/self/fd/{{fd}}")
            except OSError:
                target = ""
            if target.startswith(_UNDER):
                # Part of the data lands, then the disk is full, as in real life.
                if len(data) > 1:
                    _real(fd, bytes(data[: len(data) // 2]))
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return _real(fd, data)
        os.write = _write
        """
    )


def run_coach_disk_full(under: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`coach ARGS` in a subprocess whose writes under `under` fail with ENOSPC."""
    code = _disk_full_code(under) + (
        "\nimport sys\nfrom coach.cli import main\n"
        f"raise SystemExit(main({list(args)!r}))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=REPO,
    )


def test_disk_full_on_save_keeps_old_file_and_names_it(store: Store, tmp_path: Path) -> None:
    session = good_session(store)
    path = store.resolve(session.id)
    before = path.read_bytes()
    session.answers[0].text += " And the team adopted the checklist."
    real = os.write
    namespace: dict[str, object] = {}
    exec(_disk_full_code(tmp_path), namespace)
    try:
        with pytest.raises(StoreError) as info:
            store.save(session)
    finally:
        os.write = real
    assert info.value.path == path
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    assert "space" in str(info.value).lower()
    assert path.read_bytes() == before
    assert [p.name for p in store.sessions_dir.iterdir() if p.name.startswith(".")] == []
    # And once there is room again, the save goes through.
    store.save(session)
    assert read_session_file(path).answers[0].text.endswith("adopted the checklist.")


def test_disk_full_on_config_set_keeps_config(isolated_env: dict[str, Path], tmp_path: Path) -> None:
    cfg = isolated_env["config"] / "config.toml"
    assert run_coach("config", "set", "role", "data-analyst").returncode == 0
    before = cfg.read_bytes()
    result = run_coach_disk_full(tmp_path, "config", "set", "role", "sales")
    assert result.returncode == 1, result.stderr
    line = assert_one_clear_line(result, str(cfg))
    assert "space" in line.lower()
    assert cfg.read_bytes() == before
    assert [p.name for p in cfg.parent.iterdir() if p.name.startswith(".")] == []


def test_disk_full_on_feedback_keeps_session(store: Store, tmp_path: Path) -> None:
    session = good_session(store)
    path = store.resolve(session.id)
    before = path.read_bytes()
    result = run_coach_disk_full(tmp_path, "feedback", session.id, "--backend", "offline")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "space" in assert_one_clear_line(result, str(path)).lower()
    assert path.read_bytes() == before


def test_disk_full_on_export_leaves_no_partial_file(store: Store, tmp_path: Path) -> None:
    session = good_session(store)
    out = tmp_path / "exports" / "debrief.md"
    out.parent.mkdir()
    out.write_text("an older export\n")
    result = run_coach_disk_full(tmp_path, "export", session.id, "-o", str(out))
    assert result.returncode == 1
    assert "space" in assert_one_clear_line(result, str(out)).lower()
    assert out.read_text() == "an older export\n"
    assert sorted(p.name for p in out.parent.iterdir()) == ["debrief.md"]


# ----------------------------------------------------------- unwritable dir


def _as_nobody(argv_tail: list[str]) -> list[str]:
    """argv running the shared venv's coach as `nobody` (file modes apply; root ignores them)."""
    from tests.helpers.multiuser import root_tools_missing, shared_venv

    if os.geteuid() != 0:
        pytest.skip("needs root: the unwritable data dir belongs to another user, who runs coach")
    reason = root_tools_missing()
    if reason or shutil.which("setpriv") is None:
        pytest.skip(reason or "needs setpriv to run coach as another user")
    coach = shared_venv() / "bin" / "coach"
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", str(coach), *argv_tail]


def _unprivileged(argv_tail: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run coach as `nobody` with `env`; returns the CompletedProcess."""
    return subprocess.run(_as_nobody(argv_tail), capture_output=True, text=True, timeout=60,
                          env=env, cwd="/")


@pytest.fixture
def readonly_data_dir() -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """A data dir with one session that `nobody` can read but not write (nor chmod: root owns it),
    and a config dir `nobody` owns. Yields (data dir, session path, env for nobody)."""
    if os.geteuid() != 0:
        pytest.skip("needs root: the unwritable data dir belongs to another user, who runs coach")
    base = Path(tempfile.mkdtemp(prefix="coach-ro-", dir="/tmp"))
    try:
        os.chmod(base, 0o755)
        data, config = base / "data", base / "config"
        store = Store(data)
        session = good_session(store)
        path = store.resolve(session.id)
        config.mkdir(mode=0o700)
        os.chown(config, 65534, 65534)
        for p in [data, *data.rglob("*")]:
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        env = {
            "HOME": str(base), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TERM": "xterm-256color",
            "COACH_DATA_DIR": str(data), "COACH_CONFIG_DIR": str(config),
            "COACH_SYSTEM_DIR": str(base / "system"),
        }
        yield data, path, env
    finally:
        shutil.rmtree(base)


def test_unwritable_data_dir_reads_work_and_writes_say_so(
    readonly_data_dir: tuple[Path, Path, dict[str, str]],
) -> None:
    data, path, env = readonly_data_dir
    before = path.read_bytes()
    listed = _unprivileged(["history", "--json"], env)
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["id"] for r in rows] == [path.stem] and rows[0]["error"] is None
    exported = _unprivileged(["export", path.stem], env)
    assert exported.returncode == 0, exported.stderr
    assert ANSWER_TEXT in exported.stdout
    fb = _unprivileged(["feedback", path.stem, "--backend", "offline"], env)
    assert fb.returncode == 1, fb.stdout + fb.stderr
    line = assert_one_clear_line(fb, path.name)
    assert "permission" in line.lower() or "read-only" in line.lower() or "cannot" in line.lower()
    assert path.read_bytes() == before


def test_store_create_in_unwritable_dir_names_the_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process: a failed create names the path and leaves nothing behind."""
    data = tmp_path / "data"
    store = Store(data)
    good_session(store)
    before = snapshot(data)
    real_open = os.open

    def deny(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if str(path).startswith(str(store.sessions_dir)) and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises((StoreError, PermissionError)) as info:
        store.create("second", "general")
    monkeypatch.undo()
    assert str(store.sessions_dir) in str(info.value)
    assert "\n" not in str(info.value)
    assert snapshot(data) == before


# ------------------------------------------------------------- in the app


def flat(screen: str) -> str:
    """The screen with whitespace and box-drawing borders removed, so wrapped paths read whole."""
    return re.sub(r"[\s\u2580-\u259f\u2500-\u257f]+", "", screen)


@pytest.mark.pty
def test_app_with_unwritable_data_dir_says_so_and_stays_up(
    readonly_data_dir: tuple[Path, Path, dict[str, str]],
) -> None:
    from tests.helpers.proc import HOME_RE, PtyProcess

    data, path, env = readonly_data_dir
    before = snapshot(data)
    with PtyProcess(_as_nobody(["practice", "--questions", "2"]), env=env) as term:
        screen = term.wait_until(
            lambda s: str(data / "sessions").replace(" ", "") in flat(s), 30,
            "a message naming the unwritable data dir",
        )
        assert "denied" in screen.lower() or "cannot" in screen.lower() or "read-only" in screen.lower(), screen
        term.wait_until(lambda s: HOME_RE.search(s) is not None, 10, "the home screen, still usable")
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0
    assert snapshot(data) == before


@pytest.mark.pty
def test_app_disk_full_while_typing_warns_keeps_text_and_saves_later(
    isolated_env: dict[str, Path], tmp_path: Path
) -> None:
    """Autosave fails with ENOSPC: a notice names the file, the old version stays, and the
    answer is saved once there is room again (the 'disk' is full while a flag file exists)."""
    from tests.helpers.proc import PtyProcess, child_env, wait_for_drafts, wait_for_question_1

    full = tmp_path / "disk-is-full"
    code = _disk_full_code(isolated_env["data"]).replace(
        "if target.startswith(_UNDER):", f"if target.startswith(_UNDER) and os.path.exists({str(full)!r}):"
    ) + "\nfrom coach.cli import main\nraise SystemExit(main(['practice', '--questions', '2']))\n"
    store = Store(isolated_env["data"])
    with PtyProcess([sys.executable, "-c", code], env=child_env()) as term:
        wait_for_question_1(term)
        term.type("Saved before the disk filled.")
        (session,) = wait_for_drafts(store, ["Saved before the disk filled."])
        path = store.path_for(session.id)
        full.touch()
        before = path.read_bytes()
        term.type(" Typed while it was full.")
        screen = term.wait_until(lambda s: path.name in flat(s), 10, "a notice naming the session file")
        assert "space" in screen.lower(), screen
        assert path.read_bytes() == before, "a failed save changed the file"
        assert [p.name for p in store.sessions_dir.iterdir() if p.name.startswith(".")] == []
        full.unlink()
        term.type(" And after.")
        wait_for_drafts(store, ["Saved before the disk filled. Typed while it was full. And after."])
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0


@pytest.mark.pty
def test_app_works_among_bad_files(
    isolated_env: dict[str, Path], store: Store, bad_sessions: dict[str, Path]
) -> None:
    """Corrupt sessions, a broken bank and an unknown config key: the app still starts,
    a new round works and saves, and none of the bad files is touched."""
    from tests.helpers.proc import HOME_RE, spawn_coach, wait_for_drafts, wait_for_question_1

    banks = isolated_env["config"] / "banks"
    banks.mkdir(parents=True)
    (banks / "broken.toml").write_text("[[questions]\n")
    (isolated_env["config"] / "config.toml").write_text('colour = "blue"\nquestions = 2\n')
    before = snapshot(isolated_env["config"]) | {
        k: p.read_bytes() for k, p in bad_sessions.items() if k != "good"
    }
    with spawn_coach() as term:
        term.wait_until(lambda s: HOME_RE.search(s) is not None, 30, "the home screen")
        term.press("n")
        wait_for_question_1(term)
        term.type("Still works next to broken files.")
        wait_for_drafts(store, ["Still works next to broken files."])
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0
    after = snapshot(isolated_env["config"]) | {
        k: p.read_bytes() for k, p in bad_sessions.items() if k != "good"
    }
    assert after == before
