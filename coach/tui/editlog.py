"""Turn successive snapshots of an answer into compact replay edits.

TextArea tells us *that* the text changed, not how. Diffing the old and new
text by common prefix and suffix yields exactly one replace-edit per change,
which is always correct (applying it to the old text gives the new text) and,
for a single keystroke or paste, minimal. Comparison runs in fixed-size chunks
(C-speed slice equality), then narrows inside the first differing chunk, so the
cost stays linear even for a 1 MB answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.domain.models import Edit

_CHUNK = 4096


def common_prefix_len(a: str, b: str) -> int:
    """Length of the longest common prefix of ``a`` and ``b``."""
    limit = min(len(a), len(b))
    i = 0
    while i < limit:
        step = min(_CHUNK, limit - i)
        if a[i : i + step] == b[i : i + step]:
            i += step
            continue
        # The difference is inside this chunk: halve until it is found.
        lo, hi = i, i + step  # a[:lo] == b[:lo]; a[:hi] != b[:hi]
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if a[lo:mid] == b[lo:mid]:
                lo = mid
            else:
                hi = mid
        return lo
    return limit


def common_suffix_len(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix of ``a`` and ``b``, at most ``limit``."""
    n_a, n_b = len(a), len(b)
    i = 0
    while i < limit:
        step = min(_CHUNK, limit - i)
        if a[n_a - i - step : n_a - i] == b[n_b - i - step : n_b - i]:
            i += step
            continue
        lo, hi = i, i + step  # suffix of length lo matches, length hi does not
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if a[n_a - mid : n_a - lo] == b[n_b - mid : n_b - lo]:
                lo = mid
            else:
                hi = mid
        return lo
    return limit


@dataclass(frozen=True)
class Change:
    """``removed`` characters at ``pos`` were replaced by ``text``."""

    pos: int
    removed: int
    text: str


def diff(old: str, new: str) -> Change | None:
    """The single replace that turns ``old`` into ``new``, or None when they are equal."""
    if old == new:
        return None
    prefix = common_prefix_len(old, new)
    suffix = common_suffix_len(old, new, min(len(old), len(new)) - prefix)
    return Change(prefix, len(old) - prefix - suffix, new[prefix : len(new) - suffix])


class EditRecorder:
    """Remembers the last text seen and emits one `Edit` per observed change."""

    def __init__(self, text: str = "") -> None:
        self.text = text

    def observe(self, new_text: str, t_ms: int) -> Edit | None:
        change = diff(self.text, new_text)
        self.text = new_text
        if change is None:
            return None
        return Edit(t_ms=t_ms, pos=change.pos, removed=change.removed, text=change.text)
