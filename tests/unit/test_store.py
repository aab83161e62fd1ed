"""Session files on disk (coach/store/)."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import stat
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import fsutil, store as store_mod
from coach.store import claims, codec, index as index_mod
from coach.domain.models import SCHEMA_VERSION, Answer, Edit, Feedback, Pointer, Session, Strength
from coach.store import (
    SessionSummary,
    Store,
    StoreError,
    session_from_toml,
    session_to_toml,
    time_from_id,
)

# ------------------------------------------------------------------ helpers


def make_feedback(title: str = "Give one real example", backend: str = "offline") -> Feedback:
    return Feedback(
        pointers=[Pointer(kind="no-example", title=title, evidence="I usually", tip="Tell one story.")],
        backend=backend,
    )


def answer(qid: str, text: str = "I led the migration.", status: str = "submitted") -> Answer:
    return Answer(question_id=qid, question=f"Question {qid}?", text=text, status=status)


def files(store: Store) -> list[Path]:
    return sorted(store.sessions_dir.glob("*.toml"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


# ------------------------------------------------------- round trip (hypothesis)

# Unicode with everything a user could paste: RTL, CJK, emoji, combining marks,
# control characters (incl. NUL, CR, DEL, U+2028). Surrogates cannot be UTF-8.
any_text = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(list("שלום مرحبا 漢字かな한국어 👩‍💻🎉\u200f\u202e\x00\r\n\t\x7f\u2028\ufeff")),
    ),
    max_size=200,
)
ids = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True)
aware_times = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(timezone.utc)
).map(lambda d: d.replace(microsecond=(d.microsecond // 1000) * 1000))
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
any_times = st.one_of(aware_times, st.builds(lambda d, tz: d.astimezone(tz), aware_times, offsets))

edits = st.builds(
    Edit,
    t_ms=st.integers(min_value=0, max_value=2**40),
    pos=st.integers(min_value=0, max_value=10**6),
    removed=st.integers(min_value=0, max_value=10**6),
    text=any_text,
)
answers = st.builds(
    Answer,
    question_id=ids,
    question=any_text.filter(bool),
    type=st.one_of(st.none(), st.sampled_from(["behavioral", "situational", "closing"])),
    follow_up_of=st.one_of(st.none(), ids),
    text=st.one_of(any_text, st.just("long answer ✓ " * 5000)),
    status=st.sampled_from(["pending", "draft", "submitted", "skipped"]),
    shown_at=st.one_of(st.none(), any_times),
    think_ms=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
    answer_ms=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
    edits=st.lists(edits, max_size=30),
)
pointers = st.builds(
    Pointer,
    kind=st.sampled_from(["no-example", "no-result", "hedging", "other"]),
    title=any_text.filter(lambda s: 1 <= len(s) <= 160),
    evidence=any_text,
    question_id=st.one_of(st.none(), ids),
    tip=any_text.filter(bool),
    verified=st.booleans(),
)
feedbacks = st.builds(
    Feedback,
    pointers=st.lists(pointers, min_size=1, max_size=2),
    strength=st.one_of(st.none(), st.builds(Strength, title=any_text.filter(bool), evidence=any_text)),
    backend=any_text.filter(bool),
    model=st.one_of(st.none(), any_text),
    created_at=any_times,
    notice=st.one_of(st.none(), any_text),
)
sessions = st.builds(
    Session,
    id=ids,
    kind=st.sampled_from(["practice", "real"]),
    created_at=any_times,
    updated_at=any_times,
    round=st.sampled_from(["phone", "second", "final"]),
    role=any_text.filter(bool),
    job=st.one_of(st.none(), any_text),
    timed=st.booleans(),
    status=st.sampled_from(["in-progress", "complete", "abandoned"]),
    answers=st.lists(answers, max_size=4),
    feedback=st.lists(feedbacks, max_size=3),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions)
def test_session_toml_round_trip_is_exact(session: Session) -> None:
    text = session_to_toml(session)
    back = session_from_toml(text, Path("x.toml"))
    assert back == session
    assert back.model_dump_json() == session.model_dump_json()
    for a, b in zip(back.answers, session.answers):
        assert a.text.encode("utf-8") == b.text.encode("utf-8")
    assert session_to_toml(back) == text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions)
def test_saved_session_loads_back_equal(tmp_path: Path, session: Session) -> None:
    st_ = Store(tmp_path / "rt")
    session = session.model_copy(update={"id": f"rt-{os.urandom(6).hex()}"})
    path = st_.save(session)
    assert st_.load(path) == session


def test_naive_datetimes_are_stored_with_an_offset() -> None:
    naive = datetime(2025, 1, 2, 3, 4, 5)
    session = Session(id="s", round="second", role="general", created_at=naive, updated_at=naive)
    back = session_from_toml(session_to_toml(session), Path("s.toml"))
    assert back.created_at.tzinfo is not None
    assert back.created_at == naive.astimezone(timezone.utc)


def test_none_values_are_left_out_of_the_file() -> None:
    session = Session(id="s", round="final", role="general", answers=[answer("q1")])
    text = session_to_toml(session)
    assert "null" not in text and "None" not in text
    assert "job" not in text and "think_ms" not in text


# ---------------------------------------------------------------- create/save


def test_create_saves_private_file_named_by_time(store: Store, umask000: None) -> None:
    s = store.create("second", "general", answers=[answer("q1")])
    path = store.sessions_dir / f"{s.id}.toml"
    assert path.is_file()
    assert mode(path) == 0o600
    assert mode(store.sessions_dir) == 0o700
    assert mode(store.root) == 0o700
    assert time_from_id(s.id) == s.created_at
    assert store.load(s.id) == s


@pytest.fixture
def umask000():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_ids_sort_by_creation_time(store: Store) -> None:
    created = [store.create("phone", "general") for _ in range(20)]
    names = [p.stem for p in files(store)]
    assert names == sorted(names)
    times = [time_from_id(s.id) for s in created]
    assert times == sorted(times)


def test_create_rejects_bad_values_and_leaves_no_file(store: Store) -> None:
    with pytest.raises(ValueError):
        store.create("lunch", "general")
    assert files(store) == []


def test_save_bumps_updated_at_and_writes_atomically(store: Store) -> None:
    s = store.create("second", "general", answers=[answer("q1", status="draft")])
    before = s.updated_at
    s.answers[0].text = "changed"
    path = store.save(s)
    assert s.updated_at >= before
    assert store.load(path).answers[0].text == "changed"
    assert [p.name for p in store.sessions_dir.iterdir() if fsutil.is_temp_name(p.name)] == []


def test_failed_save_enospc_keeps_old_file_and_raises_clear_error(store: Store, monkeypatch) -> None:
    s = store.create("second", "general", answers=[answer("q1", text="first version")])
    path = store.resolve(s.id)
    old = path.read_bytes()

    def no_space(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsutil.os, "write", no_space)
    s.answers[0].text = "second version"
    with pytest.raises(StoreError) as info:
        store.save(s)
    monkeypatch.undo()
    assert str(path) in str(info.value)
    assert "No space left on device" in str(info.value)
    assert "previous version is intact" in str(info.value)
    assert path.read_bytes() == old
    assert [p.name for p in store.sessions_dir.iterdir() if fsutil.is_temp_name(p.name)] == []


def test_save_refuses_a_file_it_did_not_load(store: Store, tmp_path: Path) -> None:
    store.sessions_dir.mkdir(parents=True)
    foreign = store.sessions_dir / "someone.toml"
    foreign.write_text("not = [valid")
    impostor = Session(id="someone", round="second", role="general")
    with pytest.raises(StoreError, match="refusing to overwrite"):
        store.save(impostor)
    assert foreign.read_text() == "not = [valid"


def test_save_of_a_new_session_object_claims_its_file(store: Store) -> None:
    s = Session(id="hand-made-1", round="phone", role="general")
    path = store.save(s)
    assert path == store.sessions_dir / "hand-made-1.toml"
    assert store.load("hand-made-1") == s


def _create_many(root: str, barrier, n: int, queue) -> None:
    st_ = Store(Path(root))
    barrier.wait()
    queue.put([st_.create("phone", "general").id for _ in range(n)])


def test_two_processes_creating_at_once_get_distinct_ids(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    queue = ctx.Queue()
    root = str(tmp_path / "shared")
    procs = [ctx.Process(target=_create_many, args=(root, barrier, 150, queue)) for _ in range(2)]
    for p in procs:
        p.start()
    got = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    all_ids = got[0] + got[1]
    assert len(all_ids) == 300
    assert len(set(all_ids)) == 300
    store = Store(Path(root))
    assert len(files(store)) == 300
    listed = store.list_sessions()
    assert len(listed) == 300 and all(r.error is None for r in listed)


def test_same_millisecond_ids_differ(store: Store, monkeypatch) -> None:
    frozen = datetime(2026, 1, 1, tzinfo=timezone.utc)
    monkeypatch.setattr(store_mod, "utcnow", lambda: frozen)
    monkeypatch.setattr(claims, "_random_suffix", iter(["aaaaaa", "aaaaaa", "bbbbbb"]).__next__)
    a = store.create("phone", "general")
    b = store.create("phone", "general")  # first draw collides, O_EXCL makes it draw again
    assert a.id.endswith("aaaaaa") and b.id.endswith("bbbbbb")
    assert a.id.split("-")[0] == b.id.split("-")[0] == "20260101T000000000"


# ----------------------------------------------------------- loading refs


def test_load_by_id_prefix_and_path(store: Store) -> None:
    s = store.create("final", "general")
    assert store.load(s.id).id == s.id
    assert store.load(s.id[:-3]).id == s.id
    path = store.sessions_dir / f"{s.id}.toml"
    assert store.load(path).id == s.id
    assert store.load(str(path)).id == s.id


def test_ambiguous_and_missing_refs(store: Store) -> None:
    store.create("final", "general")
    store.create("final", "general")
    with pytest.raises(StoreError, match="ambiguous"):
        store.load("20")
    with pytest.raises(StoreError, match="no session matches 'nope'"):
        store.load("nope")
    with pytest.raises(StoreError, match="no such session file"):
        store.load(Path("/nonexistent/x.toml"))


def test_a_renamed_file_opens_by_the_id_history_shows(store: Store) -> None:
    s = store.create("final", "general")
    renamed = store.sessions_dir / "before-the-onsite.toml"
    store.path_for(s.id).rename(renamed)
    assert [row.id for row in store.list_sessions()] == [s.id]
    fresh = Store(store.root)
    assert fresh.resolve(s.id) == renamed and fresh.resolve(s.id[:-4]) == renamed
    fresh.add_feedback(s.id, make_feedback())  # saved where it was found, not to a second file
    assert files(fresh) == [renamed] and len(fresh.load(renamed).feedback) == 1


def test_an_id_held_by_two_copies_names_both_files(store: Store) -> None:
    s = store.create("final", "general")
    copy = store.sessions_dir / "backup.toml"
    copy.write_bytes(store.path_for(s.id).read_bytes())
    store.path_for(s.id).unlink()
    (store.sessions_dir / "backup2.toml").write_bytes(copy.read_bytes())
    with pytest.raises(StoreError, match=rf"'{s.id}' is the id of 2 files \(backup.toml, backup2.toml\): give the file's path"):
        Store(store.root).resolve(s.id)


# --------------------------------------------------------- damaged files


def _write_raw(store: Store, name: str, text: str | bytes) -> Path:
    store.sessions_dir.mkdir(parents=True, exist_ok=True)
    path = store.sessions_dir / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _valid_text(session_id: str) -> str:
    return session_to_toml(Session(id=session_id, round="second", role="general", answers=[answer("q1")]))


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("20250101T000000000-1-corrupt.toml", "round = [unclosed", "not valid TOML"),
        ("20250101T000000001-1-trunc.toml", None, "not valid TOML"),
        ("20250101T000000002-1-future.toml", f"schema_version = {SCHEMA_VERSION + 1}\nid = 'x'", "newer than this coach"),
        ("20250101T000000003-1-missing.toml", "schema_version = 1\nid = 'x'\nrole = 'general'", "round: Field required"),
        ("20250101T000000004-1-binary.toml", b"\xff\xfe\x00garbage", "not UTF-8"),
        ("20250101T000000005-1-badver.toml", "schema_version = 'one'\nid='x'", "schema_version"),
    ],
)
def test_damaged_files_are_listed_with_error_and_never_overwritten(
    store: Store, name: str, content, reason: str
) -> None:
    good = store.create("second", "general")
    if content is None:  # truncated mid-write by a non-atomic tool
        content = _valid_text("trunc")[:-40]
    path = _write_raw(store, name, content)
    before = path.read_bytes()

    rows = store.list_sessions()
    bad = [r for r in rows if r.error]
    assert [r.path for r in bad] == [path]
    assert reason in bad[0].error
    assert bad[0].id == path.stem
    assert bad[0].created_at == time_from_id(path.stem)
    assert [r.id for r in rows if not r.error] == [good.id]

    with pytest.raises(StoreError) as info:
        store.load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert reason in info.value.reason

    # Nothing this process does may replace it: save() refuses, add_feedback() can't load it.
    with pytest.raises(StoreError):
        store.save(Session(id=path.stem, round="second", role="general"))
    with pytest.raises(StoreError):
        store.add_feedback(path, make_feedback())
    store.list_sessions()
    assert path.read_bytes() == before
    assert store.latest().id == good.id


def test_delete_removes_even_a_damaged_file(store: Store) -> None:
    path = _write_raw(store, "broken.toml", "x = [")
    assert len(store.list_sessions()) == 1
    store.delete("broken")
    assert not path.exists()
    assert store.list_sessions() == []
    assert "broken.toml" not in json.loads(store.index_path.read_text())["entries"]


# ------------------------------------------------------------- migrations


def test_migrations_upgrade_step_by_step() -> None:
    def v1_to_v2(doc: dict) -> dict:
        doc["role"] = doc.pop("job_role")
        return doc

    text = "schema_version = 1\nid = 'old'\nround = 'phone'\njob_role = 'general'\n"
    migrated = store_mod.migrate(__import__("tomllib").loads(text), {1: v1_to_v2}, target=2)
    assert migrated["schema_version"] == 2
    assert migrated["role"] == "general" and "job_role" not in migrated


def test_file_without_schema_version_is_read_as_version_1(store: Store) -> None:
    text = _valid_text("nover").replace(f"schema_version = {SCHEMA_VERSION}\n", "")
    assert "schema_version" not in text
    path = _write_raw(store, "nover.toml", text)
    # Read as version 1, then upgraded like any version-1 file.
    assert store.load(path).schema_version == SCHEMA_VERSION


def test_version_1_file_loads_and_is_saved_as_current_without_losing_answers(store: Store) -> None:
    text = _valid_text("v1").replace(f"schema_version = {SCHEMA_VERSION}\n", "schema_version = 1\n")
    path = _write_raw(store, "20250101T000000000-v1.toml", text)
    session = store.load(path)
    assert session.schema_version == SCHEMA_VERSION
    assert [a.attempts for a in session.answers] == [[] for _ in session.answers]
    assert session.answers[0].takes == [session.answers[0]]


def test_attempts_and_stronger_round_trip_with_their_own_edit_logs() -> None:
    from coach.domain.models import Attempt, Edit, RetryVerdict, Stronger, VerdictLine
    from coach.store.codec import session_from_toml, session_to_toml

    attempt = Attempt(
        number=2, text="It cut the build from 40 to 12 minutes.", status="submitted", pointer="no-result",
        edits=[Edit(t_ms=10, pos=0, text="It cut"), Edit(t_ms=900, pos=6, text=" the build")],
        verdict=RetryVerdict(backend="offline", lines=[
            VerdictLine(kind="no-result", status="resolved", says="Now it ends with what changed.",
                        evidence="cut the build from 40 to 12 minutes"),
        ]),
    )
    example = Stronger(text="I led it. [how it ended: a number or what changed]",
                       placeholders=["how it ended: a number or what changed"], backend="offline")
    session = Session(id="20250101T000000000-retry", round="phone", role="general", answers=[
        Answer(question_id="q1", question="Tell me about a time?", text="I led it.", status="submitted",
               attempts=[attempt], stronger=[example]),
        Answer(question_id="q2", question="Why us?", text="Because.", status="submitted"),
    ])
    text = session_to_toml(session)
    assert text.index("[[answers.attempts]]") < text.index('question_id = "q2"')
    back = session_from_toml(text, Path("x.toml"))
    assert back == session
    assert back.answers[0].take(2).edits == attempt.edits
    assert back.answers[0].stronger_for(1) == example and back.answers[0].stronger_for(2) is None
    with pytest.raises(IndexError):
        back.answers[0].take(3)


def test_missing_migration_is_an_error() -> None:
    with pytest.raises(ValueError, match="no upgrade from schema_version 2"):
        store_mod.migrate({"schema_version": 1}, {1: lambda d: d}, target=3)


# ---------------------------------------------------------------- listing


def test_listing_is_newest_first_with_summary_fields(store: Store) -> None:
    a = store.create("phone", "general", answers=[answer("q1")])
    b = store.create("final", "software-engineer", kind="real")
    store.add_feedback(a.id, make_feedback("Lead with the result"))
    rows = store.list_sessions()
    assert [r.id for r in rows] == [b.id, a.id]
    ra = rows[1]
    assert (ra.round, ra.role, ra.kind, ra.status, ra.n_answers) == ("phone", "general", "practice", "in-progress", 1)
    assert ra.first_pointer == "Lead with the result" and ra.backend == "offline"
    assert rows[0].kind == "real" and rows[0].first_pointer is None


def test_index_is_used_but_never_trusted_blindly(store: Store) -> None:
    s = store.create("phone", "general")
    store.list_sessions()
    text = store.index_path.read_text()
    # Lie in the index: same stat signature but a wrong role -> the cache is used...
    assert text.count('"role": "general"') == 1
    fsutil.atomic_write_text(store.index_path, text.replace('"role": "general"', '"role": "cached-role"'))
    assert store.list_sessions()[0].role == "cached-role"
    # ...but as soon as the file changes, its stat changes and it is reparsed.
    loaded = store.load(s.id)
    loaded.role = "data-analyst"
    store.save(loaded)
    assert store.list_sessions()[0].role == "data-analyst"


def test_file_changed_behind_our_back_is_reparsed(store: Store) -> None:
    s = store.create("phone", "general")
    store.list_sessions()
    path = store.resolve(s.id)
    path.write_text(path.read_text().replace('status = "in-progress"', 'status = "complete"'))
    assert store.list_sessions()[0].status == "complete"


@pytest.mark.parametrize("junk", ["", "{", "[]", '{"version": 999, "entries": {}}', '{"version": 1, "entries": {"a.toml": 3}}'])
def test_corrupt_index_is_rebuilt(store: Store, junk: str) -> None:
    s = store.create("phone", "general")
    store.index_path.write_text(junk)
    rows = store.list_sessions()
    assert [r.id for r in rows] == [s.id] and rows[0].error is None
    assert json.loads(store.index_path.read_text())["version"] == store_mod.INDEX_VERSION


def test_missing_index_and_deleted_files(store: Store) -> None:
    a = store.create("phone", "general")
    b = store.create("phone", "general")
    store.index_path.unlink()
    assert {r.id for r in store.list_sessions()} == {a.id, b.id}
    store.resolve(a.id).unlink()  # removed by hand
    assert [r.id for r in store.list_sessions()] == [b.id]
    assert list(json.loads(store.index_path.read_text())["entries"]) == [f"{b.id}.toml"]


def test_iter_summaries_gives_newest_first_batches_lazily_and_indexes_at_the_end(
    store: Store, monkeypatch
) -> None:
    made = [store.create("phone", "general") for _ in range(7)]
    broken = store.sessions_dir / "99990101T000000000-bad.toml"  # newest name of all
    broken.write_text("round = \n")
    store.index_path.unlink()
    parsed: list[str] = []
    real_header = store_mod.read_header_summary

    def counting(path, size):
        parsed.append(path.name)
        return real_header(path, size)

    monkeypatch.setattr(store_mod, "read_header_summary", counting)
    batches = store.iter_summaries(batch=3)
    first = next(batches)
    # only the first batch has been read, and the index is not written yet
    assert len(parsed) == 3 and not store.index_path.exists()
    assert first[0].path == broken and first[0].error
    rest = [row for b in batches for row in b]
    rows = first + rest
    assert [len(first)] + [len(b) for b in store.iter_summaries(batch=3)][1:] == [3, 3, 2]
    assert [r.id for r in rows[1:]] == [s.id for s in reversed(made)]
    assert rows == store.list_sessions()  # the same rows as a listing (same order here)
    entries = json.loads(store.index_path.read_text())["entries"]
    assert set(entries) == {p.name for p in files(store)}
    parsed.clear()
    assert [r.id for b in store.iter_summaries(batch=3) for r in b] == [r.id for r in rows]
    assert parsed == []  # from the index: no file is read
    with pytest.raises(ValueError):
        next(store.iter_summaries(batch=0))


def test_iter_summaries_stopped_early_keeps_what_it_read_in_the_index(store: Store) -> None:
    made = [store.create("phone", "general") for _ in range(5)]
    store.index_path.unlink()
    batches = store.iter_summaries(batch=2)
    next(batches)
    batches.close()
    entries = json.loads(store.index_path.read_text())["entries"]
    assert set(entries) == {f"{s.id}.toml" for s in made[-2:]}
    assert len(store.list_sessions()) == 5


def test_stale_temp_litter_is_cleaned_on_listing(store: Store) -> None:
    s = store.create("phone", "general")
    temp = fsutil.temp_name_for(store.resolve(s.id))
    temp.write_text("half")
    os.utime(temp, (0, 0))
    assert [r.id for r in store.list_sessions()] == [s.id]
    assert not temp.exists()


def _save_many(root: str, barrier, prefix: str, n: int) -> None:
    st_ = Store(Path(root))
    barrier.wait()
    for i in range(n):
        st_.save(Session(id=f"{prefix}-{i:03d}", round="second", role="general"))


def test_concurrent_saves_do_not_clobber_the_index(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(2)
    root = str(tmp_path / "shared")
    procs = [ctx.Process(target=_save_many, args=(root, barrier, p, 60)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    store = Store(Path(root))
    entries = json.loads(store.index_path.read_text())["entries"]
    assert len(entries) == 120  # every save's entry survived the other process's writes


# ------------------------------------------------ index layout (version 2)


def _index_lines(store: Store) -> list[str]:
    return store.index_path.read_text().split("\n")


def _assert_index_layout(store: Store) -> dict:
    """One JSON document, header line, one entry per line newest name first, closing line; its entries."""
    text = store.index_path.read_text()
    doc = json.loads(text)  # still one JSON document for any other reader
    lines = text.split("\n")
    assert lines[0] == f'{{"version": {store_mod.INDEX_VERSION}, "entries": {{'
    assert lines[-2:] == ["}}", ""]
    entry_lines = lines[1:-2]
    keys = [json.loads("{" + line.rstrip(",") + "}").popitem()[0] for line in entry_lines]
    assert keys == sorted(doc["entries"], reverse=True) and len(keys) == len(doc["entries"])
    return doc["entries"]


def test_index_is_one_entry_per_line_newest_first(store: Store) -> None:
    made = [store.create("phone", "general") for _ in range(4)]
    store.list_sessions()
    entries = _assert_index_layout(store)
    assert list(entries) == [f"{s.id}.toml" for s in reversed(made)]


def test_old_version_1_index_is_rebuilt_in_the_new_layout(store: Store) -> None:
    made = [store.create("phone", "general") for _ in range(3)]
    st_ = {f"{s.id}.toml": os.stat(store.resolve(s.id)) for s in made}
    # What coach wrote before: one line, version 1, entries whose stat still matches but whose
    # summary lies; a version-1 index is not read at all, so the lie never shows.
    old = {
        "version": 1,
        "entries": {
            name: [s.st_mtime_ns, s.st_size, s.st_ino,
                   {**summary.to_json(), "role": "from-the-old-index"}]
            for (name, s), summary in zip(st_.items(), [store_mod.summarize(m, store.resolve(m.id)) for m in made])
        },
    }
    store.index_path.write_text(json.dumps(old))
    rows = store.list_sessions()
    assert [r.id for r in rows] == [s.id for s in reversed(made)]
    assert {r.role for r in rows} == {"general"}
    assert set(_assert_index_layout(store)) == set(st_)


def test_a_corrupt_index_line_is_ignored_and_rebuilt(store: Store, monkeypatch) -> None:
    made = [store.create("phone", "general") for _ in range(5)]
    store.list_sessions()
    good = store.index_path.read_text()
    lines = good.split("\n")
    victim = f"{made[2].id}.toml"
    at = next(i for i, line in enumerate(lines) if line.startswith(json.dumps(victim)))
    lines[at] = lines[at][: len(lines[at]) // 2]  # cut in the middle of its summary
    lines.insert(1, "not json at all,")  # and a line with no key at all
    store.index_path.write_text("\n".join(lines))
    summarized: list[str] = []
    real = store_mod.read_header_summary
    monkeypatch.setattr(store_mod, "read_header_summary",
                        lambda path, size: (summarized.append(path.name), real(path, size))[1])
    rows = store.list_sessions()
    assert [r.id for r in rows] == [s.id for s in reversed(made)] and all(r.error is None for r in rows)
    assert summarized == [victim]  # only the file behind the bad line was read; the others came from the index
    _assert_index_layout(store)
    assert store.index_path.read_text() == good  # rebuilt exactly


def test_index_cut_short_or_with_a_bad_line_for_a_gone_file_is_rewritten(store: Store) -> None:
    made = [store.create("phone", "general") for _ in range(3)]
    store.list_sessions()
    good = store.index_path.read_text()
    gone = f"{made[0].id}.toml"
    store.resolve(made[0].id).unlink()
    lines = good.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(json.dumps(gone)))
    lines[at] = lines[at].replace("[", "[[", 1)  # its key reads, its entry does not
    store.index_path.write_text("\n".join(lines[:-2]))  # and no closing line
    assert [r.id for r in store.list_sessions()] == [made[2].id, made[1].id]
    assert set(_assert_index_layout(store)) == {f"{made[1].id}.toml", f"{made[2].id}.toml"}


def test_first_batch_reads_only_the_index_lines_it_needs(store: Store, monkeypatch) -> None:
    made = [store.create("phone", "general") for _ in range(9)]
    store.list_sessions()
    parsed: list[str] = []
    real = index_mod._IndexReader.parse
    monkeypatch.setattr(index_mod._IndexReader, "parse",
                        lambda self, line: (parsed.append(line[:40]), real(self, line))[1])
    batches = store.iter_summaries(batch=3)
    first = next(batches)
    assert [r.id for r in first] == [s.id for s in reversed(made)][:3]
    assert len(parsed) <= 4  # three entries, plus the one line that shows the batch is complete
    assert [r.id for b in batches for r in b] == [s.id for s in reversed(made)][3:]
    assert len(parsed) == 9


def _save_and_list(root: str, barrier, prefix: str, n: int) -> None:
    st_ = Store(Path(root))
    barrier.wait()
    for i in range(n):
        st_.save(Session(id=f"{prefix}-{i:03d}", round="second", role="general"))
        if i % 10 == 0:
            st_.index_path.unlink(missing_ok=True)  # rebuilt by the listing, amid the other's saves
            st_.list_sessions()


def test_concurrent_writers_and_rebuilding_listings_keep_every_entry(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(3)
    root = str(tmp_path / "shared")
    procs = [ctx.Process(target=_save_many, args=(root, barrier, "a", 50)),
             ctx.Process(target=_save_many, args=(root, barrier, "b", 50)),
             ctx.Process(target=_save_and_list, args=(root, barrier, "c", 30))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
        assert p.exitcode == 0
    store = Store(Path(root))
    # Read before any listing in this process: every writer merged under the lock, and each
    # rebuilding listing saw every file saved before it began, so nothing was dropped.
    names = {f"{p}-{i:03d}.toml" for p, n in (("a", 50), ("b", 50), ("c", 30)) for i in range(n)}
    assert set(_assert_index_layout(store)) == names
    rows = store.list_sessions()
    assert len(rows) == 130 and all(r.error is None for r in rows)
    assert len(_assert_index_layout(store)) == 130


def test_resumable_parses_only_in_progress_lines(store: Store, monkeypatch) -> None:
    open_ = [store.create("phone", "general") for _ in range(2)]
    for _ in range(5):
        s = store.create("phone", "general")
        s.status = "complete"
        store.save(s)
    store.list_sessions()
    parsed: list[bytes] = []
    real = index_mod._IndexReader.parse
    monkeypatch.setattr(index_mod._IndexReader, "parse",
                        lambda self, line: (parsed.append(line), real(self, line))[1])
    assert [r.id for r in store.resumable()] == [s.id for s in reversed(open_)]
    assert len(parsed) == 2


def test_resumable_sees_files_the_index_does_not_and_stat_changes(store: Store) -> None:
    a = store.create("phone", "general")
    b = store.create("phone", "general")
    store.list_sessions()
    # b finished behind the index's back (written in place: new stat, index not told)
    path = store.resolve(b.id)
    path.write_text(path.read_text().replace('status = "in-progress"', 'status = "complete"'))
    # c written by another coach whose index write was lost
    other = Store(store.root)
    c = Session(id="29990101T000000000-1-aaaaaa", round="second", role="general")
    other.save(c)
    lines = [line for line in store.index_path.read_text().split("\n") if not line.startswith(f'"{c.id}')]
    store.index_path.write_text("\n".join(lines).replace(",\n}}", "\n}}"))
    assert [r.id for r in store.resumable()] == [c.id, a.id]
    assert f"{c.id}.toml" in _assert_index_layout(store)  # and the index learnt about c


def test_iter_newest_stops_reading_when_the_caller_stops(store: Store, monkeypatch) -> None:
    made = [store.create("phone", "general") for _ in range(6)]
    store.index_path.unlink()
    read: list[str] = []
    real = store_mod.read_header_summary
    monkeypatch.setattr(store_mod, "read_header_summary",
                        lambda path, size: (read.append(path.name), real(path, size))[1])
    rows = store.iter_newest(batch=2)
    assert [next(rows).id, next(rows).id] == [made[5].id, made[4].id]
    rows.close()
    assert len(read) == 2


def test_autosave_with_unchanged_summary_skips_index_write(store: Store, monkeypatch) -> None:
    s = store.create("second", "general", answers=[answer("q1", status="draft")])
    writes: list[object] = []
    real = store.index.update
    monkeypatch.setattr(store.index, "update", lambda *a, **k: (writes.append(a), real(*a, **k)))
    s.answers[0].text = "typing..."
    store.save(s)
    assert writes == []
    s.status = "complete"
    store.save(s)
    assert len(writes) == 1
    assert store.list_sessions()[0].status == "complete"


def test_fresh_empty_file_is_an_id_being_claimed(store: Store) -> None:
    path = _write_raw(store, "20250101T000000000-1-claim.toml", "")
    assert store.list_sessions() == []
    os.utime(path, (0, 0))
    rows = store.list_sessions()
    assert rows[0].error and "empty file" in rows[0].error


# ---------------------------------------------------- latest / resumable / recent


def test_latest_and_resumable(store: Store) -> None:
    assert store.latest() is None and store.resumable() == []
    a = store.create("phone", "general")
    b = store.create("second", "general")
    b.status = "complete"
    store.save(b)
    assert store.latest().id == b.id
    assert store.latest("in-progress").id == a.id
    assert [r.id for r in store.resumable()] == [a.id]


def test_recent_question_ids_counts_shown_questions_of_recent_sessions(store: Store) -> None:
    store.create("phone", "general", answers=[answer("old")])
    store.create("phone", "general", answers=[answer("q1"), answer("q2", status="skipped"), answer("q3", status="pending")])
    assert store.recent_question_ids(sessions=1) == {"q1", "q2"}
    assert store.recent_question_ids() == {"old", "q1", "q2"}
    assert store.recent_question_ids(sessions=0) == set()


def test_add_feedback_appends_and_keeps_older(store: Store) -> None:
    s = store.create("second", "general", answers=[answer("q1")])
    store.add_feedback(s.id, make_feedback("first", backend="offline"))
    again = store.add_feedback(s.id, make_feedback("second", backend="openai"))
    assert [f.pointers[0].title for f in again.feedback] == ["first", "second"]
    assert [f.backend for f in store.load(s.id).feedback] == ["offline", "openai"]


def test_summary_json_has_the_history_fields(store: Store) -> None:
    s = store.create("second", "general")
    row = store.list_sessions()[0]
    data = row.to_json()
    for key in ("id", "path", "created_at", "round", "role", "status", "kind", "first_pointer", "backend", "error"):
        assert key in data
    assert SessionSummary.from_json(data, row.path) == row
    assert data["id"] == s.id


def test_from_settings_uses_data_path(tmp_path: Path) -> None:
    from coach.config import load_settings

    settings = load_settings({"data_dir": str(tmp_path / "elsewhere")})
    assert Store.from_settings(settings).root == tmp_path / "elsewhere"


# ------------------------------------------------- compact layout on disk


def _old_layout(session: Session) -> str:
    """The file text the store wrote before the compact layout: plain tomli-w, edits as arrays."""
    import tomli_w

    return tomli_w.dumps(codec._drop_none(session.model_dump(mode="python")))


def _typed(text: str, start_ms: int = 1000) -> list[Edit]:
    return [Edit(t_ms=start_ms + 10 * i, pos=i, removed=0, text=ch) for i, ch in enumerate(text)]


@settings(max_examples=200, deadline=None)
@given(st.lists(edits, max_size=40))
def test_edit_log_encoding_round_trips_exactly(log: list[Edit]) -> None:
    encoded = store_mod.encode_edit_log(log)
    assert "'" not in encoded and "\n" not in encoded
    assert not any(ord(c) < 0x20 and c != "\t" or c == "\x7f" for c in encoded)
    decoded = store_mod.decode_edit_log(encoded, "x")
    assert [Edit.model_validate(e) for e in decoded] == log
    assert all(Edit.model_validate(e).text.encode("utf-8") == o.text.encode("utf-8") for e, o in zip(decoded, log))


@settings(max_examples=60, deadline=None)
@given(st.lists(edits, min_size=1, max_size=20), st.lists(edits, max_size=20), st.integers(min_value=0, max_value=19))
def test_edit_log_cache_never_serves_a_stale_prefix(first: list[Edit], more: list[Edit], k: int) -> None:
    cache = codec.EditLogCache()  # what each Store keeps for its autosaves
    live = list(first)
    cache.encode(list(live))  # an autosave of a snapshot (copied list, shared Edits)
    live.extend(more)
    assert cache.encode(list(live)) == "[" + codec._edits_json(live) + "]"
    # replacing an earlier edit (not only appending) must not reuse the cached text
    i = k % len(live)
    live[i] = Edit(t_ms=live[i].t_ms + 1, pos=live[i].pos, removed=live[i].removed, text=live[i].text + "'")
    assert cache.encode(live) == "[" + codec._edits_json(live) + "]"
    # a shorter log with the same first edit (e.g. an older snapshot) is encoded afresh
    assert cache.encode(live[:1]) == "[" + codec._edits_json(live[:1]) + "]"


def test_edit_log_is_one_literal_string_line_per_answer() -> None:
    a = Answer(question_id="q1", question="Q?", text="it's", status="draft", edits=_typed("it's"))
    text = session_to_toml(Session(id="s", round="second", role="general", answers=[a, answer("q2")]))
    lines = [ln for ln in text.splitlines() if ln.startswith("edit_log = ")]
    assert lines == ["edit_log = '[[1000,0,0,\"i\"],[1010,1,0,\"t\"],[1020,2,0,\"\\u0027\"],[1030,3,0,\"s\"]]'"]
    assert "edits" not in text  # q2 has no edits: no edit_log either
    assert text.index("[summary]") < text.index("[[answers]]")


@settings(max_examples=60, deadline=None)
@given(sessions)
def test_old_layout_still_loads(session: Session) -> None:
    assert session_from_toml(_old_layout(session), Path("old.toml")) == session


def test_old_layout_file_is_listed_by_full_parse_and_resaved_compact(store: Store) -> None:
    s = Session(
        id="20250101T000000000-1-oldold", round="final", role="general", status="complete",
        answers=[Answer(question_id="q1", question="Q?", text="hi", status="submitted", edits=_typed("hi"))],
        feedback=[make_feedback("Lead with the result")],
    )
    path = _write_raw(store, f"{s.id}.toml", _old_layout(s))
    assert store_mod.read_header_summary(path, path.stat().st_size) is None  # no header: full parse
    [row] = store.list_sessions()
    assert row == store_mod.summarize(s, path)
    loaded = store.load(s.id)
    assert loaded == s
    store.save(loaded)
    text = path.read_text()
    assert "edit_log = '" in text and "[summary]" in text
    assert store.load(s.id) == loaded


def test_both_spellings_of_the_edit_log_is_an_error(store: Store) -> None:
    s = Session(id="both", round="second", role="general",
                answers=[Answer(question_id="q1", question="Q?", text="a", edits=_typed("a"))])
    text = session_to_toml(s).replace("edit_log = ", 'edits = [[1, 0, 0, "a"]]\nedit_log = ')
    with pytest.raises(StoreError, match="answers.0: has both edits and edit_log"):
        session_from_toml(text, Path("both.toml"))


@pytest.mark.parametrize(
    "log, reason",
    [("'[[1,0,0'", "answers.0.edit_log: not valid JSON"),
     ("'{}'", "answers.0.edit_log: must be a JSON array"),
     ("3", "answers.0.edit_log: must be a string"),
     ("'[[1,0,0]]'", "invalid session: answers.0.edits.0")],
)
def test_bad_edit_log_is_a_clear_error(log: str, reason: str) -> None:
    s = Session(id="bad", round="second", role="general",
                answers=[Answer(question_id="q1", question="Q?", text="a", edits=_typed("a"))])
    text = session_to_toml(s).replace("edit_log = '[[1000,0,0,\"a\"]]'", f"edit_log = {log}")
    with pytest.raises(StoreError, match=reason):
        session_from_toml(text, Path("bad.toml"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sessions)
def test_header_only_listing_matches_a_full_parse(tmp_path: Path, session: Session) -> None:
    st_ = Store(tmp_path / "hdr")
    session = session.model_copy(update={"id": f"hdr-{os.urandom(6).hex()}"})
    path = st_.save(session)
    row = store_mod.read_header_summary(path, path.stat().st_size)
    assert row is not None
    assert row == store_mod.summarize(store_mod.read_session_file(path), path)


def test_cold_listing_reads_headers_not_whole_files(store: Store, monkeypatch) -> None:
    long_job = "Job description line. " * 500  # > 4 KB: the header is read past the first chunk
    made = [
        store.create("second", "general", answers=[Answer(question_id="q", question="Q?", text="ab", edits=_typed("ab"))]),
        store.create("final", "data-analyst", job=long_job),
    ]
    store.add_feedback(made[0].id, make_feedback("Say how it ended", backend="openai"))
    expected = [store_mod.summarize(store.load(s.id), store.resolve(s.id)) for s in reversed(made)]
    store.index_path.unlink()

    def no_full_parse(path):
        raise AssertionError(f"listing parsed all of {path}")

    monkeypatch.setattr(store_mod, "read_session_file", no_full_parse)
    rows = store.list_sessions()
    assert [(r.id, r.first_pointer, r.backend, r.n_answers) for r in rows] == [
        (e.id, e.first_pointer, e.backend, e.n_answers) for e in expected
    ]
    assert rows == expected


@pytest.mark.parametrize(
    "damage, reason",
    [
        (lambda t: t[: len(t) - 30], "not valid TOML"),  # truncated body: size no longer matches body_bytes
        (lambda t: t + "junk = 1\n", "invalid session"),  # appended text
        (lambda t: t.replace('round = "second"', 'round = "lunch!"'), "round"),  # bad header value
        (lambda t: t.replace("n_answers = 1", "n_answers = -1").replace("status = \"draft\"", "status = \"nope\""),
         "answers.0.status"),
    ],
)
def test_doubtful_header_falls_back_to_a_full_parse(store: Store, damage, reason: str) -> None:
    s = store.create("second", "general", answers=[answer("q1", status="draft")])
    path = store.resolve(s.id)
    path.write_text(damage(path.read_text()))
    assert store_mod.read_header_summary(path, path.stat().st_size) is None
    [row] = store.list_sessions()
    assert row.error and reason in row.error


def test_header_with_hand_edited_status_is_believed(store: Store) -> None:
    # The header's scalars are the session's own fields (not copies), so
    # editing one by hand changes what both listing and loading see.
    s = store.create("second", "general")
    path = store.resolve(s.id)
    path.write_text(path.read_text().replace('status = "in-progress"', 'status = "abandoned"'))
    assert store.list_sessions()[0].status == "abandoned" == store.load(s.id).status


def test_two_stores_in_one_process_never_write_into_each_other(tmp_path):
    """A session id reused in a second store is saved in that store's folder."""
    from coach.store import Store

    first = Store(tmp_path / "one")
    session = first.create("second", "general")
    second = Store(tmp_path / "two")
    copy = session.model_copy(deep=True)
    path = second.save(copy)
    assert path.parent == second.sessions_dir
    assert first.path_for(session.id).is_file()
    assert [s.id for s in second.list_sessions()] == [session.id]


