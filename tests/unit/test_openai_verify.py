"""Evidence verification: real quotes survive (as the candidate typed them), made-up ones don't."""

from __future__ import annotations

from coach.engine.verify import find_span, locate, normalise, verify_draft

A1 = "We had a launch slipping.\n\nI   rewrote the rollout plan and we hit the date."
A2 = "I guess I'm kind of a people person & I <always> listen."
ANSWERS = {"q1": A1, "q2": A2}


def pointer(**kw: object) -> dict:
    base = {"kind": "ownership", "title": "Say what you did", "question_id": "q1", "evidence": "", "tip": "Use I."}
    return {**base, **kw}


def test_normalise_collapses_whitespace() -> None:
    assert normalise("  a \n\t b  ") == "a b"


def test_span_found_across_line_breaks_returns_original_text() -> None:
    assert find_span(A1, "slipping. I rewrote") == "slipping.\n\nI   rewrote"


def test_span_ignores_wrapping_quotes_and_ellipses() -> None:
    assert find_span(A1, "\u201c...rewrote the rollout plan\u2026\u201d") == "rewrote the rollout plan"


def test_span_matches_html_escaped_quote_from_the_prompt() -> None:
    # Answers reach the model escaped; a model may copy the escaped form back.
    assert find_span(A2, "people person &amp; I &lt;always&gt; listen") == "people person & I <always> listen"


def test_span_matches_a_quote_that_left_out_control_characters() -> None:
    # A model never copies ESC or a zero-width space into its quote; the span
    # returned is still exactly what the candidate typed.
    answer = "We shipped it. \x1b]0;x\x07 Sales rose\u200b by 12% in a month."
    assert find_span(answer, "Sales rose by 12% in a month.") == "Sales rose\u200b by 12% in a month."
    assert find_span(answer, "it. ]0;x Sales") == "it. \x1b]0;x\x07 Sales"
    assert find_span(answer, "\x1b\x07") is None


def test_span_is_case_sensitive_and_rejects_paraphrase() -> None:
    assert find_span(A1, "i rewrote the rollout plan") is None
    assert find_span(A1, "I rewrote the plan") is None
    assert find_span(A1, "   ") is None


def test_locate_reattributes_a_real_quote_named_to_the_wrong_answer() -> None:
    found = locate("kind of a people person", "q1", ANSWERS)
    assert found.question_id == "q2" and found.span == "kind of a people person"


def test_made_up_quote_removed_and_pointer_unverified() -> None:
    v = verify_draft([pointer(evidence="I led a team of fifty")], None, ANSWERS)
    assert v.ok
    p = v.pointers[0]
    assert p.verified is False and p.evidence == "" and p.question_id == "q1"
    assert v.removed_quotes == 1 and "could not be found" in (v.notice() or "")


def test_real_quote_verified_and_no_notice() -> None:
    v = verify_draft([pointer(evidence="we hit the date")], None, ANSWERS)
    assert v.pointers[0].verified is True and v.pointers[0].evidence == "we hit the date"
    assert v.notice() is None


def test_unknown_kind_and_blank_tip_dropped_nothing_left_is_not_ok() -> None:
    v = verify_draft([pointer(kind="vibes"), pointer(tip="  ")], None, ANSWERS)
    assert not v.ok
    assert any("vibes" in d for d in v.dropped) and any("no tip" in d for d in v.dropped)


def test_at_most_two_pointers_and_other_allowed() -> None:
    drafts = [pointer(kind="other", title=f"Thing {i}") for i in range(3)]
    v = verify_draft(drafts, None, ANSWERS)
    assert [p.kind for p in v.pointers] == ["other", "other"]
    assert v.dropped


def test_strength_kept_only_with_a_real_quote() -> None:
    real = {"title": "Clear action", "question_id": "q1", "evidence": "I rewrote the rollout plan"}
    fake = {**real, "evidence": "I inspired everyone"}
    assert verify_draft([pointer()], real, ANSWERS).strength is not None
    assert verify_draft([pointer()], fake, ANSWERS).strength is None
    assert verify_draft([pointer()], {**real, "evidence": ""}, ANSWERS).strength is None


def test_unknown_question_id_with_single_answer_is_attributed_to_it() -> None:
    v = verify_draft([pointer(question_id="nope", evidence="")], None, {"only": A1})
    assert v.pointers[0].question_id == "only"
