"""The evil corpus: hostile entries next to good sessions, configs and banks.

Built by a fixture (nothing binary is committed): a FIFO, a socket, a symlink
to /dev/null, a symlink loop, a broken symlink, TOML and edit-log JSON nested
100,000 deep, a 100 MB (sparse) file, and the files that already passed
(truncated, binary, wrong types, future schema_version, NUL, bad UTF-8). Each
test asserts what the user sees (one line naming the file and why), that the
good sessions beside them still list, open and export, and that nothing on
disk changed. Every subprocess has a timeout, so a hang fails the test
instead of stalling the suite.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from coach.domain.models import SCHEMA_VERSION, Answer, Edit, Session
from coach.store import Store, StoreError, read_session_file

REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60  # seconds; a hang on a FIFO would otherwise stall the suite
DEEP = 100_000
BIG = 100 * 1024 * 1024

ANSWER_TEXT = (
    "At my last job our release process kept failing on Fridays. I wrote a checklist,"
    " ran the next three releases myself and cut failed releases from four a month to none."
)

# What each hostile entry's one line must say (lower-cased substring).
REASONS = {
    "fifo": "fifo",
    "socket": "socket",
    "devnull": "character device",
    "loop": "too many levels of symbolic links",
    "broken": "broken symbolic link",
    "deep_toml": "nested too deeply",
    "deep_edit_log": "nested too deeply",
    "big": "too large",
    "truncated": "toml",
    "binary": "utf-8",
    "wrong_types": "round",
    "future": "newer",
    "nul": "toml",
    "bad_utf8": "utf-8",
}


# ------------------------------------------------------------------ helpers


def run_coach(*args: str, input: str | None = None, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    """`python -m coach ARGS` with the test's environment; fails (TimeoutExpired) instead of hanging."""
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, input=input,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )


def lines_naming(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


def one_clear_line(result: subprocess.CompletedProcess[str], needle: str) -> str:
    """Exactly one stderr line names ``needle``, and no traceback; returns it."""
    assert "Traceback" not in result.stderr, result.stderr
    found = lines_naming(result.stderr, needle)
    assert len(found) == 1, f"expected one line naming {needle!r} on stderr, got:\n{result.stderr}"
    return found[0]


def tree_state(root: Path) -> dict[str, Any]:
    """Every entry under ``root`` without opening anything but regular files (a FIFO must not block us).

    Regular files by sha256 (a 100 MB sparse file too), symlinks by target,
    others by type and mode. index.json/index.lock are a cache, left out.
    """
    state: dict[str, Any] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            if name in ("index.json", "index.lock"):
                continue
            st = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                state[key] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                with open(path, "rb") as fh:
                    for chunk in iter(lambda: fh.read(1 << 20), b""):
                        h.update(chunk)
                state[key] = ("file", st.st_size, stat.S_IMODE(st.st_mode), h.hexdigest())
            else:
                state[key] = ("other", stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode))
    return state


