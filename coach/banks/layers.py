"""Every bank in use: the shipped, system, user (and extra) directories merged.

The override rules are in the `coach.banks` docstring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from coach.banks.parse import BankProblem, read_bank_file
from coach.domain.models import Bank, Question

GENERAL_ROLE = "general"
ANY_ROLE = "any"


@dataclass
class LoadedBanks:
    """Every bank in use after merging the shipped, system and user layers.

    ``sources`` maps a bank id to the last file that defined or changed it;
    ``origins`` keeps every file that contributed, in load order.
    """

    banks: dict[str, Bank] = field(default_factory=dict)
    sources: dict[str, Path] = field(default_factory=dict)
    problems: list[BankProblem] = field(default_factory=list)
    origins: dict[str, list[Path]] = field(default_factory=dict)

    def questions(self) -> dict[str, Question]:
        """All questions by id (ids are unique after merging)."""
        return {q.id: q for bank in self.banks.values() for q in bank.questions}

    def bank_of(self, question_id: str) -> str | None:
        """The id of the bank holding a question, for display."""
        for bank in self.banks.values():
            if any(q.id == question_id for q in bank.questions):
                return bank.id
        return None

    def roles(self) -> list[str]:
        """Role ids that can be practised: every named role, plus 'general'."""
        named = {r for q in self.questions().values() for r in q.roles if r != ANY_ROLE}
        return [GENERAL_ROLE] + sorted(named - {GENERAL_ROLE})


def shipped_banks_dir() -> Path:
    """Where the banks that come with coach live."""
    from coach import resources

    return resources.prompts_dir() / "questions"


def bank_dirs(extra_dirs: Sequence[Path] | None = None) -> list[Path]:
    """The directories searched, lowest precedence first."""
    from coach import paths

    dirs = [shipped_banks_dir(), paths.system_banks_dir(), paths.user_banks_dir()]
    return dirs + [Path(d) for d in (extra_dirs or ())]


def _bank_files(directory: Path) -> tuple[list[Path], list[BankProblem]]:
    """The *.toml files of one directory in name order; a missing dir is fine."""
    try:
        if not directory.is_dir():
            return [], []
        # Everything but directories: a FIFO or broken symlink named *.toml is reported when read, not hidden.
        return sorted(p for p in directory.glob("*.toml") if not p.is_dir()), []
    except OSError as exc:
        return [], [BankProblem(directory, None, None, None, f"cannot list: {exc.strerror or exc}")]


@dataclass
class _Merger:
    """Accumulates banks layer by layer, applying the override rules above."""

    titles: dict[str, tuple[str, str]] = field(default_factory=dict)
    questions: dict[str, dict[str, Question]] = field(default_factory=dict)
    owner: dict[str, str] = field(default_factory=dict)
    defined_in: dict[str, tuple[int, Path]] = field(default_factory=dict)
    result: LoadedBanks = field(default_factory=LoadedBanks)

    def add(self, bank: Bank, path: Path, layer: int) -> None:
        """Merge one file's bank; report same-layer duplicate question ids."""
        self.titles[bank.id] = (bank.title, bank.description)
        target = self.questions.setdefault(bank.id, {})
        self.result.sources[bank.id] = path
        self.result.origins.setdefault(bank.id, []).append(path)
        for q in bank.questions:
            earlier = self.defined_in.get(q.id)
            if earlier and earlier[0] == layer and earlier[1] != path:
                self.result.problems.append(
                    BankProblem(
                        path, None, q.id, "id", f"duplicate question id (already in {earlier[1]})"
                    )
                )
                continue
            old_bank = self.owner.get(q.id)
            if old_bank is not None and old_bank != bank.id:
                del self.questions[old_bank][q.id]
            target[q.id] = q
            self.owner[q.id] = bank.id
            self.defined_in[q.id] = (layer, path)

    def finish(self) -> LoadedBanks:
        """Build the final `Bank` objects, dropping banks emptied by overrides."""
        for bank_id, qs in self.questions.items():
            if not qs:
                self.result.sources.pop(bank_id, None)
                self.result.origins.pop(bank_id, None)
                continue
            title, description = self.titles[bank_id]
            self.result.banks[bank_id] = Bank(
                id=bank_id, title=title, description=description, questions=list(qs.values())
            )
        return self.result


def load_banks(extra_dirs: Sequence[Path] | None = None) -> LoadedBanks:
    """Load every bank: shipped, then system, then user, then ``extra_dirs``.

    Never raises for a bad file; see `LoadedBanks.problems`.
    """
    merger = _Merger()
    for layer, directory in enumerate(bank_dirs(extra_dirs)):
        files, problems = _bank_files(directory)
        merger.result.problems.extend(problems)
        for path in files:
            bank, file_problems = read_bank_file(path)
            merger.result.problems.extend(file_problems)
            if bank is not None:
                merger.add(bank, path, layer)
    return merger.finish()
