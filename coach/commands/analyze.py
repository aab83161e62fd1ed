"""`coach analyze`: JSON Lines in on stdin, JSON Lines out, one line per line.

The batch contract (DESIGN.md): each input line is
``{"id": any?, "question": str, "answer": str, "round": str?, "role": str?, "job": str?, "type": str?,
"previous": {"answer": str}?}``; each output line is
``{"id", "backend", "model", "pointers": [{kind, title, evidence, tip, source}], "strength"?, "notice"?, "retry"?}``
or, for a bad line, ``{"id", "line", "error"}``; an empty or whitespace-only line
is a bad line too (``"error": "empty line"``), so output lines match input lines
one to one (the newline that ends the last line is not a line). Lines are read and written one
at a time and flushed, so memory stays flat and a pipe sees results as they come.
Exit status: 0 all lines fine, 1 if any line failed, 2 for usage errors.

A line with ``previous`` is a retry: ``answer`` is the new take and ``previous.answer``
the one before it. Its output line adds ``"retry": {"resolved": [kinds], "remaining":
[kinds], "new": [kinds], "notice"?: str}``, the previous take's pointer kinds set against
this one's (`ReviewService.retry_verdict`'s rules: offline, the rules compare the takes;
another backend reviews both through the trust gate, and a fallback is the offline
verdict, with a ``notice`` saying why).

``--stronger`` adds ``"stronger": {"text": str, "placeholders": [str], "backend": str, "notice"?: str}``
to each output line with pointers: the answer in a clear order from the candidate's own
sentences, with ``[placeholders]`` for what is missing (`coach.engine.offline.stronger`).
It comes from the same backend as the line's pointers: the offline rules build it when
they made the pointers; an LLM backend may smooth that example, and a smoothing that
fails the trust gate is replaced by the offline one with a notice.

``--jobs N`` (1 to MAX_JOBS, default 1) keeps up to N reviews in flight at once, for a
server with parallel slots (llama.cpp's ``-np``). Output stays in input order: a
line is written once it and every line before it are done, and no more than N
lines are read ahead, so memory stays flat. Each line falls back to the offline
rules on its own. The offline rules ignore it: they are CPU-bound and never wait.

The backend is `offline` unless ``--backend`` names another (a batch should
not change behaviour with the user's config). With `offline` nothing heavy is imported (no config, no
Textual, no openai): the batch starts fast. The job file (``--job``) is read
as the app reads it: UTF-8, capped at `coach.services.jobs.MAX_JOB_CHARS`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import asyncio

from coach.domain.rounds import ROUNDS

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
#: More requests at once than this only queue on the server; a typo like --jobs 400 should not open 400.
MAX_JOBS = 16
_OPTIONAL_STR = ("round", "role", "job", "type")
_MAX_ID_DEPTH = 32
_UNDECODED = re.compile("[\udc80-\udcff]")  # an id is echoed back; a line's answer may be any size, its id need not nest


#: Longest input line read, in characters: far above any answer (the rules read 20,000),
#: low enough that a stream with no newline (``< /dev/zero``) cannot exhaust memory.
MAX_LINE_CHARS = 8_000_000
_CHUNK = 1 << 20


class _TooLong(str):
    """Stands in for a line longer than MAX_LINE_CHARS, which was skipped, not kept."""


def bounded_lines(stream: TextIO, limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of ``stream``; a line over ``limit`` characters is skipped to its newline, as `_TooLong`.

    The `_TooLong` comes as soon as the limit is passed, before the rest is
    skipped: a stream that never sends a newline is reported at once.
    """
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith("\n"):  # (a newline is not counted)
            yield line
            continue
        yield _TooLong()
        while line and not line.endswith("\n"):
            line = stream.readline(_CHUNK)


class LineError(ValueError):
    """A line that cannot be analyzed; the message says what is wrong with it."""


def _no_constant(name: str) -> Any:
    """NaN and Infinity are JavaScript, not JSON: echoed back they would break a strict reader."""
    raise LineError(f"{name} is not a JSON value")


def _has_infinity(obj: Any, depth: int = 0) -> bool:
    """Whether a float overflowed to infinity while parsing (only its id is echoed, but be strict)."""
    if isinstance(obj, float):
        return obj in (float("inf"), float("-inf"))
    if depth > 64:
        return False
    if isinstance(obj, dict):
        return any(_has_infinity(v, depth + 1) for v in obj.values())
    if isinstance(obj, list):
        return any(_has_infinity(v, depth + 1) for v in obj)
    return False


