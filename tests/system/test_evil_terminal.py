"""The evil corpus, terminal part: text from outside never reaches a terminal with its controls active.

Session files (made through the Store API), a bank file, a bank file's name
and an analyze line carry OSC 52 (clipboard write), OSC 0 (window title), CSI
2J (clear screen), DCS, the one-character C1 CSI U+009B, U+0085, BEL, DEL and
other C0 controls. The checks are on BYTES: what the CLI writes to stdout and
stderr, and what the app writes to a real pseudo-terminal. Beside the evil
sessions a good one still lists, opens and exports, and what is stored keeps
what was typed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual import events

from coach.domain.models import Answer, Feedback, Pointer, RealInterview, Strength, replay_edits
from coach.domain.text import disarm, json_dumps, json_safe, visible
from coach.store import Store
from tests.helpers.history import typed_edits
from tests.helpers.proc import REPO, spawn_coach

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
OSC0 = "\x1b]0;EVILTITLE\x07"
CSI = "\x1b[2JEVILCLEAR"
DCS = "\x1bP1$qm\x1b\\"
C1 = "\x9b31mEVILC1"
EVIL = f"{OSC52}{OSC0}{CSI}{DCS}{C1}\x85NEL\x07\x01\x02\x08\x7f\x1b_APC\x1b\\"

#: Bytes that can only have come from the data, were it passed through raw.
RAW_FROM_DATA = (
    b"\x1b]52;c;ZXZpbA", b"\x1b]0;EVILTITLE", b"\x1b[2JEVILCLEAR", b"\x1bP1$q", b"\x1b_APC",
    "\x9b".encode(), "\x85".encode(),
)
#: What the app may write for itself is ESC sequences; the CLI writes none at all.
_C0 = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
_C1 = re.compile(rb"\xc2[\x80-\x9f]")

ESC = b"\x1b"
GOOD_ROLE = "data-analyst"
GOOD_ANSWER = "I rebuilt the weekly report so it ran in ten minutes instead of two hours."


def assert_inert(data: bytes, what: str) -> None:
    """No C0 control but newline and tab, no C1, no ESC: safe to write to any terminal."""
    at = data.find(ESC)
    assert at < 0, f"{what}: raw ESC at {at}: {data[max(0, at - 40):][:120]!r}"
    c0, c1 = _C0.search(data), _C1.search(data)
    assert c0 is None, f"{what}: raw C0 {c0.group()!r} at {c0.start()}"  # type: ignore[union-attr]
    assert c1 is None, f"{what}: raw C1 {c1.group()!r} at {c1.start()}"  # type: ignore[union-attr]


def assert_no_raw_data(raw: bytes, what: str) -> None:
    for seq in RAW_FROM_DATA:
        assert seq not in raw, f"{what}: {seq!r} from the session reached the terminal"


# ------------------------------------------------------------------ the corpus


def _answer(qid: str, question: str, text: str) -> Answer:
    edits = typed_edits(text)
    return Answer(question_id=qid, question=question, type="behavioral", text=text, status="submitted",
                  think_ms=edits[0].t_ms, answer_ms=edits[-1].t_ms + 500, edits=edits)


@pytest.fixture
def corpus(isolated_env: dict[str, Path]) -> dict[str, object]:
    """A good session, then an evil practice session (the newest) and an evil real interview."""
    store = Store(isolated_env["data"])
    good = store.create("second", GOOD_ROLE, answers=[_answer("q1", "Tell me about a report you improved.", GOOD_ANSWER)])
    good.status = "complete"
    store.save(good)

    real = store.create("final", f"analyst{EVIL}", kind="real",
                        answers=[_answer("r1", f"Why us?{EVIL}", f"Because{EVIL} I like it.")])
    real.real = RealInterview(company=f"Acme{EVIL}", stage="final", outcome="rejected",
                              employer_feedback=f"Not enough{EVIL} depth")
    real.status = "complete"
    store.save(real)

    evil_answer = f"I think maybe {EVIL} it went well and the team sorted it out."
    evil = store.create(
        "second", f"sre{EVIL}", job=f"Job{EVIL}",
        answers=[_answer("e1", f"Tell me about a conflict.{EVIL}", evil_answer),
                 _answer("e2", f"Why this role?{EVIL}", f"I like{EVIL}\nbuilding things.")],
    )
    evil.status = "complete"
    store.save(evil)
    store.add_feedback(evil.id, Feedback(
        pointers=[Pointer(kind="hedging", title=f"Say it plainly{EVIL}"[:160], evidence=f"maybe {EVIL} it",
                          question_id="e1", tip=f"Drop the hedge.{EVIL}")],
        strength=Strength(title=f"Clear{EVIL}", evidence="building things", question_id="e2"),
        backend=f"openai{EVIL}", model=f"gpt{EVIL}", notice=f"Server said{EVIL}",
    ))
    return {"store": store, "good": good.id, "evil": evil.id, "real": real.id, "data": isolated_env["data"],
            "config": isolated_env["config"], "evil_answer": evil_answer}


def _coach(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "coach", *argv], input=stdin, capture_output=True,
                          cwd=REPO, timeout=120)


# ------------------------------------------------------------------ the sanitiser


def test_visible_disarms_every_control_one_character_for_one() -> None:
    shown = visible(EVIL)
    assert len(shown) == len(EVIL)
    assert_inert(shown.encode(), "visible")
    assert "␛]52;c;ZXZpbA==␇" in shown and "␛]0;EVILTITLE␇" in shown and "␛[2JEVILCLEAR" in shown
    assert "\ufffd31mEVILC1" in shown  # U+009B
    assert visible("ok\tline\nnext", multiline=True) == "ok\tline\nnext"
    assert visible("ok\tline\nnext") == "ok␉line␊next"
    assert visible("line\r\nnext", multiline=True) == "line \nnext"
    assert visible("a\u202eb\ud800") == "a\ufffdb\ufffd"
    assert visible("日本語 👩🏽‍💻 café") == "日本語 👩🏽‍💻 café"


def test_disarm_keeps_printable_and_format_characters_byte_exact() -> None:
    text = "a\u200d\u200f\u2067b\r\n\tc 👩🏽‍💻"
    assert disarm(text) == text
    assert disarm("a\x1b[2Jb\x07\x9b") == "a␛[2Jb␇\ufffd"


def test_json_escapes_c1_and_loads_back_the_same() -> None:
    obj = {"t": EVIL + "\u2028\ud800", "ok": "café"}
    out = json_dumps(obj)
    assert_inert(out.encode("utf-8"), "json_dumps")
    assert "\\u009b" in out and "\\u0085" in out and "café" in out
    assert json.loads(out) == obj
    assert json.loads(json_safe(json.dumps(obj, ensure_ascii=False, indent=2))) == obj


# ------------------------------------------------------------------ storage keeps what was typed


def test_the_store_keeps_the_evil_text_exactly(corpus) -> None:
    evil = corpus["store"].load(corpus["evil"])
    assert evil.role == f"sre{EVIL}"
    assert evil.answers[0].text == corpus["evil_answer"]
    assert replay_edits(evil.answers[0].edits) == evil.answers[0].text


async def test_a_paste_with_escape_sequences_is_saved_in_order_and_inert() -> None:
    from tests.tui.test_tui_flow import start_round
    from tests.helpers.tui import make_app, only_session, settle, type_answer

    pasted = "a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc"
    app, clock = make_app(flags={"follow_ups": False})
    async with app.run_test(size=(100, 40)) as pilot:
        await start_round(pilot, 1)
        await type_answer(pilot, clock, "xy")
        clock.advance(1.0)
        app.post_message(events.Paste(pasted))
        await pilot.pause()
        await type_answer(pilot, clock, "z")
        await pilot.press("ctrl+s")
        await settle(pilot)
    answer = only_session(app).answers[0]
    assert answer.text == "xya␛]52;c;ZXZpbA==␇b␛[2Jcz"
    assert replay_edits(answer.edits) == answer.text
    # The paste is one edit, at the cursor, between the keys typed before and after it.
    assert [e.text for e in answer.edits] == ["x", "y", "a␛]52;c;ZXZpbA==␇b␛[2Jc", "z"]
    assert [e.pos for e in answer.edits] == [0, 1, 2, 2 + len(disarm(pasted))]


def test_the_input_parser_delivers_a_paste_whole_and_in_order_however_it_is_read() -> None:
    from coach.tui.paste_guard import GuardedParser

    data = "x\x1b[200~a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc\x1b[201~y"
    for cut in range(1, len(data)):
        parser = GuardedParser()
        got = [*parser.feed(data[:cut]), *parser.feed(data[cut:])]
        pastes = [e.text for e in got if isinstance(e, events.Paste)]
        keys = [e.character for e in got if isinstance(e, events.Key)]
        assert pastes == ["a␛]52;c;ZXZpbA==␇b␛[2Jc"] and keys == ["x", "y"], cut
    escape = [*GuardedParser().feed("\x1b")]  # a lone ESC is still the Escape key (after the delay)
    assert escape == []


# ------------------------------------------------------------------ the command line


def test_export_markdown_is_safe_to_cat_and_the_good_one_still_exports(corpus, tmp_path: Path) -> None:
    for sid in (corpus["evil"], corpus["real"]):
        out = _coach("export", sid, "--format", "md")
        assert out.returncode == 0, out.stderr
        assert_inert(out.stdout, f"export md {sid}")
        text = out.stdout.decode()
        assert "␛]0;EVILTITLE␇" in text
        target = tmp_path / f"{sid}.md"
        assert _coach("export", sid, "--format", "md", "-o", str(target)).returncode == 0
        assert_inert(target.read_bytes(), f"exported file {sid}")
    assert "Acme␛]52;c;ZXZpbA==␇" in _coach("export", corpus["real"]).stdout.decode()
    good = _coach("export", corpus["good"], "--format", "md")
    assert good.returncode == 0 and GOOD_ANSWER in good.stdout.decode()


def test_export_json_escapes_controls_and_loads_back(corpus) -> None:
    from coach.domain.models import Session

    out = _coach("export", corpus["evil"], "--format", "json")
    assert out.returncode == 0, out.stderr
    assert_inert(out.stdout, "export json")
    assert Session.model_validate_json(out.stdout).role == f"sre{EVIL}"


def test_feedback_prints_the_debrief_inert(corpus) -> None:
    out = _coach("feedback", corpus["evil"])
    assert out.returncode == 0, out.stderr
    assert_inert(out.stdout, "feedback")
    assert "sre␛]52;c;ZXZpbA==␇" in out.stdout.decode()
    as_json = _coach("feedback", corpus["evil"], "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert_inert(as_json.stdout, "feedback --json")
    json.loads(as_json.stdout)


def test_history_json_escapes_c1_and_lists_the_good_session(corpus) -> None:
    out = _coach("history", "--json")
    assert out.returncode == 0, out.stderr
    assert_inert(out.stdout, "history --json")
    rows = json.loads(out.stdout)
    by_id = {r["id"]: r for r in rows}
    assert by_id[corpus["evil"]]["role"] == f"sre{EVIL}"  # escaped on the wire, exact when loaded
    assert by_id[corpus["good"]]["role"] == GOOD_ROLE


def _evil_bank(config: Path) -> Path:
    banks = config / "banks"
    banks.mkdir(parents=True, exist_ok=True)
    question = (
        "[[questions]]\n"
        'id = "evil.one"\n'
        f"text = {json.dumps('Describe a failure.' + EVIL)}\n"
        'rounds = ["phone", "second", "final"]\n'
        'roles = ["any"]\n'
        'type = "behavioral"\n'
        f"competencies = [{json.dumps('grit' + EVIL)}]\n"
    )
    head = f'id = "evil"\ntitle = {json.dumps("Evil" + EVIL)}\ndescription = {json.dumps("desc" + EVIL)}\n\n'
    path = banks / "evil.toml"
    path.write_text(head + question, encoding="utf-8")
    (banks / f"broken{OSC0}.toml").write_text('id = "b"\ntitle = \n', encoding="utf-8")
    return path


def test_banks_show_and_list_and_doctor_print_a_hostile_bank_inert(corpus) -> None:
    _evil_bank(corpus["config"])
    shown = _coach("banks", "show", "evil")
    assert shown.returncode == 0, shown.stderr
    assert_inert(shown.stdout, "banks show")
    assert "Describe a failure.␛]52;c;ZXZpbA==␇" in shown.stdout.decode()
    listed = _coach("banks", "list")
    assert_inert(listed.stdout, "banks list")
    assert_inert(listed.stderr, "banks list (problems)")
    assert "broken␛]0;EVILTITLE␇.toml" in listed.stderr.decode()
    doctor = _coach("doctor")
    assert_inert(doctor.stdout, "doctor")
    assert "broken␛]0;EVILTITLE␇.toml" in doctor.stdout.decode()


def test_analyze_lines_are_inert_and_every_line_is_answered() -> None:
    lines = [
        {"id": f"evil{EVIL}", "question": f"Why?{EVIL}", "answer": f"I think maybe {EVIL} we did fine as a team."},
        {"id": "good", "question": "Why?", "answer": "I led the migration and cut costs by a third."},
    ]
    stdin = ("\n".join(json.dumps(line) for line in lines) + "\n").encode()
    out = _coach("analyze", stdin=stdin)
    assert out.returncode == 0, out.stderr
    assert_inert(out.stdout, "analyze")
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["id"] for r in results] == [f"evil{EVIL}", "good"]  # the id echoed back exactly
    assert all(r["pointers"] for r in results)


# ------------------------------------------------------------------ the app, on a real terminal


def _wait_raw(proc, needle: bytes, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while needle not in proc.raw_output():
        if time.monotonic() > deadline:
            raise AssertionError(f"{needle!r} never drawn; screen:\n{proc.screen_text()}")
        time.sleep(0.05)


@pytest.mark.pty
def test_history_debrief_and_replay_draw_the_evil_session_inert(corpus) -> None:
    with spawn_coach("history", cols=120, rows=36) as proc:
        proc.wait_for("3 of 3 sessions", timeout=30)
        screen = proc.screen_text()
        # The role column may be shortened to fit; what shows, shows the ESC as a picture.
        assert "sre␛]52" in screen and GOOD_ROLE in screen
        assert_no_raw_data(proc.raw_output(), "History")

        proc.press("enter")  # the newest row: the evil session's debrief
        proc.wait_for("Next time", timeout=30)
        _wait_raw(proc, "Server said␛]52".encode())
        assert "Say it plainly␛]52;c;ZXZpbA==␇" in proc.screen_text()
        assert_no_raw_data(proc.raw_output(), "Debrief")

        proc.press("escape")
        proc.wait_for("3 of 3 sessions", timeout=20)
        proc.press("p")
        proc.wait_for("Replay", timeout=20)
        _wait_raw(proc, "Tell me about a conflict.␛]52".encode())
        time.sleep(1.0)  # a few frames of the replay playing
        assert_no_raw_data(proc.raw_output(), "Replay")

        proc.press("ctrl+q")
        assert proc.wait_exit(timeout=10) == 0
    assert_no_raw_data(proc.raw_output(), "the whole run")


@pytest.mark.pty
def test_a_pasted_escape_sequence_reaches_the_answer_in_order(corpus) -> None:
    store = corpus["store"]
    with spawn_coach(cols=100, rows=30) as proc:
        proc.wait_for("Start round", timeout=30)
        proc.press("n")
        proc.wait_for("Question 1 of", timeout=30)
        proc.type("xy")
        proc.wait_for("xy", timeout=10)
        proc.paste("a\x1b]52;c;ZXZpbA==\x07b\x1b[2Jc")
        proc.type("z")
        proc.wait_for("xya␛]52;c;ZXZpbA==␇b␛[2Jcz", timeout=10)
        assert_no_raw_data(proc.raw_output(), "interview")
        deadline = time.monotonic() + 5
        texts: list[str] = []
        while time.monotonic() < deadline:
            texts = [a.text for s in store.iter_sessions() for a in s.answers]
            if "xya␛]52;c;ZXZpbA==␇b␛[2Jcz" in texts:
                break
            time.sleep(0.1)
        assert "xya␛]52;c;ZXZpbA==␇b␛[2Jcz" in texts
        proc.press("ctrl+q")
        proc.wait_exit(timeout=10)


@pytest.mark.pty
def test_home_and_a_resumed_evil_draft_are_drawn_inert(corpus) -> None:
    store = corpus["store"]
    text = f"draft{EVIL}"
    draft = store.create("second", f"sre{EVIL}", answers=[
        Answer(question_id="d1", question=f"Q?{EVIL}", type="behavioral", text=text, status="draft",
               edits=typed_edits(text)),
    ])
    with spawn_coach(cols=100, rows=30) as proc:
        proc.wait_for("Resume: ", timeout=30)
        proc.wait_for("sre␛]52;c;ZXZpbA==␇", timeout=10)  # the role in the resume offer
        assert_no_raw_data(proc.raw_output(), "home")
        proc.press("r")
        proc.wait_for("Question 1 of 1", timeout=30)
        proc.wait_for("draft␛]52;c;ZXZpbA==␇", timeout=10)  # the draft in the editor
        assert_no_raw_data(proc.raw_output(), "interview")
        proc.press("escape")  # pause: saved
        proc.wait_for("Start round", timeout=20)
        proc.press("ctrl+q")
        assert proc.wait_exit(timeout=10) == 0
    answer = store.load(draft.id).answers[0]
    # What it showed is what it keeps, and the change is in the edit log like any other.
    assert answer.text == disarm(text)
    assert replay_edits(answer.edits) == answer.text
