"""Accounts in the SQLite catalog: hashed passwords, roles, sessions, setup token, links."""

from __future__ import annotations

import sqlite3

import pytest

from footfall.catalog import Catalog
from footfall.catalog.accounts import Accounts
from footfall.errors import CatalogError
from footfall.web.dashboard.format import human_duration, human_number


@pytest.fixture
def accounts(tmp_path) -> Accounts:
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_site("a.example")
    catalog.add_site("b.example")
    return Accounts(catalog)


def test_passwords_are_argon2_hashes(accounts, tmp_path):
    accounts.create_user("Ann@Example.com", "correct horse")
    with sqlite3.connect(tmp_path / "catalog.sqlite3") as con:
        (stored,) = con.execute("SELECT password_hash FROM users").fetchone()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert accounts.authenticate("ann@example.com", "correct horse") is not None
    assert accounts.authenticate("ann@example.com", "wrong horse") is None
    assert accounts.authenticate("nobody@example.com", "correct horse") is None


def test_bad_users_are_refused(accounts):
    with pytest.raises(CatalogError, match="8 characters"):
        accounts.create_user("a@example.com", "short")
    with pytest.raises(CatalogError, match="e-mail"):
        accounts.create_user("not an email", "long enough")
    accounts.create_user("a@example.com", "long enough")
    with pytest.raises(CatalogError, match="already exists"):
        accounts.create_user("A@example.com", "long enough")


def test_users_see_only_sites_they_were_given(accounts):
    admin = accounts.create_user("admin@example.com", "long enough", admin=True)
    viewer = accounts.create_user("v@example.com", "long enough")
    accounts.grant("v@example.com", "a.example", "viewer")
    assert [s.domain for s in accounts.visible_sites(viewer)] == ["a.example"]
    assert accounts.role(viewer, "a.example") == "viewer"
    assert accounts.role(viewer, "b.example") is None
    assert accounts.role(admin, "b.example") == "owner"
    assert accounts.role(admin, "missing.example") is None
    with pytest.raises(CatalogError, match="role"):
        accounts.grant("v@example.com", "a.example", "king")


def test_sessions_end_on_logout_and_password_change(accounts):
    user = accounts.create_user("u@example.com", "long enough")
    token = accounts.start_session(user)
    assert accounts.session_user(token) == user
    accounts.end_session(token)
    assert accounts.session_user(token) is None
    token = accounts.start_session(user)
    accounts.set_password("u@example.com", "another long one")
    assert accounts.session_user(token) is None


def test_setup_token_works_once_and_only_without_users(accounts):
    token = accounts.new_setup_token()
    assert accounts.check_setup_token(token) and not accounts.check_setup_token("guess")
    accounts.create_first_admin(token, "first@example.com", "long enough")
    assert not accounts.check_setup_token(token)
    with pytest.raises(CatalogError, match="used"):
        accounts.create_first_admin(token, "second@example.com", "long enough")


def test_shared_links(accounts):
    token = accounts.create_share("a.example", "team", "share password")
    link, password_hash = accounts.share(token)  # type: ignore[misc]
    assert link.site_id == "a.example" and link.has_password and password_hash
    assert len(token) >= 32
    assert not accounts.revoke_share("b.example", token)  # another site's owner cannot
    assert accounts.revoke_share("a.example", token)
    assert accounts.share(token) is None


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (999, "999"), (1234, "1.2k"), (12_345, "12.3k"), (123_456, "123k"), (2.5e6, "2.5M")],
)
def test_human_numbers(value, text):
    assert human_number(value) == text


def test_human_durations():
    assert [human_duration(s) for s in (0, 42, 200, 3725)] == ["0s", "42s", "3m 20s", "1h 2m"]
