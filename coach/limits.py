"""Bounds shared by the settings and the round planner, in a module with no imports.

`coach.config` validates ``questions`` against these and `coach.banks` plans
rounds within them, so a value the config accepts can always be planned.
Kept free of imports so reading them costs nothing (``coach --help`` stays light).
"""

MIN_QUESTIONS = 1
MAX_QUESTIONS = 12
