"""The one door into feedback, for the app and the CLI alike (no Textual here).

- `coach.services.review.ReviewService`: every review (a round, one answer, a
  re-run with another backend, a follow-up, a real interview, a feedback
  request to the employer). It owns the backend's lifecycle and the fallback
  to the offline rules.
- `coach.services.provenance.made_by`: the one "made by" label.
- `coach.services.jobs`: the one reader of a job-description file.

Nothing is imported here, so `coach analyze` pays only for what it uses.
"""
