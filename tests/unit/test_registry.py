"""The backend registry: plugins are listed without importing them, and a broken one is a clear error.

Plugins are installed for real, as a dist-info directory with an
entry_points.txt on sys.path, which is exactly what importlib.metadata reads.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from coach.engine import BUILTIN_BACKENDS, Backend, BackendError, available_backends, backend_class, make_backend

ENTRY_POINTS = """\
[coach.backends]
good = coach_test_plugin_ok:GoodBackend
broken = coach_test_plugin_broken:Backend
notabackend = coach_test_plugin_ok:NotABackend
missing = coach_test_plugin_nope:Whatever
badsetup = coach_test_plugin_ok:BadSetup
offline = coach_test_plugin_ok:GoodBackend
"""

OK_MODULE = '''
from coach.engine import Backend

class GoodBackend(Backend):
    name = "good"
    async def review(self, request, progress=None):
        raise NotImplementedError

class BadSetup(GoodBackend):
    @classmethod
    def from_settings(cls, settings):
        raise ValueError("needs a licence file")

class NotABackend:
    pass
'''


@pytest.fixture
def plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    site = tmp_path / "site"
    dist = site / "coach_test_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: coach-test-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    (site / "coach_test_plugin_ok.py").write_text(textwrap.dedent(OK_MODULE))
    (site / "coach_test_plugin_broken.py").write_text("raise RuntimeError('plugin bug: missing dependency')\n")
    monkeypatch.syspath_prepend(str(site))
    for mod in ("coach_test_plugin_ok", "coach_test_plugin_broken"):
        monkeypatch.delitem(sys.modules, mod, raising=False)
    return site


def test_builtins_listed_without_import() -> None:
    code = (
        "import sys; from coach.engine import available_backends; names = available_backends();"
        " print(sorted(names), 'coach.engine.openai' in sys.modules, 'coach.engine.offline' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['offline', 'openai'] False False"


def test_plugins_listed_without_import(plugins: Path) -> None:
    names = available_backends()
    assert {"good", "broken", "notabackend", "missing"} <= set(names)
    assert "coach_test_plugin_ok" not in sys.modules and "coach_test_plugin_broken" not in sys.modules


def test_plugin_cannot_replace_a_builtin(plugins: Path) -> None:
    assert available_backends()["offline"] == BUILTIN_BACKENDS["offline"]


def test_good_plugin_loads_only_when_chosen(plugins: Path) -> None:
    cls = backend_class("good")
    assert issubclass(cls, Backend) and "coach_test_plugin_ok" in sys.modules
    assert isinstance(make_backend("good", None), cls)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("broken", ["'broken'", "failed to load", "plugin bug: missing dependency"]),
        ("missing", ["'missing'", "failed to load", "coach_test_plugin_nope"]),
        ("notabackend", ["'notabackend'", "not a coach Backend"]),
        ("nosuch", ["unknown backend 'nosuch'", "good", "offline", "openai"]),
    ],
)
def test_bad_plugins_give_one_clear_line(plugins: Path, name: str, words: list[str]) -> None:
    with pytest.raises(BackendError) as info:
        backend_class(name)
    message = str(info.value)
    assert "\n" not in message
    for w in words:
        assert w in message


def test_plugin_failing_setup_is_a_clear_error(plugins: Path) -> None:
    with pytest.raises(BackendError, match="'badsetup' could not be set up: needs a licence file"):
        make_backend("badsetup", None)


def test_openai_backend_is_registered_and_built_from_settings() -> None:
    from coach.config import Settings

    backend = make_backend("openai", Settings(backend="openai"))
    assert backend.name == "openai" and backend.model == "gpt-4o-mini"
