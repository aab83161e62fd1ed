"""`--backend` help names the installed backends (issue 5) without importing them, and
`coach --help` stays lean: the entry-point scan happens only for a subcommand's help.

The plugin is installed for real, as a dist-info with entry_points.txt on
PYTHONPATH (as in test_registry.py); its module leaves a marker file if it is
ever imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ENTRY_POINTS = "[coach.backends]\nshinyplugin = coach_help_plugin:ShinyBackend\n"


@pytest.fixture
def plugin_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    site = tmp_path / "site"
    dist = site / "coach_help_plugin-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: coach-help-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(ENTRY_POINTS)
    marker = tmp_path / "imported"
    (site / "coach_help_plugin.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(site), env.get("PYTHONPATH", "")) if p)
    return env, marker


def coach(*args: str, env: dict[str, str] | None = None, importtime: bool = False) -> subprocess.CompletedProcess:
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run(
        [sys.executable, *flags, "-m", "coach", *args], capture_output=True, text=True, timeout=60, env=env
    )


def imported_modules(stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("command", ["analyze", "feedback", "practice", "doctor"])
def test_subcommand_help_lists_plugins_without_importing_them(plugin_env, command: str) -> None:
    env, marker = plugin_env
    proc = coach(command, "--help", env=env, importtime=True)
    assert proc.returncode == 0, proc.stderr
    help_text = " ".join(proc.stdout.split())
    assert "one of offline, openai, shinyplugin" in help_text
    assert not marker.exists(), "the plugin module was imported just to list its name"
    mods = imported_modules(proc.stderr)
    assert "coach_help_plugin" not in mods
    assert not {m for m in mods if m.split(".")[0] in ("textual", "openai", "pydantic")}
    assert "coach.engine.openai" not in mods and "coach.engine.offline" not in mods


def test_analyze_help_says_its_default_is_offline() -> None:
    proc = coach("analyze", "--help")
    assert proc.returncode == 0
    assert "default: offline, not the configured one" in " ".join(proc.stdout.split())


def test_top_level_help_does_not_scan_entry_points(plugin_env) -> None:
    env, marker = plugin_env
    proc = coach("--help", env=env, importtime=True)
    assert proc.returncode == 0 and "analyze" in proc.stdout
    mods = imported_modules(proc.stderr)
    assert "importlib.metadata" not in mods and "coach.engine" not in mods
    assert not {m for m in mods if m.split(".")[0] in ("textual", "openai", "pydantic")}
    assert not marker.exists()


def test_running_a_subcommand_does_not_scan_for_help() -> None:
    """Only printing help fills the list in: parsing `coach analyze` leaves the static text."""
    from coach.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["analyze", "--backend", "offline"])
    assert args.backend == "offline"
    analyze = parser._subparsers._group_actions[0].choices["analyze"]  # type: ignore[union-attr]
    backend = next(a for a in analyze._actions if a.dest == "backend")
    assert backend.lazy_help is not None and "one of" not in backend.help
