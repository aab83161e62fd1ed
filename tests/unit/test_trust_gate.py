"""The trust gate (coach/services/trust.py): one test per rule, each with a reply written to break it.

Every junk reply here is what a small real model (SmolLM2-135M) was seen to
send, or the same trick in another form. The offline rules' own pointers on
all 828 real answers pass the gate (the last test), so a rule never drops
good advice just because it is worded like coach's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coach.domain.models import Pointer, Strength
from coach.services import trust

QID = "q1"
QUESTION = "Tell me about a time you had to persuade a colleague to change their plan."
ANSWER = (
    "I think maybe I was kind of the one who noticed the schedule slipping. We met on Monday and I showed "
    "my colleague the burn-down chart, and after that she agreed to move the launch by a week."
)
GOOD_TIP = "Name the result in one sentence: what changed for the team once the launch moved."


def pointer(**kw: object) -> Pointer:
    fields = {"kind": "no-result", "title": "Say how it ended", "evidence": "", "question_id": QID, "tip": GOOD_TIP}
    fields.update(kw)
    return Pointer(**fields)  # type: ignore[arg-type]


def verdict(*pointers: Pointer, strength: Strength | None = None) -> trust.Verdict:
    return trust.check(pointers, strength, {QID: QUESTION}, {QID: ANSWER})


def dropped_for(p: Pointer) -> str:
    v = verdict(p)
    assert not v.passed, f"{p} should have been dropped"
    return v.reasons()


def test_a_good_pointer_and_strength_pass_untouched() -> None:
    good = pointer()
    hedge = pointer(kind="hedging", title="Drop the hedges", evidence="I think maybe",
                    tip="Say what you did plainly, without 'I think maybe' in front of it.")
    strength = Strength(title="Evidence that persuades", evidence="burn-down chart", question_id=QID)
    v = verdict(good, hedge, strength=strength)
    assert v.pointers == [good, hedge] and v.strength == strength and not v.failures


@pytest.mark.parametrize("title", ["", "   ", "..."])
def test_empty_title(title: str) -> None:
    # Pointer forbids a truly empty title, so build it past validation as a reply could arrive.
    p = pointer().model_copy(update={"title": title})
    assert dropped_for(p) in ("empty titles", "placeholder titles")


@pytest.mark.parametrize("title", ["<your headline>", "string", "TODO", "{{title}}", "N/A", "12."])
def test_placeholder_title(title: str) -> None:
    assert dropped_for(pointer(title=title)) == "placeholder titles"


@pytest.mark.parametrize(
    "title", ["DraftFeedback", "Pointers", "One-Pointers", "question_id", "One thing that worked, or null", "no-result"]
)
def test_schema_field_or_class_name_as_title(title: str) -> None:
    assert dropped_for(pointer(title=title)) == "titles taken from the schema"


@pytest.mark.parametrize("title", ["Clarity", '"kind": "no-result"', "maybeTitle here", "x_y_z is bad",
                                   "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"])
def test_title_that_is_not_a_readable_phrase(title: str) -> None:
    assert dropped_for(pointer(title=title)) == "titles that are not a readable phrase"


def test_title_that_copies_the_question() -> None:
    assert dropped_for(pointer(title="A time you had to persuade a colleague")) == "titles copying the question"


def test_title_that_copies_the_answer() -> None:
    assert dropped_for(pointer(title="I showed my colleague the burn-down chart")) == "titles copying the answer"


def test_same_kind_and_evidence_twice_keeps_the_first() -> None:
    a = pointer(kind="ownership", title="Say what you did", evidence="We met on Monday",
                tip="Say which part was yours: who called the meeting, who made the chart.")
    b = pointer(kind="ownership", title="Own your part of it", evidence="We met on Monday",
                tip="Use 'I' for the steps you took yourself, so the interviewer can credit you.")
    v = verdict(a, b)
    assert v.pointers == [a] and v.reasons() == "duplicate pointers"


def test_the_same_tip_twice_is_a_duplicate() -> None:
    a = pointer()
    b = pointer(kind="vague-impact", title="Make the outcome concrete", evidence="she agreed to move the launch")
    v = verdict(a, b)
    assert v.pointers == [a] and v.reasons() == "duplicate pointers"


def test_tip_that_copies_the_answer() -> None:
    tip = "I showed my colleague the burn-down chart, and after that she agreed to move the launch."
    assert dropped_for(pointer(tip=tip)) == "tips that copy the answer"


@pytest.mark.parametrize("tip", ["I am an engineer who likes clear plans and good charts.",
                                 "The most challenging part was the approach the team took."])
def test_tip_not_addressed_to_the_candidate(tip: str) -> None:
    assert dropped_for(pointer(tip=tip)) == "tips not addressed to you"


@pytest.mark.parametrize("tip", ["1", "2. I am an", "Be clearer."])
def test_tip_too_short_to_say_what_to_do(tip: str) -> None:
    assert dropped_for(pointer(tip=tip)) == "tips too short to act on"


def test_unknown_kind() -> None:
    p = pointer().model_copy(update={"kind": "vibes"})
    assert dropped_for(p) == "unknown kinds"


@pytest.mark.parametrize("title", ["Something else worth changing", "Other", "<your headline>"])
def test_other_without_a_real_title(title: str) -> None:
    assert dropped_for(pointer(kind="other", title=title)) == "'other' pointers without a real title"


def test_other_with_a_real_title_passes() -> None:
    p = pointer(kind="other", title="Pause before the key number")
    assert verdict(p).pointers == [p]


@pytest.mark.parametrize("kind", sorted(trust.QUOTE_KINDS))
def test_kind_that_needs_a_quote_without_one(kind: str) -> None:
    assert dropped_for(pointer(kind=kind, title="Watch how you say it")) == f"{kind} pointers without a quote"


def test_made_up_quote_drops_the_pointer() -> None:
    # coach.engine.verify removed the quote it could not find and marked the pointer unverified.
    assert dropped_for(pointer(evidence="", verified=False)) == "made-up quotes"


def test_strength_is_held_to_the_same_title_rules_and_must_quote() -> None:
    for title, reason in (
        ("DraftStrength", "strength titles taken from the schema"),
        ("<what worked>", "strength titles placeholder"),
        ("A time you had to persuade a colleague", "strength titles copying the question"),
    ):
        v = verdict(pointer(), strength=Strength(title=title, evidence="burn-down chart", question_id=QID))
        assert v.pointers and v.strength is None
        assert v.reasons() == reason.replace("strength titles placeholder", "placeholder strength titles")
    v = verdict(pointer(), strength=Strength(title="Evidence that persuades", evidence="a slide deck", question_id=QID))
    assert v.strength is None and v.reasons() == "a strength without a quote"


def test_reasons_name_the_most_frequent_failure_first() -> None:
    v = verdict(pointer(title="<your headline>"), pointer(title="Pointers"), pointer(title="string"))
    assert not v.passed and v.reasons() == "placeholder titles, titles taken from the schema"


@pytest.mark.parametrize(
    ("question", "problem"),
    [
        ("Why?", "the question is too short"),
        ('{"question": "string"}', "the question is a placeholder"),
        ("What about {answer_id} and the [result] then?", "the question is not a readable sentence"),
        ("Tell me about a time you had to persuade a colleague to change their plan?",
         "the question repeats the question or the answer"),
        ("Thanks, that is really helpful context and I appreciate the detail you gave about the launch. " * 4
         + "What changed afterwards?", "the question is too long to ask aloud (67 words)"),
        ("What did you do? Who helped? How long did it take? What changed?", "the question asks several things at once"),
    ],
)
def test_follow_up_questions_are_gated(question: str, problem: str) -> None:
    assert trust.follow_up_problem(question, QUESTION, ANSWER) == problem
    assert trust.follow_up_problem("What changed for the team after the launch moved?", QUESTION, ANSWER) is None


def test_reworded_messages_that_are_json_or_schema_fail() -> None:
    assert trust.text_problem('{"pointers": []}') == "came back as JSON, not a message"
    assert trust.text_problem("Subject: DraftFeedback\n\nHi") == "contains placeholders or schema names"
    assert trust.text_problem("Subject: Thank you\n\nHi Sam, thank you for your time.") is None


def test_every_offline_pointer_on_the_real_answers_passes_the_gate() -> None:
    """No rule is so loose it lets junk through, nor so tight it drops coach's own advice."""
    from coach.engine import AnswerItem, ReviewRequest
    from coach.engine.offline import analyze

    data = Path(__file__).resolve().parents[2].parent / "shared" / "data"
    paths = [data / "siop2024" / "answers.jsonl", data / "siop2019" / "answers.jsonl"]
    if not all(p.is_file() for p in paths):
        pytest.skip(f"real-answer data not present at {data}")
    failures = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            feedback = analyze(ReviewRequest(items=(AnswerItem(row["id"], row["question"], row["answer"]),)))
            v = trust.check(feedback.pointers, feedback.strength, {row["id"]: row["question"]}, {row["id"]: row["answer"]})
            if v.failures:
                failures.append((row["id"], v.reasons()))
    assert not failures, failures[:10]
