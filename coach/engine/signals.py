"""Old home of the job-description reader, kept so `coach.real` imports keep working.

The reader lives in `coach.engine.offline.job` (re-exported by `coach.engine.offline`).
"""

from coach.engine.offline.job import JOB_STOPWORDS, JOB_WORD_RE, has_word, job_key_terms, term_touched

__all__ = ["JOB_STOPWORDS", "JOB_WORD_RE", "has_word", "job_key_terms", "term_touched"]
