"""Feedback-request drafts: polite, short, fitted to stage and outcome, never "why not me"."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from coach.outreach import (
    FORBIDDEN_PHRASES,
    MAX_WORDS,
    draft_for_session,
    draft_request,
    forbidden_in,
    personalise,
    trust_problems,
    word_count,
)
from coach.domain.models import RealInterview, Session
from coach.real import OUTCOMES, STAGES

#: Said out loud by candidates, and what recruiters advise against; checked
#: independently of the module's own list so a gap in it would show here.
NEVER = (
    "why wasn't i selected",
    "why was i not selected",
    "what did i do wrong",
    "why was i rejected",
    "why didn't i get",
    "where did i go wrong",
    "what went wrong",
    "reason for rejection",
    "why not me",
)

INPUTS = [
    {"company": "Brightwave", "role": "Data Analyst", "interviewer": "Sam"},
    {"company": "Brightwave", "role": "Data Analyst"},
    {"company": "Northfield Bank"},
    {"role": "Support Lead", "interviewer": "Priya"},
    {},
]

CASES = list(itertools.product(STAGES, OUTCOMES))


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


@pytest.mark.parametrize(("stage", "outcome"), CASES)
def test_no_draft_asks_why_they_were_not_selected(stage, outcome):
    for inputs in INPUTS:
        text = _norm(draft_request(stage=stage, outcome=outcome, **inputs).text)
        for phrase in NEVER + FORBIDDEN_PHRASES:
            assert phrase not in text, (stage, outcome, inputs, phrase)


@pytest.mark.parametrize(("stage", "outcome"), CASES)
def test_draft_is_short_and_names_company_and_role(stage, outcome):
    draft = draft_request(
        stage=stage, outcome=outcome, company="Brightwave", role="Data Analyst", interviewer="Sam"
    )
    assert "Brightwave" in draft.body
    assert "Data Analyst" in draft.text
    assert draft.body.startswith("Hi Sam,")
    assert word_count(draft.text) <= MAX_WORDS
    assert "{" not in draft.text and "}" not in draft.text


@pytest.mark.parametrize(("stage", "outcome"), CASES)
def test_draft_reads_well_without_names(stage, outcome):
    draft = draft_request(stage=stage, outcome=outcome)
    assert draft.body.startswith("Hello,")
    assert "  " not in draft.body
    assert " at ." not in draft.body and "the  role" not in draft.body


def test_same_inputs_same_draft_and_variants_differ_across_inputs():
    a = draft_request(stage="final", outcome="rejected", company="Brightwave", role="Analyst")
    b = draft_request(stage="final", outcome="rejected", company="Brightwave", role="Analyst")
    assert a == b
    variants = {
        draft_request(stage="final", outcome="rejected", company=c).variant
        for c in ("Acme", "Brightwave", "Northfield", "Oakline", "Quarry", "Redfern", "Sable")
    }
    assert len(variants) >= 2


@pytest.mark.parametrize("stage", ["cv", "phone"])
def test_early_rejection_asks_about_a_skill_or_experience_gap(stage):
    for company in ("Acme", "Brightwave", "Northfield", "Oakline"):
        body = _norm(draft_request(stage=stage, outcome="rejected", company=company).body)
        assert "skill" in body and "experience" in body
        assert "interview technique" not in body


@pytest.mark.parametrize("stage", ["second", "final"])
def test_late_rejection_asks_for_pointers_on_technique(stage):
    for company in ("Acme", "Brightwave", "Northfield", "Oakline"):
        body = _norm(draft_request(stage=stage, outcome="rejected", company=company).body)
        assert "one or two" in body
        assert "interview" in body


def test_waiting_asks_about_the_timeline_and_offer_about_first_months():
    for company in ("Acme", "Brightwave", "Northfield", "Oakline"):
        waiting = _norm(draft_request(stage="second", outcome="waiting", company=company).body)
        assert "timeline" in waiting or "next steps" in waiting
        offer = _norm(draft_request(stage="final", outcome="offer", company=company).body)
        assert "stood out" in offer
        assert "first" in offer or "early on" in offer


def test_draft_for_session_uses_the_recorded_interview():
    session = Session(
        id="s1",
        kind="real",
        round="phone",
        role="Data Analyst",
        real=RealInterview(company="Brightwave", stage="phone", outcome="rejected"),
    )
    draft = draft_for_session(session, interviewer="Sam", sender="Alex")
    assert draft.inputs.stage == "phone" and draft.inputs.outcome == "rejected"
    assert "Brightwave" in draft.body and draft.body.rstrip().endswith("Alex")


def test_forbidden_in_normalises_curly_apostrophes():
    assert forbidden_in("So… why wasn’t I selected?") == ["why wasn't i selected"]


# ---------------------------------------------------------------- personalise


class _NoText:
    name = "openai"
    model = "gpt-test"


class _Text:
    name = "openai"
    model = "gpt-test"

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompts: list[str] = []

    async def complete_text(self, *, system: str, prompt: str) -> str:
        self.prompts.append(prompt)
        return self.reply


def _draft():
    return draft_request(
        stage="final", outcome="rejected", company="Brightwave", role="Data Analyst", interviewer="Sam"
    )


def test_personalise_offline_returns_the_draft():
    draft = _draft()
    result = asyncio.run(personalise(draft, None, None))
    assert (result.text, result.personalised, result.notice) == (draft.text, False, None)


def test_personalise_without_a_text_method_says_so():
    draft = _draft()
    result = asyncio.run(personalise(draft, None, _NoText()))
    assert result.text == draft.text and not result.personalised
    assert result.notice and "openai / gpt-test" in result.notice


def test_personalise_accepts_a_faithful_rewrite():
    draft = _draft()
    reply = (
        "Subject: Thank you for the interview\n\nHi Sam,\n\nThank you for the final interview for "
        "the Data Analyst role at Brightwave. If you could share one or two pointers on my "
        "interview technique, I'd be grateful.\n\nBest wishes,\n[your name]"
    )
    backend = _Text(reply)
    result = asyncio.run(personalise(draft, None, backend))
    assert result.personalised and result.text == reply
    assert result.source == "openai / gpt-test"
    assert "Brightwave" in backend.prompts[0]


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("Hi Sam,\n\nThanks. I loved meeting Jordan from Brightwave.", "Jordan"),
        ("Hi Sam,\n\nThanks for the 3 interviews at Brightwave.", "3"),
        ("Hi Sam,\n\nCould you tell me what did I do wrong?", "what did i do wrong"),
        ("", "empty"),
    ],
)
def test_personalise_rejects_invented_facts_and_forbidden_phrasing(reply, why):
    draft = _draft()
    assert trust_problems(reply, draft)
    result = asyncio.run(personalise(draft, None, _Text(reply)))
    assert result.text == draft.text and not result.personalised
    assert result.notice and "coach's own draft" in result.notice


@pytest.mark.parametrize(
    "reply",
    [
        "Hi Sam,\n\nThank you for the final interview. One or two pointers would help.\n\nBest wishes,\n[your name]",
        "Subject:\n\nHi Sam,\n\nThank you for the final interview.",
        "Subject: Thank you for the interview",
    ],
)
def test_personalise_needs_a_subject_line_and_a_message(reply):
    draft = _draft()
    problems = trust_problems(reply, draft)
    assert problems and ("Subject:" in problems[-1] or "no message" in problems[-1])
    result = asyncio.run(personalise(draft, None, _Text(reply)))
    assert result.text == draft.text and not result.personalised
