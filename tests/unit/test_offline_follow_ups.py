"""choose_follow_up: probe an answer's biggest gap, like a real interviewer, or not at all."""

from __future__ import annotations

import pytest

from coach.engine import AnswerItem
from coach.engine.offline import _PROBES, answer_findings, choose_follow_up

STORY_Q = "Tell me about a time you improved a process at work."
FIT_Q = "Why are you interested in this role?"

NO_RESULT = (
    "At my last job in a warehouse, orders were picked from a paper list and people walked back and forth across "
    "the floor. I noticed the list was sorted by order number, not by shelf. I asked my supervisor if I could "
    "re-sort it by aisle, built a spreadsheet that did the sorting, and trained the two other pickers on my shift."
)
VAGUE = NO_RESULT + " In the end it went really well and everyone was happier."
OWNERSHIP = (
    "Last year our team noticed the release process was slow. We met to discuss it and we decided to automate the "
    "checklist. We wrote scripts, we tested them on staging, and we rolled them out. The release went from two days "
    "to four hours and we were all pleased with the result."
)
NO_EXAMPLE = (
    "I always try to look for ways to improve things. I usually start by asking people what slows them down, and "
    "then I make a plan. It is important to involve everyone so they feel ownership. I would also measure progress "
    "regularly and adjust if something is not working."
)
NO_JOB_LINK = (
    "I have always liked working with people and I enjoy a challenge. My friends say I am hard working and "
    "reliable, and I want a place where I can grow and learn new things every day."
)
COMPLETE_STORY = (
    "Last spring at the warehouse, orders were picked from a paper list sorted by order number, so pickers walked "
    "back and forth. I re-sorted it by aisle in a spreadsheet and trained the two other pickers on my shift. Within "
    "a month our average pick time fell from 14 minutes to 9, and my supervisor rolled the sheet out to the other "
    "two shifts."
)
COMPLETE_FIT = (
    "I've spent three years handling customer escalations in Zendesk, and I built our weekly SQL reporting on "
    "ticket volumes. This role puts both at the centre, which is exactly the work I want to do more of, and I'd "
    "bring a tested playbook for escalations."
)
JOB = "Support Analyst\n- Zendesk\n- SQL reporting\n- customer escalations"

#: A bank's follow-ups for one question: one for each gap, and two about something else.
CANDIDATES = [
    "What would you do differently next time?",
    "Who did you take it to?",
    "What happened as a result?",
    "How did you measure it before and after?",
    "What did you personally do, as opposed to the team?",
    "Can you think of a time you actually did that?",
    "Which part of the job description stood out to you?",
]


def story(answer: str, **kw) -> AnswerItem:
    return AnswerItem(question_id="q1", question=STORY_Q, answer=answer, type="behavioral", **kw)


def fit(answer: str) -> AnswerItem:
    return AnswerItem(question_id="q1", question=FIT_Q, answer=answer, type="motivational")


# (the answer, the gap the engine reads in it, the bank follow-up that addresses it)
GAPS = [
    (story(NO_RESULT), "second", None, "no-result", "What happened as a result?"),
    (story(VAGUE), "second", None, "vague-impact", "How did you measure it before and after?"),
    (story(OWNERSHIP), "second", None, "ownership", "What did you personally do, as opposed to the team?"),
    (story(NO_EXAMPLE), "second", None, "no-example", "Can you think of a time you actually did that?"),
    (fit(NO_JOB_LINK), "phone", JOB, "no-job-link", "Which part of the job description stood out to you?"),
]


@pytest.mark.parametrize("item,round,job,gap,expected", GAPS, ids=[g[3] for g in GAPS])
def test_the_bank_follow_up_for_the_biggest_gap(item, round, job, gap, expected) -> None:
    found = answer_findings(item, round)
    assert any(f.kind == gap for f in found), found  # the premise: the engine sees that gap
    assert choose_follow_up(item, CANDIDATES, round, job=job) == expected
    # Bank order does not decide it: the one that addresses the gap does.
    assert choose_follow_up(item, list(reversed(CANDIDATES)), round, job=job) == expected


@pytest.mark.parametrize("item,round,job,gap,expected", GAPS, ids=[g[3] for g in GAPS])
def test_our_own_follow_up_when_none_of_the_bank_fits(item, round, job, gap, expected) -> None:
    unrelated = ["Who did you take it to?", "What would you do differently next time?"]
    ours = _PROBES[gap][1]
    assert choose_follow_up(item, unrelated, round, job=job) == ours
    assert choose_follow_up(item, [], round, job=job) == ours
    assert ours.endswith("?") and len(ours) < 90


def test_own_follow_ups_read_as_what_they_probe() -> None:
    assert "turn out" in _PROBES["no-result"][1]
    assert "measure" in _PROBES["vague-impact"][1]
    assert "your own part" in _PROBES["ownership"][1]
    assert "particular time" in _PROBES["no-example"][1]
    assert "this role" in _PROBES["no-job-link"][1]


