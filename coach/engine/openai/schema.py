"""What the model must reply, and reading its reply: schemas derived from coach's models.

The draft schema is built from coach.domain.models, so the two never drift
apart; a reply is parsed and validated here, and any problem becomes an
`LLMFailure` that says what was wrong.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

from coach.domain.models import Feedback, Pointer, Strength
from coach.engine.openai.errors import LLMFailure

#: The question's schema caps it at FOLLOW_UP_MAX_CHARS, so even a rambling model stops in time.
FOLLOW_UP_MAX_CHARS = 200
#: Caps on the reply's strings. A small model can loop inside a string until the token cap
#: (and a fallback); the grammar ends the string here instead. A quote is a phrase or one
#: sentence, a tip one or two sentences, a title one short line.
TITLE_MAX_CHARS = 80
EVIDENCE_MAX_CHARS = 160
TIP_MAX_CHARS = 220


def _as_required(model: type[BaseModel], name: str, description: str, max_length: int | None = None) -> tuple[Any, Any]:
    """A field of a coach model, same type and constraints, but required (no default).

    ``max_length`` tightens (never loosens) the model's own cap for the reply.
    """
    info = model.model_fields[name]
    annotation = info.annotation
    if info.metadata:
        annotation = Annotated[(annotation, *info.metadata)]  # type: ignore[valid-type]
    if max_length is not None:
        annotation = Annotated[annotation, Field(max_length=max_length)]  # type: ignore[valid-type]
    return annotation, Field(description=description)


def draft_model(question_ids: tuple[str, ...]) -> type[BaseModel]:
    """The pydantic model the LLM must fill, derived from coach.domain.models.Pointer/Strength.

    Every field is required (nullable where optional) and extra keys are
    forbidden, which is what strict structured-output servers want.
    ``question_id`` is an enum of this round's ids, so a grammar-constrained
    server cannot name an answer that does not exist.
    """
    strict = ConfigDict(extra="forbid")
    qid_type: Any = Literal[question_ids] if question_ids else str  # type: ignore[valid-type]
    draft_pointer = create_model(
        "DraftPointer",
        __config__=strict,
        kind=_as_required(Pointer, "kind", "pointer kind from the taxonomy, or 'other'"),
        title=_as_required(Pointer, "title", "one short line", TITLE_MAX_CHARS),
        question_id=(qid_type, Field(description="id of the answer this is about")),
        evidence=(str, Field(description="the candidate's exact words from that answer, or empty",
                             max_length=EVIDENCE_MAX_CHARS)),
        tip=_as_required(Pointer, "tip", "what to do next time, one or two sentences", TIP_MAX_CHARS),
    )
    draft_strength = create_model(
        "DraftStrength",
        __config__=strict,
        title=_as_required(Strength, "title", "one thing that worked", TITLE_MAX_CHARS),
        question_id=(qid_type, Field(description="id of the answer it is in")),
        evidence=(str, Field(description="the candidate's exact words that show it", max_length=EVIDENCE_MAX_CHARS)),
    )
    pointers_field = Feedback.model_fields["pointers"]
    bounds = {
        k: v
        for m in pointers_field.metadata
        for k, v in (("min_length", getattr(m, "min_length", None)), ("max_length", getattr(m, "max_length", None)))
        if v is not None
    }
    return create_model(
        "DraftFeedback",
        __config__=strict,
        pointers=(list[draft_pointer], Field(description="one or two pointers, most useful first", **bounds)),  # type: ignore[valid-type]
        strength=(draft_strength | None, Field(description="one thing that worked, or null")),  # type: ignore[valid-type]
    )


def response_schema(model: type[BaseModel]) -> dict[str, Any]:
    """JSON schema for ``response_format``: every property required, no extras, no titles.

    pydantic's ``"title"`` keys ("DraftFeedback", "Pointers") name Python
    classes; a model shown them copies them as pointer titles, so they go.
    """
    schema = _untitled(model.model_json_schema())
    for node in [schema, *schema.get("$defs", {}).values()]:
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
    return schema


def _untitled(node: Any) -> Any:
    """The schema without pydantic's "title" annotations (a property *named* title stays)."""
    if isinstance(node, list):
        return [_untitled(n) for n in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):
            out[key] = {name: _untitled(sub) for name, sub in value.items()}
        else:
            out[key] = _untitled(value)
    return out


def reply_shape(question_ids: tuple[str, ...]) -> str:
    """The reply's shape in one line for the prompt; the server enforces the full schema as a grammar.

    About 80 tokens instead of ~520 for the printed schema, and nothing in it
    reads like a title a model could copy.
    """
    qid = question_ids[0] if len(question_ids) == 1 else "<answer id>"
    return (
        '{"pointers":[{"kind":"<kind>","title":"<your headline>","question_id":"' + qid + '",'
        '"evidence":"<their exact words, or empty>","tip":"<what you should do next time>"}],'
        '"strength":{"title":"<what worked>","question_id":"' + qid + '","evidence":"<their exact words>"} or null}'
    )


def parse_draft(text: str, model: type[BaseModel]) -> Any:
    """JSON text → validated draft, or an LLMFailure that says what was wrong."""
    stripped = text.strip()
    if not stripped:
        raise LLMFailure("the model returned an empty reply")
    if stripped.startswith("```"):
        stripped = stripped.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise LLMFailure(f"the model's reply was not valid JSON ({exc.msg} at char {exc.pos})") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "reply"
        raise LLMFailure(f"the model's reply did not match the schema ({where}: {first['msg']})") from exc


def clean_follow_up(text: str) -> str | None:
    """A follow-up question from JSON or plain text: one line, ends with '?', not too long."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError:
            return None
        stripped = str(data.get("question", "")).strip() if isinstance(data, dict) else ""
    question = " ".join(stripped.split())
    if len(question) < 5 or len(question) > FOLLOW_UP_MAX_CHARS + 40:
        return None
    return question if question.endswith("?") else question + "?"