def parse_line(raw: str, defaults: dict[str, str | None]) -> tuple[Any, dict[str, Any]]:
    """(id, fields) for one input line, or LineError naming the problem."""
    bad = _UNDECODED.search(raw)
    if bad:  # stdin is read with errors="surrogateescape": an invalid byte, even inside a string
        raise LineError(f"not UTF-8 text (an invalid byte at column {bad.start() + 1})")
    try:
        obj = json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        msg = exc.msg.removesuffix(" at")  # the decoder's "Invalid control character at"
        raise LineError(f"not JSON: {msg} at column {exc.colno}") from None
    except RecursionError:  # the decoder recurses per level: say so, and go on with the next line
        raise LineError("JSON nested too deeply to read") from None
    except ValueError as exc:  # int() refuses a number of thousands of digits; NaN/Infinity (below)
        raise LineError(f"not JSON: {exc}" if isinstance(exc, LineError) else "not JSON: a number too long to read") from None
    if _has_infinity(obj):
        raise LineError("not JSON: a number too large to write back (1e400 is infinity)")
    if not isinstance(obj, dict):
        raise LineError(f"expected a JSON object, got {type(obj).__name__}")
    ident = obj.get("id")
    if _depth_over(ident, _MAX_ID_DEPTH):
        # echoed in the output line, so it must be writable too: keep it shallow
        raise LineError(f"field 'id' is nested more than {_MAX_ID_DEPTH} levels deep")
    for key in ("question", "answer"):
        if key not in obj:
            raise _with_id(ident, f"missing field {key!r}")
        if not isinstance(obj[key], str):
            raise _with_id(ident, f"field {key!r} must be a string, got {type(obj[key]).__name__}")
    fields = {"question": obj["question"], "answer": obj["answer"]}
    for key in _OPTIONAL_STR:
        value = obj.get(key, defaults.get(key))
        if value is not None and not isinstance(value, str):
            raise _with_id(ident, f"field {key!r} must be a string, got {type(value).__name__}")
        fields[key] = value
    if fields["round"] is not None and fields["round"] not in ROUNDS:
        raise _with_id(ident, f"field 'round' must be one of {', '.join(ROUNDS)}, got {fields['round']!r}")
    fields["previous"] = _previous(ident, obj.get("previous"))
    return ident, fields


def _previous(ident: Any, value: Any) -> str | None:
    """The previous take's text from ``"previous": {"answer": str}`` (null or absent: not a retry)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _with_id(ident, f"field 'previous' must be an object with a string 'answer', got {type(value).__name__}")
    if "answer" not in value:
        raise _with_id(ident, "field 'previous' is missing its 'answer'")
    if not isinstance(value["answer"], str):
        raise _with_id(ident, f"field 'previous.answer' must be a string, got {type(value['answer']).__name__}")
    return value["answer"]


def _depth_over(value: Any, limit: int) -> bool:
    """True if lists/objects in ``value`` nest more than ``limit`` deep (walked without recursion)."""
    level = [value]
    for _ in range(limit + 1):
        level = [
            child
            for item in level
            if isinstance(item, (list, dict))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return True


def _with_id(ident: Any, message: str) -> LineError:
    err = LineError(message)
    err.ident = ident  # type: ignore[attr-defined]
    return err


def make_request(ident: Any, fields: dict[str, Any]):
    """The one-answer ReviewRequest for a parsed line."""
    from coach.engine import AnswerItem, ReviewRequest

    qid = str(ident) if ident is not None else "answer"
    item = AnswerItem(question_id=qid, question=fields["question"], answer=fields["answer"], type=fields["type"])
    return ReviewRequest(items=(item,), round=fields["round"], role=fields["role"], job=fields["job"])


def result_line(ident: Any, feedback, verdict=None) -> dict[str, Any]:
    """The output object for one answer's Feedback (contract keys only), and its retry verdict if any.

    Each pointer says who made it (``source``: "offline rules", "openai · smollm2"),
    since a model's pointer may be completed by one of the offline rules'.
    """
    from coach.services.provenance import who

    made = who(feedback.backend, feedback.model)
    out: dict[str, Any] = {
        "id": ident,
        "backend": feedback.backend,
        "model": feedback.model,
        "pointers": [
            {"kind": p.kind, "title": p.title, "evidence": p.evidence, "tip": p.tip, "source": p.source or made}
            for p in feedback.pointers
        ],
    }
    if feedback.strength is not None:
        s = feedback.strength
        out["strength"] = {"title": s.title, "evidence": s.evidence, "source": s.source or made}
    if feedback.notice:
        out["notice"] = feedback.notice
    if verdict is not None:
        out["retry"] = {status: verdict.kinds(status) for status in ("resolved", "remaining", "new")}
        if verdict.notice:
            out["retry"]["notice"] = verdict.notice  # e.g. the model's verdict fell back to the offline one
    return out


def previous_request(request, previous: str):
    """The same one-answer request with the previous take as its answer."""
    from dataclasses import replace

    return replace(request, items=(replace(request.items[0], answer=previous),))


def retry_verdict(request, previous: str, after, before=None):
    """The verdict on a retry line: the offline rules' when ``after`` is theirs, else from both gated reviews."""
    item = request.items[0]
    context = {"type": item.type, "round": request.round, "role": request.role, "job": request.job}
    from coach.services.retry import decide, offline_verdict

    if before is None:
        return offline_verdict(item.question, previous, item.answer, **context)
    return decide(before, after, item.question, previous, item.answer, **context)


