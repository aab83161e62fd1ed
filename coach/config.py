"""Settings and where each one came from.

Precedence, highest first: command-line flags > ``COACH_*`` environment
variables > the user config file > the system config file > defaults. The
layers are read (in that order) by `coach.config_layers`; this module
validates each value with the model's own rules and merges them.

Loading never raises for a bad file or variable: coach has to keep working on a
shared box where an administrator's typo in /etc/coach/config.toml is not the
user's fault. A file that is not valid TOML is skipped whole; an unknown key or
a bad value skips just that key. Each problem is one line naming the file (or
variable, or flag) and the key, kept on the settings object
(:func:`settings_problems`) so the app and ``coach config show`` can show it.

API keys are never settings: the openai backend reads them itself (from
``OPENAI_API_KEY``, ``COACH_OPENAI_API_KEY``, ``openai.api_key_env`` or
``openai.api_key_file``), so a key can never land in a config file, a session
or ``coach config show``.

Importing this module costs pydantic and the standard library only.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from coach import paths
from coach.config_layers import SECTION_NAMES, ConfigError, RawLayer, env_var_for, flatten, read_layers
from coach.config_layers import config_files  # noqa: F401  (re-exported)
from coach.domain.rounds import DEFAULT_ROUND, ROUNDS
from coach.domain.urls import MASK, mask_url, url_problem
from coach.flags import flags_from_args  # noqa: F401  (re-exported)
from coach.limits import MAX_QUESTIONS, MIN_QUESTIONS

#: The longest any openai wait may be: a finite bound, so a typo'd 1e308 cannot hang a review.
MAX_WAIT_S = 600.0


class OpenAISettings(BaseModel):
    """How to reach an OpenAI or OpenAI-compatible server (no keys here, ever)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        default=None,
        description="server URL for an OpenAI-compatible API (e.g. a local llama.cpp or"
        " Ollama server); unset means the official OpenAI endpoint",
    )
    model: str = Field(default="gpt-4o-mini", min_length=1, description="model name sent to the server")
    api_key_env: str | None = Field(
        default=None,
        description="name of the environment variable that holds the API key (the name,"
        " not the key)",
    )
    api_key_file: Path | None = Field(
        default=None, description="file to read the API key from (keep it 0600)"
    )
    timeout_s: float = Field(
        default=60.0, gt=0, le=MAX_WAIT_S, allow_inf_nan=False,
        description=f"seconds to wait for a whole reply (at most {MAX_WAIT_S:g})",
    )
    connect_timeout_s: float = Field(
        default=5.0, gt=0, le=MAX_WAIT_S, allow_inf_nan=False,
        description=f"seconds to wait for a connection (at most {MAX_WAIT_S:g})",
    )
    max_retries: int = Field(default=2, ge=0, le=10, description="retries of safely retryable failures")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        problem = url_problem(v) if v is not None else None
        if problem:
            raise ValueError(problem)
        return v

    @field_validator("api_key_env")
    @classmethod
    def _env_name(cls, v: str | None) -> str | None:
        # A real key pasted here by mistake would otherwise sit in a plain file.
        if v is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", v):
            raise ValueError("must be an environment variable name like MY_OPENAI_KEY, not a key")
        return v

    @field_validator("api_key_file")
    @classmethod
    def _expand_key_file(cls, v: Path | None) -> Path | None:
        return v.expanduser() if v is not None else None


class Settings(BaseModel):
    """Everything a user or administrator can set."""

    model_config = ConfigDict(extra="forbid")

    backend: str = Field(
        default="offline", min_length=1, description="feedback backend: offline, openai, or an installed plugin"
    )
    data_dir: Path | None = Field(
        default=None, description="where sessions are kept; unset means your XDG data dir"
    )
    practice_mode: bool = Field(
        default=False, description="show a pointer after each answer instead of only at the end"
    )
    follow_ups: bool = Field(default=True, description="ask a probing follow-up after some answers")
    theme: str = Field(default="textual-dark", min_length=1, description="Textual theme name for the app")
    round: Literal[ROUNDS] = Field(  # type: ignore[valid-type]
        default=DEFAULT_ROUND, description="default round type: phone, second or final"
    )
    role: str = Field(default="general", min_length=1, description="default role to practise for")
    questions: int = Field(
        default=5, ge=MIN_QUESTIONS, le=MAX_QUESTIONS, description="default number of questions in a round"
    )
    timed: bool = Field(default=False, description="show a soft timer per question by default")
    openai: OpenAISettings = Field(
        default_factory=OpenAISettings, description="the openai backend (any OpenAI-compatible server)"
    )
    keys: dict[str, str] = Field(
        default_factory=dict,
        description="key bindings to change: a [keys] table of binding id = key, e.g."
        ' "history.open" = "o" (ids: the app\'s palette and README)',
    )

    _problems: list[str] = PrivateAttr(default_factory=list)
    _sources: dict[str, str] = PrivateAttr(default_factory=dict)
    _refused: frozenset[str] = PrivateAttr(default_factory=frozenset)

    @property
    def refused_keys(self) -> frozenset[str]:
        """Dotted keys given a value that was refused (so a lower layer's or the default is in use).

        For most keys the default is a fine stand-in; a backend reads this
        where it is not (an unusable server URL must not become the cloud one).
        """
        return self._refused

    @field_validator("data_dir")
    @classmethod
    def _expand_data_dir(cls, v: Path | None) -> Path | None:
        return v.expanduser() if v is not None else None

    @field_validator("keys", mode="before")
    @classmethod
    def _binding_keys(cls, v: Any) -> Any:
        """``history.open = "o"`` unquoted is a nested table in TOML: read it as the dotted id."""
        return check_keymap(v) if isinstance(v, Mapping) else v

    def data_path(self) -> Path:
        """The data directory in use: the setting, or the XDG default."""
        return self.data_dir if self.data_dir is not None else paths.default_user_data_dir()


