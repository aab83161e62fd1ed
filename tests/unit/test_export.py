"""Export: the Markdown debrief, the JSON session, and `coach export`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from coach.export import REDACTED, redact, render, save_export, to_json, to_markdown
from coach.domain.models import Pointer, RealInterview, Session
from tests.helpers.history import CONFLICT_Q, feedback, persist, session


def test_markdown_has_the_round_role_date_and_every_answer() -> None:
    md = to_markdown(session())
    assert md.startswith("# Interview debrief: Competency round, software-engineer\n")
    assert "- Date: 2026-03-14 09:30 UTC" in md
    assert "- Round: Competency round (`second`)" in md
    assert "- Status: complete" in md
    assert f"### Question 1: {CONFLICT_Q}" in md
    assert "> We had a disagreement about the release date." in md
    assert "### Question 2: Why do you want this role?" in md


def test_markdown_pointers_carry_evidence_tip_and_question() -> None:
    md = to_markdown(session())
    assert "## The 2 pointers for next time" in md
    assert "### 1. Say what you did without softening it" in md
    assert "### 2. Show your own part, not the team's" in md
    assert "What you said in question 1:\n\n> I think maybe it went well" in md
    assert "**Next time:** Drop 'I think maybe' and state the outcome plainly." in md
    assert "## What worked" in md and "**A clear motivation**" in md
    assert "In question 2:\n\n> I like building things" in md
    # headline pointers come before the transcript
    assert md.index("## The 2 pointers") < md.index("## Questions and answers")


def test_markdown_provenance_offline_and_llm_with_notice() -> None:
    md = to_markdown(session())
    assert "Feedback by offline rules" in md
    fb_llm = feedback(backend="openai", model="gpt-4o-mini", notice="streamed from a local server")
    s = session(feedback=[feedback(), fb_llm])
    md = to_markdown(s)
    assert "Feedback by openai · gpt-4o-mini" in md
    assert "- Notice: streamed from a local server" in md
    assert "Earlier feedback kept in the session: offline rules on 2026-03-14" in md


def test_markdown_without_feedback_says_so() -> None:
    md = to_markdown(session(feedback=[]))
    assert "_No feedback has been made for this session yet._" in md
    assert "No feedback yet." in md


def test_answers_cannot_inject_markdown_structure() -> None:
    md = to_markdown(session())
    assert "> \\# not a heading" in md
    assert "> 1\\. not a list" in md
    assert "\n# not a heading" not in md


def test_unverified_evidence_is_flagged_and_notes_are_listed() -> None:
    ptr = Pointer(
        kind="no-result", title="Say how it ended", evidence="shipped on time",
        question_id="conflict", tip="End with the result.", verified=False,
    )
    fb = feedback(pointers=[ptr], notes=[{"question_id": "motive", "pointers": [ptr]}])
    md = to_markdown(session(feedback=[fb]))
    assert "## The pointer for next time" in md
    assert "could not be found verbatim" in md
    assert "- Note: **Say how it ended**" in md


def test_real_interview_details_and_skipped_answers() -> None:
    s = session()
    s.answers[1].status = "skipped"
    s = s.model_copy(update={
        "kind": "real",
        "real": RealInterview(company="Acme", stage="final", outcome="rejected",
                              employer_feedback="Wanted more depth."),
    })
    md = to_markdown(s)
    assert "- Kind: a real interview" in md
    assert "- Company: Acme" in md and "outcome: rejected" in md
    assert "## What the employer said\n\n> Wanted more depth." in md
    assert "_Skipped._" in md


def test_json_round_trips_to_the_session() -> None:
    s = session()
    again = Session.model_validate_json(to_json(s))
    assert again == s
    assert json.loads(render(s, "json"))["answers"][0]["edits"][0][3] == "W"


def test_never_includes_an_api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_OPENAI_API_KEY", "local-secret-value-123")
    leaky = "server said: bad key sk-abcdefghijklmnop1234567890 / local-secret-value-123"
    s = session(feedback=[feedback(backend="openai", model="m", notice=leaky)])
    for text in (to_markdown(s), to_json(s)):
        assert "sk-abcdefghijklmnop" not in text
        assert "local-secret-value-123" not in text
        assert REDACTED in text
    assert Session.model_validate_json(to_json(s)).id == s.id
    assert redact("Bearer abcdefghijklmnopqrstuvwxyz") == REDACTED


def test_save_export_writes_private_file_in_exports(tmp_path: Path) -> None:
    path = save_export(session(), tmp_path / "data")
    assert path == tmp_path / "data" / "exports" / "20260314T093000000-abc1.md"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_text().startswith("# Interview debrief")


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        render(session(), "pdf")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the command


def _coach(*argv: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, COACH_DATA_DIR=str(data))
    return subprocess.run(
        [sys.executable, "-m", "coach", *argv], capture_output=True, text=True, env=env, timeout=60
    )


@pytest.fixture
def saved(isolated_env: dict[str, Path]) -> Session:
    store_mod = pytest.importorskip("coach.store")
    s = session()
    persist(store_mod.Store(isolated_env["data"]), s)
    return s


def test_cli_export_markdown_to_stdout(saved: Session, isolated_env: dict[str, Path]) -> None:
    result = _coach("export", saved.id[:12], data=isolated_env["data"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Interview debrief")
    assert "I think maybe it went well" in result.stdout


def test_cli_export_json_to_file_is_private_and_loads(
    saved: Session, isolated_env: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out" / "s.json"
    out.parent.mkdir()
    result = _coach("export", saved.id, "--format", "json", "-o", str(out), data=isolated_env["data"])
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert Session.model_validate_json(out.read_text()).answers == saved.answers


def test_cli_export_unknown_session_is_one_line_exit_1(isolated_env: dict[str, Path]) -> None:
    pytest.importorskip("coach.store")
    result = _coach("export", "no-such-session", data=isolated_env["data"])
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "no-such-session" in result.stderr


def test_cli_export_unwritable_output_is_one_line(
    saved: Session, isolated_env: dict[str, Path], tmp_path: Path
) -> None:
    result = _coach("export", saved.id, "-o", str(tmp_path / "missing" / "x.md"),
                    data=isolated_env["data"])
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_export_does_not_import_textual(saved: Session, isolated_env: dict[str, Path]) -> None:
    code = (
        "import sys; from coach.cli import main; rc = main(['export', sys.argv[1]]);"
        " assert 'textual' not in sys.modules, 'textual imported';"
        " assert 'openai' not in sys.modules, 'openai imported'; raise SystemExit(rc)"
    )
    env = dict(os.environ, COACH_DATA_DIR=str(isolated_env["data"]))
    result = subprocess.run([sys.executable, "-c", code, saved.id], capture_output=True,
                            text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr


def test_follow_ups_are_labelled_against_their_question() -> None:
    from tests.helpers.history import answer

    s = session()
    s.answers.insert(1, answer("conflict-fu", "And how did it end?", "We shipped.",
                               follow_up_of="conflict"))
    md = to_markdown(s)
    assert "### Follow-up to question 1: And how did it end?" in md
    assert "### Question 2: Why do you want this role?" in md


def test_a_skipped_question_says_skipped_without_an_answer_time() -> None:
    s = session()
    s.answers[1].status = "skipped"
    s.answers[1].text = ""
    s.answers[1].think_ms = 2000
    s.answers[1].answer_ms = 1000
    s.answers[0].answer_ms = 61000
    md = to_markdown(s)
    skipped = md.split(f"{s.answers[1].question}")[1].split("###")[0]
    assert "_Skipped._" in skipped
    assert "answered in" not in skipped.lower()
    assert "_Thought for 2 s._" in skipped
    answered = md.split(f"{s.answers[0].question}")[1].split("###")[0]
    assert "answered in" in answered.lower()


# ---------------------------------------------------------- retries and examples


def test_markdown_lists_each_attempt_with_timing_verdict_quotes_and_the_example() -> None:
    from tests.helpers.history import RETRY_A, retried_session

    md = to_markdown(retried_session())
    body = md[md.index("### Question 1"):md.index("### Question 2")]
    assert body.index("> We had a disagreement") < body.index("#### Attempt 2 (working on: Say what you did")
    attempt = body[body.index("#### Attempt 2"):]
    assert f"> {RETRY_A}" in attempt
    assert "_Thought for 1 s, answered in 8 s._" in attempt
    assert "Compared with attempt 1 by offline rules:" in attempt
    assert "- Resolved (hedging): Now it says what you did plainly. “I ran the load tests myself”" in attempt
    assert "- Still there (ownership): The end still credits the team. “the team agreed”" in attempt
    example = body[body.index("#### What it could sound like"):]
    assert example.startswith("#### What it could sound like — an example built from your answer (offline rules)")
    assert "_Your sentences from attempt 2, put in order" in example
    assert "> We disagreed about the release date." in example and "[how it ended: a number or what changed]" in example
    assert "To add: \\[how it ended: a number or what changed\\]" in example
    # an answer without retries gets neither section
    assert "Attempt" not in md[md.index("### Question 2"):]


def test_attempt_without_a_known_pointer_title_uses_the_kind_title_and_notices_are_kept() -> None:
    from tests.helpers.history import retried_session

    s = retried_session()
    attempt = s.answers[0].attempts[0]
    attempt.pointer = "no-result"  # the feedback has no such pointer: the taxonomy's title
    attempt.verdict.notice = "the LLM verdict quoted words not in the answer; offline rules decided"
    s.answers[0].stronger[-1].notice = "the rewrite added a number (42); the offline example is shown"
    md = to_markdown(s)
    from coach.domain.kinds import KINDS

    assert f"#### Attempt 2 (working on: {KINDS['no-result'].title})" in md
    assert "- Notice: the LLM verdict quoted words not in the answer; offline rules decided" in md
    assert "- Notice: the rewrite added a number (42); the offline example is shown" in md


def test_untrusted_attempt_text_verdict_and_example_stay_inert() -> None:
    from coach.domain.models import RetryVerdict, Stronger, VerdictLine
    from tests.helpers.history import retried_session

    s = retried_session()
    attempt = s.answers[0].attempts[0]
    attempt.text = "# Heading?\n\x1b[31mred\x1b[0m <script>x</script>"
    attempt.verdict = RetryVerdict(backend="openai", model="m", notice="key sk-abcdefghijklmnopqrstuv leaked", lines=[
        VerdictLine(kind="hedging", status="new", says="*bold* `code`\x07", evidence="<b>\x9b2J")])
    s.answers[0].stronger = [Stronger(attempt=2, text="- list?\n[x](http://evil) ok", backend="openai", model="m")]
    md = to_markdown(s)
    assert "\x1b" not in md and "\x07" not in md and "\x9b" not in md
    assert "> \\# Heading?" in md and "&lt;script>" in md
    assert "- New (hedging): \\*bold\\* \\`code\\`" in md
    assert "“\\<b\\>" in md
    assert "sk-abcdefghijklmnopqrstuv" not in md and "[redacted]" in md
    assert "> \\- list?" in md and "[x]\\(http://evil)" in md  # no link
    assert "(openai · m)" in md


def test_cli_export_never_replaces_a_saved_session_a_setting_or_a_fifo(
    saved: Session, isolated_env: dict[str, Path], tmp_path: Path
) -> None:
    session_file = next((isolated_env["data"] / "sessions").glob(f"{saved.id}*"))
    before = session_file.read_bytes()
    config = isolated_env["config"] / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('round = "final"\n', encoding="utf-8")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "innocent.md"
    link.symlink_to(session_file)
    for target, says in ((session_file, "saved sessions"), (isolated_env["data"] / "sessions" / "new.md", "saved sessions"),
                         (link, "saved sessions"), (config, "settings"), (fifo, "FIFO"), (tmp_path, "directory")):
        result = _coach("export", saved.id, "-o", str(target), data=isolated_env["data"])
        assert result.returncode == 1 and result.stdout == "", target
        assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr, result.stderr
    assert session_file.read_bytes() == before and config.read_text() == 'round = "final"\n'
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and link.is_symlink()
    # An ordinary file elsewhere is replaced, as -o asks.
    plain = tmp_path / "debrief.md"
    plain.write_text("old", encoding="utf-8")
    assert _coach("export", saved.id, "-o", str(plain), data=isolated_env["data"]).returncode == 0
    assert plain.read_text(encoding="utf-8").startswith("# Interview debrief")
