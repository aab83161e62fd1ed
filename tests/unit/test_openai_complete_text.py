"""`OpenAIBackend.complete_text`: plain text for rewording a feedback-request draft.

Against the scripted loopback server (tests/helpers/llama.py FakeOpenAIServer):
a sensible rewrite is accepted by `personalise`; every failure raises one
plain line that never contains the key, and `personalise` keeps coach's own
draft with a notice. The real llama-server case lives in test_llama_server.py.
"""

from __future__ import annotations

import asyncio

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine.openai import LLMFailure, OpenAIBackend
from coach.outreach import draft_request, personalise
from tests.helpers.llama import FakeOpenAIServer, Reply, free_port

HANG_GUARD_S = 30
SECRET = "sk-test-secret-456"

REWRITE = (
    "Subject: Thank you for the interview: Data Analyst\n\n"
    "Hi Sam,\n\n"
    "Thank you for the final interview for the Data Analyst role at Brightwave, and for letting me know. "
    "I'm working on my interview technique, so one or two pointers on what I could do better next time "
    "would mean a lot.\n\n"
    "Best wishes,\n[your name]"
)


def completion(content: str | None, finish: str = "stop") -> dict:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
    }


def backend(base_url: str, **openai: object) -> OpenAIBackend:
    opts = {"base_url": base_url, "model": "fake-model", "timeout_s": 10.0, "max_retries": 2, **openai}
    return OpenAIBackend.from_settings(Settings(backend="openai", openai=OpenAISettings(**opts)))


def draft():
    return draft_request(stage="final", outcome="rejected", company="Brightwave", role="Data Analyst", interviewer="Sam")


async def reword(b: OpenAIBackend):
    try:
        return await asyncio.wait_for(personalise(draft(), None, b), HANG_GUARD_S)
    finally:
        await b.aclose()


async def complete(b: OpenAIBackend, **kw):
    try:
        return await asyncio.wait_for(b.complete_text(system="sys", prompt="Reword this.", **kw), HANG_GUARD_S)
    finally:
        await b.aclose()


async def test_a_sensible_rewrite_is_accepted() -> None:
    with FakeOpenAIServer([Reply(json_body=completion(REWRITE))]) as srv:
        result = await reword(backend(srv.base_url))
    assert result.personalised and result.text == REWRITE
    assert result.source == "openai / fake-model" and result.notice is None
    (body,) = srv.requests
    assert srv.paths == ["/v1/chat/completions"]
    assert body["model"] == "fake-model" and not body.get("stream")
    assert "response_format" not in body  # plain text, not JSON
    assert body["max_completion_tokens"] == 400
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user"]
    assert draft().text in body["messages"][1]["content"]


async def test_max_tokens_is_passed_through() -> None:
    with FakeOpenAIServer([Reply(json_body=completion("Fine."))]) as srv:
        assert await complete(backend(srv.base_url), max_tokens=50) == "Fine."
    assert srv.requests[0]["max_completion_tokens"] == 50


async def test_server_error_is_retried_then_recovers() -> None:
    with FakeOpenAIServer([Reply(status=500, json_body={}), Reply(json_body=completion(REWRITE))]) as srv:
        result = await reword(backend(srv.base_url))
    assert result.personalised and len(srv.requests) == 2


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (Reply(status=401, json_body={"error": {"message": "bad key"}}), ["HTTP 401", "check the key"]),
        (Reply(status=404, json_body={"error": {"message": "no such model"}}), ["'fake-model' not found"]),
        (Reply(status=503, json_body={}), ["HTTP 503"]),
        (Reply(json_body=completion("")), ["empty reply"]),
        (Reply(json_body=completion("Subject: Hi\n\nThank", finish="length")), ["cut at 400 tokens"]),
        (Reply(json_body={"unexpected": True}), ["had no message"]),
    ],
)
async def test_failures_raise_one_line_without_the_key(reply: Reply, words: list[str], monkeypatch) -> None:
    monkeypatch.setenv("COACH_OPENAI_API_KEY", SECRET)
    with FakeOpenAIServer([reply]) as srv:
        with pytest.raises(LLMFailure) as info:
            await complete(backend(srv.base_url, max_retries=1))
        result = await reword(backend(srv.base_url, max_retries=1))
    message = str(info.value)
    assert "\n" not in message and SECRET not in message and SECRET not in repr(info.value)
    for w in words:
        assert w in message
    assert srv.auth[0] == f"Bearer {SECRET}"
    assert result.text == draft().text and not result.personalised
    assert result.notice and "coach's own" in result.notice and SECRET not in result.notice


async def test_timeout_is_the_configured_one() -> None:
    with FakeOpenAIServer([Reply(json_body=completion(REWRITE), delay_s=5)]) as srv:
        with pytest.raises(LLMFailure, match="did not finish within 1 s"):
            await complete(backend(srv.base_url, timeout_s=1.0, max_retries=0))


async def test_connection_refused_raises() -> None:
    with pytest.raises(LLMFailure, match="connection refused"):
        await complete(backend(f"http://127.0.0.1:{free_port()}/v1", max_retries=0))


async def test_openai_key_is_not_sent_to_a_configured_server(monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with FakeOpenAIServer([Reply(json_body=completion(REWRITE))]) as srv:
        assert await complete(backend(srv.base_url)) == REWRITE
    assert SECRET not in srv.auth[0]


async def test_key_problem_raises_before_any_request(monkeypatch) -> None:
    with FakeOpenAIServer([Reply(json_body=completion(REWRITE))]) as srv:
        with pytest.raises(LLMFailure, match="NO_SUCH_KEY_VAR"):
            await complete(backend(srv.base_url, api_key_env="NO_SUCH_KEY_VAR"))
        result = await reword(backend(srv.base_url, api_key_env="NO_SUCH_KEY_VAR"))
    assert srv.requests == [] and not result.personalised and "NO_SUCH_KEY_VAR" in (result.notice or "")
