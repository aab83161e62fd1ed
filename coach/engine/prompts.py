"""LLM prompt templates: where they come from and how they are filled in.

Templates live in prompts/llm/ (shipped). An administrator can override one
for everyone by putting a file of the same name in the system prompts dir, and
a user can override that in their own prompts dir (user wins), so tone or
house rules can change without touching code. Each dir is searched as
``<dir>/llm/<name>`` and then ``<dir>/<name>``.

Placeholders are ``{{name}}``; unknown ones are left as they are, so a
customised template can never crash a review. Answers are wrapped in
``<answer id="...">`` elements with their text escaped, so nothing a candidate
types can close the element and pose as an instruction.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach import paths
from coach.domain.kinds import KINDS
from coach.fsutil import read_regular_file
from coach.resources import prompts_dir

if TYPE_CHECKING:
    from coach.engine import AnswerItem, ReviewRequest

REVIEW_SYSTEM = "review-system.md"
REVIEW_USER = "review-user.md"
REPAIR = "repair.md"
FOLLOW_UP_SYSTEM = "follow-up-system.md"
FOLLOW_UP_USER = "follow-up-user.md"

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")

ROUND_TITLES = {"phone": "phone screen", "second": "competency interview", "final": "final round"}
ROUND_FOCUS = {
    "phone": "a first screen of fit: background, motivation, the skills this role needs and "
    "logistics. Pointers usually concern linking experience to the job and answering clearly.",
    "second": "a competency interview: behavioural deep dives that need one concrete past "
    "example, what the candidate personally did, and how it ended.",
    "final": "a final round: judgement in situations, motivation and fit with the team, and "
    "the closing invitation to ask the interviewer questions.",
}
MAX_HINTS = 8
#: One clause per kind: the prompt's kinds list (the full guidance is ~2x the tokens, and a
#: small model's context is short). Kinds missing here fall back to their guidance.
SHORT_KINDS = {
    "no-example": "habits or 'I would', not one real past story",
    "no-result": "never says how it ended",
    "vague-impact": "outcome vague, no number or scale",
    "ownership": "'we' hides what they did",
    "too-short": "too thin to show anything",
    "too-long": "rambles before the point",
    "hedging": "'I think maybe', 'kind of'",
    "filler": "'like', 'basically', 'you know'",
    "off-topic": "does not answer the question",
    "negative": "blames others",
    "no-job-link": "not linked to the job",
    "no-questions": "no questions for the interviewer",
    "structure": "no headline, no order",
    "no-answer": "skipped or blank",
    "other": "anything else, with a clear title",
}


def template_dirs() -> list[Path]:
    """Where a template is looked for, most specific first: user, system, shipped."""
    dirs: list[Path] = []
    for base in (paths.user_prompts_dir(), paths.system_prompts_dir()):
        dirs += [base / "llm", base]
    dirs.append(prompts_dir() / "llm")
    return dirs


def template_path(name: str) -> Path:
    """The file that provides template ``name`` (user over system over shipped)."""
    for d in template_dirs():
        candidate = d / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"prompt template {name!r} not found in {prompts_dir() / 'llm'}")


#: A prompt template is a page of text; anything bigger is not one.
TEMPLATE_LIMIT = 64 * 1024


def load_template(name: str) -> str:
    """Template ``name`` as text. A user's or the system's file is outside text: a FIFO, a huge
    file or one that is not UTF-8 is a ValueError naming the file (the review falls back), not a hang."""
    path = template_path(name)
    try:
        return read_regular_file(path, limit=TEMPLATE_LIMIT).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{path}: prompt template is not UTF-8 text") from None
    except OSError as exc:
        raise ValueError(f"{path}: prompt template cannot be read: {exc}") from None


def render(template: str, values: Mapping[str, str]) -> str:
    """Fill ``{{name}}`` placeholders; leave unknown ones untouched."""

    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        return values[key] if key in values else match.group(0)

    return _PLACEHOLDER.sub(sub, template)


def escape(text: str) -> str:
    """Escape text placed inside an element so it cannot close it or open another."""
    return html.escape(text, quote=False)


def answer_block(item: AnswerItem) -> str:
    """One answer, delimited: the question as an attribute, the text escaped."""
    qid = html.escape(item.question_id, quote=True)
    question = html.escape(item.question, quote=True)
    text = "(skipped)" if item.skipped or not item.answer.strip() else escape(item.answer)
    return f'<answer id="{qid}" question="{question}">\n{text}\n</answer>'


def kinds_text() -> str:
    """The kinds, one short line each."""
    return "\n".join(f"  {k.id}: {SHORT_KINDS.get(k.id, k.guidance)}" for k in KINDS.values())


def hints_text(findings: Iterable[Any]) -> str:
    """The offline engine's findings, strongest first, as short lines."""
    ranked = sorted(findings, key=lambda f: -float(getattr(f, "severity", 0.0)))[:MAX_HINTS]
    lines = []
    for f in ranked:
        quote = f' (quote: "{escape(f.evidence)}")' if getattr(f, "evidence", "") else ""
        lines.append(f"- [{f.kind}] answer {f.question_id}: {escape(f.detail)}{quote}")
    return "\n".join(lines) or "- (nothing in particular)"


def offline_hints(request: ReviewRequest) -> str:
    """Hints from the offline rules; the review goes on without them if they fail."""
    try:
        from coach.engine.offline import findings
    except ImportError as exc:
        return f"- (automatic check not available: {exc})"
    try:
        return hints_text(findings(request))
    except Exception as exc:  # hints are optional; say why they are missing
        return f"- (automatic check failed: {type(exc).__name__})"


def review_values(request: ReviewRequest, shape: str) -> dict[str, str]:
    """The template's values; ``shape`` is the reply's one-line shape (``{{shape}}``, also ``{{schema}}``
    for templates written before the full schema left the prompt)."""
    round_id = request.round or "second"
    return {
        "round": round_id,
        "round_title": ROUND_TITLES.get(round_id, round_id),
        "round_focus": ROUND_FOCUS.get(round_id, ""),
        "role": request.role or "general",
        "job": escape(request.job.strip()) if request.job and request.job.strip() else "(none given)",
        "kinds": kinds_text(),
        "shape": shape,
        "schema": shape,
        "hints": offline_hints(request),
        "answers": "\n\n".join(answer_block(item) for item in request.items),
    }


def review_messages(request: ReviewRequest, shape: str) -> list[dict[str, str]]:
    """System and user messages for a round review.

    The full JSON schema is not printed: the server gets it as ``response_format``
    (a grammar, no prompt tokens), and a small model copies what it reads in a
    printed schema ("DraftFeedback") as pointer titles. The prompt shows ``shape``.
    """
    values = review_values(request, shape)
    return [
        {"role": "system", "content": render(load_template(REVIEW_SYSTEM), values)},
        {"role": "user", "content": render(load_template(REVIEW_USER), values)},
    ]


def repair_message(problem: str) -> dict[str, str]:
    return {"role": "user", "content": render(load_template(REPAIR), {"problem": problem})}


def follow_up_messages(item: AnswerItem, round: str | None) -> list[dict[str, str]]:
    """System and user messages asking for one probing follow-up question."""
    round_id = round or "second"
    values = {
        "round": round_id,
        "round_title": ROUND_TITLES.get(round_id, round_id),
        "question": escape(item.question),
        "answer": answer_block(item),
    }
    return [
        {"role": "system", "content": render(load_template(FOLLOW_UP_SYSTEM), values)},
        {"role": "user", "content": render(load_template(FOLLOW_UP_USER), values)},
    ]
