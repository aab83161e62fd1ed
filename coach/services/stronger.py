"""An example rewrite smoothed by an LLM, held to the trust gate, or the offline one with a reason.

`ReviewService.stronger` builds the offline example (`coach.engine.offline.stronger.build`)
and, when its backend can reword text (`TextRewriter`), hands it here. The
model's reply is cleaned, then must pass `trust.rewrite_problem`: readable
text, no fact the answer lacks, every placeholder kept, mostly the
candidate's words. Anything else (an error, a timeout, a failed check) gives
back the offline example with a notice saying why, so the candidate always
sees an example and knows who made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from coach.domain.models import Stronger
from coach.domain.text import visible
from coach.engine.abilities import TextRewriter
from coach.engine.offline.text import strip_controls
from coach.services import trust
from coach.services.provenance import label_for

#: A model's first line like "Here is the rewritten example:" is a preface, not the example.
_PREFACE = re.compile(r"^[^\n\[\]]{0,80}:\s*\n")


def cleaned_reply(reply: str) -> str:
    """The model's example as text a terminal can show: no controls, no preface, no wrapping quotes."""
    text = visible(strip_controls(reply or ""), multiline=True).strip()
    text = _PREFACE.sub("", text, count=1).strip()
    if len(text) >= 2 and text[0] in "\"“'" and text[-1] in "\"”'":
        text = text[1:-1].strip()
    return " ".join(text.split())


def offline_example(question: str, answer: str, **context: Any) -> Stronger:
    """The offline rules' example, synchronously (batch callers and threads)."""
    from coach.engine.offline.stronger import build

    return build(question, answer, **context)


def with_notice(example: Stronger, notice: str) -> Stronger:
    return example.model_copy(update={"notice": f"{notice} {example.notice}" if example.notice else notice})


async def smoothed(backend: Any, offline: Stronger, question: str, answer: str,
                   redact: Callable[[str], str]) -> Stronger:
    """The LLM's smoothing of ``offline`` when it passes the gate; else ``offline`` with a notice."""
    from coach.engine.prompts_stronger import STRONGER_SYSTEM, stronger_prompt

    label = label_for(backend)
    if not isinstance(backend, TextRewriter):
        return with_notice(offline, f"The {label} backend can't reword text, so this is the offline example.")
    try:
        reply = await backend.complete_text(system=STRONGER_SYSTEM, prompt=stronger_prompt(question, answer, offline.text))
    except Exception as exc:  # any backend failure: the offline example, saying why
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        return with_notice(offline, redact(f"The {label} backend could not smooth the example ({reason});"
                                           " showing the offline example."))
    text = cleaned_reply(reply)
    why = trust.rewrite_problem(text, answer, offline.placeholders)
    if why is not None:
        return with_notice(offline, redact(f"The {label} rewrite {why}; showing the offline example."))
    model = getattr(backend, "model", None)
    return Stronger(attempt=offline.attempt, text=text, placeholders=list(offline.placeholders),
                    backend=str(getattr(backend, "name", None) or type(backend).__name__),
                    model=model if isinstance(model, str) else None)


__all__ = ["cleaned_reply", "offline_example", "smoothed", "with_notice"]
