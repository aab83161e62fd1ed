"""The retry verdict with a real small model: SmolLM2-135M on llama-server.

Pool answers without an ending are retried with an outcome sentence appended;
each verdict either comes from the model's two gated reviews (every quote a
clean, whole-word slice of the new take) or is the offline rules' with a
notice saying why. Needs llama-server and the SmolLM2 GGUF; skips otherwise
(see tests/helpers/llama.py). The answers are read from ../shared at test time.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from coach.config import OpenAISettings, Settings
from coach.engine.offline.retry import review_take, whole_words
from coach.services.review import ReviewService
from tests.helpers.llama import LlamaServer

pytestmark = [pytest.mark.llama, pytest.mark.smollm2]

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "siop2024" / "answers.jsonl"
#: Retries sent to the model (each is two reviews).
SAMPLE = 4
OUTCOME = "As a result, we cut the wait from 10 days to 3 days."


def retries() -> list[tuple[str, str, str]]:
    """The first SAMPLE answers in file order whose offline pointers include no-result, with the outcome appended."""
    if not DATA.is_file():
        pytest.skip(f"real-answer data not present at {DATA}")
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    picked = []
    for row in rows:
        if "no-result" in review_take(row["question"], row["answer"]).shown():
            previous = row["answer"].rstrip()
            picked.append((row["question"], row["answer"], previous + (" " if previous.endswith(".") else ". ") + OUTCOME))
        if len(picked) == SAMPLE:
            break
    return picked


@pytest.mark.timeout(900)
def test_smollm2_retry_verdicts_are_gated_or_the_offline_rules_with_a_notice(smollm2_server: LlamaServer) -> None:
    settings = Settings(backend="openai", openai=OpenAISettings(
        base_url=smollm2_server.base_url, model=smollm2_server.model_name, timeout_s=240.0))

    async def go():
        async with ReviewService(settings, "openai") as service:
            return [await service.retry_verdict(q, prev, new) for q, prev, new in retries()]

    verdicts = asyncio.run(go())
    decided = {"model": 0, "offline": 0}
    for (_q, _prev, new), verdict in zip(retries(), verdicts, strict=True):
        print(f"\n[smollm2 retry] {verdict.backend}: "
              + "; ".join(f"{ln.kind} {ln.status}" for ln in verdict.lines)
              + (f"\n    notice: {verdict.notice[:200]}" if verdict.notice else ""), end="")
        for ln in verdict.lines:
            if ln.evidence:
                assert ln.evidence in new and whole_words(ln.evidence, new), ln
        if verdict.backend == "offline":
            assert verdict.notice and "offline rules" in verdict.notice
            assert "no-result" in verdict.kinds("resolved")
            decided["offline"] += 1
        else:
            assert verdict.backend == "openai" and verdict.model == smollm2_server.model_name
            decided["model"] += 1
    print(f"\n[smollm2 retry] decided by the model: {decided['model']}/{SAMPLE}, offline: {decided['offline']}")