def test_ownership_belongs_to_the_store_that_read_or_wrote_the_file(tmp_path):
    """Another store on the same folder must load a session before it may overwrite it."""
    first = Store(tmp_path / "data")
    session = first.create("second", "general")
    other = Store(tmp_path / "data")
    with pytest.raises(StoreError, match="refusing to overwrite"):
        other.save(session.model_copy(deep=True))
    loaded = other.load(session.id)
    loaded.status = "complete"
    assert other.save(loaded) == first.path_for(session.id)
    assert first.load(session.id).status == "complete"


def test_attempts_of_a_question_newest_first_without_loading_unrelated_files(store: Store, monkeypatch) -> None:
    older = store.create("phone", "general", answers=[answer("q.same", text="First try.")])
    store.add_feedback(older.id, Feedback(
        pointers=[Pointer(kind="no-result", title="Say how it ended", evidence="x", tip="t", question_id="q.same")],
        backend="offline",
    ))
    blank = store.create("phone", "general", answers=[answer("q.same", text="   ")])
    unrelated = store.create("phone", "general", answers=[answer("q.other")])
    newer = store.create("phone", "general", answers=[answer("q.same", text="Second try.")])
    current = store.create("phone", "general", answers=[answer("q.same", text="Now.")])
    real_read = store_mod.read_session_file

    def only_mentions(path):
        assert path.stem != unrelated.id, "a file that never mentions the question was parsed"
        return real_read(path)

    monkeypatch.setattr(store_mod, "read_session_file", only_mentions)
    found = store.attempts_of("q.same", exclude=current.id, limit=10)
    assert [(a.session_id, a.answer.text) for a in found] == [(newer.id, "Second try."), (older.id, "First try.")]
    assert found[1].pointer_titles == ("Say how it ended",) and found[0].pointer_titles == ()
    assert blank.id not in {a.session_id for a in found}
    assert [a.session_id for a in store.attempts_of("q.same", exclude=current.id, limit=1)] == [newer.id]


