"""Turn a saved session into something a candidate can send: Markdown or JSON.

Pure functions of a `Session` (no I/O, no Textual), shared by `coach export`
and the app's export action. The Markdown is a debrief a mentor can read
without knowing coach: the round, the one or two pointers with the candidate's
own words and a tip, then every question and answer, then where the feedback
came from. Under each answer come its retries (each take's text, timing and
what the comparison said, with the words it quoted) and the newest example
rewrite, labelled as one built from the candidate's answer. The JSON is the session model itself, so it loads back with
`Session.model_validate_json`.

Sessions never hold an API key, but a backend's notice could quote an error
message that does; `redact` scrubs anything key-shaped from both formats.

Both are safe to `cat`: every control character from the session (an ESC
sequence in an answer, a C1 control in a title) is made visible in the
Markdown (`coach.domain.text.visible`) and escaped in the JSON
(`coach.domain.text.json_safe`, which still loads back to the same session).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Literal

from coach.domain.kinds import KINDS
from coach.domain.models import ROUND_TITLES, Answer, Attempt, Feedback, Pointer, Session, Take
from coach.domain.text import json_safe, visible
from coach.services.provenance import made_by, who

#: Secret-looking tokens: OpenAI-style keys and bearer tokens.
_KEY_PATTERN = re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_-]{16,}|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{16,}")
#: Environment variables whose values must never appear in an export.
_KEY_ENV = ("COACH_OPENAI_API_KEY", "OPENAI_API_KEY")
REDACTED = "[redacted]"

Format = Literal["md", "json"]
EXPORTS_DIR = "exports"

# A line starting with one of these would turn into Markdown structure.
_LINE_START = re.compile(r"^(\s*)([#>*+=|`~-]|\d+[.)])")


def redact(text: str, env: Mapping[str, str] | None = None) -> str:
    """Remove API keys from ``text``: key-shaped tokens and the configured key values."""
    env = os.environ if env is None else env
    for name in _KEY_ENV:
        value = env.get(name, "").strip()
        if len(value) >= 8:
            text = text.replace(value, REDACTED)
    return _KEY_PATTERN.sub(REDACTED, text)


def to_json(session: Session) -> str:
    """The session model as indented JSON (round-trips to `Session`)."""
    return json_safe(redact(session.model_dump_json(indent=2))) + "\n"


def to_markdown(session: Session) -> str:
    """A clean Markdown debrief of ``session``."""
    feedback = session.latest_feedback
    parts: list[str] = [*_header(session)]
    if feedback is not None:
        parts += _pointers_section(session, feedback)
    else:
        parts += ["## Pointers", "", "_No feedback has been made for this session yet._", ""]
    parts += _answers_section(session, feedback)
    parts += _provenance_section(session)
    # Code-made lines hold no controls, so the whole document goes through `visible` at once.
    return redact(visible("\n".join(parts).rstrip(), multiline=True) + "\n")


def render(session: Session, fmt: Format = "md") -> str:
    """The export of ``session`` in ``fmt`` ("md" or "json")."""
    if fmt == "md":
        return to_markdown(session)
    if fmt == "json":
        return to_json(session)
    raise ValueError(f"unknown export format {fmt!r} (use md or json)")


def target_problem(path: Path, data_dir: Path) -> str | None:
    """Why a file the user named (an export, a feedback request) must not be written there.

    Writing replaces the file atomically, so a typo must never land on what
    coach keeps (the sessions, their index, the settings and banks) or swap a
    FIFO or device for a regular file. Any other regular file is replaced as asked.
    """
    import stat

    from coach import paths
    from coach.fsutil import file_kind
    from coach.store import INDEX_FILE, LOCK_FILE, SESSIONS_DIR

    target = Path(os.path.abspath(path.expanduser()))
    resolved = target.resolve()
    root = Path(data_dir).expanduser().resolve()
    kept = [root / SESSIONS_DIR, root / INDEX_FILE, root / LOCK_FILE, paths.user_config_dir().resolve()]
    for place in kept:
        if resolved == place or resolved.is_relative_to(place):
            what = "your settings and banks" if place == kept[-1] else "your saved sessions"
            return f"{path} is where coach keeps {what}; choose another file"
    try:
        mode = os.stat(target).st_mode
    except OSError:
        return None  # nothing there yet (or unreadable: the write will say)
    if not stat.S_ISREG(mode):
        return f"{path} is a {file_kind(mode)}, not a regular file"
    return None


def save_export(session: Session, data_dir: Path, fmt: Format = "md") -> Path:
    """Write the export into ``<data_dir>/exports/<id>.<fmt>`` (0600, atomic).

    The one piece of I/O here, kept beside the formats so the app's export
    action and the command line put files in the same place the same way.
    Raises ``OSError`` naming the path when the write fails.
    """
    from coach.fsutil import atomic_write_text, ensure_private_dir

    folder = ensure_private_dir(Path(data_dir) / EXPORTS_DIR)
    target = folder / f"{session.id}.{fmt}"
    atomic_write_text(target, render(session, fmt))
    return target


# ----------------------------------------------------------------- sections


def _header(session: Session) -> list[str]:
    round_title = ROUND_TITLES.get(session.round, session.round)
    lines = [
        f"# Interview debrief: {round_title}, {visible(session.role)}",
        "",
        f"- Date: {_when(session.created_at)}",
        f"- Round: {round_title} (`{session.round}`)",
        f"- Role: {visible(session.role)}",
        f"- Kind: {'a real interview' if session.kind == 'real' else 'practice round'}",
        f"- Status: {session.status}",
        f"- Session: `{session.id}`",
    ]
    real = session.real
    if real is not None:
        if real.company:
            lines.append(f"- Company: {visible(real.company)}")
        if real.date:
            lines.append(f"- Interview date: {visible(real.date)}")
        lines.append(f"- Stage: {real.stage}; outcome: {real.outcome}")
    lines.append("")
    if real is not None and real.employer_feedback.strip():
        lines += ["## What the employer said", "", *_quote(real.employer_feedback), ""]
    if session.job and session.job.strip():
        lines += ["## Job description", "", *_quote(session.job), ""]
    return lines


def _pointers_section(session: Session, feedback: Feedback) -> list[str]:
    count = len(feedback.pointers)
    lines = [f"## {'The pointer' if count == 1 else f'The {count} pointers'} for next time", ""]
    for number, pointer in enumerate(feedback.pointers, 1):
        lines += _pointer(session, pointer, f"{number}. ")
    if feedback.strength is not None:
        strength = feedback.strength
        lines += ["## What worked", "", f"**{_inline(strength.title)}**", ""]
        if strength.source:
            lines += [f"_By {_inline(strength.source)}._", ""]
        where = _question_label(session, strength.question_id)
        if strength.evidence:
            if where:
                lines += [f"In {where}:", ""]
            lines += [*_quote(strength.evidence), ""]
    return lines


def _pointer(session: Session, pointer: Pointer, bullet: str) -> list[str]:
    lines = [f"### {bullet}{_inline(pointer.title)}", ""]
    if pointer.source:
        lines += [f"_By {_inline(pointer.source)}._", ""]
    where = _question_label(session, pointer.question_id)
    if pointer.evidence:
        said = f"What you said in {where}:" if where else "What you said:"
        lines += [said, "", *_quote(pointer.evidence)]
        if not pointer.verified:
            lines += [">", "> _(these words could not be found verbatim in the answer)_"]
        lines.append("")
    elif where:
        lines += [f"About {where}.", ""]
    lines += [f"**Next time:** {_inline(pointer.tip)}", ""]
    return lines


def _answers_section(session: Session, feedback: Feedback | None) -> list[str]:
    lines = ["## Questions and answers", ""]
    if not session.answers:
        return [*lines, "_No questions were asked in this session._", ""]
    notes = {note.question_id: note.pointers for note in feedback.notes} if feedback else {}
    labels = _labels(session)
    for answer in session.answers:
        label = labels[answer.question_id].capitalize()
        lines += [f"### {label}: {_inline(answer.question)}", ""]
        lines += _answer_body(answer)
        for pointer in notes.get(answer.question_id, []):
            lines += [
                f"- Note: **{_inline(pointer.title)}**"
                + (f": \u201c{_inline(pointer.evidence)}\u201d" if pointer.evidence else "")
                + f". {_inline(pointer.tip)}"
            ]
        if notes.get(answer.question_id):
            lines.append("")
        for attempt in answer.attempts:
            lines += _attempt(attempt, pointer_title(feedback, answer.question_id, attempt.pointer))
        lines += _example(answer)
    return lines


def pointer_title(feedback: Feedback | None, question_id: str, kind: str | None) -> str:
    """The title the debrief gave the pointer a retry worked on; else the kind's own title; else the kind."""
    if kind is None:
        return ""
    if feedback is not None:
        pointers = [*feedback.pointers, *(p for n in feedback.notes for p in n.pointers)]
        for pointer in pointers:
            if pointer.kind == kind and pointer.question_id in (question_id, None):
                return pointer.title
    info = KINDS.get(kind)
    return info.title if info else kind


