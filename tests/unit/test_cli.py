"""Every command has a helpful --help, is documented, and bad input gives one clear line."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from footfall.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize(("path", "command"), list(_commands(main)), ids=lambda p: str(p))
def test_every_command_has_help(path, command):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert command.help and len(command.help.strip()) > 10


@pytest.mark.parametrize("name", list(main.commands))
def test_every_top_level_command_is_in_the_readme(name):
    assert f"footfall {name}" in README


def test_sites_lifecycle_and_clear_errors(tmp_path):
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path)]
    assert runner.invoke(main, ["sites", "add", "https://www.Example.com/", *data]).exit_code == 0
    listed = runner.invoke(main, ["sites", "list", *data])
    assert "example.com" in listed.output
    again = runner.invoke(main, ["sites", "add", "example.com", *data])
    assert again.exit_code == 2 and "already exists" in again.output
    bad_tz = runner.invoke(main, ["sites", "add", "b.com", "--timezone", "Mars/Base", *data])
    assert bad_tz.exit_code == 2 and "timezone" in bad_tz.output
    assert runner.invoke(main, ["sites", "remove", "example.com", *data]).exit_code == 0
    assert "example.com" not in runner.invoke(main, ["sites", "list", *data]).output


def test_bad_setting_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(
        main, ["sites", "list", "--data-dir", str(tmp_path)], env={"FOOTFALL_PORT": "eighty"}
    )
    assert result.exit_code == 2
    assert "FOOTFALL_PORT" in result.output


def test_keys_are_shown_once_and_revocable(tmp_path):
    runner = CliRunner()
    data = ["--data-dir", str(tmp_path)]
    runner.invoke(main, ["sites", "add", "a.com", *data])
    key = runner.invoke(main, ["keys", "create", "--site", "a.com", *data]).output.strip()
    assert key.startswith("ffk_")
    assert key not in runner.invoke(main, ["keys", "list", *data]).output
    assert runner.invoke(main, ["keys", "revoke", key[:12], *data]).exit_code == 0
    assert runner.invoke(main, ["keys", "revoke", key[:12], *data]).exit_code != 0
