"""Bank loading and validation: shipped banks, every error path, override order."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.banks import bank_toml, question_toml, write
from coach import paths
from coach.banks import (
    BankProblem,
    check_file,
    load_banks,
    plan_round,
    read_bank_file,
    shipped_banks_dir,
)
from coach.domain.models import ROUNDS

EXPECTED_ROLES = {"general", "software-engineer", "product-manager", "data-analyst", "customer-support", "sales"}


# ---------------------------------------------------------------- shipped


@pytest.fixture(scope="module")
def shipped():
    return load_banks()


def test_shipped_banks_load_without_problems(shipped):
    assert [str(p) for p in shipped.problems] == []
    assert len(shipped.questions()) >= 130
    assert EXPECTED_ROLES <= set(shipped.roles())
    assert shipped.roles()[0] == "general"


def test_shipped_question_ids_are_prefixed_by_their_bank(shipped):
    prefixes = {"general": "gen.", "software-engineer": "swe.", "product-manager": "pm.",
                "data-analyst": "da.", "customer-support": "cs.", "sales": "sales."}
    for bank_id, bank in shipped.banks.items():
        for question in bank.questions:
            assert question.id.startswith(prefixes[bank_id]), question.id


def test_shipped_questions_are_well_formed(shipped):
    for question in shipped.questions().values():
        assert question.competencies, question.id
        assert 1 <= len(question.follow_ups) <= 3 or not question.follow_ups, question.id
        if question.type == "closing":
            assert "final" in question.rounds, question.id


@pytest.mark.parametrize("role", sorted(EXPECTED_ROLES))
@pytest.mark.parametrize("round_", ROUNDS)
def test_every_role_and_round_can_fill_a_five_question_round(shipped, role, round_):
    for seed in range(5):
        plan = plan_round(shipped, round_, role, 5, seed=seed)
        ids = [q.id for q in plan.questions]
        assert len(ids) == 5 and len(set(ids)) == 5
        if round_ == "final":
            assert plan.questions[-1].type == "closing"
            assert all(q.type != "closing" for q in plan.questions[:-1])


@pytest.mark.parametrize("role", sorted(EXPECTED_ROLES - {"general"}))
def test_each_role_has_its_own_questions_in_every_round(shipped, role):
    for round_ in ROUNDS:
        own = [q for q in shipped.questions().values() if role in q.roles and round_ in q.rounds]
        assert len(own) >= 4, (role, round_)


# ------------------------------------------------------------- validation


def _one(problems: list[BankProblem]) -> BankProblem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_valid_file_has_no_problems(tmp_path):
    path = write(tmp_path / "ok.toml", bank_toml("x", question_toml("x.a"), question_toml("x.b")))
    bank, problems = read_bank_file(path)
    assert problems == []
    assert bank is not None and [q.id for q in bank.questions] == ["x.a", "x.b"]


def test_toml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path / "bad.toml", 'id = "x"\ntitle = "X"\n\n[[questions]]\nid = x.a\n')
    problem = _one(check_file(path))
    assert problem.line == 5
    assert str(problem).startswith(f"{path}:5: TOML syntax error")


def test_syntax_error_at_end_of_file_still_gets_a_line(tmp_path):
    path = write(tmp_path / "bad.toml", 'id = "x"\nrounds = [\n')
    problem = _one(check_file(path))
    assert problem.line == 2
    assert "\n" not in str(problem)


def test_missing_field_points_at_the_question_table(tmp_path):
    text = bank_toml("x", question_toml("x.a"), '[[questions]]\nid = "x.b"\nrounds = ["phone"]\nroles = ["any"]\ntype = "closing"\n')
    path = write(tmp_path / "m.toml", text)
    bank, problems = read_bank_file(path)
    problem = _one(problems)
    header_line = text.splitlines().index("[[questions]]", text.splitlines().index('id = "x.a"')) + 1
    assert (problem.question_id, problem.field, problem.line) == ("x.b", "text", header_line)
    assert str(problem) == f"{path}:{header_line}: question 'x.b': field 'text': required but missing"
    assert bank is not None and [q.id for q in bank.questions] == ["x.a"]


def test_wrong_type_names_the_key_line(tmp_path):
    text = bank_toml("x", question_toml("x.a", rounds='"phone"'), question_toml("x.ok"))
    path = write(tmp_path / "w.toml", text)
    problem = _one(check_file(path))
    assert problem.line == text.splitlines().index('rounds = "phone"') + 1
    assert problem.field == "rounds"
    assert "must be a list, got string 'phone'" in str(problem)


def test_line_numbers_count_only_newlines_as_toml_does(tmp_path):
    # U+2028, U+2029 and U+0085 inside a string are text to TOML, not line ends.
    text = bank_toml("x", question_toml("x.a", rounds='"phone"'), question_toml("x.ok"))
    text = text.replace('description = "test bank"', 'description = "one\u2028two\u2029three\x85four"', 1)
    assert "\u2028" in text
    path = write(tmp_path / "w.toml", text)
    problem = _one(check_file(path))
    assert problem.line == text.split("\n").index('rounds = "phone"') + 1


def test_unknown_round_lists_the_valid_rounds(tmp_path):
    text = bank_toml("extra", question_toml("x.y", rounds='["phonee"]'), question_toml("x.ok"))
    path = write(tmp_path / "extra.toml", text)
    problem = _one(check_file(path))
    line = text.splitlines().index('rounds = ["phonee"]') + 1
    assert str(problem) == (
        f"{path}:{line}: question 'x.y': field 'rounds': 'phonee' is not one of phone, second, final"
    )


def test_unknown_type_lists_the_valid_types(tmp_path):
    path = write(tmp_path / "t.toml", bank_toml("x", question_toml("x.a", type="behavioural"), question_toml("x.ok")))
    problem = _one(check_file(path))
    assert problem.field == "type"
    assert "'behavioural' is not one of behavioral, situational, motivational, technical-light, closing" in str(problem)


def test_duplicate_id_in_one_file_keeps_the_first(tmp_path):
    text = bank_toml("x", question_toml("x.a", text="First"), question_toml("x.a", text="Second"))
    path = write(tmp_path / "d.toml", text)
    bank, problems = read_bank_file(path)
    problem = _one(problems)
    assert (problem.question_id, problem.field) == ("x.a", "id")
    assert "duplicate" in problem.message
    assert problem.line == [i + 1 for i, ln in enumerate(text.splitlines()) if ln == 'id = "x.a"'][1]
    assert bank is not None and [q.text for q in bank.questions] == ["First"]


def test_extra_field_in_a_question(tmp_path):
    text = bank_toml("x", question_toml("x.a", extra='difficulty = "hard"\n'), question_toml("x.ok"))
    path = write(tmp_path / "e.toml", text)
    problem = _one(check_file(path))
    assert problem.field == "difficulty"
    assert problem.line == text.splitlines().index('difficulty = "hard"') + 1
    assert "unknown field" in problem.message


def test_extra_top_level_field_skips_the_file(tmp_path):
    path = write(tmp_path / "e.toml", 'name = "oops"\n' + bank_toml("x", question_toml("x.a")))
    bank, problems = read_bank_file(path)
    problem = _one(problems)
    assert bank is None
    assert (problem.line, problem.field, problem.question_id) == (1, "name", None)


def test_empty_file(tmp_path):
    path = write(tmp_path / "empty.toml", "")
    bank, problems = read_bank_file(path)
    assert bank is None
    assert "empty file" in _one(problems).message


def test_file_with_header_but_no_questions(tmp_path):
    path = write(tmp_path / "nq.toml", 'id = "x"\ntitle = "X"\n')
    bank, problems = read_bank_file(path)
    assert bank is None
    assert _one(problems).field == "questions"


def test_unreadable_file(tmp_path):
    path = write(tmp_path / "locked.toml", bank_toml("x", question_toml("x.a")))
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything (root)")
        problem = _one(check_file(path))
        assert problem.line is None
        assert str(problem).startswith(f"{path}: cannot read")
    finally:
        path.chmod(0o600)


def test_unreadable_path_that_even_root_cannot_read(tmp_path):
    path = tmp_path / "dir.toml"
    path.mkdir()
    problem = _one(check_file(path))
    assert str(problem).startswith(f"{path}: cannot read")


def test_missing_file(tmp_path):
    problem = _one(check_file(tmp_path / "nope.toml"))
    assert "cannot read" in problem.message


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b'id = "x"\ntitle = "Caf\xe9"\n')
    assert "not UTF-8" in _one(check_file(path)).message


def test_every_problem_is_one_line(tmp_path):
    text = bank_toml("x", question_toml("x.a", rounds='["nope"]', type="nah", extra="foo = 1\n"))
    problems = check_file(write(tmp_path / "many.toml", text))
    assert len(problems) >= 4  # three bad fields, then "no valid questions"
    assert all("\n" not in str(p) for p in problems)


# ---------------------------------------------------------------- layering


def _layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    system = tmp_path / "sys-banks"
    monkeypatch.setenv("COACH_SYSTEM_BANKS", str(system))
    return system, paths.user_banks_dir()


def test_override_order_shipped_then_system_then_user(tmp_path, monkeypatch):
    system, user = _layers(tmp_path, monkeypatch)
    write(system / "a.toml", bank_toml("general", question_toml("gen.why-this-role", text="System text"),
                                       question_toml("sys.only", text="Only in system")))
    write(user / "a.toml", bank_toml("mine", question_toml("sys.only", text="User wins")))
    result = load_banks()
    assert result.problems == []
    qs = result.questions()
    assert qs["gen.why-this-role"].text == "System text"
    assert qs["sys.only"].text == "User wins"
    assert result.bank_of("sys.only") == "mine"
    assert result.sources["general"] == system / "a.toml"
    assert result.origins["general"][0] == shipped_banks_dir() / "general.toml"
    # merged, not replaced: the shipped general questions are still there
    assert "gen.walk-me-through-cv" in qs


def test_extra_dirs_come_last(tmp_path, monkeypatch):
    _, user = _layers(tmp_path, monkeypatch)
    write(user / "u.toml", bank_toml("u", question_toml("u.a", text="user")))
    write(tmp_path / "extra" / "e.toml", bank_toml("e", question_toml("u.a", text="extra")))
    assert load_banks([tmp_path / "extra"]).questions()["u.a"].text == "extra"


def test_new_bank_title_replaces_on_merge(tmp_path, monkeypatch):
    system, _ = _layers(tmp_path, monkeypatch)
    write(system / "s.toml", bank_toml("sales", question_toml("sales.extra"), title="Sales (our way)"))
    result = load_banks()
    assert result.banks["sales"].title == "Sales (our way)"
    assert "sales.lost-deal" in {q.id for q in result.banks["sales"].questions}
    assert "sales.extra" in {q.id for q in result.banks["sales"].questions}


def test_duplicate_id_across_files_in_one_directory(tmp_path, monkeypatch):
    _, user = _layers(tmp_path, monkeypatch)
    write(user / "a.toml", bank_toml("a", question_toml("dup.q", text="from a")))
    write(user / "b.toml", bank_toml("b", question_toml("dup.q", text="from b"), question_toml("b.ok")))
    result = load_banks()
    assert result.questions()["dup.q"].text == "from a"
    assert "b.ok" in result.questions()
    problem = _one(result.problems)
    assert problem.question_id == "dup.q" and "already in" in problem.message


def test_one_broken_file_does_not_stop_the_others(tmp_path, monkeypatch):
    system, user = _layers(tmp_path, monkeypatch)
    write(system / "a-broken.toml", "id = [\n")
    write(system / "b-good.toml", bank_toml("good", question_toml("good.q")))
    write(user / "c-half.toml", bank_toml("half", question_toml("half.ok"), question_toml("half.bad", type="nope")))
    result = load_banks()
    assert "good" in result.banks and "general" in result.banks
    assert [q.id for q in result.banks["half"].questions] == ["half.ok"]
    assert sorted(Path(p.file).name for p in result.problems) == ["a-broken.toml", "c-half.toml"]


def test_missing_directories_are_fine(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_SYSTEM_BANKS", str(tmp_path / "does-not-exist"))
    assert load_banks().problems == []


# -------------------------------------------------------------------- CLI


def _coach(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_cli_list_clean():
    out = _coach("banks")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    lines = out.stdout.splitlines()
    assert len(lines) == 6
    sales = next(ln for ln in lines if ln.startswith("sales "))
    assert "questions" in sales and "phone" in sales and "final" in sales and "sales.toml" in sales


def test_cli_list_reports_problems_on_stderr(tmp_path):
    write(tmp_path / "sb" / "broken.toml", "id = \n")
    out = _coach("banks", "list", env_extra={"COACH_SYSTEM_BANKS": str(tmp_path / "sb")})
    assert out.returncode == 1
    assert "general" in out.stdout
    [line] = out.stderr.splitlines()
    assert "broken.toml:1: TOML syntax error" in line


def test_cli_show():
    out = _coach("banks", "show", "data-analyst")
    assert out.returncode == 0, out.stderr
    assert "da.bad-data  [behavioral; quality, problem-solving, integrity]" in out.stdout
    assert out.stdout.index("(phone)") < out.stdout.index("(second)") < out.stdout.index("(final)")


def test_cli_show_unknown_bank():
    out = _coach("banks", "show", "astronaut")
    assert out.returncode == 1
    [line] = out.stderr.splitlines()
    assert "unknown bank 'astronaut'" in line and "software-engineer" in line and "general" in line


def test_cli_check_ok(tmp_path):
    path = write(tmp_path / "ok.toml", bank_toml("x", question_toml("x.a"), question_toml("x.b")))
    out = _coach("banks", "check", str(path))
    assert out.returncode == 0
    assert out.stdout.startswith("ok: 2 questions")


def test_cli_check_prints_every_problem(tmp_path):
    text = bank_toml("x", question_toml("x.a", rounds='["phonee"]'), question_toml("x.b", type="nah"),
                     question_toml("x.c"))
    path = write(tmp_path / "bad.toml", text)
    out = _coach("banks", "check", str(path))
    assert out.returncode == 1
    lines = out.stderr.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert "'phonee' is not one of phone, second, final" in lines[0]


def test_cli_banks_does_not_import_textual_or_openai():
    code = (
        "import sys; from coach.cli import main; rc = main(['banks', 'list']);"
        "bad = [m for m in ('textual', 'openai') if m in sys.modules]; print('BAD', bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "BAD []" in out.stdout, out.stdout + out.stderr
