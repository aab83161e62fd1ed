"""The openai backend against a real small instruct model: SmolLM2-135M on llama-server.

Random weights (tests/test_llama_server.py) prove the plumbing; this file is
about what a real, small, local model does with coach's prompt:

- how big the prompt is in the model's own tokens, measured on the exact
  request coach sends (captured from `coach analyze`, not rebuilt here), for
  one answer and for a 5-answer round;
- a first smoke run of 10 real answers from ../shared/data through
  `coach analyze --backend openai`, reporting which lines are the model's and
  which fell back, and what the model's pointers look like.

Needs llama-server and the SmolLM2 GGUF (`.ci/fetch-smollm2`); skips with the
reason when either is absent, unless COACH_REQUIRE_SMOLLM2=1 (CI). The
answers are read from ../shared at test time and skip when it is absent.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from llama_helpers import SMOLLM2_CTX, SMOLLM2_SLOTS, FakeOpenAIServer, LlamaServer, Reply

pytestmark = [pytest.mark.llama, pytest.mark.smollm2]

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
BEHAVIORAL = DATA / "siop2024" / "answers.jsonl"
SITUATIONAL = DATA / "siop2019" / "answers.jsonl"

#: The issue's budget for one answer's whole prompt, schema included, in SmolLM2 tokens.
ONE_ANSWER_BUDGET = 1200
#: Room the reply needs on top of the prompt (the backend's max_completion_tokens).
REPLY_TOKENS = 700
#: A reply the backend rejects, so each captured review is exactly one request.
UNUSABLE_REPLY = Reply(stream=['{"pointers": [], "strength": null}'])


def read_answers(path: Path) -> list[dict]:
    if not path.is_file():
        pytest.skip(f"real-answer data not present at {path}")
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def coach_env(base_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean environment for a `coach` subprocess pointed at ``base_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COACH_", "OPENAI_"))}
    env.update(
        COACH_OPENAI_BASE_URL=base_url,
        COACH_OPENAI_MODEL="smollm2",
        COACH_CONFIG_DIR=str(tmp_path / "config"),
        COACH_DATA_DIR=str(tmp_path / "data"),
        COACH_SYSTEM_DIR=str(tmp_path / "system"),
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


def analyze(lines: list[dict], base_url: str, tmp_path: Path, timeout: float, **env: str) -> list[dict]:
    """`coach analyze --backend openai` on ``lines``; the parsed output lines."""
    stdin = "".join(json.dumps(line) + "\n" for line in lines)
    out = subprocess.run(
        [sys.executable, "-m", "coach", "analyze", "--backend", "openai"],
        input=stdin, capture_output=True, text=True, env=coach_env(base_url, tmp_path, **env),
        cwd=REPO, timeout=timeout,
    )
    assert out.returncode == 0, out.stderr
    return [json.loads(line) for line in out.stdout.splitlines()]


def captured_cli_request(row: dict, tmp_path: Path) -> dict:
    """The chat request `coach analyze` sends for one answer, as the server receives it."""
    with FakeOpenAIServer([UNUSABLE_REPLY]) as fake:
        analyze([{k: row[k] for k in ("id", "question", "answer")}], fake.base_url, tmp_path, timeout=60)
    assert len(fake.requests) == 1, fake.requests
    return fake.requests[0]


def captured_round_request(rows: list[dict], round: str) -> dict:
    """The chat request the openai backend sends for a round of these answers."""
    from coach.config import OpenAISettings, Settings
    from coach.engine import AnswerItem, ReviewRequest, make_backend

    request = ReviewRequest(
        items=tuple(AnswerItem(r["id"], r["question"], r["answer"]) for r in rows), round=round
    )

    async def run(base_url: str) -> None:
        opts = OpenAISettings(base_url=base_url, model="smollm2", timeout_s=30, max_retries=0)
        backend = make_backend("openai", Settings(backend="openai", openai=opts))
        try:
            await backend.review(request)
        finally:
            await backend.aclose()

    with FakeOpenAIServer([UNUSABLE_REPLY]) as fake:
        asyncio.run(run(fake.base_url))
    assert len(fake.requests) == 1, fake.requests
    return fake.requests[0]


def prompt_tokens(server: LlamaServer, body: dict) -> int:
    """The prompt's length in SmolLM2 tokens, through the server's own chat template."""
    prompt = server.post("/apply-template", {"messages": body["messages"]})["prompt"]
    return len(server.post("/tokenize", {"content": prompt, "add_special": True})["tokens"])


def text_tokens(server: LlamaServer, text: str) -> int:
    return len(server.post("/tokenize", {"content": text, "add_special": False})["tokens"])


def sent_schema(body: dict) -> str:
    """The response schema as the prompt spells it (compact JSON, as the backend dumps it)."""
    return json.dumps(body["response_format"]["json_schema"]["schema"], separators=(",", ":"))


def breakdown(server: LlamaServer, body: dict) -> dict[str, int]:
    """Where the tokens go: system prose, the schema inside it, the user message."""
    system, user = (m["content"] for m in body["messages"])
    schema = sent_schema(body)
    return {
        "total": prompt_tokens(server, body),
        "system": text_tokens(server, system),
        "schema_in_system": text_tokens(server, schema) if schema in system else 0,
        "user": text_tokens(server, user),
    }


def first_full_round(rows: list[dict], size: int = 5) -> list[dict]:
    """One respondent's first ``size`` answers: a real round, in the order given."""
    by_person: dict[str, list[dict]] = {}
    for row in rows:
        by_person.setdefault(row["id"].rsplit("-", 1)[0], []).append(row)
    return next(answers[:size] for answers in by_person.values() if len(answers) >= size)