def test_no_outcome_story_is_asked_about_the_outcome_first() -> None:
    """With several fitting follow-ups, the one for the gap, not the first in the bank."""
    bank = ["How did you measure it before and after?", "What did you personally do?", "How did it turn out?"]
    assert choose_follow_up(story(NO_RESULT), bank, "second") == "How did it turn out?"


@pytest.mark.parametrize("item,round,job", [
    (story(COMPLETE_STORY), "second", None),
    (fit(COMPLETE_FIT), "phone", JOB),
], ids=["story", "fit"])
def test_a_strong_complete_answer_gets_no_follow_up(item, round, job) -> None:
    assert choose_follow_up(item, CANDIDATES, round, job=job) is None


@pytest.mark.parametrize("item", [
    story("", skipped=True),
    story("I had started typing", skipped=True),
    story("   \n "),
    story("asdkfj qwlekrj zxcmvbn"),
    story("idk"),
], ids=["skipped-blank", "skipped-draft", "blank", "gibberish", "placeholder"])
def test_skipped_empty_or_junk_answers_get_no_follow_up(item) -> None:
    assert choose_follow_up(item, CANDIDATES, "second") is None


def test_no_follow_up_to_a_follow_up_or_a_closing_question() -> None:
    assert choose_follow_up(story(NO_RESULT, follow_up_of="q0"), CANDIDATES, "second") is None
    closing = AnswerItem(question_id="q9", question="Do you have any questions for us?", answer="No, I think I'm good.",
                         type="closing")
    assert choose_follow_up(closing, CANDIDATES, "final") is None


def test_a_hypothetical_follow_up_does_not_probe_a_story() -> None:
    """'What would have made the result better?' has the word 'result' but asks something else."""
    bank = ["What would have made the result more trustworthy?"]
    assert choose_follow_up(story(NO_RESULT), bank, "second") == _PROBES["no-result"][1]


def test_say_more_only_when_far_too_thin() -> None:
    assert choose_follow_up(story("I fixed the build."), CANDIDATES, "second") == _PROBES["too-short"][1]
    compact = (
        "In my last job I noticed our release checklist had no rollback step, so I wrote one and tested it on "
        "staging. As a result the next failed deploy was rolled back in 4 minutes."
    )
    assert [f.kind for f in answer_findings(story(compact), "second")] == ["too-short"]
    assert choose_follow_up(story(compact), CANDIDATES, "second") is None


def test_deterministic() -> None:
    for item, round, job, _gap, _exp in GAPS:
        first = choose_follow_up(item, CANDIDATES, round, job=job)
        assert all(choose_follow_up(item, CANDIDATES, round, job=job) == first for _ in range(5))


def test_a_follow_up_already_asked_this_round_is_not_asked_again() -> None:
    first = choose_follow_up(story(NO_RESULT), CANDIDATES, "second")
    assert first == "What happened as a result?"
    # the same gap in a later answer: our own question for it, not the bank's again
    again = choose_follow_up(story(NO_RESULT), CANDIDATES, "second", asked=["  what happened as a RESULT "])
    assert again == _PROBES["no-result"][1]
    # both asked: nothing left for that gap, so no repeat
    both = [first, _PROBES["no-result"][1]]
    assert choose_follow_up(story(NO_RESULT), CANDIDATES, "second", asked=both) not in both


def test_no_ownership_probe_after_an_answer_told_in_the_first_person() -> None:
    first_person = (
        "When the outage hit I was on call. The service was restarted, the cache was cleared and the logs were "
        "checked and the alert was closed. I wrote the incident report afterwards."
    )
    item = story(first_person)
    # the rules read the passive voice as the biggest gap this answer has...
    gaps = [f.kind for f in answer_findings(item, "second") if f.kind in _PROBES and f.kind != "too-short"]
    assert gaps[0] == "ownership"
    # ...but the candidate told it as "I": the next gap is probed instead
    for candidates in (CANDIDATES, [], ["What was your own part in that, as opposed to the team's?"]):
        chosen = choose_follow_up(item, candidates, "second")
        assert chosen is None or "as opposed to the team" not in chosen.lower()
        assert chosen != _PROBES["ownership"][1]
    # told in "we", the probe still comes
    assert choose_follow_up(story(OWNERSHIP), CANDIDATES, "second") == (
        "What did you personally do, as opposed to the team?")


# --- a follow-up's answer, judged as the reply to one probe ---------------------------------------

from coach.engine import ReviewRequest  # noqa: E402
from coach.engine.offline import analyze  # noqa: E402

MEASURE_PROBE = _PROBES["vague-impact"][1]
TIME_PROBE = _PROBES["no-example"][1]


