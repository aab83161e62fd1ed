"""`coach config set` edits one line of the user's file and leaves the rest as they wrote it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach import config_write, paths
from coach.config import ConfigError, load_settings, set_user_value, settings_problems

COMMENTED = """\
# my coach setup: local llama on the box
role = "sales"   # the job I'm going for

[openai]
# the server from the lab wiki
model = "m1"
timeout_s = 20.0  # it is slow before 9am
"""


@pytest.fixture
def user_file() -> Path:
    path = paths.user_config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_set_changes_only_that_line_and_keeps_comments(user_file: Path) -> None:
    user_file.write_text(COMMENTED)
    set_user_value("openai.model", "m2")
    assert user_file.read_text() == COMMENTED.replace('model = "m1"', 'model = "m2"')
    assert load_settings(env={}).openai.model == "m2"


def test_set_adds_a_new_key_and_section_without_touching_the_rest(user_file: Path) -> None:
    user_file.write_text(COMMENTED)
    set_user_value("openai.base_url", "http://127.0.0.1:8080/v1")
    set_user_value("questions", "7")
    text = user_file.read_text()
    for line in COMMENTED.splitlines():
        assert line in text
    s = load_settings(env={})
    assert (s.role, s.questions, s.openai.model, s.openai.base_url) == ("sales", 7, "m1", "http://127.0.0.1:8080/v1")
    assert settings_problems(s) == []


def test_unset_removes_the_line_and_keeps_the_comments(user_file: Path) -> None:
    user_file.write_text(COMMENTED + 'base_url = "http://h/v1"  # the lab box\n')
    set_user_value("openai.base_url", "")
    assert user_file.read_text() == COMMENTED
    assert load_settings(env={}).openai.base_url is None


@pytest.mark.parametrize(
    "original",
    ['openai.model = "m1"\n', 'openai = { model = "m1" }\n', '[openai]\nmodel = "m1"\n[keys]\n"history.open" = "o"\n'],
)
def test_dotted_and_inline_tables_are_edited_by_meaning(user_file: Path, original: str) -> None:
    user_file.write_text(original)
    set_user_value("openai.timeout_s", "30")
    s = load_settings(env={})
    assert s.openai.model == "m1" and s.openai.timeout_s == 30.0
    assert settings_problems(s) == []


def test_a_symlinked_config_stays_a_link_and_its_target_is_updated(user_file: Path, tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "coach.toml"
    target.write_text(COMMENTED)
    user_file.symlink_to(target)
    set_user_value("questions", "4")
    assert user_file.is_symlink() and os.readlink(user_file) == str(target)
    assert "questions = 4" in target.read_text() and "# the job I'm going for" in target.read_text()
    assert load_settings(env={}).questions == 4


def test_a_dangling_symlink_is_refused_and_nothing_is_created(user_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone" / "coach.toml"
    user_file.symlink_to(missing)
    with pytest.raises(ConfigError, match=r"a symlink to .*gone/coach.toml, which does not exist"):
        set_user_value("questions", "4")
    assert user_file.is_symlink() and not missing.exists()


def test_an_edit_that_would_not_read_back_as_meant_is_not_used() -> None:
    # The intended meaning disagrees with the in-place edit: the caller writes plainly instead.
    assert config_write.edited_text('role = "a"\n', "", "role", "b", {"role": "c"}) is None
    assert config_write.edited_text('role = "a"  # mine\n', "", "role", "b", {"role": "b"}) == 'role = "b"  # mine\n'


def test_a_failed_write_leaves_the_file_as_it_was(
    user_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "dotfiles.toml"
    target.write_text(COMMENTED)
    user_file.symlink_to(target)

    def full_disk(path: object, data: bytes) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(config_write, "atomic_write_bytes", full_disk)
    with pytest.raises(ConfigError, match=r"\(a symlink to .*dotfiles.toml\): cannot write \(No space left on device\)"):
        set_user_value("questions", "4")
    assert target.read_text() == COMMENTED and user_file.is_symlink()