def good_session(store: Store, role: str = "general") -> Session:
    """A complete, valid session with one submitted answer and its edit log, saved."""
    edits = [Edit(t_ms=1000 + i * 10, pos=i, removed=0, text=ch) for i, ch in enumerate(ANSWER_TEXT)]
    answer = Answer(
        question_id="gen.handled-a-setback",
        question="Tell me about a time something you were responsible for went wrong.",
        type="behavioral",
        text=ANSWER_TEXT,
        status="submitted",
        edits=edits,
    )
    session = store.create("second", role, answers=[answer])
    session.status = "complete"
    store.save(session)
    return session


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """``fn()`` in a daemon thread; fails the test if it has not returned in ``seconds`` (e.g. blocked on a FIFO)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{fn} did not return within {seconds}s (blocked?)"
    if "error" in box:
        raise box["error"]
    return box.get("value")


def make_socket(path: Path) -> None:
    """A Unix socket file at ``path`` (bound from its directory: socket paths are short)."""
    old = os.getcwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.bind(path.name)
    finally:
        os.chdir(old)


# ------------------------------------------------------------------ corpus


@pytest.fixture
def store(isolated_env: dict[str, Path]) -> Store:
    return Store(isolated_env["data"])


@pytest.fixture
def corpus(store: Store, tmp_path: Path) -> dict[str, Path]:
    """Two good sessions and one entry of every hostile kind, named like session files."""
    good = good_session(store)
    other = good_session(store, role="software-engineer")
    text = store.resolve(good.id).read_text()
    sessions = store.sessions_dir
    files: dict[str, Path] = {"good": store.resolve(good.id), "good2": store.resolve(other.id)}

    def name(n: int, kind: str) -> Path:
        path = sessions / f"20240101T0000000{n:02d}-1-{kind[:6].ljust(6, 'x')}.toml"
        files[kind] = path
        return path

    def with_id(path: Path, body: str) -> str:
        return body.replace(good.id, path.stem)

    os.mkfifo(name(1, "fifo"))
    make_socket(name(2, "socket"))
    os.symlink("/dev/null", name(3, "devnull"))
    loop = name(4, "loop")
    os.symlink(loop.name, loop)
    os.symlink(str(tmp_path / "nowhere" / "gone.toml"), name(5, "broken"))

    deep_toml = name(6, "deep_toml")
    deep_toml.write_text(with_id(deep_toml, text) + "\nextra = " + "[" * DEEP + "]" * DEEP + "\n")

    deep_log = name(7, "deep_edit_log")
    start = text.index("edit_log = '") + len("edit_log = '")
    end = text.index("'", start)
    deep_log.write_text(with_id(deep_log, text[:start] + "[" * DEEP + "]" * DEEP + text[end:]))

    big = name(8, "big")
    with open(big, "wb") as fh:  # a valid header, then 100 MB of holes: fast to make, costs no disk
        fh.write(with_id(big, text).encode())
        fh.truncate(BIG)

    truncated = name(9, "truncated")
    truncated.write_text(with_id(truncated, text)[: len(text) // 2])
    name(10, "binary").write_bytes(b"\x00\xff\xfe garbage \x89PNG\r\n" * 10)
    wrong = name(11, "wrong_types")
    wrong.write_text(with_id(wrong, text).replace('round = "second"', "round = 5"))
    future = name(12, "future")
    future.write_text(with_id(future, text).replace(f"schema_version = {SCHEMA_VERSION}", "schema_version = 99"))
    nul = name(13, "nul")
    nul.write_bytes(with_id(nul, text).replace('role = "general"', 'role = "gen\x00eral"').encode())
    bad = name(14, "bad_utf8")
    bad.write_bytes(with_id(bad, text).encode().replace(b"release", b"rel\xc3\x28ase", 1))
    for path in files.values():
        if path.is_file() and not path.is_symlink():
            os.chmod(path, 0o600)
    return files


EVIL = [k for k in REASONS]


# ------------------------------------------------------------ sessions folder


def test_history_json_lists_every_entry_with_its_reason_and_changes_nothing(
    store: Store, corpus: dict[str, Path]
) -> None:
    before = tree_state(store.root)
    for _ in range(2):  # the second run reads through the index the first one wrote
        result = run_coach("history", "--json")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
        assert set(rows) == {p.name for p in corpus.values()}
        for kind in ("good", "good2"):
            assert rows[corpus[kind].name]["error"] is None
            assert rows[corpus[kind].name]["n_answers"] == 1
        for kind, needle in REASONS.items():
            reason = rows[corpus[kind].name]["error"]
            assert reason and "\n" not in reason, f"{kind}: {reason!r}"
            assert needle in reason.lower(), f"{kind}: {reason!r}"
        assert tree_state(store.root) == before


def test_store_listings_never_block_and_skip_only_the_bad(store: Store, corpus: dict[str, Path]) -> None:
    before = tree_state(store.root)
    good_ids = {corpus["good"].stem, corpus["good2"].stem}
    rows = within(30, store.list_sessions)
    assert {r.id for r in rows if r.error is None} == good_ids
    assert {s.id for s in within(30, lambda: list(store.iter_sessions()))} == good_ids
    assert within(30, store.resumable) == []
    assert "gen.handled-a-setback" in within(30, lambda: store.recent_question_ids(20))
    attempts = within(30, lambda: store.attempts_of("gen.handled-a-setback", limit=5))
    assert {a.session_id for a in attempts} == good_ids
    for kind, needle in REASONS.items():
        with pytest.raises(StoreError) as info:
            within(10, lambda kind=kind: store.load(corpus[kind].stem))
        assert info.value.path == corpus[kind]
        assert needle in info.value.reason.lower() and "\n" not in str(info.value)
    assert tree_state(store.root) == before


@pytest.mark.parametrize("kind", EVIL)
def test_export_and_feedback_of_an_evil_entry_say_why_in_one_line(
    store: Store, corpus: dict[str, Path], kind: str, tmp_path: Path
) -> None:
    before = tree_state(store.root)
    bad = corpus[kind]
    out = tmp_path / "out.md"
    for args in (["export", bad.stem, "-o", str(out)], ["export", str(bad)], ["feedback", bad.stem]):
        result = run_coach(*args)
        assert result.returncode == 1, f"coach {' '.join(args)}: {result.returncode}\n{result.stderr}"
        line = one_clear_line(result, bad.name)
        assert REASONS[kind] in line.lower(), line
        assert not out.exists()
    assert tree_state(store.root) == before


def test_good_sessions_still_export_and_get_feedback_next_to_the_corpus(
    store: Store, corpus: dict[str, Path]
) -> None:
    evil_before = {k: v for k, v in tree_state(store.root).items() if corpus["good"].name not in k}
    for kind in ("good", "good2"):
        result = run_coach("export", corpus[kind].stem, "--format", "md")
        assert result.returncode == 0, result.stderr
        assert ANSWER_TEXT in result.stdout
        result = run_coach("export", corpus[kind].stem, "--format", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["answers"][0]["text"] == ANSWER_TEXT
    result = run_coach("feedback", corpus["good"].stem, "--backend", "offline")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(read_session_file(corpus["good"]).feedback) == 1
    evil_after = {k: v for k, v in tree_state(store.root).items() if corpus["good"].name not in k}
    assert evil_after == evil_before


def _peak_rss_code(args: list[str]) -> str:
    """Run coach's main in this process, then print the peak RSS (KiB) as the last stderr line."""
    return textwrap.dedent(f"""
        import resource, sys
        sys.argv = ["coach", *{args!r}]
        from coach.cli import main
        try:
            code = main()
        except SystemExit as exc:
            code = exc.code
        print("PEAK_RSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
        sys.exit(code or 0)
    """)


