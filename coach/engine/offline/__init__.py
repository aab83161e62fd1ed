"""The offline engine: rules that find what would most improve an answer.

No network, no model, no randomness. A one-way pipeline, each module importing
only the ones before it:

    lexicon, text, question, job    read the answer once (`text.Text` facts, `question.QuestionInfo`)
    reading                         one answer in its round (`Reading`) and the `Finding` type
    rules_story, rules_style        the rules; `rules` applies them in order and weighs a round
    rank                            which findings lead, a strength, a next step
    tips                            the words of each pointer
    pipeline                        `analyze`: the Feedback
    follow_up, backend              the follow-up chooser and `OfflineBackend`
    retry                           `compare`: a retry against the take before it, pointer by pointer
    stronger_parts, stronger        `build`: an example rewrite from the answer's own sentences

This package re-exports the names other parts of coach use.
"""

from __future__ import annotations

from coach.engine.offline.backend import OfflineBackend
from coach.engine.offline.follow_up import _PROBES, THIN_ENOUGH_TO_PROBE, choose_follow_up
from coach.engine.offline.job import JOB_STOPWORDS, JOB_WORD_RE, has_word, job_key_terms, job_terms, term_touched
from coach.engine.offline.pipeline import analyze, build_feedback
from coach.engine.offline.question import QuestionInfo
from coach.engine.offline.reading import REPORT_THRESHOLD, Finding, Reading
from coach.engine.offline.rules import RULES, answer_findings, findings, weigh_unanswered
from coach.engine.offline.stronger import build as build_stronger
from coach.engine.offline.text import Text, first_person_past, voice

__all__ = [
    "JOB_STOPWORDS",
    "JOB_WORD_RE",
    "REPORT_THRESHOLD",
    "RULES",
    "THIN_ENOUGH_TO_PROBE",
    "_PROBES",
    "Finding",
    "OfflineBackend",
    "QuestionInfo",
    "Reading",
    "Text",
    "analyze",
    "answer_findings",
    "build_feedback",
    "build_stronger",
    "choose_follow_up",
    "findings",
    "first_person_past",
    "has_word",
    "job_key_terms",
    "job_terms",
    "term_touched",
    "voice",
    "weigh_unanswered",
]
