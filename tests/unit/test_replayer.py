"""The replay timeline and playhead: text at a time, speeds, pauses, scrubbing."""

from __future__ import annotations

import pytest

from coach.domain.models import Answer, Edit, replay_edits
from coach.tui.replayer import (
    CHECKPOINT_EVERY,
    SPEEDS,
    Player,
    ReplayError,
    Timeline,
    format_seconds,
    speed_label,
)


class FakeClock:
    """A clock the test moves by hand, in seconds."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def tick(self, seconds: float) -> None:
        self.now += seconds


def typed(text: str, start_ms: int = 0, step_ms: int = 100) -> list[Edit]:
    """One edit per character, ``step_ms`` apart."""
    return [Edit(t_ms=start_ms + i * step_ms, pos=i, text=ch) for i, ch in enumerate(text)]


# "Hello" typed from 3 s, a 5 s pause, then " wrld", then a fix to " world".
EDITS = [
    *[Edit(t_ms=3000 + i * 100, pos=i, text=c) for i, c in enumerate("Hello")],
    *[Edit(t_ms=8400 + i * 100, pos=5 + i, text=c) for i, c in enumerate(" wrld")],
    Edit(t_ms=9000, pos=7, text="o"),  # "Hello wrld" -> "Hello world"
]


def test_text_at_any_time() -> None:
    tl = Timeline(EDITS)
    assert tl.text_at(0) == ""
    assert tl.text_at(2999) == ""
    assert tl.text_at(3000) == "H"
    assert tl.text_at(3450) == "Hello"
    assert tl.text_at(8000) == "Hello"
    assert tl.text_at(8850) == "Hello wrld"
    assert tl.text_at(9000) == "Hello world"
    assert tl.final_text == "Hello world" == replay_edits(EDITS)
    assert tl.duration_ms == 9000


def test_seeking_backwards_and_forwards_matches_a_fresh_replay() -> None:
    edits = typed("x" * (CHECKPOINT_EVERY * 3 + 7), step_ms=10)
    tl = Timeline(edits)
    for ms in (5000, 100, 3000, 0, tl.duration_ms, 1290, 1280, 2560):
        assert tl.text_at(ms) == replay_edits(edits, ms)


def test_think_time_and_pauses() -> None:
    tl = Timeline(EDITS, end_ms=12_000)
    assert tl.think_ms == 3000
    pauses = [(p.start_ms, p.end_ms, p.is_think) for p in tl.pauses]
    assert pauses == [(0, 3000, True), (3400, 8400, False), (9000, 12_000, False)]
    assert tl.pause_at(5000).length_ms == 5000
    assert tl.pause_at(3450) is not None
    assert tl.pause_at(8500) is None
    assert tl.frame(5000).pause is not None
    assert tl.frame(8500).pause is None


def test_short_gaps_are_not_pauses_but_think_time_always_is() -> None:
    tl = Timeline(typed("abc", step_ms=1999))
    assert tl.pauses == []
    tl = Timeline(typed("abc", start_ms=300, step_ms=1999))
    assert [(p.start_ms, p.end_ms, p.is_think) for p in tl.pauses] == [(0, 300, True)]


def test_out_of_order_times_are_made_monotonic() -> None:
    edits = [Edit(t_ms=500, pos=0, text="a"), Edit(t_ms=400, pos=1, text="b")]
    tl = Timeline(edits)
    assert tl.times == [500, 500]
    assert tl.text_at(500) == "ab"


def test_a_broken_edit_is_reported_up_front() -> None:
    with pytest.raises(ReplayError, match="edit 2 of 2"):
        Timeline([Edit(t_ms=0, pos=0, text="a"), Edit(t_ms=1, pos=5, removed=1)])


def test_empty_log() -> None:
    tl = Timeline([])
    assert tl.duration_ms == 0 and tl.think_ms is None and tl.pauses == []
    frame = tl.frame(0)
    assert frame.text == "" and frame.done


def test_from_answer_uses_answer_time_as_the_end() -> None:
    answer = Answer(question_id="q", question="Q?", text="Hello world", edits=EDITS, answer_ms=9500)
    assert Timeline.from_answer(answer).duration_ms == 9500


def test_cursor_follows_the_last_edit() -> None:
    tl = Timeline(EDITS)
    assert tl.frame(3200).cursor == 3
    assert tl.frame(9000).cursor == 8


@pytest.mark.parametrize("speed", [1, 2, 4, 8])
def test_playing_at_a_speed_moves_that_many_times_faster(speed: int) -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock, speed=speed)
    player.play()
    clock.tick(1.0)
    assert player.frame().position_ms == 1000 * speed
    clock.tick(100)
    frame = player.frame()
    assert frame.done and frame.text == "Hello world"
    assert not player.playing


def test_eight_times_speed_reaches_the_final_text_in_an_eighth_of_the_time() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock, speed=8)
    player.play()
    clock.tick(9000 / 8 / 1000 - 0.001)
    assert player.frame().text != "Hello world"
    clock.tick(0.001)
    assert player.frame().text == "Hello world"


def test_instant_jumps_to_the_end() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock, speed=None)
    player.play()
    frame = player.frame()
    assert frame.done and frame.text == "Hello world"


def test_switching_to_instant_while_playing_finishes() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock)
    player.play()
    clock.tick(1)
    player.set_speed(None)
    assert player.frame().text == "Hello world"


def test_pause_stops_the_playhead_and_resume_continues() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock)
    player.play()
    clock.tick(3.2)
    player.pause()
    clock.tick(50)
    frame = player.frame()
    assert frame.position_ms == 3200 and frame.text == "Hel"
    player.toggle()
    clock.tick(0.2)
    assert player.frame().text == "Hello"


def test_a_paused_player_does_not_move() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock)
    clock.tick(10)
    assert player.frame().position_ms == 0


def test_scrub_seek_home_end() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock)
    player.seek_by(5000)
    assert player.frame().text == "Hello"
    assert player.frame().pause is not None
    player.seek_by(-10_000)
    assert player.frame().position_ms == 0
    player.end()
    assert player.frame().text == "Hello world"
    player.home()
    assert player.frame().text == ""
    player.seek(99_999)
    assert player.frame().position_ms == 9000


def test_play_at_the_end_restarts() -> None:
    clock = FakeClock()
    player = Player(Timeline(EDITS), clock=clock)
    player.end()
    player.play()
    assert player.frame().position_ms == 0 and player.playing


def test_speed_cycle_and_labels() -> None:
    player = Player(Timeline(EDITS), clock=FakeClock())
    seen = [player.next_speed() for _ in SPEEDS]
    assert seen == [2, 4, 8, None, 1]
    assert [speed_label(s) for s in SPEEDS] == ["1×", "2×", "4×", "8×", "instant"]
    with pytest.raises(ValueError):
        player.set_speed(3)


def test_format_seconds() -> None:
    assert format_seconds(4200) == "4.2 s"
    assert format_seconds(125_000) == "2:05"
