"""Command-line flags that override settings, read off an argparse namespace.

Kept free of pydantic so the app's first frame can use it without importing
coach.config.
"""

from __future__ import annotations

from typing import Any

#: Settings keys that a subcommand may carry as a flag of the same name.
FLAG_KEYS: tuple[str, ...] = ("data_dir", "backend", "round", "role", "questions")


def flags_from_args(args: Any) -> dict[str, Any]:
    """The settings flags present on ``args`` (``--data-dir``, ``--backend``...).

    ``--timed`` is a store_true flag, so only an explicit True overrides config.
    """
    flags: dict[str, Any] = {}
    for key in FLAG_KEYS:
        value = getattr(args, key, None)
        if value is not None:
            flags[key] = value
    if getattr(args, "timed", False) is True:
        flags["timed"] = True
    return flags
