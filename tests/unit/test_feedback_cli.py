"""`coach feedback SESSION`: runs the backend, prints the debrief, keeps every feedback."""

from __future__ import annotations

import json

from coach.cli import main
from coach.domain.models import Answer
from coach.store import Store

GENERIC = ("I always try to improve things. I usually ask people what slows them down and then I make a plan. "
           "It is important to involve everyone so they feel ownership of the change.")


def make_session(data_dir):
    store = Store(data_dir)
    answers = [
        Answer(question_id="q1", question="Tell me about a time you improved a process.", text=GENERIC, status="submitted"),
        Answer(question_id="q2", question="Do you have any questions for us?", type="closing", text="No, thanks.", status="submitted"),
    ]
    return store, store.create("final", "general", answers=answers)


def test_prints_debrief_and_appends_feedback(isolated_env, capsys):
    store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id]) == 0
    out = capsys.readouterr().out
    assert "Next time:" in out and "You said:" in out and "Feedback by offline rules." in out
    assert "“" in out
    saved = store.load(session.id)
    assert len(saved.feedback) == 1
    assert saved.feedback[0].backend == "offline"


def test_a_second_run_on_unchanged_answers_keeps_the_current_debrief(isolated_env, capsys):
    store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id, "--backend", "offline"]) == 0
    first = capsys.readouterr().out
    assert main(["feedback", session.id[:12], "--backend", "offline"]) == 0
    second = capsys.readouterr().out
    assert "is current: the answers have not changed. Use --again to save a new one." in second
    assert first in second  # the existing debrief is printed in full
    assert len(store.load(session.id).feedback) == 1


def test_again_saves_a_new_debrief(isolated_env, capsys):
    store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id]) == 0
    assert main(["feedback", session.id, "--again"]) == 0
    out = capsys.readouterr().out
    assert "is current" not in out
    assert len(store.load(session.id).feedback) == 2


def test_changed_answers_get_a_new_debrief(isolated_env, capsys):
    store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id]) == 0
    changed = store.load(session.id)
    changed.answers[1].text = "Yes: how does the team decide what to build next, and who has the final say?"
    store.save(changed)
    assert main(["feedback", session.id]) == 0
    assert "is current" not in capsys.readouterr().out
    assert len(store.load(session.id).feedback) == 2


def test_json_only_prints_and_never_saves(isolated_env, capsys):
    store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["backend"] == "offline"
    assert store.load(session.id).feedback == []


def test_json_output_is_the_feedback_model(isolated_env, capsys):
    _store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id, "--json", "--backend", "offline"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backend"] == "offline" and data["model"] is None
    assert 1 <= len(data["pointers"]) <= 2
    assert {n["question_id"] for n in data["notes"]} == {"q1", "q2"}
    kinds = [p["kind"] for p in data["pointers"]]
    assert "no-questions" in kinds


def test_unknown_session_is_one_line_exit_1(isolated_env, capsys):
    assert main(["feedback", "no-such-session"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no-such-session" in err[0]


def test_unreadable_session_file_names_the_file(isolated_env, tmp_path, capsys):
    bad = tmp_path / "broken.toml"
    bad.write_text("this is = = not toml")
    assert main(["feedback", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "broken.toml" in err[0]


def test_unknown_backend_is_one_line_exit_1(isolated_env, capsys):
    _store, session = make_session(isolated_env["data"])
    assert main(["feedback", session.id, "--backend", "nope"]) == 1
    assert "nope" in capsys.readouterr().err


def _phone_rejection(data_dir):
    from coach.real import record_real
    from tests.helpers.real import JOB, PHONE_ANSWERS

    store = Store(data_dir)
    session = record_real(
        store, company="Brightwave", role="Data Analyst", stage="phone", outcome="rejected",
        job=JOB, answers=PHONE_ANSWERS,
    )
    return store, session


def test_real_phone_rejection_is_rerun_stage_aware(isolated_env, capsys):
    from coach.real import debrief_offline

    store, session = _phone_rejection(isolated_env["data"])
    assert main(["feedback", session.id, "--json", "--backend", "offline"]) == 0
    data = json.loads(capsys.readouterr().out)
    kinds = [p["kind"] for p in data["pointers"]]
    assert kinds[0] == "no-job-link"
    # The fit pointer, built from the job's requirements, not the practice-round rules' pointer.
    assert "SQL" in data["pointers"][0]["tip"]
    assert [p["title"] for p in data["pointers"]] == [p.title for p in debrief_offline(session).pointers]
    before = len(store.load(session.id).feedback)
    assert main(["feedback", session.id, "--backend", "offline"]) == 0  # without --json it is saved
    capsys.readouterr()
    saved = store.load(session.id).feedback
    assert len(saved) == before + 1 and saved[-1].pointers[0].tip == data["pointers"][0]["tip"]


def test_real_phone_rejection_with_a_failing_llm_keeps_fit_first(isolated_env, monkeypatch, capsys):
    from tests.helpers.llama import free_port

    monkeypatch.setenv("COACH_OPENAI_BASE_URL", f"http://127.0.0.1:{free_port()}/v1")
    _store, session = _phone_rejection(isolated_env["data"])
    assert main(["feedback", session.id, "--json", "--backend", "openai"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["pointers"][0]["kind"] == "no-job-link" and "SQL" in data["pointers"][0]["tip"]
    assert data["backend"] == "offline" and "connection refused" in data["notice"]


def test_real_session_with_nothing_to_review_is_one_line_exit_1(isolated_env, capsys):
    from coach.real import record_real

    session = record_real(Store(isolated_env["data"]), company="B", role="Analyst", stage="final", outcome="waiting")
    assert main(["feedback", session.id]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and session.id in err[0] and "nothing to review" in err[0]


def test_feedback_run_in_parallel_keeps_every_debrief(isolated_env):
    # Each process reads, appends and saves; without the session's lease around
    # that, the last writer would drop what the others added.
    import os
    import subprocess
    import sys

    store, session = make_session(isolated_env["data"])
    env = dict(os.environ, COACH_DATA_DIR=str(isolated_env["data"]))
    procs = [subprocess.Popen([sys.executable, "-m", "coach", "feedback", session.id, "--again"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(4)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    assert all(code == 0 for code, _ in results), results
    assert len(Store(isolated_env["data"]).load(session.id).feedback) == 4
    assert not list((isolated_env["data"] / "sessions").glob("*.lock"))