@pytest.mark.parametrize("args", [["feedback", "{big}", "--backend", "offline"], ["history", "--json"],
                                  ["export", "{big}"]])
def test_a_100mb_session_file_is_refused_with_bounded_memory(
    store: Store, corpus: dict[str, Path], args: list[str]
) -> None:
    big = corpus["big"]
    assert big.stat().st_size == BIG
    argv = [a.format(big=big.stem) for a in args]
    result = subprocess.run(
        [sys.executable, "-c", _peak_rss_code(argv)], capture_output=True, text=True, timeout=TIMEOUT,
        cwd=REPO, env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert "Traceback" not in result.stderr, result.stderr
    peak_kb = int(lines_naming(result.stderr, "PEAK_RSS_KB")[-1].split()[1])
    assert peak_kb < 200 * 1024, f"coach {' '.join(argv)} peaked at {peak_kb // 1024} MB"
    if args[0] == "history":
        rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
        assert "too large" in rows[big.name]["error"] and "100.0 MB" in rows[big.name]["error"]
    else:
        assert result.returncode == 1
        line = one_clear_line(result, big.name)
        assert "too large" in line and "100.0 MB" in line, line


@pytest.mark.root
def test_symlink_to_a_file_we_may_not_read_is_an_error_row(tmp_path: Path) -> None:
    """As root every file is readable, so this runs as a throwaway user (root tests only)."""
    from tests.helpers.multiuser import shared_venv, skip_unless_root_tools, throwaway_users

    skip_unless_root_tools()
    venv = shared_venv()
    with throwaway_users(1) as (user,):
        data = user.home / "data"
        sessions = data / "sessions"
        user.run(["mkdir", "-p", str(sessions)], check=True)
        user.run(["chmod", "700", str(data), str(sessions)], check=True)
        secret = user.home / "secret.toml"
        secret.write_text("schema_version = 1\n")
        os.chmod(secret, 0o000)
        os.chown(secret, user.uid, user.gid)
        link = sessions / "20240101T000000000-1-secret.toml"
        os.symlink(secret, link)
        os.lchown(link, user.uid, user.gid)
        env = user.env(COACH_DATA_DIR=str(data))
        result = user.run([venv / "bin" / "coach", "history", "--json"], env=env, timeout=TIMEOUT)
        assert result.returncode == 0, result.stderr
        rows = {Path(r["path"]).name: r for r in json.loads(result.stdout)}
        assert "permission denied" in rows[link.name]["error"].lower()
        result = user.run([venv / "bin" / "coach", "export", link.stem], env=env, timeout=TIMEOUT)
        assert result.returncode == 1
        assert "permission denied" in one_clear_line(result, link.name).lower()


# ------------------------------------------------------------ config, banks


@pytest.fixture
def good_config(isolated_env: dict[str, Path]) -> Path:
    isolated_env["config"].mkdir(parents=True, exist_ok=True)
    os.chmod(isolated_env["config"], 0o700)
    path = isolated_env["config"] / "config.toml"
    path.write_text("questions = 3\n")
    return path


@pytest.mark.parametrize("evil", ["fifo", "deep", "deep_table", "devnull"])
@pytest.mark.parametrize("layer", ["system", "system_env", "user"])
def test_an_evil_config_file_is_one_line_and_the_other_layers_still_apply(
    isolated_env: dict[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, evil: str, layer: str
) -> None:
    if layer == "user":
        isolated_env["config"].mkdir(parents=True)
        path = isolated_env["config"] / "config.toml"
        (isolated_env["system"]).mkdir(parents=True)
        (isolated_env["system"] / "config.toml").write_text("questions = 3\n")
    else:
        isolated_env["config"].mkdir(parents=True)
        (isolated_env["config"] / "config.toml").write_text("questions = 3\n")
        if layer == "system":
            isolated_env["system"].mkdir(parents=True)
            path = isolated_env["system"] / "config.toml"
        else:
            path = tmp_path / "elsewhere.toml"
            monkeypatch.setenv("COACH_SYSTEM_CONFIG", str(path))
    if evil == "fifo":
        os.mkfifo(path)
    elif evil == "devnull":
        os.symlink("/dev/null", path)
    elif evil == "deep":
        path.write_text("questions = " + "[" * DEEP + "]" * DEEP + "\n")
    else:
        path.write_text("[openai]\nmodel = " + "{a = " * DEEP + "1" + "}" * DEEP + "\n")
    before = tree_state(tmp_path)
    result = run_coach("config", "show")
    assert result.returncode == 1, result.stderr  # `config show` exits 1 while any layer has a problem
    line = one_clear_line(result, str(path))
    assert ("fifo" in line.lower() if evil == "fifo" else
            "character device" in line if evil == "devnull" else "nested too deeply" in line), line
    assert "questions" in result.stdout and "3" in result.stdout  # the good layer still counts
    result = run_coach("history", "--json")
    assert result.returncode == 0, result.stderr
    one_clear_line(result, str(path))
    assert tree_state(tmp_path) == before


def test_an_evil_config_is_never_rewritten_by_config_set(isolated_env: dict[str, Path]) -> None:
    isolated_env["config"].mkdir(parents=True)
    path = isolated_env["config"] / "config.toml"
    os.mkfifo(path)
    result = run_coach("config", "set", "questions", "4")
    assert result.returncode != 0
    assert "fifo" in one_clear_line(result, str(path)).lower()
    assert stat.S_ISFIFO(path.lstat().st_mode)


@pytest.mark.parametrize("evil", ["fifo", "deep", "socket", "big"])
def test_an_evil_bank_is_one_line_and_the_other_banks_load(isolated_env: dict[str, Path], evil: str) -> None:
    banks = isolated_env["config"] / "banks"
    banks.mkdir(parents=True)
    bad = banks / "evil.toml"
    if evil == "fifo":
        os.mkfifo(bad)
    elif evil == "socket":
        make_socket(bad)
    elif evil == "deep":
        bad.write_text('id = "x"\ntitle = "X"\ndescription = "d"\nq = ' + "[" * DEEP + "]" * DEEP + "\n")
    else:
        with open(bad, "wb") as fh:
            fh.truncate(BIG)
    before = tree_state(banks)
    result = run_coach("banks", "list")
    assert result.returncode in (0, 1), result.stderr
    line = one_clear_line(result, "evil.toml")
    assert {"fifo": "fifo", "socket": "socket", "deep": "nested too deeply", "big": "too large"}[evil] in line.lower()
    assert "software-engineer" in result.stdout  # the shipped banks still load
    assert tree_state(banks) == before


# ------------------------------------------------------------ analyze


def test_analyze_reports_a_too_deep_line_and_answers_every_later_line() -> None:
    good = json.dumps({"id": 1, "question": "Tell me about a conflict.", "answer": ANSWER_TEXT})
    deep = "[" * DEEP + "]" * DEEP
    deep_obj = '{"id": 2, "question": "q", "answer": "a", "x": ' + "{\"a\": " * DEEP + "1" + "}" * DEEP + "}"
    deep_id = json.dumps({"id": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],
                          "question": "q", "answer": "a"})
    later = json.dumps({"id": 5, "question": "Why this job?", "answer": ANSWER_TEXT})
    result = run_coach("analyze", input="\n".join([good, deep, deep_obj, deep_id, later]) + "\n")
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 5
    assert out[0]["id"] == 1 and "pointers" in out[0]
    for n in (2, 3):
        assert out[n - 1]["line"] == n and "nested too deeply" in out[n - 1]["error"], out[n - 1]
    assert out[3]["line"] == 4 and "'id'" in out[3]["error"] and "nested" in out[3]["error"]
    assert out[4]["id"] == 5 and "pointers" in out[4]


def test_analyze_parses_a_50mb_line_as_it_is() -> None:
    from coach.commands.analyze import parse_line

    answer = "word " * (10 * 1024 * 1024)
    ident, fields = parse_line(json.dumps({"id": "big", "question": "q", "answer": answer}), {})
    assert ident == "big" and len(fields["answer"]) == len(answer)


# ------------------------------------------------------------ planted symlinks, claims


def test_planted_symlink_as_index_lock_is_never_followed(store: Store, tmp_path: Path) -> None:
    store.root.mkdir(parents=True)
    os.chmod(store.root, 0o700)
    victim = tmp_path / "victim.txt"  # does not exist: following the link would create it
    os.symlink(victim, store.lock_path)
    session = good_session(store)
    assert read_session_file(store.resolve(session.id)).answers[0].text == ANSWER_TEXT
    assert not victim.exists()
    assert store.lock_path.is_symlink()  # left as it was: not followed, not replaced


def test_fifo_as_index_lock_or_index_does_not_block_a_save_or_a_listing(store: Store) -> None:
    store.root.mkdir(parents=True)
    os.chmod(store.root, 0o700)
    os.mkfifo(store.lock_path)
    os.mkfifo(store.index_path)
    session = within(20, lambda: good_session(store))
    assert [r.id for r in within(20, store.list_sessions)] == [session.id]


def test_planted_symlink_at_a_temp_name_is_never_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach import fsutil

    target = tmp_path / "target.txt"
    target.write_text("old\n")
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    monkeypatch.setattr(fsutil.secrets, "token_hex", lambda n: "feedbeef")
    os.symlink(victim, fsutil.temp_name_for(target))
    with pytest.raises(OSError) as info:
        fsutil.atomic_write_bytes(target, b"new\n")
    assert info.value.filename == str(target)
    assert victim.read_text() == "do not touch\n"
    assert target.read_text() == "old\n"


def test_planted_symlink_at_a_session_path_is_refused_not_followed(store: Store, tmp_path: Path) -> None:
    good_session(store)
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    planted = store.sessions_dir / "20300101T000000000-1-planted.toml"
    os.symlink(victim, planted)
    with pytest.raises(StoreError) as info:
        store.save(Session(id=planted.stem, round="second", role="general"))
    assert info.value.path == planted
    assert victim.read_text() == "do not touch\n"
    assert planted.is_symlink()


def test_planted_symlink_as_config_lock_is_never_followed(isolated_env: dict[str, Path], tmp_path: Path) -> None:
    isolated_env["config"].mkdir(parents=True)
    victim = tmp_path / "victim.txt"  # does not exist: following the link would create it
    lock = isolated_env["config"] / "config.toml.lock"
    os.symlink(victim, lock)
    result = run_coach("config", "set", "questions", "4")
    assert result.returncode != 0
    one_clear_line(result, str(lock))
    assert not victim.exists()
    assert not (isolated_env["config"] / "config.toml").exists()


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EACCES])
def test_a_failed_claim_leaves_no_empty_session_file(
    store: Store, monkeypatch: pytest.MonkeyPatch, err: int
) -> None:
    from coach import fsutil

    good = good_session(store)
    before = tree_state(store.root)

    def fail(path: object, data: bytes) -> None:
        raise OSError(err, os.strerror(err), str(path))

    monkeypatch.setattr(fsutil, "_write_temp", lambda temp, data: fail(temp, data))
    with pytest.raises(StoreError) as info:
        store.create("second", "general")
    assert os.strerror(err) in str(info.value)
    with pytest.raises(StoreError):  # a brand-new id saved from outside: claimed, then the write fails
        store.save(Session(id="20300101T000000000-1-abcdef", round="second", role="general"))
    assert tree_state(store.root) == before
    assert sorted(p.name for p in store.sessions_dir.iterdir()) == [f"{good.id}.toml"]
    monkeypatch.undo()
    again = store.create("second", "general")  # the store still works once the disk does
    assert read_session_file(store.resolve(again.id)).id == again.id


