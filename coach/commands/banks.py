"""`coach banks [list | show BANK | check FILE]`: see and check question banks.

Plain text on stdout, problems one per line on stderr, so an administrator
can check a bank before dropping it into /etc/coach/banks and scripts can
rely on the exit status. Imports neither Textual nor openai. A bank is
someone else's file: whatever it says is printed with its control characters
made visible (`coach.domain.text.visible`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coach.banks import LoadedBanks, load_banks, read_bank_file
from coach.domain.models import ROUND_TITLES, ROUNDS, Bank
from coach.domain.text import visible

EXIT_OK = 0
EXIT_FAIL = 1


def _round_counts(bank: Bank) -> str:
    """'phone 6, second 9, final 7': how many questions each round can draw on."""
    return ", ".join(f"{r} {sum(r in q.rounds for q in bank.questions)}" for r in ROUNDS)


def _print_problems(problems: list) -> None:
    """Problems go to stderr so stdout stays a clean listing for scripts."""
    for problem in problems:
        print(f"coach: {visible(str(problem))}", file=sys.stderr)


def list_banks(loaded: LoadedBanks) -> int:
    """One line per bank; problems on stderr; exit 1 if any bank file has a problem."""
    width = max((len(b) for b in loaded.banks), default=0)
    for bank_id, bank in sorted(loaded.banks.items()):
        n = len(bank.questions)
        print(visible(
            f"{bank_id:<{width}}  {bank.title}  {n} question{'s' if n != 1 else ''}"
            f"  ({_round_counts(bank)})  {loaded.sources[bank_id]}"
        ))
    if not loaded.banks:
        print("no question banks found", file=sys.stderr)
        return EXIT_FAIL
    _print_problems(loaded.problems)
    return EXIT_FAIL if loaded.problems else EXIT_OK


def show_bank(loaded: LoadedBanks, bank_id: str) -> int:
    """A bank's questions grouped by round, each with its type and competencies."""
    bank = loaded.banks.get(bank_id)
    if bank is None:
        known = ", ".join(sorted(loaded.banks)) or "none"
        print(visible(f"coach: unknown bank {bank_id!r}; known banks: {known}"), file=sys.stderr)
        return EXIT_FAIL
    print(visible(f"{bank.title} ({bank.id}) — {loaded.sources[bank.id]}"))
    if bank.description:
        print(visible(bank.description, multiline=True))
    for round_id in ROUNDS:
        questions = [q for q in bank.questions if round_id in q.rounds]
        if not questions:
            continue
        print(f"\n{ROUND_TITLES[round_id]} ({round_id}): {len(questions)}")
        for q in questions:
            comps = ", ".join(q.competencies) or "-"
            print(visible(f"  {q.id}  [{q.type}; {comps}]"))
            print(f"      {visible(q.text)}")
    return EXIT_OK


def check_bank_file(path: Path) -> int:
    """Validate one file: 'ok: N questions' on stdout, or every problem on stderr."""
    bank, problems = read_bank_file(path)
    if problems:
        for problem in problems:
            print(visible(str(problem)), file=sys.stderr)
        return EXIT_FAIL
    n = len(bank.questions) if bank else 0
    print(visible(f"ok: {n} question{'s' if n != 1 else ''} in bank {bank.id!r}") if bank else "ok: 0")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Dispatch `coach banks ACTION`; `list` when no action is given."""
    action = getattr(args, "banks_command", None) or "list"
    if action == "check":
        return check_bank_file(Path(args.file))
    loaded = load_banks()
    if action == "show":
        return show_bank(loaded, args.bank)
    return list_banks(loaded)