def median_and_longest(rows: list[dict]) -> tuple[dict, dict]:
    ordered = sorted(rows, key=lambda r: len(r["answer"]))
    return ordered[len(ordered) // 2], ordered[-1]


# --------------------------------------------------------------- prompt size


@pytest.fixture(scope="module")
def one_answer_counts(smollm2_server: LlamaServer, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Token counts for the median and the longest real answer of each data set."""
    counts: dict[str, dict[str, int]] = {}
    for label, path in (("behavioral", BEHAVIORAL), ("situational", SITUATIONAL)):
        median, longest = median_and_longest(read_answers(path))
        for which, row in (("median", median), ("longest", longest)):
            body = captured_cli_request(row, tmp_path_factory.mktemp("capture"))
            counts[f"{label} {which} ({len(row['answer'])} chars)"] = breakdown(smollm2_server, body)
    slot = SMOLLM2_CTX // SMOLLM2_SLOTS
    for name, c in counts.items():
        fits = "fits" if c["total"] + REPLY_TOKENS <= slot else "does not fit"
        print(f"\n[smollm2 tokens] one answer, {name}: {c}; with a {REPLY_TOKENS}-token reply it {fits}"
              f" a {slot}-token slot")
    return counts


def test_the_token_count_is_what_the_server_itself_counts(
    smollm2_server: LlamaServer, tmp_path: Path
) -> None:
    """/apply-template + /tokenize measure exactly the prompt the server evaluates."""
    median, _ = median_and_longest(read_answers(BEHAVIORAL))
    body = captured_cli_request(median, tmp_path)
    reply = smollm2_server.post(
        "/v1/chat/completions", {"messages": body["messages"], "max_tokens": 1, "temperature": 0}
    )
    assert reply["usage"]["prompt_tokens"] == prompt_tokens(smollm2_server, body)


def test_one_answer_prompt_fits_the_small_model_budget(one_answer_counts: dict) -> None:
    worst = max(c["total"] for c in one_answer_counts.values())
    assert worst <= ONE_ANSWER_BUDGET, (
        f"one answer's prompt is {worst} SmolLM2 tokens (budget {ONE_ANSWER_BUDGET}): {one_answer_counts}"
    )


def test_a_five_answer_round_fits_the_8k_context_with_room_to_reply(smollm2_server: LlamaServer) -> None:
    """One respondent's five situational answers, and the five longest behavioral ones."""
    rounds = {
        "one respondent's 5 situational answers": (first_full_round(read_answers(SITUATIONAL)), "final"),
        "the 5 longest behavioral answers": (
            sorted(read_answers(BEHAVIORAL), key=lambda r: len(r["answer"]))[-5:], "second",
        ),
    }
    for name, (rows, round_id) in rounds.items():
        counts = breakdown(smollm2_server, captured_round_request(rows, round_id))
        chars = sum(len(r["answer"]) for r in rows)
        slot = SMOLLM2_CTX // SMOLLM2_SLOTS
        fits = "fits" if counts["total"] + REPLY_TOKENS <= slot else "does not fit"
        print(f"\n[smollm2 tokens] 5-answer round, {name} ({chars} answer chars): {counts};"
              f" with a {REPLY_TOKENS}-token reply it {fits} a {slot}-token slot (-np {SMOLLM2_SLOTS}, no --kv-unified)")
        assert counts["total"] + REPLY_TOKENS <= SMOLLM2_CTX, (name, counts)


# ----------------------------------------------------------- real-model smoke


def smoke_rows() -> list[dict]:
    """10 real answers, 5 behavioral and 5 situational, spread across each file."""
    picked = []
    for path in (BEHAVIORAL, SITUATIONAL):
        rows = read_answers(path)
        picked += rows[:: len(rows) // 5][:5]
    return [{k: r[k] for k in ("id", "question", "answer")} for r in picked]


def describe(result: dict, row: dict, schema_text: str) -> str:
    """One line on what came back: who made it, and the signs of junk a gate would look for."""
    made_by = f"model {result['model']}" if result["backend"] == "openai" else "offline fallback"
    pointers = result["pointers"]
    signs = []
    keys = [(p["kind"], p["evidence"]) for p in pointers]
    if len(set(keys)) < len(keys) or len({p["tip"] for p in pointers}) < len(pointers):
        signs.append("duplicate pointers")
    if any(p["tip"].strip() and p["tip"].strip() in row["answer"] for p in pointers):
        signs.append("tip copies the answer")
    titles = [p["title"] for p in pointers] + ([result["strength"]["title"]] if result.get("strength") else [])
    if any(t.strip() and t.strip().lower() in schema_text.lower() for t in titles):
        signs.append("title taken from the schema")
    if any(t.strip() and t.strip() in row["question"] for t in titles):
        signs.append("title copies the question")
    shown = "; ".join(f"[{p['kind']}] {p['title'][:60]!r} tip={p['tip'][:50]!r}" for p in pointers)
    if result.get("strength"):
        shown += f"; strength {result['strength']['title'][:40]!r}"
    line = f"{result['id']}: {made_by}: {shown}"
    if signs:
        line += "  <" + ", ".join(signs) + ">"
    if result.get("notice"):
        line += f"\n    notice: {result['notice'][:160]}"
    return line


@pytest.mark.timeout(2500)
def test_ten_real_answers_through_analyze_are_verified_or_fall_back(
    smollm2_server: LlamaServer, tmp_path: Path
) -> None:
    rows = smoke_rows()
    assert len(rows) == 10
    schema_text = sent_schema(captured_cli_request(rows[0], tmp_path / "capture"))
    results = analyze(rows, smollm2_server.base_url, tmp_path, timeout=2400, COACH_OPENAI_TIMEOUT_S="180")
    assert [r["id"] for r in results] == [r["id"] for r in rows]
    made: Counter[str] = Counter()
    for row, result in zip(rows, results, strict=True):
        print("\n[smollm2 smoke] " + describe(result, row, schema_text), end="")
        assert 1 <= len(result["pointers"]) <= 2, result
        for p in result["pointers"]:
            assert p["evidence"] in row["answer"], f"quote not verbatim in {row['id']}: {p['evidence']!r}"
        if result.get("strength"):
            assert result["strength"]["evidence"] in row["answer"], result["strength"]
        if result["backend"] == "openai":
            assert result["model"] == smollm2_server.model_name
            made["model"] += 1
        else:
            assert result["backend"] == "offline" and result.get("notice"), result
            made["fallback"] += 1
    print(f"\n[smollm2 smoke] {made['model']} from the model, {made['fallback']} offline fallbacks")
