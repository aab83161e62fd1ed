"""Where the shipped prompts live, in a wheel and in a source checkout.

In a wheel `prompts/` is packaged as `coach/prompts`; in a checkout (or an
editable install) it sits beside the package, one level up.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def prompts_dir() -> Path:
    """The directory holding shipped `questions/` and `llm/` templates."""
    packaged = resources.files("coach") / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "prompts"
