"""The answer shown around a pointer's quote is cut between words, never inside one."""

from __future__ import annotations

import re

import pytest

from coach.tui.widgets.pointers import answer_excerpt

STORY = (
    "Last spring our support team kept losing new hires in their first month. I'm proud of the onboarding "
    "guide I wrote. New hires used to take six weeks to handle tickets alone; I interviewed the four senior "
    "agents, wrote the guide over a month and ran the first two cohorts through it myself. Now it takes three."
)


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[\w'’-]+", text))


@pytest.mark.parametrize("context", [10, 25, 40, 63, 90])
@pytest.mark.parametrize("evidence", ["New hires used to take six weeks", "I'm proud", "Now it takes three."])
def test_the_window_around_a_quote_never_starts_or_ends_mid_word(evidence: str, context: int) -> None:
    shown = answer_excerpt(STORY, evidence, context=context).plain
    assert evidence in shown
    inner = shown.removeprefix("… ").removesuffix(" …")
    assert inner in STORY
    assert words_of(inner) <= words_of(STORY)  # every word shown is one the candidate wrote, whole


def test_a_quote_not_found_shows_the_answer_start_cut_between_words() -> None:
    shown = answer_excerpt(STORY, "something never said", context=30).plain
    assert shown.endswith(" …") and words_of(shown.removesuffix(" …")) <= words_of(STORY)


def test_one_unbroken_run_longer_than_the_window_is_still_shown() -> None:
    text = "x" * 400 + " the point " + "y" * 400
    shown = answer_excerpt(text, "the point", context=20).plain
    assert "the point" in shown and len(shown) < 60
