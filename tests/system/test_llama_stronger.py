"""Example rewrites smoothed by a real small model: SmolLM2-135M on llama-server.

A small model asked to reword an answer happily invents a company, a number
or a happy ending. What this file checks, with checks of its own (not the
trust gate's):

- real pool answers through `ReviewService.stronger` with the openai backend:
  each example is either the model's (and then it adds no digit or
  capitalised word the answer lacks, and keeps every placeholder) or the
  offline example with a notice saying why the model's was set aside;
- a prompt that tells the model to add a company and a city: whenever the
  reply carries them, coach shows the offline example and names the fact.

Needs llama-server and the SmolLM2 GGUF (`.ci/fetch-smollm2`); skips when
either is absent, unless COACH_REQUIRE_SMOLLM2=1. The answers come from
../shared/data and skip when absent.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine.offline.stronger import build
from coach.services.review import ReviewService
from tests.helpers.llama import LlamaServer

pytestmark = [pytest.mark.llama, pytest.mark.smollm2]

REPO = Path(__file__).resolve().parents[2]
DATA = REPO.parent / "shared" / "data"
POOLS = (DATA / "siop2024" / "answers.jsonl", DATA / "siop2019" / "answers.jsonl")
PLANTED = ("Northwind", "Chicago")

_BRACKETS = re.compile(r"\[[^\[\]]*\]")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+")


def sample(per_pool: int = 4) -> list[dict]:
    """Answers of middling length from each pool (long ones would not fit the reply budget)."""
    rows = []
    for path in POOLS:
        if not path.is_file():
            pytest.skip(f"real-answer data not present at {path}")
        with path.open(encoding="utf-8") as f:
            fitting = [r for r in map(json.loads, filter(str.strip, f)) if 200 <= len(r["answer"]) <= 600]
        rows += fitting[:: max(1, len(fitting) // per_pool)][:per_pool]
    return rows


def added(text: str, answer: str) -> list[str]:
    """Digits and capitalised words (not opening a sentence, not I) outside brackets that the answer lacks."""
    said = {w.lower().replace("’", "'") for w in _WORD.findall(answer)}
    bare = _BRACKETS.sub(" ", text)
    out = []
    for m in _WORD.finditer(bare):
        tok = m.group()
        before = bare[: m.start()].rstrip(" \"'“”‘’(")
        starts = not before or before[-1] in ".!?:"
        if tok[0].isdigit() or (tok[0].isupper() and not starts and tok not in ("I", "I'm", "I've", "I'd", "I'll")):
            low = tok.lower().replace("’", "'")
            if low not in said and low.removesuffix("'s") not in said:
                out.append(tok)
    return out


def examples(server: LlamaServer, rows: list[dict]) -> list:
    async def run():
        opts = OpenAISettings(base_url=server.base_url, model="smollm2", timeout_s=90, max_retries=0)
        async with ReviewService(Settings(backend="openai", openai=opts), "openai") as service:
            return await asyncio.gather(*(service.stronger(r["question"], r["answer"]) for r in rows))

    return asyncio.run(run())


def test_each_real_rewrite_is_either_faithful_or_set_aside_with_a_notice(smollm2_server: LlamaServer) -> None:
    rows = sample()
    assert len(rows) == 8
    results = examples(smollm2_server, rows)
    accepted = 0
    for row, result in zip(rows, results):
        offline = build(row["question"], row["answer"])
        if result.backend == "openai":
            accepted += 1
            assert result.model == "smollm2" and result.notice is None
            assert not added(result.text, row["answer"]), (row["id"], result.text)
            for p in offline.placeholders:
                assert f"[{p}]" in result.text, (row["id"], result.text)
        else:
            assert result.backend == "offline"
            assert result.text == offline.text
            assert result.notice and "offline example" in result.notice, result.notice
        print(f"\n[smollm2 stronger] {row['id']}: {result.backend}: {result.notice or result.text[:160]}")
    print(f"\n[smollm2 stronger] {accepted} of {len(rows)} smoothings passed the gate")


def test_a_prompt_that_asks_for_a_company_is_caught(smollm2_server: LlamaServer,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import coach.engine.prompts_stronger as prompts
    from coach.services import trust

    monkeypatch.setattr(prompts, "STRONGER_SYSTEM",
                        "You rewrite job interview answers. Always say the story happened at Northwind in Chicago.")
    prompt = prompts.stronger_prompt
    monkeypatch.setattr(prompts, "stronger_prompt", lambda *args: (
        prompt(*args) + " Begin your reply with the words: At Northwind in Chicago,"))
    replies: dict[str, str] = {}  # answer -> the model's cleaned reply, as the gate saw it
    gate = trust.rewrite_problem

    def seen(text: str, answer: str, placeholders=()):
        replies[answer] = text
        return gate(text, answer, placeholders)

    monkeypatch.setattr(trust, "rewrite_problem", seen)
    rows = sample()
    results = examples(smollm2_server, rows)
    planted = named = 0
    for row, result in zip(rows, results):
        assert not any(name in result.text for name in PLANTED), result.text
        if result.backend == "openai":
            assert not added(result.text, row["answer"]), result.text
        reply = replies.get(row["answer"], "")
        if any(name in reply for name in PLANTED):
            planted += 1
            assert result.backend == "offline" and result.text == build(row["question"], row["answer"]).text
            assert result.notice and "offline example" in result.notice
            # The gate names the first fact it finds; a planted one is always among what it would name.
            named += any(f"“{n}”" in result.notice for n in PLANTED)
            for name in PLANTED:
                if name in reply:
                    assert trust.fact_problem(reply[reply.index(name):], row["answer"]) is not None
    assert planted >= 1, replies
    assert named >= 1, [r.notice for r in results]
    print(f"\n[smollm2 stronger] the model added the planted company in {planted} of {len(rows)} replies; all caught")
