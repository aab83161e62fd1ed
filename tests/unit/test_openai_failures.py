"""Every way a server can fail ends in offline feedback with a notice that says what happened.

A scripted loopback HTTP server (tests/helpers/llama.py FakeOpenAIServer)
returns the statuses and broken streams a real server will not produce on
demand. Each review is wrapped in a generous wait_for only as a hang guard.
"""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine import AnswerItem, Progress, ReviewRequest
from coach.engine.openai import OpenAIBackend
from tests.helpers.llama import FakeOpenAIServer, Reply, free_port

HANG_GUARD_S = 30

ANSWER_1 = (
    "In my last job we had a release that kept slipping.\n"
    "I set up a daily ten-minute check-in and we shipped two weeks later."
)
ANSWER_2 = "I think maybe I am kind of good with people, I guess."


def request() -> ReviewRequest:
    return ReviewRequest(
        items=(
            AnswerItem("tell-me-deadline", "Tell me about a time you rescued a deadline.", ANSWER_1),
            AnswerItem("people-skills", "How do you work with difficult colleagues?", ANSWER_2),
        ),
        round="second",
        role="software-engineer",
    )


def backend(base_url: str, **openai: object) -> OpenAIBackend:
    opts = {"base_url": base_url, "model": "fake-model", "timeout_s": 10.0, "max_retries": 2, **openai}
    return OpenAIBackend.from_settings(Settings(backend="openai", openai=OpenAISettings(**opts)))


async def review(b: OpenAIBackend, progress=None):
    try:
        return await asyncio.wait_for(b.review(request(), progress), HANG_GUARD_S)
    finally:
        await b.aclose()


def good_json(evidence: str = "I set up a daily ten-minute check-in") -> str:
    return json.dumps(
        {
            "pointers": [
                {
                    "kind": "vague-impact",
                    "title": "Say what the check-in changed",
                    "question_id": "tell-me-deadline",
                    "evidence": evidence,
                    "tip": "Name one number that moved, like days saved.",
                }
            ],
            "strength": None,
        }
    )


def pieces(text: str, n: int = 5) -> list[str]:
    size = max(1, len(text) // n)
    return [text[i : i + size] for i in range(0, len(text), size)]


def assert_fallback(fb, *words: str) -> None:
    assert fb.backend == "offline"
    assert fb.notice and "offline rules" in fb.notice
    for w in words:
        assert w.lower() in fb.notice.lower(), fb.notice
    assert 1 <= len(fb.pointers) <= 2


async def test_connection_refused_falls_back_quickly() -> None:
    fb = await review(backend(f"http://127.0.0.1:{free_port()}/v1", max_retries=1))
    assert_fallback(fb, "connection refused")


async def test_dns_failure_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, *args, **kwargs):
        if host == "llm.example.invalid":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    fb = await review(backend("http://llm.example.invalid/v1"))
    assert_fallback(fb, "llm.example.invalid", "DNS")