def test_a_claim_refused_by_the_os_is_one_store_error(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    good_session(store)
    real_open = os.open

    def deny(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith(".toml") and flags & os.O_EXCL:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", deny)
    with pytest.raises(StoreError) as info:
        store.create("second", "general")
    assert "Permission denied" in str(info.value)
    monkeypatch.undo()
    assert len(list(store.sessions_dir.glob("*.toml"))) == 1


# ------------------------------------------------------------ directory ownership and modes


@pytest.mark.parametrize("how", ["group-writable", "world-writable", "someone-else's"])
def test_a_data_dir_others_can_write_or_own_is_refused(store: Store, how: str) -> None:
    good = good_session(store)
    directory = store.root
    if how == "someone-else's":
        if os.geteuid() != 0:
            pytest.skip("needs root to give a directory to another user")
        os.chown(directory, 65534, 65534)
    else:
        os.chmod(directory, 0o770 if how == "group-writable" else 0o777)
    before = tree_state(store.root)
    fresh = Store(store.root)
    good_path = store.resolve(good.id)
    for attempt, names in ((lambda: fresh.create("second", "general"), store.sessions_dir),
                           (lambda: fresh.add_feedback(good.id, _feedback()), good_path)):
        with pytest.raises(StoreError) as info:
            attempt()
        assert info.value.path == names  # the session file when there is one, else the sessions folder
        assert str(directory) in info.value.reason and "refusing" in info.value.reason
        assert ("not by you" if how == "someone-else's" else "writable by") in info.value.reason
    result = run_coach("feedback", good.id, "--backend", "offline")
    assert result.returncode == 1
    line = one_clear_line(result, good_path.name)
    assert str(directory) in line and "refusing" in line
    assert tree_state(store.root) == before
    # Reading is still fine: nothing is written there.
    assert [r.id for r in fresh.list_sessions()] == [good.id]


def test_a_sessions_folder_someone_else_owns_is_refused_and_a_loose_one_of_ours_tightened(store: Store) -> None:
    good = good_session(store)
    os.chmod(store.sessions_dir, 0o777)
    Store(store.root).add_feedback(good.id, _feedback())
    assert stat.S_IMODE(store.sessions_dir.stat().st_mode) == 0o700
    if os.geteuid() != 0:
        pytest.skip("needs root to give a directory to another user")
    os.chown(store.sessions_dir, 65534, 65534)
    before = tree_state(store.root)
    with pytest.raises(StoreError) as info:
        Store(store.root).add_feedback(good.id, _feedback())
    assert info.value.path == store.resolve(good.id) and "not by you" in info.value.reason
    with pytest.raises(StoreError):
        Store(store.root).create("second", "general")
    assert tree_state(store.root) == before


def _feedback() -> Any:
    from coach.domain.models import Feedback, Pointer

    return Feedback(backend="offline", pointers=[Pointer(kind="no-result", title="Say how it ended", tip="Close the story.")])


def test_a_config_dir_others_can_write_is_refused(isolated_env: dict[str, Path]) -> None:
    config_dir = isolated_env["config"]
    config_dir.mkdir(parents=True)
    path = config_dir / "config.toml"
    path.write_text("questions = 7\n")
    os.chmod(config_dir, 0o777)
    result = run_coach("config", "show")
    assert result.returncode == 1, result.stderr
    line = one_clear_line(result, str(path))
    assert "writable by" in line and "0777" in line
    assert "7" not in [w.strip() for w in result.stdout.replace("=", " ").split()]
    result = run_coach("config", "set", "questions", "4")
    assert result.returncode != 0
    assert "writable by" in one_clear_line(result, str(config_dir))
    assert path.read_text() == "questions = 7\n"


# ------------------------------------------------------------ the app


@pytest.mark.pty
def test_app_history_with_a_fifo_in_the_folder_opens_and_quits(store: Store, corpus: dict[str, Path]) -> None:
    from tests.helpers.proc import spawn_coach

    before = tree_state(store.root)
    with spawn_coach("history", cols=120, rows=40) as term:
        term.wait_until(lambda s: "unreadable" in s.lower(), 30, "the history list with its unreadable rows")
        term.press("ctrl+q")
        assert term.wait_exit(10) == 0
    assert tree_state(store.root) == before
