"""Atomic writes and private permissions (coach/fsutil.py)."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from coach import fsutil
from coach.fsutil import atomic_write_bytes, atomic_write_text, ensure_private_dir, remove_stale_temps


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def litter(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if fsutil.is_temp_name(p.name)]


@pytest.fixture
def umask000():
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_private_dir_and_file_modes_under_umask_000(tmp_path: Path, umask000: None) -> None:
    leaf = ensure_private_dir(tmp_path / "a" / "b" / "c")
    for d in (tmp_path / "a", tmp_path / "a" / "b", leaf):
        assert mode(d) == 0o700
    target = atomic_write_text(leaf / "f.toml", "x")
    assert mode(target) == 0o600


def test_private_modes_under_restrictive_umask(tmp_path: Path) -> None:
    old = os.umask(0o277)
    try:
        leaf = ensure_private_dir(tmp_path / "d")
        target = atomic_write_text(leaf / "f", "x")
    finally:
        os.umask(old)
    assert mode(leaf) == 0o700
    assert mode(target) == 0o600
    assert target.read_text() == "x"


def test_existing_loose_dir_is_tightened_unless_asked_not_to(tmp_path: Path) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o755)
    ensure_private_dir(loose, tighten=False)
    assert mode(loose) == 0o755
    ensure_private_dir(loose)
    assert mode(loose) == 0o700


def test_ensure_private_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    with pytest.raises(NotADirectoryError):
        ensure_private_dir(tmp_path / "f")


def test_atomic_write_replaces_and_keeps_0600_over_a_loose_file(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.write_text("old")
    target.chmod(0o644)
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode(target) == 0o600
    assert litter(tmp_path) == []


def test_failed_replace_keeps_old_file_and_removes_temp(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "x"
    target.write_text("old")

    def boom(src, dst):
        raise OSError(errno.EIO, "I/O error")

    monkeypatch.setattr(fsutil.os, "replace", boom)
    with pytest.raises(OSError) as info:
        atomic_write_text(target, "new")
    assert info.value.filename == str(target)
    assert target.read_text() == "old"
    assert litter(tmp_path) == []


def test_enospc_mid_write_keeps_old_file_and_says_so(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "x"
    target.write_text("old")
    real_write = os.write
    calls = {"n": 0}

    def half_then_full(fd, data):
        calls["n"] += 1
        if calls["n"] == 1:
            return real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsutil.os, "write", half_then_full)
    with pytest.raises(OSError) as info:
        atomic_write_bytes(target, b"n" * 10_000)
    assert info.value.errno == errno.ENOSPC
    assert str(target) in str(info.value)
    assert "No space left" in str(info.value)
    assert target.read_text() == "old"
    assert litter(tmp_path) == []


def test_interrupt_during_write_cleans_temp(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "x"
    target.write_text("old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(fsutil.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert litter(tmp_path) == []


def test_permission_error_keeps_its_type(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores directory permissions")
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(PermissionError) as info:
            atomic_write_text(locked / "f", "x")
    finally:
        locked.chmod(0o700)
    assert info.value.filename == str(locked / "f")


WRITER = r"""
import sys
from coach.fsutil import atomic_write_bytes
target = sys.argv[1]
payload = b"x" * 2_000_000
print("ready", flush=True)
i = 0
while True:
    i += 1
    atomic_write_bytes(target, (f"{i:010d}\n").encode() + payload)
"""


def test_killed_writer_never_leaves_a_partial_file(tmp_path: Path) -> None:
    target = tmp_path / "x"
    target.write_bytes(b"old\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    data = target.read_bytes()
    # Either the original, or one complete version: a counter line + the whole payload.
    assert data == b"old\n" or (len(data) == 11 + 2_000_000 and data[10:11] == b"\n")
    # A killed writer may leave its temp; cleanup removes it, and only it.
    remove_stale_temps(tmp_path, older_than_s=0)
    assert litter(tmp_path) == []
    assert target.exists()


def test_remove_stale_temps_spares_young_temps_and_other_files(tmp_path: Path) -> None:
    young = fsutil.temp_name_for(tmp_path / "a")
    young.write_text("")
    old = fsutil.temp_name_for(tmp_path / "b")
    old.write_text("")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    (tmp_path / ".hidden").write_text("")
    (tmp_path / "keep.tmp").write_text("")
    assert remove_stale_temps(tmp_path) == [old]
    assert young.exists() and (tmp_path / ".hidden").exists() and (tmp_path / "keep.tmp").exists()


def test_ensure_private_dir_refuses_a_dir_others_may_write(tmp_path: Path) -> None:
    from coach.fsutil import UnsafeDirError

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(UnsafeDirError) as info:
        ensure_private_dir(shared, tighten=False)
    assert str(shared) in str(info.value) and "0777" in str(info.value)
    assert not any(shared.iterdir())
    ensure_private_dir(shared)  # ours: tightening fixes it instead
    assert mode(shared) == 0o700


def test_read_regular_file_refuses_fifos_and_files_over_the_cap_without_blocking(tmp_path: Path) -> None:
    from coach.fsutil import FileTooLargeError, NotRegularFileError, read_regular_file

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFileError) as info:
        read_regular_file(fifo, limit=10)  # would block forever if it opened the FIFO
    assert "FIFO" in info.value.strerror and info.value.filename == str(fifo)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 11)
    with pytest.raises(FileTooLargeError):
        read_regular_file(big, limit=10)
    assert read_regular_file(big, limit=11) == b"x" * 11
