"""Hostile conditions where coach must keep secrets and never lose work silently.

Secrets: a server that echoes the API key in its errors (a scripted loopback
server, tests/helpers/llama.py FakeOpenAIServer); configs that try to route
OPENAI_API_KEY to their own server; timeouts that never end. Loss: a full
disk and a read-only data dir (a small tmpfs, mounted here since we run as
root; skipped with the reason where mounting is not allowed), and one session
open in two terminals (two real app processes on one session, in ptys).
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.config import load_settings, settings_problems
from coach.domain.models import Answer
from coach.domain.redact import REDACTED, redact
from coach.store import Lease, LeaseHeld, LeaseLost, Store, StoreError, read_session_file
from coach.store.claims import lease_path, read_lease
from coach.tui.drafts import DraftKeeper, why_not_saved
from tests.helpers.llama import FakeOpenAIServer, Reply
from tests.helpers.proc import REPO, child_env, coach_argv, spawn_coach, wait_for_drafts, wait_for_question_1

SECRET = "sk-proj-Zq81vKd02LmXw93TnB7sYc4Hg6Pa"
#: How servers echo a key back, whole and masked.
ECHOES = [
    f"Incorrect API key provided: {SECRET}.",
    f"Incorrect API key provided: {SECRET[:10]}...{SECRET[-4:]}.",
    f"Incorrect API key provided: {SECRET[:8]}************{SECRET[-4:]}. You can find your key at ...",
    f"invalid token {SECRET[3:20]} for this org",
]
#: Pieces of the key that must never be seen anywhere.
FRAGMENTS = [SECRET, SECRET[:10], SECRET[3:15], SECRET[-12:]]

GENERIC = ("I always try to improve things. I usually ask people what slows them down and then I make a plan. "
           "It is important to involve everyone so they feel ownership of the change.")


def make_session(data_dir: Path):
    store = Store(data_dir)
    answers = [
        Answer(question_id="q1", question="Tell me about a time you improved a process.", text=GENERIC,
               status="submitted"),
        Answer(question_id="q2", question="Do you have any questions for us?", type="closing",
               text="No, thanks.", status="submitted"),
    ]
    return store, store.create("final", "general", answers=answers)


def run_coach(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(coach_argv(*args), capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def all_bytes_under(root: Path) -> bytes:
    """Every regular file under ``root`` (session files, index, anything a log could be)."""
    out = b""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out += path.read_bytes()
    return out


def assert_no_key(*texts: str | bytes) -> None:
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        for fragment in FRAGMENTS:
            assert fragment.encode() not in data, f"key fragment {fragment!r} leaked: {data[:600]!r}"


# ------------------------------------------------------------------ redaction


@pytest.mark.parametrize("echo", ECHOES)
def test_redact_takes_out_whole_and_masked_echoes(echo: str) -> None:
    out = redact(echo, [SECRET])
    assert REDACTED in out
    assert_no_key(out)
    assert out.startswith(echo.split(":")[0][:10])  # the words around it stay


def test_redact_keeps_ordinary_text_and_catches_key_shapes_without_being_told() -> None:
    plain = "http://127.0.0.1:8080/v1 rejected the request (HTTP 400): model 'gpt-4o-mini' is busy... try later."
    assert redact(plain, [SECRET]) == plain
    assert_no_key(redact(f"Bearer {SECRET}"), redact(f"key {SECRET[:9]}...{SECRET[-4:]}"))


@pytest.mark.parametrize("status", [400, 401, 403, 422])
def test_echoed_key_reaches_no_output_notice_or_file(isolated_env: dict[str, Path], status: int) -> None:
    store, session = make_session(isolated_env["data"])
    body = {"error": {"message": ECHOES[1] + " " + ECHOES[0], "type": "invalid_request_error"}}
    with FakeOpenAIServer([Reply(status=status, json_body=body)]) as srv:
        env = {"COACH_OPENAI_API_KEY": SECRET, "COACH_OPENAI_BASE_URL": srv.base_url,
               "COACH_OPENAI_MODEL": "fake-model", "COACH_OPENAI_MAX_RETRIES": "0"}
        fed = run_coach("feedback", session.id, "--backend", "openai", env=env)
        as_json = run_coach("feedback", session.id, "--backend", "openai", "--json", env=env)
        doctor = run_coach("doctor", env={**env, "COACH_BACKEND": "openai"})
        assert srv.auth and srv.auth[0] == f"Bearer {SECRET}"  # the key was really sent (to its own server)
    assert fed.returncode == 0, fed.stderr
    assert "offline rules" in fed.stdout and f"HTTP {status}" in fed.stdout
    saved = store.load(session.id)
    notices = [fb.notice or "" for fb in saved.feedback]
    # The plain run saves its debrief; --json only prints (the key must be in neither).
    assert len(notices) == 1 and all(f"HTTP {status}" in n for n in notices)
    assert f"HTTP {status}" in as_json.stdout
    assert_no_key(fed.stdout, fed.stderr, as_json.stdout, as_json.stderr, doctor.stdout, doctor.stderr,
                  *notices, all_bytes_under(isolated_env["data"]))


async def test_backend_notice_and_progress_never_carry_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.config import OpenAISettings, Settings
    from coach.engine import AnswerItem, ReviewRequest
    from coach.engine.openai import LLMFailure, OpenAIBackend

    monkeypatch.setenv("COACH_OPENAI_API_KEY", SECRET)
    req = ReviewRequest(items=(AnswerItem("q1", "Why this job?", GENERIC),), round="phone")
    body = {"error": {"message": ECHOES[2]}}
    seen = []
    with FakeOpenAIServer([Reply(status=400, json_body=body)]) as srv:
        settings = Settings(backend="openai", openai=OpenAISettings(base_url=srv.base_url, max_retries=0))
        backend = OpenAIBackend.from_settings(settings)
        fb = await backend.review(req, seen.append)
        with pytest.raises(LLMFailure) as failure:
            await backend.complete_text(system="s", prompt="p")
        await backend.aclose()
    assert fb.backend == "offline" and "HTTP 400" in (fb.notice or "")
    assert_no_key(fb.notice or "", str(failure.value), repr([p.extra for p in seen]))


async def test_service_redacts_a_plugin_backends_notice_and_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    from coach.domain.models import Feedback
    from coach.engine import AnswerItem, Backend, ReviewRequest
    from coach.services.review import ReviewService

    monkeypatch.setenv("OPENAI_API_KEY", SECRET)

    class Leaky(Backend):
        name = "leaky"

        async def review(self, request, progress=None):
            from coach.engine.offline import analyze

            return analyze(request).model_copy(update={"notice": f"used key {SECRET[:12]}...{SECRET[-4:]}"})

    class Broken(Backend):
        name = "broken"

        async def review(self, request, progress=None):
            raise RuntimeError(f"server said: Incorrect API key provided: {SECRET}")

    req = ReviewRequest(items=(AnswerItem("q1", "Why this job?", GENERIC),), round="phone")
    for cls in (Leaky, Broken):
        service = ReviewService(None, cls.name, factory=lambda name, settings, cls=cls: cls())
        async with service:
            fb: Feedback = await service.review_round(req)
        assert fb.notice and REDACTED in fb.notice
        assert_no_key(fb.notice)


# --------------------------------------------------------- where the key goes


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("layer", ["user", "system"])
@pytest.mark.parametrize("route", ["api_key_env", "alias_env", "api_key_file"])
def test_a_config_cannot_send_openai_api_key_to_its_server(
    isolated_env: dict[str, Path], tmp_path: Path, layer: str, route: str
) -> None:
    _store, session = make_session(isolated_env["data"])
    extra = {"OPENAI_API_KEY": SECRET}
    if route == "api_key_env":
        line = 'api_key_env = "OPENAI_API_KEY"'
    elif route == "alias_env":
        line = 'api_key_env = "TEAM_LLM_KEY"'
        extra["TEAM_LLM_KEY"] = SECRET  # the same key under another name
    else:
        key_file = tmp_path / "key"
        key_file.write_text(SECRET + "\n")
        line = f'api_key_file = "{key_file}"'
    with FakeOpenAIServer([Reply(status=401, json_body={"error": {"message": "no"}})]) as srv:
        config = f'backend = "openai"\n[openai]\nbase_url = "{srv.base_url}"\nmodel = "m"\n{line}\n'
        target = isolated_env["config"] if layer == "user" else isolated_env["system"]
        _write(target / "config.toml", config)
        out = run_coach("feedback", session.id, env=extra)
    assert out.returncode == 0, out.stderr
    assert all(SECRET not in auth for auth in srv.auth), srv.auth
    assert "OPENAI_API_KEY" in out.stdout and "COACH_OPENAI_API_KEY" in out.stdout  # the notice says why
    assert_no_key(out.stdout, out.stderr)


def test_openai_base_url_from_openai_env_still_gets_the_key(isolated_env: dict[str, Path]) -> None:
    """The control: the same server named by OPENAI_BASE_URL does get OPENAI_API_KEY."""
    _store, session = make_session(isolated_env["data"])
    with FakeOpenAIServer([Reply(status=401, json_body={"error": {"message": "no"}})]) as srv:
        _write(isolated_env["config"] / "config.toml", 'backend = "openai"\n[openai]\napi_key_env = "OPENAI_API_KEY"\n')
        run_coach("feedback", session.id, env={"OPENAI_API_KEY": SECRET, "OPENAI_BASE_URL": srv.base_url})
    assert srv.auth and srv.auth[0] == f"Bearer {SECRET}"


# ------------------------------------------------------------------ timeouts


@pytest.mark.parametrize("raw", ["inf", "nan", "1e308", "601", "-inf"])
def test_timeouts_are_finite_and_bounded_everywhere(isolated_env: dict[str, Path], raw: str) -> None:
    _write(isolated_env["config"] / "config.toml", f"[openai]\ntimeout_s = {raw}\nconnect_timeout_s = {raw}\n")
    settings = load_settings()
    problems = settings_problems(settings)
    assert settings.openai.timeout_s == 60.0 and settings.openai.connect_timeout_s == 5.0
    assert any("'openai.timeout_s'" in p and "config.toml" in p for p in problems), problems
    assert any("'openai.connect_timeout_s'" in p for p in problems), problems

    from_env = load_settings(env={**os.environ, "COACH_OPENAI_TIMEOUT_S": raw})
    assert any("COACH_OPENAI_TIMEOUT_S" in p and "'openai.timeout_s'" in p for p in settings_problems(from_env))

    out = run_coach("config", "set", "--", "openai.timeout_s", raw)
    assert out.returncode != 0 and "openai.timeout_s" in out.stderr and "Traceback" not in out.stderr


def test_600_seconds_is_allowed_and_options_clamp_whatever_they_get() -> None:
    from types import SimpleNamespace

    from coach.engine.openai import Options

    assert load_settings(env={**os.environ, "COACH_OPENAI_TIMEOUT_S": "600"}).openai.timeout_s == 600.0
    opts, _ = Options.from_settings(SimpleNamespace(openai=SimpleNamespace(timeout_s=float("inf"))), {})
    assert opts.timeout_s == 60.0
    opts, _ = Options.from_settings(SimpleNamespace(openai=SimpleNamespace(timeout_s=1e308)), {})
    assert opts.timeout_s == 600.0


# ------------------------------------------------------------- small tmpfs


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs to fill up or make read-only (skipped where mounting is not allowed)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'mount failed'})")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def remount(mnt: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mnt)], check=True, capture_output=True)


def fill(mnt: Path) -> Path:
    """Fill the tmpfs to the last byte; returns the filler to delete."""
    filler = mnt / "filler"
    with open(filler, "wb") as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    try:
        with open(mnt / "filler2", "wb") as fh:  # the last partial block
            while True:
                fh.write(b"\0" * 512)
                fh.flush()
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    return filler


def unfill(mnt: Path) -> None:
    for name in ("filler", "filler2"):
        (mnt / name).unlink(missing_ok=True)


def test_feedback_in_a_read_only_data_dir_prints_then_says_not_saved(tmpfs: Path) -> None:
    data = tmpfs / "data"
    _store, session = make_session(data)
    path = data / "sessions" / f"{session.id}.toml"
    before = path.read_bytes()
    remount(tmpfs, "ro")
    try:
        out = run_coach("feedback", session.id, env={"COACH_DATA_DIR": str(data)})
    finally:
        remount(tmpfs, "rw")
    assert out.returncode == 1
    assert "Next time:" in out.stdout and "Feedback by offline rules." in out.stdout
    err = out.stderr.strip().splitlines()
    assert len(err) == 1 and "could not be saved" in err[0] and "Read-only" in err[0], err
    assert path.read_bytes() == before


def test_keeper_says_disk_full_counts_unsaved_words_and_recovers(tmpfs: Path) -> None:
    store = Store(tmpfs / "data")
    session = store.create("second", "general", answers=[Answer(question_id="q1", question="Q?")])
    keeper = DraftKeeper(store, session)
    session.answers[0].text = "one two three"
    keeper.save_now()
    session.answers[0].text = "one two three four five"
    keeper.touch()
    fill(tmpfs)
    with pytest.raises(StoreError) as failed:
        keeper.save_now()
    assert keeper.failure == "disk full" and why_not_saved(failed.value) == "disk full"
    assert keeper.dirty and keeper.unsaved_words() == 2
    unfill(tmpfs)
    keeper.save_now()
    assert keeper.failure is None and not keeper.dirty and keeper.unsaved_words() == 0
    assert read_session_file(store.path_for(session.id)).answers[0].text == "one two three four five"


# ------------------------------------------------------------------ leases


def test_lease_names_its_holder_and_a_taken_over_store_stops_saving(isolated_env: dict[str, Path]) -> None:
    store, session = make_session(isolated_env["data"])
    assert store.lease(session.id) is not None
    path = store.path_for(session.id)
    holder = read_lease(lease_path(path))
    assert holder is not None and holder.pid == os.getpid()
    assert (lease_path(path).stat().st_mode & 0o777) == 0o600

    code = f"""