def test_the_store_package_keeps_no_module_level_mutable_state() -> None:
    """Caches and ownership live on each Store, so two stores never share them."""
    import types

    for module in (store_mod, claims, codec, index_mod, __import__("coach.store.summaries").store.summaries):
        for name, value in vars(module).items():
            if name.startswith("__") or isinstance(value, types.ModuleType):
                continue
            assert not isinstance(value, (dict, list, set, bytearray)), f"{module.__name__}.{name}"
    a, b = Store("/nonexistent/a"), Store("/nonexistent/a")
    assert a._claims is not b._claims and a._edit_logs is not b._edit_logs and a.index is not b.index


def test_a_session_too_big_to_read_back_is_not_saved_and_the_last_save_stays(store: Store, monkeypatch) -> None:
    session = store.create("phone", "general")
    session.answers.append(Answer(question_id="q1", question="Why us?", text="Because.", status="submitted"))
    path = store.save(session)
    before = path.read_bytes()
    monkeypatch.setattr(store_mod, "MAX_SESSION_BYTES", len(before) + 100)
    session.answers[0].text = "x" * 500
    with pytest.raises(StoreError, match="more than coach reads.*previous version is intact"):
        store.save(session)
    assert path.read_bytes() == before
    assert store.load(path).answers[0].text == "Because."


