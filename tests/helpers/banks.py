"""Helpers for the bank and planner tests: write small bank files."""

from __future__ import annotations

from pathlib import Path

from coach.banks import LoadedBanks
from coach.domain.models import Bank, Question


def question_toml(qid: str, *, rounds: str = '["phone", "second", "final"]', roles: str = '["any"]',
                  type: str = "behavioral", text: str | None = None, extra: str = "") -> str:
    """One [[questions]] table as TOML text."""
    return (
        "[[questions]]\n"
        f'id = "{qid}"\n'
        f'text = "{text or "Question " + qid + "?"}"\n'
        f"rounds = {rounds}\n"
        f"roles = {roles}\n"
        f'type = "{type}"\n'
        f'competencies = ["{qid.split(".")[-1]}"]\n'
        f"{extra}"
    )


def bank_toml(bank_id: str, *questions: str, title: str | None = None) -> str:
    """A whole bank file: header then the given question tables."""
    head = f'id = "{bank_id}"\ntitle = "{title or bank_id.title()}"\ndescription = "test bank"\n\n'
    return head + "\n".join(questions)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def q(qid: str, type: str = "behavioral", rounds=("second",), roles=("any",), comps=None) -> Question:
    """A Question built in code, for planner tests that need exact pools."""
    return Question(
        id=qid,
        text=f"Question {qid}?",
        rounds=list(rounds),
        roles=list(roles),
        type=type,
        competencies=list(comps if comps is not None else [qid.split(".")[-1]]),
    )


def loaded(*questions: Question) -> LoadedBanks:
    """A LoadedBanks holding one bank made of these questions."""
    bank = Bank(id="t", title="T", questions=list(questions))
    return LoadedBanks(banks={"t": bank}, sources={"t": Path("t.toml")}, problems=[])