_BINDING_ID = re.compile(r"[a-z][a-z0-9-]*(\.[a-z0-9-]+)+")
_KEY_STRING = re.compile(r"[^\s,]+(,[^\s,]+)*")


def check_keymap(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """A ``[keys]`` table as binding id -> key string; ValueError names the first bad entry.

    Only the shape is checked here; whether an id names a real binding, and
    whether two bindings now share a key, is the app's to say (it knows them).
    """
    out: dict[str, str] = {}
    for name, value in table.items():
        ident = f"{prefix}{name}"
        if isinstance(value, Mapping):
            out.update(check_keymap(value, prefix=ident + "."))
            continue
        if not _BINDING_ID.fullmatch(ident):
            raise ValueError(f"'{ident}' is not a binding id like \"history.open\"")
        if not isinstance(value, str) or not _KEY_STRING.fullmatch(value.strip()):
            raise ValueError(f"'{ident}' needs a key like \"o\" or \"ctrl+o\" (or several: \"o,enter\")")
        out[ident] = value.strip()
    return out


# ------------------------------------------------------------------ the keys

SECTIONS: dict[str, type[BaseModel]] = {"openai": OpenAISettings}
assert set(SECTIONS) == SECTION_NAMES  # the layers flatten exactly these tables


def _leaf_fields() -> dict[str, Any]:
    """Dotted key -> pydantic FieldInfo, for every settable key."""
    out: dict[str, Any] = {}
    for name, info in Settings.model_fields.items():
        if name in SECTIONS:
            for sub, sub_info in SECTIONS[name].model_fields.items():
                out[f"{name}.{sub}"] = sub_info
        else:
            out[name] = info
    return out


FIELDS: dict[str, Any] = _leaf_fields()
KEYS: tuple[str, ...] = tuple(FIELDS)
#: Keys whose value is a whole table (``[keys]``): set in a file, not by a variable or `config set`.
TABLE_KEYS: tuple[str, ...] = ("keys",)


ENV_VARS: dict[str, str] = {env_var_for(k): k for k in KEYS if k not in TABLE_KEYS}


def _is_secret_name(key: str) -> bool:
    """Names that would hold a credential (``api_key_env``/``_file`` only point at one)."""
    if key in TABLE_KEYS:  # key *bindings*, not credentials
        return False
    last = key.rsplit(".", 1)[-1].lower()
    if last in ("api_key_env", "api_key_file"):
        return False
    return any(word in last for word in ("key", "token", "secret", "password", "passwd"))


def _suggest(key: str) -> str:
    """`` (did you mean 'backend'?)`` or nothing."""
    candidates = list(KEYS) + list(SECTIONS) + [k.rsplit(".", 1)[-1] for k in KEYS if "." in k]
    match = difflib.get_close_matches(key, candidates, n=1, cutoff=0.6)
    if not match:
        return ""
    full = next((k for k in (*KEYS, *SECTIONS) if k == match[0] or k.endswith("." + match[0])), match[0])
    return f" (did you mean '{full}'?)"


def unknown_key_message(key: str) -> str:
    """Why ``key`` is not a setting, with a suggestion when one is close."""
    if _is_secret_name(key):
        return (
            f"unknown key '{key}': coach never keeps API keys in config; set OPENAI_API_KEY,"
            " or name a variable with openai.api_key_env or a file with openai.api_key_file"
        )
    if key in SECTIONS:  # `config set openai x`: the table, not one of its keys
        inside = ", ".join(k for k in KEYS if k.startswith(key + "."))
        return f"'{key}' is a table of settings, not one; set one of: {inside}"
    return f"unknown key '{key}'{_suggest(key)}"


# -------------------------------------------------------- values from layers


class _FieldChecker:
    """Validate one key's value with the model's own rules (type, constraints, validators).

    Checking key by key (rather than the whole file at once) is what lets one
    bad value be skipped while the rest of the file still applies.
    """

    def __init__(self, model: type[BaseModel], name: str) -> None:
        self.model = model
        self.name = name

    def validate(self, value: Any) -> Any:
        instance = self.model.model_validate({self.name: value})
        return getattr(instance, self.name)


def _build_checkers() -> dict[str, _FieldChecker]:
    checkers: dict[str, _FieldChecker] = {}
    for key in KEYS:
        section, _, name = key.rpartition(".")
        checkers[key] = _FieldChecker(SECTIONS[section] if section else Settings, name)
    return checkers


_CHECKERS = _build_checkers()


def _first_error(exc: ValidationError) -> str:
    """One line from a ValidationError, without echoing the value (it may be secret)."""
    err = exc.errors()[0]
    msg = str(err.get("msg", "invalid value"))
    return msg.removeprefix("Value error, ")


class _Layer:
    """Validated values from one source, plus the problems found in it."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.values: dict[str, Any] = {}
        self.origins: dict[str, str] = {}
        self.problems: list[str] = []
        self.refused: set[str] = set()

    def offer(self, key: str, raw: Any, where: str, origin: str) -> None:
        """Validate one value; keep it, or record a one-line problem naming ``where``."""
        if key in SECTIONS:
            self.problems.append(f"{where}: '{key}' must be a table like [{key}]")
            return
        if key not in FIELDS:
            self.problems.append(f"{where}: {unknown_key_message(key)}")
            return
        if key == "keys" and isinstance(raw, Mapping):
            raw = self._good_bindings(raw, where)
        try:
            value = _CHECKERS[key].validate(raw)
        except ValidationError as exc:
            self.problems.append(f"{where}: bad value for '{key}': {_first_error(exc)}")
            self.refused.add(key)
            return
        self.values[key] = value
        self.origins[key] = origin

    def _good_bindings(self, table: Mapping[str, Any], where: str, prefix: str = "") -> dict[str, Any]:
        """The [keys] entries that are well formed; each bad one is its own problem, the rest still apply."""
        good: dict[str, Any] = {}
        for name, value in table.items():
            if isinstance(value, Mapping):
                good.update(self._good_bindings(value, where, prefix=f"{prefix}{name}."))
                continue
            try:
                good.update(check_keymap({f"{prefix}{name}": value}))
            except ValueError as exc:
                self.problems.append(f"{where}: bad value for 'keys': {exc}; that entry is left out")
        return good

    @classmethod
    def of(cls, raw: RawLayer) -> _Layer:
        """Validate every entry of a raw layer (`coach.config_layers`)."""
        layer = cls(raw.label)
        layer.problems.extend(raw.problems)
        for entry in raw.entries:
            layer.offer(entry.key, entry.raw, entry.where, entry.origin)
        return layer


def _nest(values: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted keys back into nested dicts for model validation."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        section, _, name = key.rpartition(".")
        (out.setdefault(section, {}) if section else out)[name] = value
    return out


def load_settings(flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from every layer; never raises for bad input, see :func:`settings_problems`.

    ``flags`` maps keys (``data_dir``, ``backend``, ``openai.model``...) to the
    values given on the command line (None = not given). ``env`` defaults to
    ``os.environ``.
    """
    env = os.environ if env is None else env
    layers = [_Layer.of(raw) for raw in read_layers(flags or {}, env, tuple(ENV_VARS.values()))]
    merged: dict[str, Any] = {}
    sources = {key: "default" for key in KEYS}
    problems: list[str] = []
    refused: set[str] = set()
    for layer in layers:
        merged.update(layer.values)
        sources.update(layer.origins)
        problems.extend(layer.problems)
        refused |= layer.refused
    try:
        settings = Settings.model_validate(_nest(merged))
    except ValidationError as exc:  # each value passed alone; only a cross-field rule could fail
        problems.append(f"settings: {_first_error(exc)}; using defaults")
        settings = Settings()
    settings._problems = problems
    settings._sources = sources
    settings._refused = frozenset(refused)
    return settings


def settings_from_args(args: Any) -> Settings:
    """:func:`load_settings` with the flags found on ``args``."""
    return load_settings(flags_from_args(args))


def settings_problems(settings: Settings) -> list[str]:
    """One line per problem met while loading ``settings`` (empty when all was fine)."""
    return list(settings._problems)


def config_sources(settings: Settings) -> dict[str, str]:
    """Dotted key -> where its value came from: ``default``, ``user config (path)``, ``env X``, ``flag --x``."""
    return {key: settings._sources.get(key, "default") for key in KEYS}


def get_value(settings: Settings, key: str) -> Any:
    """The value of a dotted key."""
    section, _, name = key.rpartition(".")
    holder = getattr(settings, section) if section else settings
    return getattr(holder, name)


def describe(key: str) -> str:
    """The help text of a dotted key (shown by ``coach config show``)."""
    return FIELDS[key].description or ""


# ------------------------------------------------------------------ masking

_KEYLIKE = re.compile(r"\b(sk-[A-Za-z0-9_\-]{8,}|[A-Za-z0-9_\-]{32,})\b")


def mask_value(key: str, value: Any) -> str:
    """``value`` as text safe to print: credentials replaced with ``********``.

    Secret-like key names are masked whole; URLs lose their password and any
    key-like query parameter; anything that looks like an API key is masked.
    """
    if value is None:
        return ""
    if _is_secret_name(key):
        return MASK
    text = str(value)
    if "://" in text:
        text = mask_url(text)
    return _KEYLIKE.sub(MASK, text)


# -------------------------------------------------------------- writing


def parse_value(key: str, value: str) -> Any:
    """Turn the command-line string for ``key`` into a validated value.

    Raises ConfigError (one line) for an unknown key or a bad value.
    """
    if _is_secret_name(key):
        raise ConfigError(
            f"refusing to store '{key}': coach never writes API keys to config; set OPENAI_API_KEY,"
            " or point openai.api_key_env at a variable or openai.api_key_file at a 0600 file"
        )
    if key not in FIELDS or key in SECTIONS:
        raise ConfigError(f"{paths.user_config_file()}: {unknown_key_message(key)}")
    if key in TABLE_KEYS:
        raise ConfigError(f"'{key}' is a table: edit [{key}] in {paths.user_config_file()}")
    if value == "" and FIELDS[key].default is None:
        return None  # "" unsets an optional key (TOML cannot hold None)
    try:
        return _CHECKERS[key].validate(value)
    except ValidationError as exc:
        raise ConfigError(f"bad value for '{key}': {_first_error(exc)}") from None


def _to_toml_value(value: Any) -> Any:
    """Settings values as TOML can hold them (paths as strings)."""
    return str(value) if isinstance(value, Path) else value


def _validate_file_data(path: Path, data: Mapping[str, Any]) -> None:
    """Every key in a would-be user file must be known and valid."""
    layer = _Layer("user config")
    for key, value in flatten(data):
        layer.offer(key, value, str(path), "user config")
    if layer.problems:
        raise ConfigError(layer.problems[0] + " (fix it in the file first)")


def set_user_value(key: str, value: str) -> Any:
    """Set ``key`` (dotted, e.g. ``openai.model``) in the user config file.

    ``value`` is parsed to the key's type; an empty string unsets an optional
    key. The whole resulting file is validated before anything is written, and
    the write is atomic, so a mistake never leaves a broken config behind.
    Only that key's line changes: other keys, comments and a symlinked file
    are kept (`coach.config_write`). Returns the value as stored (``off`` ->
    False), None when unset.
    """
    from coach import config_write

    parsed = parse_value(key, value)
    path = paths.user_config_file()
    with config_write.config_lock(path):
        _set_locked(path, key, parsed)
    return parsed


def _set_locked(path: Path, key: str, parsed: Any) -> None:
    """The read-modify-write of `set_user_value`, run while holding the lock."""
    import tomli_w

    from coach import config_write
    from coach.fsutil import loads_toml

    original = config_write.read_user_text(path)
    data = loads_toml(original)
    section, _, name = key.rpartition(".")
    table = data.setdefault(section, {}) if section else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: '{section}' must be a table like [{section}]")
    stored = None if parsed is None else _to_toml_value(parsed)
    if stored is None:
        table.pop(name, None)
        if section and not table:
            data.pop(section)
    else:
        table[name] = stored
    _validate_file_data(path, data)
    text = config_write.edited_text(original, section, name, stored, data)
    if text is None:  # tomlkit could not edit it in place: write the meaning, plainly
        for table_key in TABLE_KEYS:  # as it reads best: "history.open" = "o"
            if isinstance(data.get(table_key), dict):
                with contextlib.suppress(ValueError):
                    data[table_key] = check_keymap(data[table_key])
        text = tomli_w.dumps(data)
    config_write.write_user_text(path, text)
