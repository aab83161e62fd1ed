"""Question banks: load and validate them, and choose the questions for a round.

Banks are TOML files: a top-level ``id``, ``title`` and ``description``, then
one ``[[questions]]`` table per question (see `coach.domain.models.Question`).

Where banks come from, in order (later wins):

1. the shipped banks (``prompts/questions/*.toml``),
2. the administrator's system directory (``paths.system_banks_dir()``,
   ``COACH_SYSTEM_BANKS``),
3. the user's directory (``paths.user_banks_dir()``),
4. any ``extra_dirs`` given to `load_banks` (tests, one-off runs).

Within a directory files are read in name order. Override rules:

* A file whose bank ``id`` is new adds a bank.
* A file whose bank ``id`` already exists is **merged** into it: its title and
  description replace the old ones, its questions replace earlier questions
  with the same question id and the rest are appended. (Merging rather than
  replacing lets an administrator add three questions to the shipped
  ``software-engineer`` bank without copying the other forty.)
* A question id defined in an earlier directory is overridden wherever it
  lives: the later question wins, and moves to the later file's bank.
* The same question id twice in one directory (or in one file) is a mistake,
  not an override: the second one is skipped and reported.

Nothing here raises on a bad bank: a broken file is skipped and a broken
question is skipped, each with a one-line `BankProblem`, so one typo in
``/etc/coach/banks`` never stops anyone practising.

The package: `parse` reads and validates one file, `layers` merges the
directories into `LoadedBanks`, `planner` chooses a round's questions.
"""

from __future__ import annotations

from coach.banks.layers import ANY_ROLE, GENERAL_ROLE, LoadedBanks, bank_dirs, load_banks, shipped_banks_dir
from coach.banks.parse import BankProblem, check_file, read_bank_file
from coach.banks.planner import FOCUS_BIAS, PlanError, candidate_pool, plan_round
from coach.limits import MAX_QUESTIONS, MIN_QUESTIONS

__all__ = [
    "ANY_ROLE", "FOCUS_BIAS", "GENERAL_ROLE", "MAX_QUESTIONS", "MIN_QUESTIONS", "BankProblem",
    "LoadedBanks", "PlanError", "bank_dirs", "candidate_pool", "check_file", "load_banks",
    "plan_round", "read_bank_file", "shipped_banks_dir",
]
