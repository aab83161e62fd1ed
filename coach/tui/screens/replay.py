"""The replay screen: watch a saved session's answers being typed again.

Each answer is replayed from its edit log at its recorded pace (or faster),
with the think time and long pauses shown, beside the session's feedback, and
optionally beside another take of it or an earlier session's answer.

An answer that was tried again has several takes (the answer, then each
retry, with its own edit log): Next and Prev step through every take of every
answer in order, so a retry replays at its own real pace, and a retry's
verdict stands where the feedback would. The compare pane offers this
session's other takes first (take 1 | take 2, each with what was said about
it), then the same question in earlier sessions ("Earlier session 1 of 3").
`t` tries the current answer again (the retry screen), when this build has it.

All timing lives in `coach.tui.replayer.Player`; this screen only owns one
interval timer that asks the player for the current frame. The player's clock
is injectable, so tests and snapshots move time by hand.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from coach.domain.numbering import answer_label
from coach.domain.models import ROUND_TITLES, Answer, Pointer, Session, Take
from coach.tui.replayer import SPEEDS, Player, ReplayError, Timeline
from coach.tui.screens import WorkerErrorsToApp
from coach.tui.widgets.plain import note, plain
from coach.tui.widgets.keybar import KeyBar
from coach.tui.widgets.replay_answer import ReplayAnswer
from coach.tui.widgets.replay_compare import PastAnswer, ReplayCompare, find_attempts
from coach.tui.widgets.replay_feedback import ReplayFeedback
from coach.tui.widgets.replay_takes import other_takes, take_label, take_text, verdict_block
from coach.tui.screens.retry_from import open_retry, pointer_for, retry_available
from coach.tui.widgets.replay_transport import ReplayTransport

if TYPE_CHECKING:
    from coach.store import Store
    from coach.tui.context import AppContext

#: Frames per second while playing; enough for typing to look live.
FPS = 30
#: How far left/right scrub, in milliseconds of the recording.
SEEK_MS = 5000


class ReplayScreen(WorkerErrorsToApp, Screen[None]):
    """Replays one session (the latest when ``session_ref`` is None)."""

    CSS_PATH = "replay.tcss"

    BINDINGS = [
        Binding("space", "toggle", "Play", id="replay.toggle"),
        Binding("s", "speed", "Speed", id="replay.speed"),
        Binding("left", "seek(-1)", "−5 s", id="replay.back", show=False),
        Binding("right", "seek(1)", "+5 s", id="replay.forward", show=False),
        Binding("home", "home", "Start", id="replay.home", show=False),
        Binding("end", "end", "End", id="replay.end", show=False),
        Binding("n", "step(1)", "Next", id="replay.next"),
        # Not in the key bar (n is; the key help lists both): 80 columns keep Back whole.
        Binding("p", "step(-1)", "Prev", id="replay.prev", show=False),
        Binding("c", "compare", "Compare", id="replay.compare"),
        Binding("a", "next_attempt", "Other", id="replay.attempt",
                tooltip="compare with another take, or this question in an earlier session"),
        Binding("f", "toggle_feedback", "Tips", id="replay.feedback"),
        Binding("t", "retry", "Retry", id="replay.retry",
                tooltip="try this question again, working on its pointer"),
        Binding("escape", "back", "Back", id="replay.back-screen"),
    ]

    def __init__(
        self,
        ctx: AppContext,
        session_ref: str | None = None,
        *,
        session: Session | None = None,
        clock: Callable[[], float] | None = None,
        speed: int | None = 1,
        autoplay: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__(name=name)
        if speed not in SPEEDS:
            raise ValueError(f"speed {speed!r} is not one of {SPEEDS}")
        self.ctx = ctx
        self.session_ref = session_ref
        self.session = session
        self._clock = clock
        self.speed = speed
        self.autoplay = autoplay
        self.index = 0
        #: Which take of the answer is on show (1 = the answer itself, 2 = the first retry).
        self.take = 1
        self.player: Player | None = None
        self.replay_problem: str | None = None
        #: Answers to each question in earlier sessions (absent: not looked for yet).
        self.earlier: dict[str, list[PastAnswer]] = {}
        self.attempt_index = 0
        self.comparing = False
        self._looking: set[str] = set()  # questions whose earlier answers are being looked for
        self._timer: Timer | None = None

    @property
    def clock(self) -> Callable[[], float]:
        """The given clock, else the app's (frozen in tests), else real time."""
        if self._clock is None:
            app_clock = getattr(self.app, "clock", None)
            self._clock = getattr(app_clock, "monotonic", None) or time.monotonic
        return self._clock

    @property
    def store(self) -> Store:
        return self.ctx.store

    # -- layout

    def compose(self) -> ComposeResult:
        yield Static("", id="replay-title")
        yield Static("", id="replay-question")
        with Horizontal(id="replay-panes"):
            with VerticalScroll(id="replay-answer-pane"):
                yield ReplayAnswer(id="replay-answer")
            with VerticalScroll(id="replay-compare-pane"):
                yield ReplayCompare(id="replay-compare")
        yield ReplayTransport(id="replay-transport")
        with VerticalScroll(id="replay-feedback-pane"):
            yield ReplayFeedback(id="replay-feedback")
        yield KeyBar(id="footer")  # whole keys only, within 80 columns

    def on_mount(self) -> None:
        self.query_one("#replay-compare-pane").display = False
        if self.session is None and not self._load():
            return
        self._timer = self.set_interval(1 / FPS, self._tick)
        self.show_answer(0)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _load(self) -> bool:
        """Load the session to replay; on failure say why on screen."""
        from coach.store import StoreError

        try:
            ref = self.session_ref
            if ref is None:
                latest = self.store.latest()
                if latest is None:
                    self._fail("No saved sessions to replay yet.")
                    return False
                ref = latest.id
            self.session = self.store.load(ref)
        except StoreError as exc:
            self._fail(str(exc))
            return False
        return True

    def _fail(self, message: str) -> None:
        self.query_one("#replay-title", Static).update("Replay")
        self.query_one(ReplayAnswer).show("", cursor=None, placeholder=message)
        self.notify(note(message), title="Cannot replay", severity="error", markup=False)

    # -- the answer on show

    @property
    def answer(self) -> Answer | None:
        if self.session is None or not self.session.answers:
            return None
        return self.session.answers[self.index]

    @property
    def current(self) -> Take | None:
        """The take on show: the answer itself, or one of its retries."""
        answer = self.answer
        if answer is None:
            return None
        return answer.take(min(self.take, len(answer.takes)))

    def _label(self, index: int) -> str:
        """The same numbering as the interview, debrief and export ("Follow-up to question 2")."""
        assert self.session is not None
        return answer_label(self.session, index)

    def steps(self) -> list[tuple[int, int]]:
        """(answer index, take number) of every take, in the order Next walks them."""
        if self.session is None:
            return []
        return [(i, n) for i, a in enumerate(self.session.answers) for n in range(1, len(a.takes) + 1)]

    def show_answer(self, index: int, take: int = 1) -> None:
        """Switch to take ``take`` of answer ``index`` and start it from the beginning."""
        session = self.session
        assert session is not None
        round_title = ROUND_TITLES.get(session.round, session.round)
        self.query_one("#replay-title", Static).update(plain(
            f"Replay · {round_title} · {session.role} · {session.created_at:%Y-%m-%d %H:%M}"
            + (" · real interview" if session.kind == "real" else "")
        ))
        if not session.answers:
            self.query_one(ReplayAnswer).show("", cursor=None,
                                               placeholder="No questions in this session.")
            self.query_one(ReplayFeedback).show(session.latest_feedback, question_id=None)
            return
        self.index = max(0, min(index, len(session.answers) - 1))
        answer = session.answers[self.index]
        self.take = max(1, min(take, len(answer.takes)))
        current = answer.take(self.take)
        which = take_label(answer, self.take)
        self.query_one("#replay-question", Static).update(plain(
            f"{self._label(self.index)}{f' · {which}' if which else ''} · {answer.question}", multiline=True
        ))
        self.replay_problem = None
        try:
            timeline = Timeline(current.edits, end_ms=current.answer_ms)  # each take has its own edit log
        except ReplayError as exc:
            # Show the final text rather than nothing; say the log is damaged.
            self.replay_problem = f"edit log cannot be replayed ({exc}); showing the final text"
            timeline = Timeline([])
            self.notify(note(self.replay_problem), title="Replay", severity="warning", markup=False)
        self.player = Player(timeline, clock=self.clock, speed=self.speed)
        if self.autoplay and timeline.edits:
            self.player.play()
        if self.take == 1:
            self.query_one(ReplayFeedback).show(session.latest_feedback, question_id=answer.question_id)
        else:  # a retry's feedback is its comparison with the take before it
            self.query_one(ReplayFeedback).update(verdict_block(answer, self.take, session.latest_feedback))
        self.attempt_index = 0
        if self.comparing:
            self._show_compare()
        self.render_frame()

    def _tick(self) -> None:
        if self.player is not None and self.player.playing:
            self.render_frame()

    def render_frame(self) -> None:
        """Draw the player's current frame: the text so far and the transport line."""
        player, answer, current = self.player, self.answer, self.current
        if player is None or answer is None or current is None:
            return
        frame = player.frame()
        view = self.query_one(ReplayAnswer)
        evidence = self._evidence(answer)
        if not player.timeline.edits:
            # Nothing to animate (skipped, or a damaged/absent log): the final text.
            placeholder = {"skipped": "Skipped.", "pending": "Not reached."}.get(
                current.status, "No answer typed.")
            view.show(current.text, cursor=None, evidence=evidence, placeholder=placeholder)
        else:
            view.show(frame.text, cursor=None if frame.done else frame.cursor,
                      evidence=evidence if frame.done else ())
        think = current.think_ms if current.think_ms is not None else player.timeline.think_ms
        self.query_one(ReplayTransport).show(
            frame, duration_ms=player.timeline.duration_ms, playing=player.playing,
            speed=player.speed, think_ms=think)

    def _evidence(self, answer: Answer) -> list[str]:
        """The words to mark: the feedback's quotes in the answer, a verdict's quotes in a retry."""
        if self.take > 1:
            verdict = answer.attempts[self.take - 2].verdict
            return [line.evidence for line in verdict.lines if line.evidence] if verdict else []
        feedback = self.session.latest_feedback if self.session else None
        if feedback is None:
            return []
        return [p.evidence for p in feedback.pointers
                if p.question_id == answer.question_id and p.evidence]

    # -- transport actions

    def action_toggle(self) -> None:
        if self.player is not None:
            self.player.toggle()
            self.render_frame()

    def action_speed(self) -> None:
        if self.player is not None:
            self.speed = self.player.next_speed()
            self.render_frame()

    def action_seek(self, direction: int) -> None:
        if self.player is not None:
            self.player.seek_by(direction * SEEK_MS)
            self.render_frame()

    def action_home(self) -> None:
        if self.player is not None:
            self.player.home()
            self.render_frame()

    def action_end(self) -> None:
        if self.player is not None:
            self.player.end()
            self.render_frame()

    def action_step(self, delta: int) -> None:
        """The next (or previous) take: the retries of an answer come before the next answer."""
        steps = self.steps()
        if not steps:
            return
        here = steps.index((self.index, self.take)) if (self.index, self.take) in steps else 0
        target = here + delta
        if 0 <= target < len(steps):
            self.show_answer(*steps[target])
        else:
            self.notify("That was the last answer." if delta > 0 else "This is the first answer.")

    def action_toggle_feedback(self) -> None:
        pane = self.query_one("#replay-feedback-pane")
        pane.display = not pane.display

    def action_back(self) -> None:
        """Close the replay (whoever opened it hears of it: `coach replay` then ends)."""
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)
        else:
            self.app.exit()

    # -- comparing with other takes and earlier sessions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        answer = self.answer if self.is_mounted else None
        if action == "next_attempt":  # dimmed once it is known there is nothing else to compare with
            if (answer is not None and self.comparing and len(answer.takes) == 1
                    and self.earlier.get(answer.question_id) == []):
                return None
        if action == "retry":
            return answer is not None and self.session is not None and retry_available()
        return True

    def action_compare(self) -> None:
        if self.answer is None:
            return
        self.comparing = not self.comparing
        self.refresh_bindings()
        self.query_one("#replay-compare-pane").display = self.comparing
        if self.comparing:
            self._show_compare()

    def action_next_attempt(self) -> None:
        answer = self.answer
        if answer is None:
            return
        if not self.comparing:
            self.action_compare()
            return
        count = len(other_takes(answer, self.take)) + len(self.earlier.get(answer.question_id) or [])
        if count:
            self.attempt_index = (self.attempt_index + 1) % count
            self._show_compare()

    def _show_compare(self) -> None:
        """This session's other takes first, then earlier sessions' answers (looked for once per question)."""
        answer, session = self.answer, self.session
        view = self.query_one(ReplayCompare)
        if answer is None or session is None:
            return
        takes = other_takes(answer, self.take)
        earlier = self.earlier.get(answer.question_id)
        if earlier is None and answer.question_id not in self._looking:
            self._looking.add(answer.question_id)
            self._find_attempts(answer.question_id, session.id)
        targets: list[int | PastAnswer] = [*takes, *(earlier or [])]
        if not targets:
            view.show_message("Looking for this question in earlier sessions…" if earlier is None else
                              "a: compare with another take or an earlier session — this question has"
                              " one take and is in no earlier session yet.")
            return
        index = self.attempt_index % len(targets)
        target = targets[index]
        if isinstance(target, int):
            count = len(takes) + len(earlier or [])
            view.show_text(take_text(answer, target, this=self.current, count=count,
                                     feedback=session.latest_feedback))
        else:
            past = index - len(takes)
            view.show_attempt(target, index=past, count=len(earlier or []), this=self.current)

    @work(exclusive=True, group="replay-attempts", exit_on_error=False)
    async def _find_attempts(self, question_id: str, session_id: str) -> None:
        """Earlier sessions' answers, off the UI thread. A store error is said in the pane;
        anything else reaches the app's worker-error notice (`WorkerErrorsToApp`)."""
        from coach.store import StoreError

        try:
            found = await asyncio.to_thread(find_attempts, self.store, question_id, exclude=session_id)
        except (StoreError, OSError) as exc:
            self._attempts_failed(question_id, str(exc))
            return
        finally:
            self._looking.discard(question_id)
        self._attempts_found(question_id, found)

    def _attempts_failed(self, question_id: str, reason: str) -> None:
        answer = self.answer
        if self.comparing and answer is not None and answer.question_id == question_id:
            if other_takes(answer, self.take):  # the takes stay in view; the trouble is said aside
                self.notify(note(reason), title="Cannot look in earlier sessions", severity="warning", markup=False)
            else:
                self.query_one(ReplayCompare).show_message(f"Cannot look in earlier sessions: {reason}")

    def _attempts_found(self, question_id: str, found: list[PastAnswer]) -> None:
        self.earlier[question_id] = found
        self.refresh_bindings()
        if self.comparing and self.answer is not None and self.answer.question_id == question_id:
            self._show_compare()

    # -- trying again

    def action_retry(self) -> None:
        """Try the answer on show again, working on its pointer (one a retry left, else the first)."""
        answer, session = self.answer, self.session
        if answer is None or session is None:
            return
        pointer = pointer_for(session, answer, self.take)
        if pointer is None:
            self.notify("No pointer about this answer to work on: its debrief has none.", severity="warning")
            return
        self._open_retry(answer.question_id, pointer)

    @work(exclusive=True, group="replay-retry", exit_on_error=False)
    async def _open_retry(self, question_id: str, pointer: Pointer) -> None:
        assert self.session is not None
        await open_retry(self, self.ctx, self.session.id, question_id, pointer, self._after_retry)

    def _after_retry(self, session: Session | None) -> None:
        """Back from the retry: replay the new take (the session as it was saved)."""
        if session is None:
            return
        question_id = self.answer.question_id if self.answer is not None else None
        self.session = session
        self.earlier.clear()
        index = next((i for i, a in enumerate(session.answers) if a.question_id == question_id), 0)
        self.show_answer(index, take=len(session.answers[index].takes) if session.answers else 1)
