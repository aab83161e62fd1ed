"""One answer read once, in its round, and the `Finding` a rule returns about it.

The pipeline's first stage: the answer's text facts (`text.Text`), what its
question asks for (`question.QuestionInfo`) and the round and job around it
are read here once and handed to every rule, then to the ranking and the tips.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from coach.engine import AnswerItem
from coach.engine.offline.question import QuestionInfo
from coach.engine.offline.text import Text

#: Findings below this severity are kept as hints but never lead on their own.
REPORT_THRESHOLD = 0.3
#: Below this many words an answer to a story or process question leads with its length:
#: two or three sentences are too few to judge the example or its ending.
SHORT_LEADS_BELOW = 40


@dataclass
class Finding:
    """One thing a rule noticed in one answer."""

    kind: str
    severity: float
    question_id: str
    evidence: str
    detail: str = ""
    #: Facts the tip writer may use (counts, quoted phrases, key terms).
    facts: dict = field(default_factory=dict)


@dataclass
class Reading:
    """One answer in its round: the text, the question, and the job around it."""

    item: AnswerItem
    text: Text
    q: QuestionInfo
    round: str | None
    role: str | None
    job_terms: tuple[str, ...]

    @classmethod
    def of(cls, item: AnswerItem, round: str | None = None, role: str | None = None,
           terms: tuple[str, ...] = ()) -> Reading:
        return cls(item, Text(item.answer or ""), QuestionInfo.read(item), round, role, terms)

    def find(self, kind: str, severity: float, evidence: str, detail: str = "", **facts) -> Finding:
        return Finding(kind, round(min(max(severity, 0.0), 1.0), 3), self.item.question_id, evidence, detail, facts)
