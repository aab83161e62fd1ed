"""The one error the store raises, so callers catch a single type and show one line."""

from __future__ import annotations

import os
from pathlib import Path


class StoreError(Exception):
    """A session file that cannot be used; ``str(e) == f"{path}: {reason}"``."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")
