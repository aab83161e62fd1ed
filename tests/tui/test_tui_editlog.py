"""The edit recorder: one replace-edit per change, and replaying the log rebuilds the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coach.domain.models import replay_edits
from coach.tui.drafts import DraftKeeper, snapshot
from coach.tui.editlog import EditRecorder, common_prefix_len, common_suffix_len, diff

texts = st.text(alphabet=st.sampled_from("ab \n我🚀é"), max_size=40)


@given(st.lists(texts, min_size=1, max_size=12))
def test_replaying_recorded_edits_gives_every_state(states: list[str]) -> None:
    rec = EditRecorder()
    edits = []
    for t_ms, state in enumerate(states):
        edit = rec.observe(state, t_ms)
        if edit is not None:
            edits.append(edit)
        assert replay_edits(edits) == state


@given(texts, texts)
def test_diff_is_minimal_around_the_change(old: str, new: str) -> None:
    change = diff(old, new)
    if old == new:
        assert change is None
        return
    assert change is not None
    rebuilt = old[: change.pos] + change.text + old[change.pos + change.removed :]
    assert rebuilt == new
    assert change.pos == common_prefix_len(old, new)


def test_prefix_and_suffix_across_chunk_boundaries() -> None:
    base = "x" * 10_000
    assert common_prefix_len(base, base[:5000] + "y" + base[5001:]) == 5000
    assert common_suffix_len(base, base[:5000] + "y" + base[5001:], 10_000) == 4999
    assert common_prefix_len(base, base + "z") == 10_000


def test_one_keystroke_in_a_megabyte_is_one_small_edit() -> None:
    big = "word " * 200_000
    rec = EditRecorder(big)
    middle = len(big) // 2
    edit = rec.observe(big[:middle] + "!" + big[middle:], 5)
    assert edit is not None and (edit.removed, edit.text) == (0, "!")
    assert abs(edit.pos - middle) <= 5  # ambiguous within a run of repeats, but local


def test_typing_a_repeated_letter_is_recorded_correctly() -> None:
    rec = EditRecorder("aa")
    edit = rec.observe("aaa", 1)
    assert edit is not None and edit.apply("aa") == "aaa"


class _FakeStore:
    def __init__(self) -> None:
        self.saved: list[str] = []

    def save(self, session):  # noqa: ANN001 - the Store protocol
        self.saved.append(session.answers[0].text)


def test_keeper_never_lets_an_older_snapshot_win() -> None:
    from coach.domain.models import Answer, Session

    session = Session(id="s1", round="second", role="general", answers=[Answer(question_id="q", question="Q?")])
    store = _FakeStore()
    keeper = DraftKeeper(store, session)  # type: ignore[arg-type]
    session.answers[0].text = "old"
    old = keeper.take()
    session.answers[0].text = "new"
    keeper.save_now()
    assert keeper.write(*old) is None  # the late, older write is dropped
    assert store.saved == ["new"]
    assert not keeper.dirty


def test_snapshot_is_not_changed_by_later_edits() -> None:
    from coach.domain.models import Answer, Edit, Session

    session = Session(id="s1", round="second", role="general", answers=[Answer(question_id="q", question="Q?")])
    snap = snapshot(session)
    session.answers[0].edits.append(Edit(t_ms=1, pos=0, text="a"))
    session.answers[0].text = "a"
    assert snap.answers[0].edits == [] and snap.answers[0].text == ""
