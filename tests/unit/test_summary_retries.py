"""The listing's retry fields: written in ``[summary]``, read from the header, and older files still listed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.domain.models import RetryVerdict, VerdictLine
from coach.store import Store, read_header_summary, read_session_file, summarize
from coach.store.codec import retry_counts, short_verdict
from tests.helpers.history import persist, retried_session, session


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "data")


def test_summary_round_trips_the_retry_fields(store: Store) -> None:
    path = persist(store, retried_session())
    text = path.read_text()
    assert "n_attempts = 2\n" in text and "n_retried = 1\n" in text and 'latest_verdict = "1 of 2 fixed"' in text
    row = read_header_summary(path, path.stat().st_size)
    assert row is not None  # the quick path believed the header
    assert (row.n_attempts, row.n_retried, row.latest_verdict) == (2, 1, "1 of 2 fixed")
    assert row == summarize(read_session_file(path), path)
    [listed] = store.list_sessions()
    assert (listed.n_attempts, listed.latest_verdict) == (2, "1 of 2 fixed")


def test_a_session_without_retries_says_one_take(store: Store) -> None:
    path = persist(store, session())
    row = read_header_summary(path, path.stat().st_size)
    assert row is not None and (row.n_attempts, row.n_retried, row.latest_verdict) == (1, 0, None)


def _strip_retry_fields(text: str) -> str:
    """The file as a coach from before retries were counted wrote it: same body, fewer summary lines."""
    return re.sub(r"^(n_attempts|n_retried|latest_verdict) = .*\n", "", text, flags=re.M)


def test_a_summary_from_before_retries_takes_the_full_parse(store: Store) -> None:
    path = persist(store, retried_session())
    path.write_text(_strip_retry_fields(path.read_text()))
    assert "n_attempts" not in path.read_text()
    assert read_header_summary(path, path.stat().st_size) is None  # not believed: it cannot know about retries
    [row] = store.list_sessions()
    assert row.error is None and (row.n_attempts, row.latest_verdict) == (2, "1 of 2 fixed")


def test_a_file_without_any_summary_still_lists(store: Store) -> None:
    path = persist(store, retried_session())
    text = path.read_text()
    start = text.index("[summary]\n")
    end = text.index("\n[[answers]]")
    path.write_text(text[:start] + text[end + 1:])
    assert "[summary]" not in path.read_text()
    [row] = store.list_sessions()
    assert row.error is None and row.n_answers == 2 and row.n_attempts == 2


@pytest.mark.parametrize("edit", [
    ("n_attempts = 2", 'n_attempts = "2"'),
    ("n_attempts = 2", "n_attempts = 1"),   # says no retry while n_retried says one
    ("n_retried = 1", "n_retried = 5"),     # more questions retried than answered
    ('latest_verdict = "1 of 2 fixed"', "latest_verdict = 3"),
])
def test_a_doubtful_retry_summary_is_not_believed(store: Store, edit: tuple[str, str]) -> None:
    path = persist(store, retried_session())
    text = path.read_text()
    assert edit[0] in text
    damaged = text.replace(edit[0], edit[1])
    pad = len(text.encode()) - len(damaged.encode())  # keep the size so only the value is doubtful
    path.write_text(damaged.replace("\n[[answers]]", "\n" + " " * max(pad, 0) + "\n[[answers]]", 1)
                    if pad > 0 else damaged)
    assert read_header_summary(path, path.stat().st_size) is None
    [row] = store.list_sessions()
    assert (row.n_attempts, row.latest_verdict) == (2, "1 of 2 fixed")  # from the body


def test_an_old_index_entry_without_retry_fields_is_refreshed(store: Store) -> None:
    persist(store, retried_session())
    store.list_sessions()  # writes the index
    index = store.index_path.read_text()
    assert '"n_attempts": 2' in index
    store.index_path.write_text(re.sub(r', "n_attempts": \d+, "n_retried": \d+, "latest_verdict": [^}]*', "", index))
    assert "n_attempts" not in store.index_path.read_text()
    [row] = store.list_sessions()
    assert (row.n_attempts, row.latest_verdict) == (2, "1 of 2 fixed")


def _verdict(*lines: tuple[str, str]) -> RetryVerdict:
    return RetryVerdict(backend="offline", lines=[
        VerdictLine(kind=kind, status=status, says="x.") for kind, status in lines])


def test_short_verdict_words() -> None:
    assert short_verdict(_verdict(("no-result", "resolved"))) == "fixed no-result"
    assert short_verdict(_verdict(("no-result", "remaining"))) == "still no-result"
    assert short_verdict(_verdict(("no-result", "resolved"), ("hedging", "remaining"))) == "1 of 2 fixed"
    assert short_verdict(_verdict(("no-result", "resolved"), ("filler", "new"))) == "fixed no-result, +1 new"
    assert short_verdict(_verdict()) == "compared"


def test_retry_counts_rule_most_takes_at_one_question() -> None:
    s = retried_session()
    assert retry_counts(s) == (2, 1, "1 of 2 fixed")
    second = s.answers[0].attempts[0].model_copy(update={"number": 3, "verdict": _verdict(("ownership", "resolved"))})
    s.answers[0].attempts.append(second)
    assert retry_counts(s)[:2] == (3, 1)  # one question, three takes: "3 attempts"
    later = s.answers[0].attempts[0].model_copy(update={
        "verdict": _verdict(("filler", "remaining")).model_copy(
            update={"created_at": s.answers[0].attempts[-1].verdict.created_at.replace(year=2030)})})
    s.answers[1].attempts.append(later)
    assert retry_counts(s) == (3, 2, "still filler")  # the newest verdict, whichever question it is on
    assert retry_counts(s.model_copy(update={"answers": []})) == (0, 0, None)


def test_a_hostile_verdict_in_a_summary_reaches_the_row_made_visible(store: Store) -> None:
    from coach.tui.screens.history_rows import columns_for, row_cells

    path = persist(store, retried_session())
    text = path.read_text().replace('latest_verdict = "1 of 2 fixed"', 'latest_verdict = "\\u001b[2J[b]x[/b]"')
    path.write_text(text)
    [row] = store.list_sessions()
    assert row.latest_verdict == "\x1b[2J[b]x[/b]"
    cells = row_cells(row, columns_for(200, retries=True))
    assert all("\x1b" not in c for c in cells)
    assert any(c.startswith("2 attempts, ␛[2J\\[b]x\\[/b]") for c in cells), cells


def test_a_retry_still_being_typed_is_a_draft_not_an_attempt(store: Store) -> None:
    from coach.domain.models import Attempt

    s = session()
    s.answers[0].attempts.append(Attempt(number=2, pointer="hedging", text="I ran the load te", status="draft"))
    assert retry_counts(s)[:2] == (1, 0)
    path = persist(store, s)
    [row] = store.list_sessions()
    assert (row.n_attempts, row.n_retried, row.latest_verdict) == (1, 0, None)
    assert read_header_summary(path, path.stat().st_size) == row
    s.answers[0].attempts[0].status = "submitted"
    assert retry_counts(s)[:2] == (2, 1)
