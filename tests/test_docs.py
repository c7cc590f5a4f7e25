"""The README documents every setting and every command (STYLE R22)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wiki.config import Defaults

pytestmark = pytest.mark.sqlite_only  # no dialect-specific code: reads the README and the app's command list

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    keys = [k for k in vars(Defaults) if k.isupper()]
    missing = [k for k in keys if f"`{k}`" not in README]
    assert missing == []


def test_every_cli_command_is_documented(app):
    commands = []
    for name, command in app.cli.commands.items():
        sub = getattr(command, "commands", None)
        commands.extend(f"lieudit {name} {s}" for s in sub) if sub else commands.append(f"lieudit {name}")
    missing = [c for c in commands if f"`{c}" not in README]
    assert missing == []


def test_readme_starts_with_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(blocks) >= 2
    assert "lieudit init --demo" in blocks[0] and "lieudit run" in blocks[0]
    assert "pytest" in blocks[1]
