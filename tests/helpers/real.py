"""Shared fixtures for the real-interview tests: a job ad and remembered answers.

Written for these tests; the job and answers are invented, not copied.
"""

from __future__ import annotations

JOB = """Data Analyst, Growth team

We're looking for a data analyst to help our growth team decide what to build next.

Requirements:
- 3+ years of experience with SQL and Python
- Strong stakeholder management skills
- Experience designing and running A/B tests
- Comfortable presenting findings to non-technical audiences
- Familiarity with Looker or Tableau
"""

ABOUT_ME = (
    "I have spent four years in retail operations, running the store rota and handling "
    "customer complaints. Before that I studied history at university. I enjoy working with "
    "people and I am good at organising things."
)
WHY_US = (
    "I am looking for a new challenge and a company with good values. It feels like a good "
    "next step for my career."
)

PHONE_ANSWERS = [
    ("Tell me about yourself.", ABOUT_ME),
    ("Why do you want this job?", WHY_US),
]

LEAD_STORY = (
    "We usually split the work between us and the team handles it. We had a data migration "
    "last year and we did it together over a few weeks, everyone pitched in and it was fine."
)
CONFLICT_STORY = (
    "I think maybe I would probably just talk to them, kind of try to understand their side, "
    "I guess. Usually that works out."
)

FINAL_ANSWERS = [
    ("Tell me about a time you led a difficult project.", LEAD_STORY),
    ("How do you handle disagreement with a colleague?", CONFLICT_STORY),
]
