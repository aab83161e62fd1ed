"""The openai backend against a real llama.cpp server with a tiny random model.

What is checked is shape and behaviour, never the model's words (they are
random): replies validate against our schema through a real grammar-constrained
server, progress streams in order, made-up quotes are caught, and a dying,
absent or slow server ends in offline feedback with a notice.

Skips with one line when llama-server is not built, unless COACH_REQUIRE_LLAMA=1.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine import AnswerItem, Progress, ReviewRequest
from coach.domain.kinds import KIND_IDS
from coach.engine.openai import OpenAIBackend, draft_model, parse_draft
from coach.engine.verify import find_span
from tests.helpers.llama import MODEL_ALIAS, DelayProxy, LlamaServer, free_port, start_server

pytestmark = pytest.mark.llama

HANG_GUARD_S = 60
REPO = Path(__file__).resolve().parents[2]

ANSWERS = {
    "deadline": "Our release was slipping, so I split the work into daily goals and we shipped on the Friday.",
    "conflict": "I think maybe I just kind of talked to him, I guess it was fine in the end.",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> LlamaServer:
    srv = start_server(tmp_path_factory.mktemp("llama"))
    yield srv
    srv.stop()


def request(role: str = "software-engineer") -> ReviewRequest:
    return ReviewRequest(
        items=(
            AnswerItem("deadline", "Tell me about a time you saved a deadline.", ANSWERS["deadline"]),
            AnswerItem("conflict", "Tell me about a disagreement with a colleague.", ANSWERS["conflict"]),
        ),
        round="second",
        role=role,
        job="Backend engineer: Python, on-call, mentoring.",
    )


def backend(base_url: str, timeout_s: float = 30.0, max_retries: int = 1) -> OpenAIBackend:
    opts = OpenAISettings(base_url=base_url, model=MODEL_ALIAS, timeout_s=timeout_s, max_retries=max_retries)
    return OpenAIBackend.from_settings(Settings(backend="openai", openai=opts))


async def review(b: OpenAIBackend, progress=None, req: ReviewRequest | None = None):
    try:
        return await asyncio.wait_for(b.review(req or request(), progress), HANG_GUARD_S)
    finally:
        await b.aclose()


def test_server_lists_the_model(server: LlamaServer) -> None:
    with urllib.request.urlopen(server.base_url + "/models", timeout=5) as resp:
        ids = [m["id"] for m in json.load(resp)["data"]]
    assert MODEL_ALIAS in ids


async def test_structured_feedback_validates_through_the_real_server(server: LlamaServer) -> None:
    seen: list[Progress] = []
    fb = await review(backend(server.base_url), seen.append)
    assert fb.backend == "openai", fb.notice
    assert fb.model == MODEL_ALIAS
    assert 1 <= len(fb.pointers) <= 2
    raw = next(p.text for p in reversed(seen) if p.stage == "verifying")
    draft = parse_draft(raw, draft_model(tuple(ANSWERS)))  # the server honoured the schema
    assert 1 <= len(draft.pointers) <= 2
    for p in fb.pointers:
        assert p.kind in KIND_IDS and p.title and p.tip
        assert p.question_id in ANSWERS
        if p.verified and p.evidence:
            assert p.evidence in ANSWERS[p.question_id]
        if not p.verified:
            assert p.evidence == ""


async def test_streaming_progress_arrives_in_order(server: LlamaServer) -> None:
    seen: list[Progress] = []
    fb = await review(backend(server.base_url), seen.append)
    assert fb.backend == "openai", fb.notice
    stages = [p.stage for p in seen]
    assert stages[0] == "connecting" and stages[-1] == "done"
    assert stages.index("verifying") > max(i for i, s in enumerate(stages) if s == "streaming")
    streamed = [p for p in seen if p.stage == "streaming"]
    assert len(streamed) > 5  # token by token, not one lump
    assert all(b.chars > a.chars and b.text.startswith(a.text) for a, b in zip(streamed, streamed[1:]))


async def test_made_up_quotes_are_caught(server: LlamaServer) -> None:
    """Whatever the random model quotes, verification keeps only what is really in the answers.

    Which replies hold an invented quote depends on the prompt's exact bytes, so
    the test asks with a few prompts (the role line differs) and needs at least
    one invented quote among them; every reply must obey the rules.
    """
    invented_total = 0
    for role in ("software-engineer", "data-analyst", "product-manager", "sales", "general", "support"):
        seen: list[Progress] = []
        fb = await review(backend(server.base_url), seen.append, request(role))
        raw = json.loads(next(p.text for p in reversed(seen) if p.stage == "verifying"))
        invented = [
            p for p in raw["pointers"]
            if p["evidence"].strip() and all(find_span(a, p["evidence"]) is None for a in ANSWERS.values())
        ]
        if fb.backend == "openai":
            assert sum(not p.verified for p in fb.pointers) == len(invented)
            assert all(p.evidence == "" for p in fb.pointers if not p.verified)
            if invented:
                assert "could not be found" in (fb.notice or "")
        else:  # nothing valid was left, so it fell back, and says why
            assert invented and fb.notice
        for p in fb.pointers:
            if p.verified and p.evidence:
                assert any(find_span(a, p.evidence) is not None for a in ANSWERS.values())
        invented_total += len(invented)
        if invented_total >= 2:
            break
    assert invented_total, "the random model should have invented at least one quote"


async def test_follow_up_from_the_real_server(server: LlamaServer) -> None:
    b = backend(server.base_url)
    try:
        question = await asyncio.wait_for(b.follow_up(request().items[0], "second"), HANG_GUARD_S)
    finally:
        await b.aclose()
    # The schema caps the question's length, so even a random model's reply completes.
    assert question is not None and question.endswith("?") and 5 <= len(question) <= 241


async def test_plain_text_completion_from_the_real_server(server: LlamaServer) -> None:
    from coach.engine.openai import LLMFailure

    b = backend(server.base_url)
    try:
        text = await asyncio.wait_for(
            b.complete_text(system="Reply briefly.", prompt="Say hello.", max_tokens=64), HANG_GUARD_S
        )
    except LLMFailure as failure:  # a random model may ramble to the cap: that is reported, not returned
        assert "cut at 64 tokens" in str(failure)
    else:
        assert isinstance(text, str) and text == text.strip() and text
    finally:
        await b.aclose()


async def test_personalise_through_the_real_server_keeps_the_draft_with_a_notice(server: LlamaServer) -> None:
    from coach.outreach import draft_request, personalise

    draft = draft_request(stage="phone", outcome="rejected", company="Brightwave", role="Data Analyst")
    b = backend(server.base_url)
    try:
        result = await asyncio.wait_for(personalise(draft, None, b), HANG_GUARD_S)
    finally:
        await b.aclose()
    # The random model's words are never a trustworthy email: coach's own draft stays, and says why.
    assert not result.personalised and result.text == draft.text
    assert result.notice and f"openai / {MODEL_ALIAS}" in result.notice and "coach's own" in result.notice


async def test_server_killed_mid_stream_falls_back(tmp_path: Path) -> None:
    dying = start_server(tmp_path)
    killed: list[int] = []

    def kill_on_first_chunk(p: Progress) -> None:
        if p.stage == "streaming" and not killed:
            dying.kill()
            killed.append(p.chars)

    try:
        fb = await review(backend(dying.base_url, max_retries=0), kill_on_first_chunk)
    finally:
        dying.stop()
    assert killed
    assert fb.backend == "offline"
    assert "cut off" in fb.notice or "ended early" in fb.notice


async def test_server_not_running_falls_back(tmp_path: Path) -> None:
    fb = await review(backend(f"http://127.0.0.1:{free_port()}/v1", timeout_s=5.0))
    assert fb.backend == "offline" and "connection refused" in (fb.notice or "")


async def test_server_slower_than_the_timeout_falls_back(server: LlamaServer) -> None:
    with DelayProxy(server.port, delay_s=5.0) as proxy:
        fb = await review(backend(proxy.base_url, timeout_s=1.0))
    assert fb.backend == "offline" and "within 1 s" in (fb.notice or "")


def _analyze(lines: list[dict], base_url: str, tmp_path: Path) -> list[dict]:
    env = {
        k: v for k, v in os.environ.items() if not (k.startswith("COACH_") or k.startswith("OPENAI_"))
    }
    env.update(
        COACH_OPENAI_BASE_URL=base_url,
        COACH_OPENAI_MODEL=MODEL_ALIAS,
        COACH_CONFIG_DIR=str(tmp_path / "config"),
        COACH_DATA_DIR=str(tmp_path / "data"),
        COACH_SYSTEM_DIR=str(tmp_path / "system"),
    )
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    out = subprocess.run(
        [sys.executable, "-m", "coach", "analyze", "--backend", "openai"],
        input=stdin, capture_output=True, text=True, env=env, cwd=REPO, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == "", "a clean batch run prints nothing on stderr"
    return [json.loads(line) for line in out.stdout.splitlines()]


def test_cli_analyze_labels_pointers_with_backend_and_model(server: LlamaServer, tmp_path: Path) -> None:
    lines = [
        {"id": 1, "question": "Tell me about a time you saved a deadline.", "answer": ANSWERS["deadline"]},
        {"id": 2, "question": "A disagreement?", "answer": ANSWERS["conflict"], "round": "final"},
    ]
    results = _analyze(lines, server.base_url, tmp_path)
    assert [r["id"] for r in results] == [1, 2]
    for r in results:
        assert 1 <= len(r["pointers"]) <= 2
        assert all(p["kind"] in KIND_IDS for p in r["pointers"])
        if r["backend"] == "openai":  # the random-weight model's reply passed the trust gate
            assert r["model"] == MODEL_ALIAS, r.get("notice")
        else:  # or it didn't, and the line says so and names the model
            assert r["backend"] == "offline"
            assert MODEL_ALIAS in r["notice"] and "coach's checks" in r["notice"], r["notice"]


def test_cli_analyze_with_server_gone_gives_offline_with_notice(tmp_path: Path) -> None:
    lines = [{"id": "a", "question": "Why this role?", "answer": ANSWERS["conflict"]}]
    (result,) = _analyze(lines, f"http://127.0.0.1:{free_port()}/v1", tmp_path)
    assert result["backend"] == "offline" and "connection refused" in result["notice"]


def test_doctor_against_the_real_server(server: LlamaServer, monkeypatch: pytest.MonkeyPatch) -> None:
    import argparse
    import io

    from coach.commands import doctor

    monkeypatch.setenv("COACH_OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("COACH_OPENAI_MODEL", MODEL_ALIAS)
    out = io.StringIO()
    doctor.run(argparse.Namespace(backend="openai", timeout=30.0, data_dir=None), out=out)
    text = out.getvalue()
    backend_section = text.split("Feedback backends", 1)[1]
    # No check failed (the random-weight model's sample review may only WARN: it fails the gate).
    assert not any(line.strip().startswith("FAIL") for line in backend_section.splitlines()), text
    assert f"model '{MODEL_ALIAS}' is listed" in text and "JSON schema accepted" in text