import sys
from coach.store import Store, LeaseHeld
store = Store({str(isolated_env['data'])!r})
try:
    store.lease({session.id!r})
except LeaseHeld as held:
    print("HELD", held.holder.pid, held)
s = store.load({session.id!r})
try:
    store.save(s)
except LeaseHeld as held:
    print("REFUSED", held)
store.lease({session.id!r}, take_over=True)
s.answers[0].text = "the other terminal wrote this"
store.save(s)
print("TOOK OVER")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=30)
    assert f"HELD {os.getpid()}" in out.stdout and "open in another terminal" in out.stdout, out
    assert "REFUSED" in out.stdout and "TOOK OVER" in out.stdout, out
    before = path.read_bytes()
    with pytest.raises(LeaseLost, match="taken over in another terminal"):
        store.save(session)
    assert path.read_bytes() == before
    # The other process is gone: its lease is stale and ours again for the asking.
    assert store.lease(session.id) is not None
    store.save(session)
    store.release(session.id)
    assert not lease_path(path).exists()


def test_a_planted_symlink_as_lease_is_never_followed(isolated_env: dict[str, Path], tmp_path: Path) -> None:
    store, session = make_session(isolated_env["data"])
    victim = tmp_path / "victim"
    victim.write_text("precious")
    lease_path(store.path_for(session.id)).symlink_to(victim)
    with pytest.raises(LeaseHeld):
        Lease.acquire(store.path_for(session.id))
    assert victim.read_text() == "precious"