_VERDICT_WORDS = {"resolved": "Resolved", "remaining": "Still there", "new": "New"}


def _attempt(attempt: Attempt, working_on: str) -> list[str]:
    """One retry: its text and timing, then the comparison with the take before it."""
    head = f"#### Attempt {attempt.number}"
    if working_on:
        head += f" (working on: {_inline(working_on)})"
    lines = [head, "", *_answer_body(attempt)]
    verdict = attempt.verdict
    if verdict is None:
        if attempt.answered:
            lines += ["_Not compared with the take before it._", ""]
        return lines
    lines += [f"Compared with attempt {attempt.number - 1} by {_inline(who(verdict.backend, verdict.model))}:", ""]
    order = {"resolved": 0, "remaining": 1, "new": 2}
    for line in sorted(verdict.lines, key=lambda v: order.get(v.status, 3)):
        quote = f" \u201c{_inline(line.evidence)}\u201d" if line.evidence.strip() else ""
        lines.append(f"- {_VERDICT_WORDS.get(line.status, line.status)} ({line.kind}): {_inline(line.says)}{quote}")
    if not verdict.lines:
        lines.append("- No pointer to compare: neither take had one.")
    if verdict.notice:
        lines.append(f"- Notice: {_inline(verdict.notice)}")
    return [*lines, ""]


