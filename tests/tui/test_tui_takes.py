"""How a verdict line and an example rewrite are drawn (pure functions, no app)."""

from __future__ import annotations

from coach.domain.models import RetryVerdict, Stronger, VerdictLine
from coach.tui.widgets.takes import (
    PLACEHOLDER_STYLE,
    stronger_provenance,
    stronger_text,
    verdict_line_text,
    verdict_provenance,
    verdict_text,
)


def test_a_resolved_line_quotes_the_new_words_after_what_changed() -> None:
    line = verdict_line_text("resolved", "Now it ends with what changed.", "cut the build from 40 to 12 minutes")
    assert line.plain == "Resolved — Now it ends with what changed: “cut the build from 40 to 12 minutes”"


def test_a_quote_already_in_the_sentence_is_not_repeated_and_controls_show() -> None:
    line = verdict_line_text("remaining", "Still stops at “we split it”.", "we split it")
    assert line.plain == "Still there — Still stops at “we split it”."
    assert "␛" in verdict_line_text("new", "Hedges \x1b[31m", "").plain
    two = verdict_line_text("remaining", "Still too short: 16 words.", "I fixed it.")
    assert two.plain == "Still there — Still too short: 16 words — “I fixed it.”"


def test_verdict_orders_resolved_first_and_says_who_decided() -> None:
    verdict = RetryVerdict(backend="openai", model="m", notice="checked", lines=[
        VerdictLine(kind="hedging", status="new", says="A hedge appeared."),
        VerdictLine(kind="no-result", status="resolved", says="Now it ends with what changed", evidence="12 minutes"),
        VerdictLine(kind="ownership", status="remaining", says="Still mostly we."),
    ])
    assert [row.split(" — ")[0] for row in verdict_text(verdict).plain.splitlines()] == ["Resolved", "Still there", "New"]
    assert verdict_provenance(verdict) == "Compared by openai · m\nNote: checked"
    assert verdict_provenance(RetryVerdict(backend="offline")).startswith("Compared by offline rules")


def test_example_placeholders_are_styled_with_their_brackets() -> None:
    example = Stronger(attempt=2, text="I split the tests. [how it ended: a number or what changed]",
                       placeholders=["how it ended: a number or what changed"], backend="offline")
    text = stronger_text(example)
    start = text.plain.index("[")
    styled = [span for span in text.spans if str(span.style) == PLACEHOLDER_STYLE]
    assert any(span.start == start and span.end == len(text.plain) for span in styled)
    assert not any(span.start < start for span in styled)  # the candidate's own words stay plain
    assert stronger_provenance(example) == "Built by offline rules from take 2"