# ------------------------------------------------------------------ the app


def status_line(screen: str) -> str:
    return next((line for line in screen.splitlines() if "SAVED" in line.upper()), "")


@pytest.mark.pty
def test_full_disk_says_not_saved_and_quitting_asks(tmpfs: Path) -> None:
    data = tmpfs / "data"
    store = Store(data)
    first, later, lost = "Our release kept slipping", " so I set up checkins", " and this part is lost"
    with spawn_coach("practice", "--questions", "2", extra_env={"COACH_DATA_DIR": str(data)}) as term:
        wait_for_question_1(term)
        term.type(first)
        term.wait_until(lambda s: "Saved" in status_line(s), 15, "Saved")
        fill(tmpfs)
        term.type(later)
        screen = term.wait_for("NOT SAVED: disk full", 15)
        assert "Saved " not in status_line(screen)
        term.press("ctrl+q")
        screen = term.wait_for("Quit and lose", 10)
        assert "NOT SAVED: disk full." in screen and re.search(r"lose \d+ words", screen), screen
        term.press("s")  # stay
        term.wait_until(lambda s: "Quit and lose" not in s, 10, "the question to go away")
        assert term.proc.poll() is None
        unfill(tmpfs)  # space again: the retry saves without another keystroke
        term.wait_until(lambda s: "Saved" in status_line(s), 15, "Saved again")
        wait_for_drafts(store, [first + later])
        fill(tmpfs)
        term.type(lost)
        term.wait_for("NOT SAVED: disk full", 15)
        term.press("ctrl+q")
        term.wait_for("Quit and lose", 10)
        term.press("l")
        assert term.wait_exit(10) == 0
        term.drain()
        raw = term.raw_output()
    unfill(tmpfs)
    assert b"Traceback" not in raw
    saved = [read_session_file(p) for p in store.sessions_dir.glob("*.toml")]
    assert len(saved) == 1 and saved[0].answers[0].text == first + later


