"""The round the home screen's Enter starts, and what the round form hands back.

Shared by the home screen and the round form (which the home screen opens),
so that neither imports the other for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coach.tui.context import RoundRequest, round_summary


@dataclass
class RoundChoice:
    """The round Enter starts: the defaults, or what the form last said."""

    round: str
    role: str
    questions: int
    timed: bool = False
    #: What was typed in the form's job box (a path or the description itself).
    job_text: str = ""
    #: The job description it resolved to (read from the file, or the text).
    job: str | None = None

    @classmethod
    def from_request(cls, req: RoundRequest) -> RoundChoice:
        return cls(req.round, req.role, req.questions, req.timed)

    def request(self) -> RoundRequest:
        return RoundRequest(self.round, self.role, self.questions, self.timed, self.job)

    def summary(self) -> str:
        line = round_summary(self.round, self.role, self.questions, self.timed)
        if self.job:
            text = self.job_text.strip()
            if "\n" not in text and Path(text).expanduser().is_file():
                line += f" · job: {Path(text).name}"
            else:
                words = len(self.job.split())
                line += f" · job description ({words} word{'' if words == 1 else 's'})"
        return line


@dataclass
class FormResult:
    choice: RoundChoice
    #: True: start the round now; False: just keep the values.
    start: bool