def _example(answer: Answer) -> list[str]:
    """The newest example rewrite of this answer, labelled as built from the candidate's own words."""
    if not answer.stronger:
        return []
    example = answer.stronger[-1]
    lines = [
        "#### What it could sound like \u2014 an example built from your answer"
        f" ({_inline(who(example.backend, example.model))})",
        "",
        f"_Your sentences from attempt {example.attempt}, put in order; [brackets] mark what to add._",
        "",
        *_quote(example.text),
        "",
    ]
    if example.placeholders:
        lines += ["To add: " + "; ".join(f"\\[{_inline(p.strip('[] '))}\\]" for p in example.placeholders), ""]
    if example.notice:
        lines += [f"- Notice: {_inline(example.notice)}", ""]
    return lines


def _answer_body(answer: Take) -> list[str]:
    if answer.status == "skipped":
        body = ["_Skipped._"]
    elif not answer.text.strip():
        body = ["_No answer._" if answer.status != "draft" else "_Unfinished, nothing typed._"]
    else:
        body = _quote(answer.text)
        if answer.status == "draft":
            body += [">", "> _(unfinished draft)_"]
    timing = _timing(answer)
    return [*body, "", *([timing, ""] if timing else [])]


def _timing(answer: Take) -> str:
    """Thinking and answering time; a skipped question was not answered, so it has no answer time."""
    bits = []
    if answer.think_ms is not None:
        bits.append(f"thought for {_seconds(answer.think_ms)}")
    if answer.answer_ms is not None and answer.status != "skipped":
        bits.append(f"answered in {_seconds(answer.answer_ms)}")
    return f"_{', '.join(bits).capitalize()}._" if bits else ""


def _provenance_section(session: Session) -> list[str]:
    lines = ["## Where this feedback came from", ""]
    feedback = session.latest_feedback
    if feedback is None:
        return [*lines, "No feedback yet.", ""]
    lines.append(f"- {_inline(made_by(feedback))}, {_when(feedback.created_at)}.")
    if feedback.notice:
        lines.append(f"- Notice: {_inline(feedback.notice)}")
    earlier = list(session.feedback[:-1])
    if earlier:
        lines.append(f"- Earlier feedback kept in the session: {_earlier(earlier)}.")
    lines += ["", "_Made with coach, a terminal interview-practice coach._", ""]
    return lines


def _earlier(feedbacks: Iterable[Feedback]) -> str:
    return "; ".join(f"{_inline(who(fb.backend, fb.model))} on {_when(fb.created_at)}" for fb in feedbacks)


# ------------------------------------------------------------------ helpers


def _labels(session: Session) -> dict[str, str]:
    """``question 2`` for asked questions, ``follow-up to question 2`` for probes."""
    labels: dict[str, str] = {}
    number = 0
    for answer in session.answers:
        if answer.follow_up_of and answer.follow_up_of in labels:
            labels[answer.question_id] = f"follow-up to {labels[answer.follow_up_of]}"
        else:
            number += 1
            labels[answer.question_id] = f"question {number}"
    return labels


def _question_label(session: Session, question_id: str | None) -> str:
    return _labels(session).get(question_id or "", "")


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _seconds(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds} s" if seconds < 60 else f"{seconds // 60} min {seconds % 60:02d} s"


def _inline(text: str) -> str:
    """One line of text, safe inside Markdown emphasis and headings."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", flat)


def _escape_start(match: re.Match[str]) -> str:
    mark = match.group(2)
    if mark[0].isdigit():  # "1." -> "1\." so it is not a numbered list
        return match.group(1) + mark[:-1] + "\\" + mark[-1]
    return match.group(1) + "\\" + mark


def _quote(text: str) -> list[str]:
    """A block quote of the candidate's words, kept verbatim but inert.

    Characters that would start Markdown structure at the beginning of a line
    (a heading, a list, a fence) are escaped so an answer reads as written,
    and ``](`` is broken so quoted text (an LLM's rewrite too) never becomes a link.
    """
    out = []
    for line in text.strip("\n").splitlines():
        line = line.rstrip()
        line = _LINE_START.sub(_escape_start, line)
        line = line.replace("<", "&lt;").replace("](", "]\\(")  # no links from quoted words
        out.append(f"> {line}" if line else ">")
    return out or [">"]
