"""The prompt that asks an LLM to smooth an offline example rewrite, and nothing more.

The model gets the offline example (the candidate's own sentences, reordered,
with [placeholders]) and the answer it came from, each in its own element
with its text escaped, so nothing the candidate typed can pose as an
instruction. It may only make the wording flow; `coach.services.trust`
checks that it kept every placeholder and added no fact.
"""

from __future__ import annotations

from coach.engine.prompts import escape

STRONGER_SYSTEM = (
    "You smooth the wording of an interview answer that a candidate wrote. You get their answer "
    "and an example that puts their own sentences in a clear order. Rewrite the example so it reads "
    "smoothly, in the first person, as the candidate speaking. Rules: use only facts from the answer; "
    "add no names, companies, products, places, numbers, dates or events; keep every part in square "
    "brackets exactly as written, in the same place; write no new brackets; keep it about as long as "
    "the example. Reply with the rewritten example only: no title, no notes, no quotes."
)


def stronger_prompt(question: str, answer: str, example: str) -> str:
    """The user message: the question, the candidate's answer and the example to smooth."""
    return (
        f"<question>{escape(question)}</question>\n"
        f"<answer>\n{escape(answer)}\n</answer>\n"
        f"<example>\n{escape(example)}\n</example>\n"
        "Rewrite the example."
    )


__all__ = ["STRONGER_SYSTEM", "stronger_prompt"]
