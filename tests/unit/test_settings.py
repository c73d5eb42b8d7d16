"""Settings come from FOOTFALL_* variables and flags; bad values name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from footfall.errors import SettingsError
from footfall.settings import SETTING_NAMES, env_name, load_settings


def test_environment_then_flags():
    settings = load_settings({"port": 9000}, {"FOOTFALL_PORT": "8100", "FOOTFALL_DATA_DIR": "/x"})
    assert settings.port == 9000
    assert settings.data_dir == Path("/x")


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("FOOTFALL_PORT", "abc"),
        ("FOOTFALL_PORT", "-1"),
        ("FOOTFALL_SPOOL_FSYNC", "sometimes"),
        ("FOOTFALL_TRUSTED_PROXIES", "10.0.0.0/33"),
        ("FOOTFALL_MAXMIND_DB", "/no/such.mmdb"),
    ],
)
def test_bad_values_name_the_variable(name, value):
    with pytest.raises(SettingsError, match=name):
        load_settings({}, {name: value})


def test_every_setting_is_documented():
    docs = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    for name in SETTING_NAMES:
        assert env_name(name) in docs, f"{env_name(name)} missing from docs/configuration.md"
