"""Drawing what a retry was told and what an answer could sound like.

A verdict line reads as the candidate would say it to themselves: "Resolved —
Now it ends with what changed: “cut the build from 40 to 12 minutes”", the
quote being words of the new take. An example rewrite shows its
``[placeholders]`` in bold reverse (not colour alone, so they stand out in 16
colours and NO_COLOR) and keeps the brackets, so what is to be added reads the
same when copied. Every text here came from outside (an answer, a backend) and
is drawn through `coach.domain.text.visible`.
"""

from __future__ import annotations

import re

from rich.text import Text

from coach.domain.models import RetryVerdict, Stronger
from coach.domain.text import visible
from coach.services.provenance import who

STATUS_WORDS = {"resolved": "Resolved", "remaining": "Still there", "new": "New"}
STATUS_STYLE = {"resolved": "bold", "remaining": "bold italic", "new": "bold underline"}
PLACEHOLDER_STYLE = "bold reverse"
EXAMPLE_LABEL = "An example built from your answer — your sentences reordered; [brackets] mark what to add"
_BRACKETED = re.compile(r"\[[^\[\]\n]{1,200}\]")


def verdict_line_text(status: str, says: str, evidence: str) -> Text:
    """ "Resolved — <says>: “<evidence>”" (the quote only when there is one; after a dash if <says> has a colon)."""
    out = Text()
    out.append(STATUS_WORDS.get(status, status.capitalize()), style=STATUS_STYLE.get(status, "bold"))
    out.append(" — ")
    said = visible(says, multiline=False).strip()
    quote = visible(evidence, multiline=False).strip()
    if quote and quote not in said:
        said = said.rstrip(" .:;")
        out.append(said)
        out.append(" — " if ":" in said else ": ")  # never two colons in one line
        out.append(f"“{quote}”", style="italic")
    else:
        out.append(said)
    return out


def verdict_provenance(verdict: RetryVerdict) -> str:
    """Who compared the takes, and the notice when a fallback or a check changed that."""
    text = f"Compared by {who(verdict.backend, verdict.model)}"
    if verdict.notice:
        text += f"\nNote: {verdict.notice}"
    return text


def verdict_text(verdict: RetryVerdict) -> Text:
    """Every line of the verdict, resolved first, then still there, then new."""
    out = Text()
    order = {"resolved": 0, "remaining": 1, "new": 2}
    lines = sorted(verdict.lines, key=lambda line: order.get(line.status, 3))
    for i, line in enumerate(lines):
        if i:
            out.append("\n")
        out.append_text(verdict_line_text(line.status, line.says, line.evidence))
    if not lines:
        out.append("No pointer to compare: the previous take had none and this one has none.")
    return out


def stronger_provenance(example: Stronger) -> str:
    text = f"Built by {who(example.backend, example.model)} from take {example.attempt}"
    if example.notice:
        text += f"\nNote: {example.notice}"
    return text


def stronger_text(example: Stronger) -> Text:
    """The example with every [placeholder] styled, brackets kept."""
    body = visible(example.text, multiline=True)
    out = Text(body)
    for match in _BRACKETED.finditer(body):
        out.stylize(PLACEHOLDER_STYLE, match.start(), match.end())
    for placeholder in example.placeholders:
        shown = visible(placeholder)
        if not shown:
            continue
        for wrapped in (shown, f"[{shown.strip('[]')}]"):
            start = body.find(wrapped)
            while start >= 0:
                out.stylize(PLACEHOLDER_STYLE, start, start + len(wrapped))
                start = body.find(wrapped, start + len(wrapped))
    return out
