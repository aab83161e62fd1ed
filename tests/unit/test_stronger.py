"""The offline example rewrite (`coach.engine.offline.stronger.build`) and `coach analyze --stronger`.

What it promises: the candidate's own sentences in a clear order, trimmed by
deletion only, with what is missing as a visible [placeholder]. The checks
here are the test's own (word sets, capitalised words, digits), not the
trust gate's, so a bug in one does not hide a bug in the other.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coach.engine.offline import stronger_parts as P
from coach.engine.offline.stronger import build
from coach.services import trust

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
POOLS = (DATA / "siop2024" / "answers.jsonl", DATA / "siop2019" / "answers.jsonl")

STORY_Q = "Tell me about a time you had to deal with a difficult deadline."
STORY_NO_ENDING = (
    "Last spring at my internship the reporting team had two weeks to move every report to the new system. "
    "I wrote the scripts that checked each report against the old numbers. "
    "I also met the analysts every morning to agree which reports to move next."
)
PLAN_Q = "What would you do if a colleague kept taking credit for your work?"
PLAN = (
    "This is a hard one and it happens a lot. "
    "It matters because the team should know who does what. "
    "I would talk to my colleague privately first and say what I had noticed. "
    "If it kept happening, I would bring the shared drafts to my manager."
)

_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+")


def outside(text: str) -> str:
    return _BRACKETS.sub(" ", text)


def words_of(text: str) -> set[str]:
    return {w.lower().replace("’", "'") for w in _WORD.findall(text)}


def added_facts(text: str, answer: str) -> list[str]:
    """Digits and capitalised words (not sentence starts, not I) outside brackets that the answer lacks."""
    said = words_of(answer)
    bare = outside(text)
    found = []
    for m in _WORD.finditer(bare):
        tok = m.group()
        before = bare[: m.start()].rstrip(" \"'“”‘’(")
        starts = not before or before[-1] in ".!?:"
        if tok[0].isdigit() or (tok[0].isupper() and not starts and tok not in ("I", "I'm", "I've", "I'd", "I'll")):
            if tok.lower().replace("’", "'") not in said:
                found.append(tok)
    return found


def pool() -> list[dict]:
    rows = []
    for path in POOLS:
        if not path.is_file():
            pytest.skip(f"real-answer data not present at {path}")
        with path.open(encoding="utf-8") as f:
            rows += [json.loads(line) for line in f if line.strip()]
    return rows


# ------------------------------------------------------------------ one answer


def test_a_story_without_an_ending_ends_with_the_ending_placeholder_after_its_own_sentences_in_order() -> None:
    example = build(STORY_Q, STORY_NO_ENDING)
    assert example.backend == "offline" and example.model is None
    assert example.text.endswith(f"[{P.ENDING}]")
    assert P.ENDING in example.placeholders
    positions = [example.text.find(s.strip()) for s in re.split(r"(?<=\.) ", STORY_NO_ENDING)]
    assert all(p >= 0 for p in positions), example.text
    assert positions == sorted(positions)


def test_every_word_outside_the_brackets_comes_from_the_answer() -> None:
    answer = ("Um, I think maybe the hardest one was basically last spring. We had two weeks to move the reports. "
              "I kind of wrote the scripts that checked every report. Sorry, that's all.")
    example = build(STORY_Q, answer)
    assert words_of(outside(example.text)) <= words_of(answer)
    for cut in ("um", "maybe", "basically", "kind", "sorry"):
        assert cut not in words_of(outside(example.text)), example.text
    assert "The hardest one was last spring." in example.text


def test_a_situational_plan_comes_out_as_position_then_reason_then_the_hard_part() -> None:
    example = build(PLAN_Q, PLAN)
    text = example.text
    position = text.find("I would talk to my colleague privately")
    reason = text.find("It matters because")
    hard = text.find("If it kept happening")
    assert -1 < position < reason < hard, text
    assert P.POSITION not in example.placeholders and P.REASON not in example.placeholders
    assert "This is a hard one" in text or words_of(outside(text)) <= words_of(PLAN)


def test_a_plan_without_a_reason_or_a_hard_part_shows_both_gaps() -> None:
    example = build(PLAN_Q, "I would talk to my colleague privately first and say what I had noticed about the drafts.")
    assert example.placeholders[:2] == [P.REASON, P.HARD_PART]
    assert example.text.startswith("I would talk to my colleague privately")


def test_a_habit_answer_to_a_story_question_asks_for_the_occasion_and_what_they_did() -> None:
    answer = ("I always make sure to plan my week on Sunday. I usually break big tasks into small ones. "
              "I try to ask for help early when a deadline looks tight, and I tend to keep a list.")
    example = build(STORY_Q, answer)
    assert example.placeholders[0] == P.OCCASION
    assert P.DID_YOURSELF in example.placeholders and P.ENDING in example.placeholders
    assert words_of(outside(example.text)) <= words_of(answer)


def test_habits_are_dropped_once_there_is_a_story() -> None:
    answer = (STORY_NO_ENDING + " I always make sure to plan my week on Sunday. "
              "In the end we moved all of the reports on time, a week early.")
    example = build(STORY_Q, answer)
    assert "plan my week" not in example.text
    assert example.text.rstrip().endswith(("a week early.", f"[{P.SCALE}]"))


@pytest.mark.parametrize("answer", ["Nothing comes to mind.", "", "   ", "lorem ipsum dolor sit amet", "sdfghjkl qwrtplkj zxcvbnm"])
def test_a_non_answer_gets_a_skeleton_of_placeholders_naming_the_question(answer: str) -> None:
    example = build(STORY_Q, answer)
    assert outside(example.text).strip() == ""
    assert example.placeholders[0].startswith(P.OCCASION)
    assert "difficult deadline" in example.placeholders[0]
    assert P.ENDING in example.placeholders


def test_a_situational_non_answer_gets_the_plan_skeleton() -> None:
    example = build(PLAN_Q, "I don't know what I would do.")
    assert outside(example.text).strip() == ""
    assert [p.split(",")[0] for p in example.placeholders] == [P.POSITION.split(",")[0], P.REASON, P.HARD_PART]


def test_control_characters_and_brackets_in_the_answer_never_reach_the_text() -> None:
    answer = ("Last spring\x1b[31m at my internship the team had two weeks\x07 to move the reports [urgent]. "
              "I wrote\u202e the scripts that checked each report\x00 against the old numbers.")
    example = build(STORY_Q + "\x1b]0;evil\x07", answer)
    bad = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b-\u200f]")
    assert not bad.search(example.text), repr(example.text)
    assert not any(bad.search(p) for p in example.placeholders)
    assert "(urgent)" in example.text  # the candidate's brackets never pose as a placeholder
    assert set(_BRACKETS.findall(example.text)) == {f"[{p}]" for p in example.placeholders}


def test_the_attempt_it_was_built_from_is_kept() -> None:
    assert build(STORY_Q, STORY_NO_ENDING, attempt=3).attempt == 3


def test_a_huge_answer_is_cheap_and_still_an_example() -> None:
    answer = (STORY_NO_ENDING + " ") * 3000
    example = build(STORY_Q, answer)
    assert example.text and len(example.text) < 20_000


# ------------------------------------------------------------------ the pool


def test_every_pool_answer_gives_an_example_that_adds_no_fact() -> None:
    rows = pool()
    assert len(rows) == 828
    problems = []
    for row in rows:
        example = build(row["question"], row["answer"])
        assert example.text.strip(), row["id"]
        extra = added_facts(example.text, row["answer"])
        if extra:
            problems.append((row["id"], extra[:3]))
        # The gate an LLM's smoothing must pass holds for the offline example itself.
        gate = trust.rewrite_problem(example.text, row["answer"], example.placeholders)
        if gate is not None:
            problems.append((row["id"], gate))
        if not words_of(outside(example.text)) <= words_of(row["answer"]):
            problems.append((row["id"], sorted(words_of(outside(example.text)) - words_of(row["answer"]))[:3]))
    assert not problems, problems[:10]


def test_the_cli_adds_a_stronger_example_to_every_line_with_pointers() -> None:
    rows = random.Random(16).sample(pool(), 60)
    stdin = "".join(json.dumps({"id": r["id"], "question": r["question"], "answer": r["answer"]}) + "\n" for r in rows)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run([sys.executable, "-m", "coach", "analyze", "--stronger"], input=stdin, capture_output=True,
                         text=True, env=env, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [line["id"] for line in lines] == [r["id"] for r in rows]
    for line, row in zip(lines, rows):
        assert line["pointers"]
        example = line["stronger"]
        assert set(example) <= {"text", "placeholders", "backend", "notice"}
        assert example["backend"] == "offline" and example["text"].strip()
        assert not added_facts(example["text"], row["answer"]), (row["id"], example["text"])
        assert set(_BRACKETS.findall(example["text"])) == {f"[{p}]" for p in example["placeholders"]}


def test_without_the_flag_the_output_has_no_stronger_key() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACH_")}
    env["PYTHONPATH"] = str(REPO)
    line = json.dumps({"question": STORY_Q, "answer": STORY_NO_ENDING}) + "\n"
    out = subprocess.run([sys.executable, "-m", "coach", "analyze"], input=line, capture_output=True, text=True,
                         env=env, cwd=REPO, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "stronger" not in json.loads(out.stdout)


def test_a_short_action_that_shares_a_word_with_the_situation_is_kept() -> None:
    answer = "I had conflicting instructions when two teachers taught one class. They gave us different assignments. I did both assignments."
    example = build("Describe a situation where you received conflicting instructions.", answer)
    assert "I did both assignments." in example.text


def test_a_sentence_said_twice_is_kept_once() -> None:
    said = "I rewrote the release checklist for the whole support team."
    example = build(STORY_Q, f"Last spring our releases kept failing. {said} Then {said[0].lower() + said[1:]}")
    assert example.text.count("release checklist") == 1


def test_the_banks_type_decides_the_layout_over_the_wording() -> None:
    question = "A colleague keeps taking credit for your work."
    answer = "I would talk to my colleague privately first and say what I had noticed about the drafts."
    assert P.REASON in build(question, answer, type="situational").placeholders
    assert P.REASON not in build(question, answer, type="behavioral").placeholders
