"""The user's ``[keys]`` table, checked against the bindings the app really has.

Every binding in coach has an id (``history.open``); the config's ``[keys]``
table maps ids to keys and becomes Textual's keymap (`App.set_keymap`). The
config module can only check the table's shape: which ids exist and which keys
are already taken is known here, from the BINDINGS of every screen and widget.
An unknown id or a clash is one line naming the config file and the entry, and
that entry is left out (its binding keeps its default key) so one typo never
takes a key away from anything else.

Collecting the bindings imports every screen module, so it runs off the UI
thread and only when the table is not empty.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys, _normalize_key_list

#: Modules whose screens and widgets hold coach's bindings (besides the app).
_PACKAGES = ("coach.tui.screens", "coach.tui.widgets")
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAMES = frozenset(k.value for k in Keys) | {"space", "tab", "enter", "escape", "backspace"}


@dataclass(frozen=True)
class Owned:
    """One binding and the class (screen, widget or app) that declares it."""

    owner: str
    binding: Binding
    priority_everywhere: bool = False


def _declared(cls: type) -> Iterable[Binding]:
    for item in cls.__dict__.get("BINDINGS", ()):
        if isinstance(item, Binding):
            yield item


def catalogue(app_class: type) -> dict[str, Owned]:
    """Binding id -> where it is declared, for the app and every coach screen and widget."""
    found: dict[str, Owned] = {}
    for binding in _declared(app_class):
        if binding.id:
            found[binding.id] = Owned("the app", binding, priority_everywhere=binding.priority)
    for package_name in _PACKAGES:
        package = importlib.import_module(package_name)
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package_name}.{info.name}")
            for value in vars(module).values():
                if (isinstance(value, type) and issubclass(value, DOMNode)
                        and value.__module__ == module.__name__):
                    for binding in _declared(value):
                        if binding.id:
                            found.setdefault(binding.id, Owned(value.__name__, binding))
    return found


def key_problem(keys: str) -> str | None:
    """Why ``keys`` (``"o"``, ``"ctrl+o"``, ``"o,enter"``) names no key Textual knows, else None."""
    for key in keys.split(","):
        *mods, base = key.strip().lower().split("+")
        if any(m not in _MODIFIERS for m in mods) or not base:
            return f"'{key}' is not a key (modifiers: {', '.join(sorted(_MODIFIERS))})"
        if len(key.strip().split("+")[-1]) == 1 or base in _KEY_NAMES:
            continue
        try:
            unicodedata.lookup(base.replace("_", " "))
        except KeyError:
            return f"'{key}' is not a key name Textual knows (e.g. o, ctrl+o, enter, f2, question_mark)"
    return None


def _typed(key: str) -> bool:
    """A key that text fields need (a character, space, enter...): no app-wide binding may take it."""
    key = key.strip().lower()
    return "+" not in key and (len(key) == 1 or key in {"space", "enter", "backspace", "tab", "escape"}
                               or key not in _KEY_NAMES)


def _keys_of(binding: Binding, keymap: Mapping[str, str]) -> set[str]:
    raw = keymap.get(binding.id or "", binding.key)
    return set(_normalize_key_list(raw).split(","))


def check_keymap(keymap: Mapping[str, str], known: Mapping[str, Owned], where: str) -> tuple[dict[str, str], list[str]]:
    """The entries of ``keymap`` that can be applied, and one line per entry that cannot."""
    problems: list[str] = []
    usable: dict[str, str] = {}
    for ident, keys in keymap.items():
        owned = known.get(ident)
        if owned is None:
            close = difflib.get_close_matches(ident, list(known), n=1, cutoff=0.6)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(f"{where}: [keys] unknown binding id '{ident}'{hint}; ignored")
            continue
        bad = key_problem(keys)
        if bad is not None:
            problems.append(f"{where}: [keys] '{ident}': {bad}; ignored")
            continue
        if owned.priority_everywhere and any(_typed(k) for k in keys.split(",")):
            problems.append(f"{where}: [keys] '{ident}' = '{keys}' works on every screen, so it needs a"
                            " modifier (like ctrl+q): a plain key would be taken from every text field; ignored")
            continue
        usable[ident] = keys
    # Clashes: two bindings of one screen (or one of the app's, seen everywhere) on one key.
    for ident in list(usable):
        if ident not in usable:  # dropped with the entry it clashed with
            continue
        owned = known[ident]
        mine = _keys_of(owned.binding, usable)
        for other_id, other in known.items():
            if other_id == ident or not (other.owner == owned.owner or other.priority_everywhere
                                         or owned.priority_everywhere):
                continue
            if other.binding.action == owned.binding.action:
                continue  # two keys for one action (e.g. Enter on a widget and on its screen)
            shared = mine & _keys_of(other.binding, usable)
            if shared:
                where_seen = "everywhere" if other.priority_everywhere else f"on {other.owner}"
                problems.append(
                    f"{where}: [keys] '{ident}' = '{usable[ident]}' clashes with '{other_id}'"
                    f" ({', '.join(sorted(shared))}, {where_seen}); both keep their default keys")
                usable.pop(ident, None)
                usable.pop(other_id, None)
                break
    return usable, problems