def _needs_before(feedback) -> bool:
    """A model's review of the new take is compared with its review of the previous one."""
    from coach.services.provenance import is_offline

    return not is_offline(feedback)


def stronger_record(example) -> dict[str, Any]:
    """The ``"stronger"`` object of an output line, from a `Stronger`."""
    out: dict[str, Any] = {"text": example.text, "placeholders": list(example.placeholders), "backend": example.backend}
    if example.notice:
        out["notice"] = example.notice
    return out


def _item_args(request) -> tuple[str, str, dict[str, Any]]:
    item = request.items[0]
    return item.question, item.answer, {"type": item.type, "round": request.round, "role": request.role,
                                        "job": request.job}


def offline_stronger(request, feedback) -> dict[str, Any] | None:
    """The offline example for a line's answer (None when the line has no pointers)."""
    if not feedback.pointers:
        return None
    from coach.services.stronger import offline_example

    question, answer, extra = _item_args(request)
    return stronger_record(offline_example(question, answer, **extra))


def service_stronger(service) -> Callable[[Any, Any], Awaitable[dict[str, Any] | None]]:
    """The example from the backend that made the line's pointers: offline rules, or the service's LLM."""
    from coach.services.provenance import is_offline

    async def make(request, feedback) -> dict[str, Any] | None:
        if not feedback.pointers:
            return None
        if is_offline(feedback.backend):
            return offline_stronger(request, feedback)
        question, answer, extra = _item_args(request)
        return stronger_record(await service.stronger(question, answer, **extra))

    return make


