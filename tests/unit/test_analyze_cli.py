"""`coach analyze`: the JSON Lines batch contract, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

STORY_Q = "Tell me about a time you improved a process."


def run_analyze(lines: list[str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "coach", "analyze", *args],
        input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60,
    )


def test_contract_order_ids_errors_and_exit_status():
    lines = [
        json.dumps({"id": 7, "question": STORY_Q, "answer": "I always try to improve things and I usually make a plan first."}),
        "not json",
        json.dumps({"id": "b", "question": STORY_Q}),
        json.dumps({"id": "c", "question": STORY_Q, "answer": 5}),
        json.dumps({"id": ["x"], "question": "Do you have any questions for us?", "answer": "No.", "round": "final"}),
        json.dumps({"id": "r", "question": STORY_Q, "answer": "x", "round": "fourth"}),
        json.dumps([1, 2]),
    ]
    proc = run_analyze(lines)
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["id"] == 7 and out[0]["backend"] == "offline" and out[0]["model"] is None
    assert 1 <= len(out[0]["pointers"]) <= 2
    assert set(out[0]["pointers"][0]) == {"kind", "title", "evidence", "tip", "source"}
    assert out[0]["pointers"][0]["source"] == "offline rules"
    assert out[1] == {"id": None, "line": 2, "error": out[1]["error"]} and "JSON" in out[1]["error"]
    assert out[2]["id"] == "b" and out[2]["line"] == 3 and "answer" in out[2]["error"]
    assert out[3]["line"] == 4 and "string" in out[3]["error"]
    assert out[4]["id"] == ["x"] and out[4]["pointers"][0]["kind"] == "no-questions"
    assert out[5]["line"] == 6 and "round" in out[5]["error"]
    assert out[6]["line"] == 7 and "object" in out[6]["error"]


def test_all_good_lines_exit_zero_and_evidence_is_verbatim():
    answer = "At my last job I rebuilt the rota spreadsheet. Overtime fell from 40 hours a month to 10."
    proc = run_analyze([json.dumps({"id": 1, "question": STORY_Q, "answer": answer})])
    assert proc.returncode == 0, proc.stderr
    (row,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert all(p["evidence"] in answer for p in row["pointers"])


def test_job_flag_and_per_line_override(tmp_path):
    job = tmp_path / "job.txt"
    job.write_text("Customer support specialist: Zendesk tickets, billing and invoicing questions, help-centre articles.")
    answer = "I am hard-working and reliable and I want to grow my career somewhere with a good culture."
    lines = [
        json.dumps({"id": 1, "question": "Why are you interested in this role?", "answer": answer}),
        json.dumps({"id": 2, "question": "Why are you interested in this role?", "answer": answer,
                    "job": "Payments engineer: Python, PostgreSQL, Kafka services for card payments."}),
    ]
    proc = run_analyze(lines, "--round", "phone", "--job", str(job))
    assert proc.returncode == 0, proc.stderr
    first, second = [json.loads(line) for line in proc.stdout.splitlines()]
    assert first["pointers"][0]["kind"] == "no-job-link"
    assert "zendesk" in first["pointers"][0]["tip"].lower() or "billing" in first["pointers"][0]["tip"].lower()
    assert any(t in second["pointers"][0]["tip"].lower() for t in ("python", "kafka", "postgresql", "payments"))


def test_missing_job_file_is_a_usage_error(tmp_path):
    proc = run_analyze([], "--job", str(tmp_path / "missing.txt"))
    assert proc.returncode == 2
    assert "missing.txt" in proc.stderr and proc.stdout == ""


def test_unknown_backend_is_a_usage_error():
    proc = run_analyze([json.dumps({"question": STORY_Q, "answer": "x"})], "--backend", "no-such-backend")
    assert proc.returncode == 2 and "no-such-backend" in proc.stderr


def test_offline_analyze_imports_neither_textual_nor_openai():
    code = (
        "import sys, io; sys.argv=['coach','analyze'];"
        "sys.stdin = io.TextIOWrapper(io.BytesIO(b''));"
        "from coach.cli import main;"
        "import coach.commands.analyze as a, coach.engine.offline, coach.engine.offline.rank;"
        "a.process(['{\"question\": \"q\", \"answer\": \"I always plan.\"}'], sys.stdout, a._offline_review, {});"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'openai')];"
        "print('BAD', bad) if bad else print('CLEAN')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip().endswith("CLEAN"), proc.stdout + proc.stderr


def test_offline_analyze_process_importtime_has_no_textual_or_openai():
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "coach", "analyze"],
        input=json.dumps({"question": STORY_Q, "answer": "I usually plan ahead."}) + "\n",
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines() if "|" in line}
    assert "textual" not in imported and "openai" not in imported


@pytest.mark.parametrize("raw", ["\udcff", "\x00\x01"])
def test_odd_input_never_crashes(raw):
    proc = subprocess.run(
        [sys.executable, "-m", "coach", "analyze"],
        input=(json.dumps({"question": STORY_Q, "answer": raw}) + "\n").encode("utf-8", "surrogatepass") + b"\xff\xfe\n",
        capture_output=True, timeout=60,
    )
    assert proc.returncode == 1  # the invalid-UTF-8 line is reported, the JSON line analyzed
    lines = proc.stdout.decode().splitlines()
    assert len(lines) == 2 and "pointers" in json.loads(lines[0]) and "error" in json.loads(lines[1])


def test_empty_lines_are_reported_so_output_matches_input_line_for_line():
    good = json.dumps({"id": "a", "question": STORY_Q, "answer": "I always plan first."})
    raw = good + "\n\n   \t\n" + good.replace('"a"', '"b"') + "\r\n\r\n" + good.replace('"a"', '"c"') + "\n"
    proc = subprocess.run([sys.executable, "-m", "coach", "analyze"], input=raw.encode(), capture_output=True, timeout=60)
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(out) == 6  # six input lines; the newline ending the last one is not a line
    assert [row.get("id") for row in out] == ["a", None, None, "b", None, "c"]
    for n in (2, 3, 5):
        assert out[n - 1] == {"id": None, "line": n, "error": "empty line"}
    assert all("pointers" in out[i] for i in (0, 3, 5))


def test_only_good_lines_and_a_final_newline_exit_zero():
    good = json.dumps({"id": 1, "question": STORY_Q, "answer": "I always plan first."})
    for raw in (good, good + "\n"):
        proc = subprocess.run([sys.executable, "-m", "coach", "analyze"], input=raw, capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        assert len(proc.stdout.splitlines()) == 1


def test_empty_input_gives_no_output_and_exit_zero():
    proc = subprocess.run([sys.executable, "-m", "coach", "analyze"], input="", capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stdout) == (0, "")


def test_help_documents_empty_lines():
    proc = subprocess.run([sys.executable, "-m", "coach", "analyze", "--help"], capture_output=True, text=True, timeout=60)
    assert '"error": "empty line"' in " ".join(proc.stdout.split())


def test_a_bad_line_is_named_plainly():
    # Invalid bytes reach the parser as lone surrogates (stdin is read with
    # errors="surrogateescape"): the error says the line is not UTF-8, even when the
    # byte sits inside a string, where it would otherwise become a silent U+FFFD.
    from coach.commands.analyze import LineError, parse_line

    with pytest.raises(LineError, match=r"^not UTF-8 text"):
        parse_line("\udcff\udcfe{}", {})
    with pytest.raises(LineError, match=r"^not UTF-8 text \(an invalid byte at column 23\)"):
        parse_line('{"answer": "At the caf\udce9 I led the team."}', {})
    assert parse_line('{"question": "q", "answer": "a real \ufffd is text"}', {})[1]["answer"] == "a real \ufffd is text"
    with pytest.raises(LineError) as raw_tab:
        parse_line('{"question": "a\tb"}', {})
    assert str(raw_tab.value) == "not JSON: Invalid control character at column 16"


def test_numbers_json_cannot_hold_are_bad_lines_and_the_run_goes_on():
    huge = '{"id": ' + "9" * 5000 + ', "question": "q", "answer": "a"}'
    lines = [huge, '{"id": NaN, "question": "q", "answer": "a"}', '{"id": 1e400, "question": "q", "answer": "a"}',
             json.dumps({"question": STORY_Q, "answer": "I fixed the rota."})]
    proc = run_analyze(lines)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    out = [json.loads(line) for line in proc.stdout.splitlines()]  # strict: no NaN/Infinity written
    assert [o.get("line") for o in out] == [1, 2, 3, None] and "pointers" in out[3]
    assert all("not JSON" in o["error"] for o in out[:3])


def test_a_lone_carriage_return_is_whitespace_not_a_line_end():
    proc = subprocess.run(
        [sys.executable, "-m", "coach", "analyze"],
        input=b'{"question": "q",\r"answer": "a"}\n' + json.dumps({"question": STORY_Q, "answer": "b"}).encode() + b"\r\n",
        capture_output=True, timeout=60,
    )
    out = proc.stdout.decode().splitlines()
    assert proc.returncode == 0 and len(out) == 2 and all("pointers" in json.loads(o) for o in out)


def test_a_line_over_the_limit_is_skipped_to_its_newline_and_named():
    import io

    from coach.commands.analyze import _TooLong, bounded_lines

    stream = io.StringIO("a" * 25 + "\n" + "b" * 10 + "\n" + "c" * 11 + "\nlast")
    lines = list(bounded_lines(stream, limit=10))
    assert [type(x) is _TooLong for x in lines] == [True, False, True, False]
    assert lines[1] == "b" * 10 + "\n" and lines[3] == "last"
    # Through the command: the next line is still answered, at its own position.
    proc = run_analyze([json.dumps({"question": STORY_Q, "answer": "x" * 8_000_001}),
                        json.dumps({"question": STORY_Q, "answer": "I fixed the rota."})])
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1 and out[0]["line"] == 1 and "line too long" in out[0]["error"] and "pointers" in out[1]


def test_a_stream_that_never_sends_a_newline_is_reported_at_once():
    # `coach analyze < /dev/zero`: the line can never end; say so instead of reading in silence.
    with open("/dev/zero", "rb") as zero:
        proc = subprocess.Popen([sys.executable, "-m", "coach", "analyze"], stdin=zero,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        try:
            import select

            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, "nothing written 30 s into a stream with no newline"
            first = json.loads(proc.stdout.readline())
        finally:
            proc.kill()
            proc.wait()
    assert first["line"] == 1 and "line too long" in first["error"]