def _round(*items: AnswerItem) -> ReviewRequest:
    return ReviewRequest(items=items, round="second")


def _follow(answer: str, probe: str = MEASURE_PROBE) -> AnswerItem:
    return AnswerItem("q1.follow-up", probe, answer, type="behavioral", follow_up_of="q1")


def test_a_one_sentence_reply_that_gives_what_the_probe_asked_is_not_too_short() -> None:
    reply = _follow("I got a B+ on the exam and we finished inventory a day early.")
    kinds = [f.kind for f in answer_findings(reply)]
    assert "too-short" not in kinds
    fb = analyze(_round(AnswerItem("q1", STORY_Q, VAGUE, type="behavioral"), reply))
    assert all(p.question_id != "q1.follow-up" for p in fb.pointers), [(p.kind, p.question_id) for p in fb.pointers]


def test_a_probe_for_a_time_wants_a_short_story_not_a_sentence() -> None:
    (f,) = [f for f in answer_findings(_follow("Yes, that happened at my old job a few times.", TIME_PROBE))
            if f.kind == "too-short"]
    assert f.facts["follow_up"] and f.facts["floor"] == 30
    story = _follow("Last March a customer's order went to the wrong town. I called the courier, had it re-sent "
                    "overnight at our cost and phoned her to say when it would land.", TIME_PROBE)
    assert "too-short" not in [g.kind for g in answer_findings(story)]


def test_a_thin_follow_up_reply_is_worded_as_one() -> None:
    reply = _follow("It helped.")
    fb = analyze(_round(reply))
    (p,) = [p for p in fb.pointers if p.kind == "too-short"]
    assert p.title == "Answer the follow-up in full" and "follow-up" in p.tip


def test_notes_that_a_complete_story_has_room_for_detail_do_not_make_a_pattern() -> None:
    # Four complete 45-70 word stories each carry the soft "room for detail" note; one longer
    # story ends only with "it went really well". The pattern bonus is for weaknesses, so four
    # soft notes do not outrank the one vague ending.
    complete = ("Last spring our checkout queue ran past twenty minutes on Saturdays. I moved two staff to a "
                "second till at noon and put a sign at the door. By the next month the wait was down to six "
                "minutes and complaints fell from nine to two.")
    items = [AnswerItem(f"q{i}", STORY_Q, complete, type="behavioral") for i in range(4)]
    items.append(AnswerItem("q9", STORY_Q, VAGUE + " My supervisor said it was a good idea and I was glad I "
                            "had spoken up about it, because the whole shift noticed the difference.", type="behavioral"))
    thin = [f for f in answer_findings(items[0]) if f.kind == "too-short"]
    assert thin and thin[0].facts.get("thin")
    assert "too-short" not in [f.kind for f in answer_findings(items[-1])]
    fb = analyze(_round(*items))
    assert fb.pointers[0].kind == "vague-impact" and fb.pointers[0].question_id == "q9", [
        (p.kind, p.question_id) for p in fb.pointers]


# ------------------------------------------------- what a follow-up drew out


def _with_follow_up(main: str, follow_up: str, probe: str = "Could you tell me a bit more about that?"):
    from coach.engine import ReviewRequest
    from coach.engine.offline import analyze

    items = (AnswerItem(question_id="q1", question=STORY_Q, answer=main),
             AnswerItem(question_id="q1.f", question=probe, answer=follow_up, follow_up_of="q1"))
    return analyze(ReviewRequest(items=items))


THIN = "We usually tried to make things better as a team and it worked out."


def test_a_gap_the_follow_up_filled_is_told_as_lead_with_it_not_add_it():
    # The debrief must not ask for "a specific situation" the candidate gave when probed.
    fb = _with_follow_up(THIN, COMPLETE_STORY)
    main = [p for p in fb.pointers if p.question_id == "q1"]
    assert main, fb.pointers
    for p in main:
        assert "Add one specific situation" not in p.tip
    assert any("when asked" in p.title or "without being asked" in p.title for p in main), [p.title for p in main]


def test_a_gap_the_follow_up_left_open_is_still_asked_for():
    fb = _with_follow_up(THIN, "It was fine, we just got on with it as a team.")
    titles = [p.title for p in fb.pointers if p.question_id == "q1"]
    assert titles and not any("when asked" in t or "without being asked" in t for t in titles)


def test_only_the_gap_filled_is_marked_an_ending_alone_does_not_make_a_habit_a_story():
    fb = _with_follow_up(NO_EXAMPLE, "It went well: people were happier and things moved faster.", "And how did it turn out?")
    kinds = {p.kind: p.title for p in fb.pointers + [q for n in fb.notes for q in n.pointers] if p.question_id == "q1"}
    assert "no-example" in kinds and "when asked" not in kinds["no-example"]