def test_hand_edited_times_without_an_offset_still_sort_with_the_rest(store: Store) -> None:
    # A time without an offset, or a bare date, typed into a file by hand: taken as local
    # time, so listings and the patterns across rounds can still order the sessions.
    from coach.patterns import recurring_kinds

    for stamp in ("2026-11-02 19:04:12", "2026-11-03", None):
        s = store.create("final", "general")
        s.answers.append(answer("gen.q1"))
        s.feedback.append(make_feedback())
        path = store.save(s)
        if stamp:
            text = path.read_text()
            line = next(x for x in text.splitlines() if x.startswith("created_at = "))
            path.write_text(text.replace(line, f"created_at = {stamp}", 1))
    fresh = Store(store.root)
    rows = fresh.list_sessions()
    assert len(rows) == 3 and all(r.error is None and r.created_at.tzinfo for r in rows)
    loaded = [fresh.load(r.path) for r in rows]
    assert all(s.created_at.tzinfo is not None for s in loaded)
    assert sorted(s.created_at for s in loaded)  # naive and aware would not compare
    recurring_kinds(fresh)


def test_an_id_this_store_opened_from_a_copy_keeps_meaning_that_copy(store: Store) -> None:
    # Opened by path from History, then retried by id: the retry must read and save the copy.
    s = store.create("final", "general")
    copy = store.sessions_dir / "backup.toml"
    copy.write_bytes(store.path_for(s.id).read_bytes())
    fresh = Store(store.root)
    fresh.load(copy)
    assert fresh.resolve(s.id) == copy
    fresh.add_feedback(s.id, make_feedback())
    assert len(store_mod.read_session_file(copy).feedback) == 1
    assert not store_mod.read_session_file(store.path_for(s.id)).feedback