@pytest.mark.pty
def test_one_session_in_two_terminals(isolated_env: dict[str, Path]) -> None:
    store = Store(isolated_env["data"])
    with spawn_coach("practice", "--questions", "2") as first:
        wait_for_question_1(first)
        first.type("alpha words")
        first.wait_until(lambda s: "Saved" in status_line(s), 15, "Saved")
        (session,) = wait_for_drafts(store, ["alpha words"])
        path = store.path_for(session.id)
        with spawn_coach() as second:
            second.wait_for("Resume", 30)
            second.press("r")
            screen = second.wait_for("open in another terminal", 15)
            assert f"pid {first.pid}" in screen and "since" in screen, screen
            second.press("o")  # read-only
            screen = second.wait_for("READ-ONLY", 15)
            assert "alpha words" in screen
            before = path.read_bytes()
            second.type("zzz")
            time.sleep(1.0)
            assert path.read_bytes() == before
            second.press("escape")
            second.wait_for("Resume", 15)
            second.press("r")
            second.wait_for("open in another terminal", 15)
            second.press("t")  # take it over
            wait_for_question_1(second)
            second.type(" beta")
            wait_for_drafts(store, ["alpha words beta"])
            first.type(" gamma")
            screen = first.wait_for("NOT SAVED: taken over in another terminal", 15)
            assert f"pid {second.pid}" in screen
            time.sleep(1.0)
            on_disk = read_session_file(path).answers[0].text
            assert on_disk == "alpha words beta"
            first.press("ctrl+q")
            first.wait_for("Quit and lose", 10)
            first.press("l")
            assert first.wait_exit(10) == 0
            second.press("ctrl+q")
            assert second.wait_exit(10) == 0
            assert b"Traceback" not in first.raw_output() + second.raw_output()
    assert read_session_file(path).answers[0].text == "alpha words beta"
    assert not lease_path(path).exists()
