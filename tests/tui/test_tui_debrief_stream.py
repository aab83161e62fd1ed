"""The debrief with an LLM backend: it fills in as the reply streams, and Esc cancels.

The backend is the real `openai` backend talking to a scripted loopback server
(tests/helpers/llama.py FakeOpenAIServer), so the app sees real HTTP streaming.
"""

from __future__ import annotations

import json


from coach.domain.models import Answer
from coach.tui.screens.debrief import DebriefScreen
from tests.helpers.llama import FakeOpenAIServer, Reply
from tests.helpers.tui import make_app, screen_text, settle

ANSWER = "We had an outage and the team fixed it. I set up a daily ten-minute check-in afterwards."
EVIDENCE = "I set up a daily ten-minute check-in"


def reply_json(question_id: str) -> str:
    return json.dumps(
        {
            "pointers": [
                {
                    "kind": "vague-impact",
                    "title": "Say what the check-in changed",
                    "question_id": question_id,
                    "evidence": EVIDENCE,
                    "tip": "Name one thing that moved because of it, like outages caught sooner.",
                }
            ],
            "strength": None,
        }
    )


def pieces(text: str, n: int) -> list[str]:
    size = max(1, len(text) // n)
    return [text[i : i + size] for i in range(0, len(text), size)]


def saved_session(app) -> tuple[str, str]:
    q = next(iter(app.ctx.banks.questions().values()))
    session = app.ctx.store.create(
        "second", "general",
        answers=[Answer(question_id=q.id, question=q.text, text=ANSWER, status="submitted")],
    )
    session.status = "complete"
    app.ctx.store.save(session)
    return session.id, q.id


async def test_debrief_fills_in_as_the_llm_streams(monkeypatch) -> None:
    seen: list[tuple[str, int]] = []
    original = DebriefScreen.on_review_progress

    def spy(self, message) -> None:
        seen.append((message.progress.stage, message.progress.chars))
        original(self, message)

    monkeypatch.setattr(DebriefScreen, "on_review_progress", spy)
    app, _ = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        sid, qid = saved_session(app)
        with FakeOpenAIServer([Reply(stream=pieces(reply_json(qid), 12))]) as server:
            app.ctx.settings.openai.base_url = server.base_url
            app.ctx.settings.openai.model = "fake-model"
            app.open_debrief(sid)
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DebriefScreen)
            screen.start_review("openai")
            await settle(pilot, timeout=20)
        streamed = [chars for stage, chars in seen if stage == "streaming"]
        assert len(streamed) >= 5, seen
        assert streamed == sorted(streamed), "the debrief fills in, never goes backwards"
        feedback = app.ctx.store.load(sid).feedback
        assert feedback[-1].backend == "openai" and feedback[-1].model == "fake-model"
        assert feedback[-1].pointers[0].evidence == EVIDENCE
        text = screen_text(app)
        assert "Say what the check-in changed" in text and "fake-model" in text


async def test_esc_cancels_a_slow_llm_and_adds_nothing() -> None:
    app, _ = make_app()
    async with app.run_test(size=(100, 40), notifications=True) as pilot:
        await settle(pilot)
        sid, qid = saved_session(app)
        with FakeOpenAIServer([Reply(stream=pieces(reply_json(qid), 4), delay_s=8)]) as server:
            app.ctx.settings.openai.base_url = server.base_url
            app.ctx.settings.openai.model = "fake-model"
            app.open_debrief(sid)  # a session with no feedback yet gets the configured (offline) one
            await settle(pilot)
            before = len(app.ctx.store.load(sid).feedback)
            screen = app.screen
            assert isinstance(screen, DebriefScreen)
            screen.start_review("openai")
            for _ in range(100):  # until the request is out and the screen says so
                await pilot.pause(0.02)
                if "Esc cancels" in screen_text(app):
                    break
            assert "Esc cancels" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause(0.2)
            assert isinstance(app.screen, DebriefScreen), "Esc cancels the request, not the screen"
            assert not any(w.is_running for w in app.workers if w.group == "review")
            assert len(app.ctx.store.load(sid).feedback) == before
            await pilot.press("escape")
            await settle(pilot)
            assert not isinstance(app.screen, DebriefScreen)
