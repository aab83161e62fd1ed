"""`coach feedback SESSION`: runs the backend, prints the debrief, keeps every feedback."""

from __future__ import annotations

import json

from coach.cli import main
from coach.models import Answer
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
    assert main(["feedback", session.id[:12]]) == 0
    saved = store.load(session.id)
    assert len(saved.feedback) == 2
    assert saved.feedback[0].backend == "offline"


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
