"""coach: a terminal interview-practice coach.

Kept import-light on purpose: `coach --help` must start fast, so nothing
heavy (Textual, openai) is imported from here.
"""

__version__ = "0.1.0"
