"""Settings layers, problems, `set_user_value` and masking (coach/config.py)."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coach import config as cfg
from coach import paths
from coach.config import ConfigError, load_settings, set_user_value, settings_problems


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def system_file() -> Path:
    return paths.system_config_file()


@pytest.fixture
def user_file() -> Path:
    return paths.user_config_file()


def test_defaults_when_nothing_is_set() -> None:
    s = load_settings(env={})
    assert s.model_dump() == cfg.Settings().model_dump()
    assert s.backend == "offline" and s.round == "second" and s.openai.model == "gpt-4o-mini"
    assert settings_problems(s) == []
    assert set(cfg.config_sources(s).values()) == {"default"}


def test_every_field_has_a_description() -> None:
    for key in cfg.KEYS:
        assert cfg.describe(key), key


def test_precedence_across_all_five_layers(system_file: Path, user_file: Path) -> None:
    write(system_file, 'backend = "sys"\nrole = "sys-role"\ntheme = "sys-theme"\nquestions = 2\n[openai]\nmodel = "sys-model"\n')
    write(user_file, 'backend = "user"\nrole = "user-role"\ntheme = "user-theme"\n[openai]\nmodel = "user-model"\n')
    env = {"COACH_BACKEND": "env", "COACH_ROLE": "env-role", "COACH_OPENAI_MODEL": "env-model"}
    s = load_settings({"backend": "flag", "openai.model": None}, env=env)
    assert s.backend == "flag"  # flag > env > user > system
    assert s.role == "env-role"  # env > user > system
    assert s.openai.model == "env-model"  # a None flag means "not given"
    assert s.theme == "user-theme"  # user > system
    assert s.questions == 2  # system > default
    assert s.follow_ups is True  # default
    src = cfg.config_sources(s)
    assert src["backend"] == "flag --backend"
    assert src["role"] == "env COACH_ROLE"
    assert src["theme"] == f"user config ({user_file})"
    assert src["questions"] == f"system config ({system_file})"
    assert src["follow_ups"] == "default"
    assert settings_problems(s) == []


def test_data_dir_flag_wins_over_env_and_files(user_file: Path, tmp_path: Path) -> None:
    write(user_file, f'data_dir = "{tmp_path / "from-file"}"\n')
    s = load_settings({"data_dir": str(tmp_path / "flag")}, env={"COACH_DATA_DIR": str(tmp_path / "env")})
    assert s.data_path() == tmp_path / "flag"
    assert load_settings(env={"COACH_DATA_DIR": str(tmp_path / "env")}).data_path() == tmp_path / "env"
    assert load_settings(env={}).data_path() == tmp_path / "from-file"


def test_data_path_defaults_to_xdg(tmp_path: Path) -> None:
    assert load_settings(env={}).data_path() == paths.default_user_data_dir()


def test_env_strings_are_parsed_to_field_types() -> None:
    env = {
        "COACH_PRACTICE_MODE": "yes",
        "COACH_TIMED": "1",
        "COACH_QUESTIONS": "8",
        "COACH_OPENAI_TIMEOUT_S": "12.5",
        "COACH_OPENAI_BASE_URL": "http://localhost:8080/v1",
        "COACH_ROUND": "",  # empty = unset
        "COACH_OPENAI_API_KEY": "sk-not-a-setting-0123456789",
        "COACH_SOMETHING_ELSE": "ignored",
    }
    s = load_settings(env=env)
    assert s.practice_mode is True and s.timed is True and s.questions == 8
    assert s.openai.timeout_s == 12.5 and s.openai.base_url == "http://localhost:8080/v1"
    assert s.round == "second"
    assert settings_problems(s) == []


def test_unknown_key_names_file_and_key_with_suggestion(user_file: Path) -> None:
    write(user_file, 'bakend = "openai"\nrole = "data-analyst"\n[openai]\nmodle = "x"\n')
    s = load_settings(env={})
    assert s.role == "data-analyst"  # the rest of the file still applies
    assert settings_problems(s) == [
        f"{user_file}: unknown key 'bakend' (did you mean 'backend'?)",
        f"{user_file}: unknown key 'openai.modle' (did you mean 'openai.model'?)",
    ]


def test_bad_value_skips_only_that_key(system_file: Path, user_file: Path) -> None:
    write(system_file, 'questions = 4\n')
    write(user_file, 'questions = 0\nround = "lunch"\nrole = "support"\n[openai]\ntimeout_s = -1\n')
    s = load_settings(env={})
    assert s.questions == 4  # falls back to the next layer down, not to garbage
    assert s.round == "second" and s.role == "support" and s.openai.timeout_s == 60.0
    problems = settings_problems(s)
    assert len(problems) == 3
    assert problems[0].startswith(f"{user_file}: bad value for 'questions': ")
    assert problems[1].startswith(f"{user_file}: bad value for 'round': ")
    assert problems[2].startswith(f"{user_file}: bad value for 'openai.timeout_s': ")
    assert all("\n" not in p for p in problems)


def test_invalid_toml_skips_the_file_without_raising(system_file: Path, user_file: Path) -> None:
    write(system_file, 'role = "from-system"\n')
    write(user_file, 'role = "broken\n')
    s = load_settings(env={})
    assert s.role == "from-system"
    [problem] = settings_problems(s)
    assert problem.startswith(f"{user_file}: not valid TOML") and problem.endswith("file skipped")


def test_bad_env_and_flag_values_are_problems_not_crashes() -> None:
    s = load_settings({"questions": "many"}, env={"COACH_ROUND": "lunch"})
    assert s.round == "second" and s.questions == 5
    problems = settings_problems(s)
    assert problems[0].startswith("environment variable COACH_ROUND: bad value for 'round'")
    assert problems[1].startswith("command-line flag --questions: bad value for 'questions'")


def test_section_must_be_a_table(user_file: Path) -> None:
    write(user_file, 'openai = "gpt"\n')
    assert settings_problems(load_settings(env={})) == [f"{user_file}: 'openai' must be a table like [openai]"]


def test_api_key_in_a_config_file_is_refused_and_not_echoed(user_file: Path) -> None:
    write(user_file, '[openai]\napi_key = "sk-secret-0123456789abcdef"\n')
    s = load_settings(env={})
    [problem] = settings_problems(s)
    assert "openai.api_key" in problem and "never keeps API keys" in problem
    assert "sk-secret" not in problem
    assert "sk-secret" not in s.model_dump_json()


def test_problem_lines_never_echo_values(user_file: Path) -> None:
    write(user_file, '[openai]\napi_key_env = "sk-oops-0123456789abcdef"\n')
    [problem] = settings_problems(load_settings(env={}))
    assert "openai.api_key_env" in problem and "sk-oops" not in problem


# -------------------------------------------------------------- set_user_value


def test_set_round_trip_keeps_other_keys(user_file: Path) -> None:
    write(user_file, 'role = "sales"\n[openai]\nmodel = "m1"\n')
    set_user_value("openai.base_url", "http://127.0.0.1:8080/v1")
    set_user_value("questions", "7")
    set_user_value("practice_mode", "true")
    set_user_value("openai.timeout_s", "30")
    s = load_settings(env={})
    assert s.role == "sales" and s.openai.model == "m1"
    assert s.openai.base_url == "http://127.0.0.1:8080/v1"
    assert s.questions == 7 and s.practice_mode is True and s.openai.timeout_s == 30.0
    assert stat.S_IMODE(user_file.stat().st_mode) == 0o600
    assert settings_problems(s) == []


def test_set_empty_unsets_an_optional_key(user_file: Path) -> None:
    set_user_value("openai.base_url", "http://h/v1")
    set_user_value("openai.base_url", "")
    assert "base_url" not in user_file.read_text()
    assert load_settings(env={}).openai.base_url is None


def test_set_creates_config_dir_private(user_file: Path) -> None:
    set_user_value("backend", "openai")
    assert user_file.is_file()
    assert stat.S_IMODE(user_file.parent.stat().st_mode) == 0o700


def test_set_refuses_unknown_key_with_suggestion(user_file: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'bakend' \(did you mean 'backend'\?\)"):
        set_user_value("bakend", "openai")
    assert not user_file.exists()


@pytest.mark.parametrize("key", ["openai.api_key", "api_key", "openai.token"])
def test_set_refuses_api_keys(key: str, user_file: Path) -> None:
    with pytest.raises(ConfigError, match="never writes API keys") as info:
        set_user_value(key, "sk-live-0123456789abcdef")
    assert "sk-live" not in str(info.value)
    assert not user_file.exists()


def test_set_refuses_a_key_pasted_as_api_key_env(user_file: Path) -> None:
    with pytest.raises(ConfigError, match="openai.api_key_env") as info:
        set_user_value("openai.api_key_env", "sk-live-0123456789abcdef")
    assert "sk-live" not in str(info.value)
    set_user_value("openai.api_key_env", "MY_LLM_KEY")
    assert load_settings(env={}).openai.api_key_env == "MY_LLM_KEY"


@pytest.mark.parametrize("key, value", [("questions", "zero"), ("questions", "0"), ("round", "lunch"), ("openai.base_url", "ftp://x")])
def test_set_refuses_bad_values_and_keeps_file(key: str, value: str, user_file: Path) -> None:
    write(user_file, 'role = "sales"\n')
    with pytest.raises(ConfigError, match=f"bad value for '{key}'"):
        set_user_value(key, value)
    assert user_file.read_text() == 'role = "sales"\n'


def test_set_refuses_to_rewrite_a_broken_or_invalid_file(user_file: Path) -> None:
    write(user_file, "role = [\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        set_user_value("backend", "openai")
    assert user_file.read_text() == "role = [\n"
    write(user_file, 'bakend = "x"\n')
    with pytest.raises(ConfigError, match="unknown key 'bakend'"):
        set_user_value("role", "sales")
    assert user_file.read_text() == 'bakend = "x"\n'


def test_set_can_fix_a_bad_value(user_file: Path) -> None:
    write(user_file, "questions = 0\n")
    set_user_value("questions", "3")
    assert load_settings(env={}).questions == 3


def test_questions_bound_is_the_planners_so_every_accepted_value_can_be_planned(user_file: Path) -> None:
    from coach import banks

    assert (cfg.MIN_QUESTIONS, cfg.MAX_QUESTIONS) == (banks.MIN_QUESTIONS, banks.MAX_QUESTIONS)
    top = banks.MAX_QUESTIONS
    set_user_value("questions", str(top))
    settings = load_settings(env={})
    assert settings.questions == top and not settings_problems(settings)
    plan = banks.plan_round(banks.load_banks(), settings.round, settings.role, settings.questions, seed=1)
    assert len(plan.questions) == top
    with pytest.raises(ConfigError, match="bad value for 'questions'"):
        set_user_value("questions", str(top + 1))
    write(user_file, f"questions = {top + 1}\n")  # written by an older coach, or by hand
    settings = load_settings(env={})
    assert settings.questions == 5  # the default, and the problem is reported
    assert settings_problems(settings)[0].startswith(f"{user_file}: bad value for 'questions': ")
    flagged = load_settings({"questions": top + 1}, env={})
    assert flagged.questions == 5 and "--questions" in settings_problems(flagged)[-1]


def test_config_module_does_not_import_the_banks_or_models() -> None:
    code = "import sys, coach.config; print(sorted(m for m in ('coach.banks', 'coach.domain.models') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ------------------------------------------------------------------ masking


@pytest.mark.parametrize(
    "key, value, hidden",
    [
        ("openai.base_url", "https://bob:hunter2@llm.example/v1", "hunter2"),
        ("openai.base_url", "https://llm.example/v1?api_key=abc123&x=1", "abc123"),
        ("openai.model", "sk-proj-ABCDEFGHIJKLMNOPQRSTUV", "sk-proj-ABC"),
        ("openai.api_key", "anything", "anything"),
    ],
)
def test_mask_value_hides_credentials(key: str, value: str, hidden: str) -> None:
    shown = cfg.mask_value(key, value)
    assert hidden not in shown and cfg.MASK in shown


def test_mask_value_leaves_ordinary_values() -> None:
    assert cfg.mask_value("openai.base_url", "http://localhost:8080/v1") == "http://localhost:8080/v1"
    assert cfg.mask_value("openai.api_key_env", "MY_KEY") == "MY_KEY"
    assert cfg.mask_value("openai.model", "gpt-4o-mini") == "gpt-4o-mini"


def test_flags_from_args_only_takes_given_flags() -> None:
    import argparse

    ns = argparse.Namespace(data_dir=None, backend="openai", timed=False, questions=None, command="practice")
    assert cfg.flags_from_args(ns) == {"backend": "openai"}
    ns.timed = True
    assert cfg.flags_from_args(ns) == {"backend": "openai", "timed": True}


def test_import_is_cheap() -> None:
    code = "import sys, coach.config; print(sorted(m for m in ('textual', 'openai', 'tomli_w') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_one_bad_key_binding_leaves_only_that_entry_out(user_file: Path) -> None:
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.write_text('[keys]\n"home.history" = "y"\n"Bad Id" = "z"\n"history.open" = 5\nhistory.back = "q"\n',
                         encoding="utf-8")
    s = load_settings(env={})
    assert s.keys == {"home.history": "y", "history.back": "q"}
    problems = settings_problems(s)
    assert len(problems) == 2 and all("that entry is left out" in p for p in problems)
    assert any("'Bad Id'" in p for p in problems) and any("'history.open'" in p for p in problems)
