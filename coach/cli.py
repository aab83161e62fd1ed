"""Command line: argparse and lazy dispatch to `coach.commands.<name>`.

Only argparse and the standard library are imported here. Each subcommand
lives in its own module under `coach/commands/` with a ``run(args) -> int``
function, imported only when that subcommand runs, so `coach --help` never
pays for Textual, openai or pydantic.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence
from typing import NoReturn

from coach import __version__
from coach.domain.rounds import ROUNDS

EXIT_OK = 0
EXIT_FAIL = 1
EXIT_USAGE = 2


def backend_help(default: str = "your configured backend") -> str:
    """``--backend`` help naming every installed backend (built-ins and plugins), none imported.

    Reading entry-point metadata costs about 15 ms (importlib.metadata and a
    walk of sys.path), so this runs only when a subcommand's help is shown:
    see `_Parser.format_help`. `coach --help` never pays for it.
    """
    try:
        from coach.engine import available_backends

        names = ", ".join(sorted(available_backends()))
    except Exception as exc:  # broken packaging metadata must not break --help; say so instead
        names = f"offline, openai (installed plugins could not be listed: {type(exc).__name__})"
    return f"feedback backend: one of {names} (default: {default})".replace("%", "%%")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose costly help strings are filled in only when help is printed.

    An action with a ``lazy_help`` callable gets its help from it the first
    time this parser's help is formatted (subparsers share this class).
    """

    def format_help(self) -> str:
        for action in self._actions:
            lazy = getattr(action, "lazy_help", None)
            if lazy is not None:
                action.help = lazy()
                action.lazy_help = None  # type: ignore[attr-defined]
        return super().format_help()

    def error(self, message: str) -> NoReturn:
        """A usage error, its echo of what was typed made visible (an argument may hold ESC)."""
        from coach.domain.text import visible

        super().error(visible(message))


def _add_backend(p: argparse.ArgumentParser, default: str = "your configured backend") -> None:
    action = p.add_argument(
        "--backend", metavar="NAME", help=f"feedback backend: offline, openai or a plugin (default: {default})"
    )
    action.lazy_help = lambda: backend_help(default)  # type: ignore[attr-defined]


def _analyze_jobs(text: str) -> int:
    """``coach analyze --jobs``, checked by the command's own rule (imported only when given)."""
    from coach.commands.analyze import jobs_arg

    return jobs_arg(text)


_analyze_jobs.__name__ = "--jobs value"  # argparse names the type in its error line


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coach",
        description=(
            "A terminal interview-practice coach. Practise a mock round, then get one or"
            " two pointers that would most improve your interview technique."
        ),
        epilog="Run `coach` with no command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    parser.add_argument(
        "--data-dir", metavar="DIR", help="where sessions are kept (default: your XDG data dir)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("practice", help="start a mock interview round in the app")
    p.add_argument("--round", choices=ROUNDS, default=None, help="round type (default: second)")
    p.add_argument("--role", help="role to practise for, e.g. software-engineer")
    p.add_argument("--questions", type=int, metavar="N", help="number of questions")
    p.add_argument("--job", metavar="FILE", help="job description file to practise against")
    _add_backend(p)
    p.add_argument("--timed", action="store_true", help="show a soft timer per question")

    p = sub.add_parser("history", help="browse saved sessions")
    p.add_argument("--json", action="store_true", help="list sessions as JSON for scripts")

    p = sub.add_parser("replay", help="replay a saved session (latest if none given)")
    p.add_argument("session", nargs="?", metavar="SESSION", help="id, id prefix or path")

    p = sub.add_parser("feedback", help="(re)run feedback on a saved session")
    p.add_argument("session", metavar="SESSION", help="id, id prefix or path")
    _add_backend(p)
    p.add_argument("--json", action="store_true", help="print the Feedback as JSON (never saved)")
    p.add_argument("--again", action="store_true", help="save a new debrief even when the saved one is current")

    p = sub.add_parser(
        "analyze",
        help="batch: JSON Lines in on stdin, JSON Lines out",
        description="Batch feedback: one JSON object per line on stdin, one result per line on stdout.",
        epilog=(
            'Each input line is {"id"?, "question", "answer", "round"?, "role"?, "job"?}. Each output line'
            ' answers the input line at the same position: pointers, or {"id", "line", "error"} for a bad'
            ' line. An empty or whitespace-only line is a bad line ("error": "empty line"); the newline'
            " that ends the last line is not a line. Exit status: 0 all lines fine, 1 if any line failed,"
            " 2 for usage errors."
        ),
    )
    _add_backend(p, default="offline, not the configured one")
    p.add_argument("--round", choices=ROUNDS, default=None, help="round the answers come from")
    p.add_argument("--role", help="role the answers are for")
    p.add_argument("--job", metavar="FILE", help="job description file")
    p.add_argument(
        "--jobs", metavar="N", type=_analyze_jobs, default=1,
        help="reviews in flight at once, for a server with parallel slots (1-16; default 1)",
    )
    p.add_argument(
        "--stronger", action="store_true",
        help='add "stronger": an example of the answer from its own words, with [placeholders] for what is missing',
    )

    p = sub.add_parser("export", help="export a session as Markdown or JSON")
    p.add_argument("session", metavar="SESSION", help="id, id prefix or path")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")

    p = sub.add_parser("banks", help="list, show or check question banks")
    bsub = p.add_subparsers(dest="banks_command", metavar="ACTION")
    bsub.add_parser("list", help="list the banks in use (default)")
    bp = bsub.add_parser("show", help="show one bank's questions")
    bp.add_argument("bank", metavar="BANK")
    bp = bsub.add_parser("check", help="validate a bank file")
    bp.add_argument("file", metavar="FILE")

    p = sub.add_parser("config", help="show or change settings")
    csub = p.add_subparsers(dest="config_command", metavar="ACTION")
    csub.add_parser("show", help="effective settings and where each came from (default)")
    csub.add_parser("path", help="the config files coach reads")
    cp = csub.add_parser("set", help="set a key in your user config")
    cp.add_argument("key", metavar="KEY")
    cp.add_argument("value", metavar="VALUE")

    p = sub.add_parser("debrief", help="record a real interview and get the pointers")

    p = sub.add_parser("doctor", help="check terminal, data directory, config and backend")
    _add_backend(p)
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="time limit in seconds")
    return parser


def _module_for(command: str | None) -> str:
    return "coach.commands." + (command or "app")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    module_name = _module_for(args.command)
    if importlib.util.find_spec(module_name) is None:
        what = f"`coach {args.command}`" if args.command else "the app"
        print(f"coach: {what} is not available yet in this version.", file=sys.stderr)
        return EXIT_USAGE
    if sys.stdout is None:  # started with stdout closed (`>&-`)
        if sys.stderr is not None:
            print("coach: standard output is closed; nothing to write to", file=sys.stderr)
        return EXIT_FAIL
    module = importlib.import_module(module_name)
    try:
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output went to a closed pipe (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return EXIT_FAIL
    except OSError as exc:
        if not _output_failed(exc):
            raise
        # A full disk or a failing device under stdout: one line, not three tracebacks.
        _silence_stdout()
        print(f"coach: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAIL


def _output_failed(exc: OSError) -> bool:
    """Whether ``exc`` came from writing stdout (its traceback ends in a write or flush of it)."""
    import errno

    return exc.errno in (errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG) and getattr(exc, "filename", None) is None


def _silence_stdout() -> None:
    """Drop what is still buffered for stdout so the flush at exit does not fail again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    raise SystemExit(main())