@pytest.mark.parametrize("status", [401, 403])
async def test_bad_key_says_check_the_key(status: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_OPENAI_API_KEY", "sk-test-secret-123")
    with FakeOpenAIServer([Reply(status=status, json_body={"error": {"message": "bad key"}})]) as srv:
        fb = await review(backend(srv.base_url))
    assert_fallback(fb, "check the key", f"HTTP {status}", "COACH_OPENAI_API_KEY")
    assert "sk-test-secret-123" not in fb.notice
    assert srv.auth[0] == "Bearer sk-test-secret-123"
    assert len(srv.requests) == 1  # never retried


async def test_unknown_model_names_model_and_url() -> None:
    with FakeOpenAIServer([Reply(status=404, json_body={"error": {"message": "no such model"}})]) as srv:
        fb = await review(backend(srv.base_url, model="gpt-nope"))
    assert_fallback(fb, "'gpt-nope' not found", srv.base_url)


async def test_rate_limit_retries_then_falls_back() -> None:
    with FakeOpenAIServer([Reply(status=429, headers={"Retry-After": "0"}, json_body={})]) as srv:
        fb = await review(backend(srv.base_url, max_retries=2))
    assert_fallback(fb, "HTTP 429")
    assert len(srv.requests) == 3


async def test_rate_limit_with_long_retry_after_gives_up_at_once() -> None:
    with FakeOpenAIServer([Reply(status=429, headers={"Retry-After": "3600"}, json_body={})]) as srv:
        fb = await review(backend(srv.base_url, max_retries=2))
    assert_fallback(fb, "HTTP 429", "3600")
    assert len(srv.requests) == 1


async def test_server_error_is_retried_and_can_recover() -> None:
    replies = [Reply(status=500, json_body={}), Reply(stream=pieces(good_json()))]
    with FakeOpenAIServer(replies) as srv:
        fb = await review(backend(srv.base_url, max_retries=2))
    assert fb.backend == "openai" and fb.model == "fake-model"
    assert len(srv.requests) == 2


async def test_server_error_every_time_falls_back() -> None:
    with FakeOpenAIServer([Reply(status=503, json_body={})]) as srv:
        fb = await review(backend(srv.base_url, max_retries=1))
    assert_fallback(fb, "HTTP 503")
    assert len(srv.requests) == 2


async def test_stream_cut_midway_falls_back() -> None:
    with FakeOpenAIServer([Reply(stream=pieces(good_json()), cut_after=2)]) as srv:
        seen: list[Progress] = []
        fb = await review(backend(srv.base_url), seen.append)
    assert_fallback(fb, "cut off")
    assert any(p.stage == "streaming" for p in seen)
    assert seen[-1].stage == "done"


async def test_invalid_json_falls_back() -> None:
    with FakeOpenAIServer([Reply(stream=["Sure! Here are", " my thoughts."])]) as srv:
        fb = await review(backend(srv.base_url))
    assert_fallback(fb, "not valid JSON")


async def test_schema_violation_falls_back() -> None:
    with FakeOpenAIServer([Reply(stream=[json.dumps({"pointers": [], "strength": None})])]) as srv:
        fb = await review(backend(srv.base_url))
    assert_fallback(fb, "did not match the schema", "pointers")


async def test_empty_reply_falls_back() -> None:
    with FakeOpenAIServer([Reply(stream=[])]) as srv:
        fb = await review(backend(srv.base_url))
    assert_fallback(fb, "empty reply")


async def test_slow_server_falls_back_at_the_timeout() -> None:
    with FakeOpenAIServer([Reply(stream=pieces(good_json()), delay_s=5)]) as srv:
        fb = await review(backend(srv.base_url, timeout_s=1.0))
    assert_fallback(fb, "within 1 s")


async def test_schema_rejected_uses_json_mode_with_one_repair() -> None:
    rejected = Reply(status=400, json_body={"error": {"message": "response_format json_schema is not supported"}})
    replies = [rejected, Reply(stream=["{\"pointers\": 3}"]), Reply(stream=pieces(good_json()))]
    with FakeOpenAIServer(replies) as srv:
        b = backend(srv.base_url)
        fb = await review(b)
    assert fb.backend == "openai", fb.notice
    formats = [r["response_format"]["type"] for r in srv.requests]
    assert formats == ["json_schema", "json_object", "json_object"]
    repair = srv.requests[2]["messages"]
    assert repair[-2]["role"] == "assistant" and "did not match the schema" in repair[-1]["content"]
    assert b.mode == "json_object"


async def test_json_mode_repair_that_still_fails_falls_back() -> None:
    rejected = Reply(status=400, json_body={"error": {"message": "json_schema unsupported"}})
    with FakeOpenAIServer([rejected, Reply(stream=["nope"])]) as srv:
        fb = await review(backend(srv.base_url))
    assert_fallback(fb, "not valid JSON")
    assert len(srv.requests) == 3


async def test_made_up_quote_is_removed_and_marked() -> None:
    with FakeOpenAIServer([Reply(stream=pieces(good_json("I single-handedly saved the company")))]) as srv:
        fb = await review(backend(srv.base_url))
    assert fb.backend == "openai"
    assert fb.pointers[0].verified is False and fb.pointers[0].evidence == ""
    assert "could not be found" in (fb.notice or "")


async def test_quote_with_other_whitespace_is_restored_from_the_answer() -> None:
    quote = "kept slipping. I set up"  # the answer has a line break here
    with FakeOpenAIServer([Reply(stream=pieces(good_json(quote)))]) as srv:
        fb = await review(backend(srv.base_url))
    assert fb.pointers[0].verified is True
    assert fb.pointers[0].evidence == "kept slipping.\nI set up"


async def test_streaming_progress_grows_in_order_and_ends_done() -> None:
    text = good_json()
    with FakeOpenAIServer([Reply(stream=pieces(text, 8))]) as srv:
        seen: list[Progress] = []
        fb = await review(backend(srv.base_url), seen.append)
    assert fb.backend == "openai"
    stages = [p.stage for p in seen]
    assert stages[0] == "connecting" and stages[-1] == "done"
    streamed = [p for p in seen if p.stage == "streaming"]
    assert len(streamed) >= 8
    assert [p.chars for p in streamed] == sorted(p.chars for p in streamed)
    assert all(a.text.startswith(b.text) for a, b in zip(streamed[1:], streamed))
    assert streamed[-1].text == text


async def test_cancel_propagates_cleanly() -> None:
    with FakeOpenAIServer([Reply(stream=pieces(good_json()), delay_s=3)]) as srv:
        b = backend(srv.base_url)
        task = asyncio.create_task(b.review(request()))
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await b.aclose()


async def test_follow_up_question_and_none_on_failure() -> None:
    body = {
        "id": "x",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": '{"question": "What did the check-in change"}'},
            }
        ],
    }
    item = request().items[0]
    with FakeOpenAIServer([Reply(json_body=body)]) as srv:
        b = backend(srv.base_url)
        assert await b.follow_up(item, "second") == "What did the check-in change?"
        await b.aclose()
    with FakeOpenAIServer([Reply(status=500, json_body={})]) as srv:
        b = backend(srv.base_url, max_retries=0)
        assert await b.follow_up(item, "second") is None
        await b.aclose()
