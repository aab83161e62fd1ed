"""A request bigger than the server's context becomes a notice that says what to do.

Two ways to learn it: the server refuses ("exceeds the available context
size", with the numbers, as llama.cpp does), or llama.cpp's /props says how
many tokens one request may use and /tokenize says the prompt is too long,
so coach never sends it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from coach.engine.openai.backend import MAX_TOKENS, context_advice
from tests.helpers.llama import FakeOpenAIServer, Reply, start_server
from test_openai_failures import assert_fallback, backend, request, review

OVERFLOW = {
    "error": {
        "code": 400,
        "message": "request (3031 tokens) exceeds the available context size (2048 tokens), try increasing it",
        "type": "exceed_context_size_error",
        "n_prompt_tokens": 3031,
        "n_ctx": 2048,
    }
}


def test_advice_names_both_sizes_and_the_flag() -> None:
    assert context_advice(2048, 3100) == (
        "the server's context (2,048 tokens) is smaller than this round needs (3,100, with room for the reply):"
        " start it with -c 4096"
    )
    assert context_advice(2048, 3100, slots=4).endswith("start it with -c 16384 (-np 4 splits it into 4 slots)")


def test_the_servers_own_overflow_error_becomes_the_advice() -> None:
    with FakeOpenAIServer([Reply(status=400, json_body=OVERFLOW)]) as srv:
        fb = asyncio.run(review(backend(srv.base_url)))
    assert_fallback(fb, f"the server's context (2,048 tokens) is smaller than this round needs ({3031 + MAX_TOKENS:,}")
    assert "start it with -c 4096" in fb.notice
    assert len(srv.requests) == 1  # not retried: it would fail the same way


@pytest.mark.llama
def test_a_prompt_bigger_than_the_llama_server_context_is_not_sent(tmp_path: Path) -> None:
    server = start_server(tmp_path, extra=["-c", "512"])
    try:
        fb = asyncio.run(review(backend(server.base_url, model=server.model_name, timeout_s=60.0)))
    finally:
        server.stop()
    assert_fallback(fb, "the server's context (512 tokens) is smaller than this round needs")
    assert "start it with -c 2048" in fb.notice or "start it with -c 4096" in fb.notice