def jobs_arg(text: str) -> int:
    """``--jobs``: a whole number from 1 to MAX_JOBS (argparse turns the error into exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_JOBS:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_JOBS}, got {value}")
    return value


def _prepared(number: int, raw: str, defaults: dict[str, str | None]) -> tuple[Any, Any, str | None] | dict[str, Any]:
    """(id, request, previous take or None) for a good line, or the error record for a bad one."""
    try:
        if isinstance(raw, _TooLong):
            raise LineError(f"line too long: more than {MAX_LINE_CHARS:,} characters (skipped)")
        if not raw.strip():
            # Reported, not skipped: output lines match input lines one to one.
            raise LineError("empty line")
        ident, fields = parse_line(raw, defaults)
        return ident, make_request(ident, fields), fields["previous"]
    except LineError as exc:
        return {"id": getattr(exc, "ident", None), "line": number, "error": str(exc)}


def _write(out: TextIO, record: dict[str, Any]) -> None:
    out.write(_dumps(record) + "\n")
    out.flush()


def process(lines: Iterable[str], out: TextIO, review: Callable[[Any], Any],
            defaults: dict[str, str | None], stronger: Callable[[Any, Any], Any] | None = None) -> int:
    """Analyze each line with ``review(request) -> Feedback``, writing one result per line.

    ``stronger(request, feedback)``, when given, makes the line's ``"stronger"`` object.
    """
    failed = False
    for number, raw in enumerate(lines, start=1):
        prepared = _prepared(number, raw, defaults)
        if isinstance(prepared, dict):
            failed = True
            record = prepared
        else:
            ident, request, previous = prepared
            feedback = review(request)
            verdict = None
            if previous is not None:
                before = review(previous_request(request, previous)) if _needs_before(feedback) else None
                verdict = retry_verdict(request, previous, feedback, before)
            record = result_line(ident, feedback, verdict)
            example = stronger(request, feedback) if stronger is not None else None
            if example is not None:
                record["stronger"] = example
        _write(out, record)
    return EXIT_FAIL if failed else EXIT_OK


async def process_concurrently(
    lines: Iterable[str], out: TextIO, review: Callable[[Any], Awaitable[Any]],
    defaults: dict[str, str | None], jobs: int,
    stronger: Callable[[Any, Any], Awaitable[Any]] | None = None,
) -> int:
    """As `process`, with up to ``jobs`` reviews in flight; results written in input order.

    Lines are read (in a thread: stdin may block) only while fewer than
    ``jobs`` are waiting to be written, so a slow head line holds back reading,
    not memory.
    """
    import asyncio

    failed = False
    window: deque[asyncio.Future[dict[str, Any]]] = deque()
    source = iter(lines)

    async def reviewed(ident: Any, request: Any, previous: str | None) -> dict[str, Any]:
        feedback = await review(request)
        verdict = None
        if previous is not None:
            before = await review(previous_request(request, previous)) if _needs_before(feedback) else None
            verdict = await asyncio.to_thread(retry_verdict, request, previous, feedback, before)
        record = result_line(ident, feedback, verdict)
        example = await stronger(request, feedback) if stronger is not None else None
        if example is not None:
            record["stronger"] = example
        return record

    async def flush(until: int) -> None:
        while window and (len(window) > until or window[0].done()):
            _write(out, await window.popleft())

    number = 0
    while (raw := await asyncio.to_thread(next, source, None)) is not None:
        number += 1
        prepared = _prepared(number, raw, defaults)
        if isinstance(prepared, dict):
            failed = True
            done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            done.set_result(prepared)
            window.append(done)
        else:
            window.append(asyncio.ensure_future(reviewed(*prepared)))
        await flush(until=jobs - 1)
    await flush(until=0)
    return EXIT_FAIL if failed else EXIT_OK


def _dumps(record: dict[str, Any]) -> str:
    """One JSON line in UTF-8, safe on a terminal: C1 controls, DEL and lone surrogates (from
    \\udcxx escapes in the input) are written as JSON escapes (`coach.domain.text.json_dumps`),
    so the output is always valid UTF-8, carries no raw control and round-trips."""
    from coach.domain.text import json_dumps

    return json_dumps(record)


def read_job(path: str | None) -> str | None:
    """The job description text, read as the app reads it (`coach.services.jobs`); JobError if it cannot be."""
    if path is None:
        return None
    from coach.services.jobs import read_job_file

    return read_job_file(Path(path).expanduser()) or None


def _usage(message: str) -> int:
    from coach.domain.text import visible

    print(f"coach analyze: {visible(message)}", file=sys.stderr)
    return EXIT_USAGE


def _offline_review(request):
    from coach.services.review import offline_review

    return offline_review(request)


def _run(service, lines: Iterable[str], out: TextIO, defaults, jobs: int = 1, stronger: bool = False) -> int:
    """Every line through the service's batch door (one event loop for a whole batch, if any)."""
    from coach.engine import BackendError

    try:
        # An LLM's examples are awaited on the service's loop, so they take the concurrent path (even at 1).
        if (jobs > 1 or stronger) and not service.is_offline:
            import asyncio

            return asyncio.run(_run_concurrently(service, lines, out, defaults, jobs, stronger))
        with service.blocking() as review:
            return process(lines, out, review, defaults, offline_stronger if stronger else None)
    except BackendError as exc:
        return _usage(str(exc))


async def _run_concurrently(service, lines: Iterable[str], out: TextIO, defaults, jobs: int,
                            stronger: bool = False) -> int:
    async with service:
        return await process_concurrently(lines, out, service.review_round, defaults, jobs,
                                          service_stronger(service) if stronger else None)


def run(args) -> int:
    """Entry point for `coach analyze`."""
    from coach.services.jobs import JobError

    job_path = getattr(args, "job", None)
    try:
        job = read_job(job_path)
    except JobError as exc:
        return _usage(f"cannot read job file {exc}")
    defaults = {"round": getattr(args, "round", None), "role": getattr(args, "role", None), "job": job}
    # Line-buffered iteration over stdin; an invalid byte becomes a lone surrogate that
    # parse_line reports (rather than a crash, or a silent U+FFFD in a quoted answer).
    # newline="\n": a lone CR is JSON whitespace inside a line, not a line end of its own.
    stdin = open(sys.stdin.fileno(), encoding="utf-8", errors="surrogateescape", newline="\n", closefd=False)
    # UTF-8 out whatever the locale says: the contract is JSON Lines in UTF-8.
    sys.stdout.flush()
    stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", closefd=False)
    from coach.services.provenance import OFFLINE, is_offline
    from coach.services.review import ReviewService

    name = getattr(args, "backend", None) or OFFLINE
    settings = None
    if not is_offline(name):  # only another backend needs the settings (and pays for loading them)
        from coach.config import settings_from_args

        settings = settings_from_args(args)
    service = ReviewService(settings, name, strict=True)
    with stdout:
        return _run(service, bounded_lines(stdin), stdout, defaults, getattr(args, "jobs", None) or 1,
                    bool(getattr(args, "stronger", False)))
