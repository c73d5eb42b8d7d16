"""Dashboard accounts: users, login sessions, per-site roles, shared links, the setup token.

They live in the same SQLite catalog as sites (tables in `sqlite._SCHEMA`), so the CLI
can create a user while the server runs. Passwords are argon2 hashes; session tokens,
the setup token and the CSRF secret are random and only their hashes (or an HMAC key
that never leaves the server) are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from footfall.catalog.sqlite import Catalog, Site, normalize_domain
from footfall.errors import CatalogError

ROLES = ("owner", "viewer")
SESSION_DAYS = 30
MIN_PASSWORD = 8

_hasher = PasswordHasher()


@dataclass(frozen=True, slots=True)
class User:
    id: int
    email: str
    is_admin: bool


@dataclass(frozen=True, slots=True)
class SharedLink:
    token: str
    site_id: str
    name: str
    has_password: bool
    created_at: str


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise CatalogError(f"passwords need at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _now() -> datetime:
    return datetime.now(UTC)


def _checked(email: str, password: str) -> tuple[str, str]:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise CatalogError(f"{email!r} is not an e-mail address")
    return email, hash_password(password)


def _insert_user(con: sqlite3.Connection, email: str, password_hash: str, admin: bool) -> User:
    if con.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
        raise CatalogError(f"user {email} already exists")
    cursor = con.execute(
        "INSERT INTO users (email, password_hash, is_admin, created_at) VALUES (?, ?, ?, ?)",
        (email, password_hash, int(admin), _now().isoformat()),
    )
    return User(int(cursor.lastrowid or 0), email, admin)


class Accounts:
    """Account operations over a `Catalog` (they share its connection and transactions)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    # users -------------------------------------------------------------------------

    def has_users(self) -> bool:
        return self.catalog._con().execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def create_user(self, email: str, password: str, *, admin: bool = False) -> User:
        email, password_hash = _checked(email, password)
        with self.catalog._tx() as con:
            return _insert_user(con, email, password_hash, admin)

    def create_first_admin(self, setup_token: str, email: str, password: str) -> User:
        """The setup page's account: the token is spent in the same transaction."""
        email, password_hash = _checked(email, password)
        with self.catalog._tx() as con:
            row = con.execute("SELECT value FROM secrets WHERE name = 'setup_token'").fetchone()
            has_users = con.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None
            if not row or has_users or not hmac.compare_digest(row[0], _sha(setup_token)):
                raise CatalogError("this setup link was used already")
            con.execute("DELETE FROM secrets WHERE name = 'setup_token'")
            return _insert_user(con, email, password_hash, True)

    def users(self) -> list[User]:
        rows = self.catalog._con().execute("SELECT id, email, is_admin FROM users ORDER BY email")
        return [User(row[0], row[1], bool(row[2])) for row in rows]

    def user_by_email(self, email: str) -> User | None:
        row = (
            self.catalog._con()
            .execute(
                "SELECT id, email, is_admin FROM users WHERE email = ?", (email.strip().lower(),)
            )
            .fetchone()
        )
        return User(row[0], row[1], bool(row[2])) if row else None

    def set_password(self, email: str, password: str) -> None:
        user = self.user_by_email(email)
        if user is None:
            raise CatalogError(f"no user {email}")
        password_hash = hash_password(password)
        with self.catalog._tx() as con:
            con.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user.id))
            con.execute("DELETE FROM user_sessions WHERE user_id = ?", (user.id,))

    def authenticate(self, email: str, password: str) -> User | None:
        row = (
            self.catalog._con()
            .execute(
                "SELECT id, email, is_admin, password_hash FROM users WHERE email = ?",
                (email.strip().lower(),),
            )
            .fetchone()
        )
        if row is None:
            # Spend the same time as a real check so e-mail addresses cannot be probed.
            password_matches(_DUMMY_HASH, password)
            return None
        return User(row[0], row[1], bool(row[2])) if password_matches(row[3], password) else None

    # roles -------------------------------------------------------------------------

    def grant(self, email: str, domain: str, role: str) -> None:
        if role not in ROLES:
            raise CatalogError(f"unknown role {role!r}; use {' or '.join(ROLES)}")
        user = self.user_by_email(email)
        if user is None:
            raise CatalogError(f"no user {email}")
        site = self.catalog.get_site(domain)
        if site is None:
            raise CatalogError(f"no site {domain}")
        with self.catalog._tx() as con:
            con.execute(
                "INSERT INTO site_roles (user_id, site_id, role) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id, site_id) DO UPDATE SET role = excluded.role",
                (user.id, site.domain, role),
            )

    def role(self, user: User, site_id: str) -> str | None:
        """'owner' or 'viewer' (admins own every site), or None when the user may not see it."""
        if self.catalog.get_site(site_id) is None:
            return None
        if user.is_admin:
            return "owner"
        row = (
            self.catalog._con()
            .execute(
                "SELECT role FROM site_roles WHERE user_id = ? AND site_id = ?",
                (user.id, site_id),
            )
            .fetchone()
        )
        return row[0] if row else None

    def members(self, domain: str) -> list[tuple[str, str]]:
        """(e-mail, role) of the users given this site (admins see every site anyway)."""
        rows = self.catalog._con().execute(
            "SELECT u.email, r.role FROM site_roles r JOIN users u ON u.id = r.user_id "
            "WHERE r.site_id = ? ORDER BY u.email",
            (normalize_domain(domain),),
        )
        return [(row[0], row[1]) for row in rows]

    def visible_sites(self, user: User) -> list[Site]:
        if user.is_admin:
            return self.catalog.sites()
        allowed = {
            row[0]
            for row in self.catalog._con().execute(
                "SELECT site_id FROM site_roles WHERE user_id = ?", (user.id,)
            )
        }
        return [site for site in self.catalog.sites() if site.domain in allowed]

    # login sessions ----------------------------------------------------------------

    def start_session(self, user: User) -> str:
        token = secrets.token_urlsafe(32)
        expires = _now() + timedelta(days=SESSION_DAYS)
        with self.catalog._tx() as con:
            con.execute("DELETE FROM user_sessions WHERE expires_at < ?", (_now().isoformat(),))
            con.execute(
                "INSERT INTO user_sessions (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                (_sha(token), user.id, expires.isoformat()),
            )
        return token

    def session_user(self, token: str) -> User | None:
        row = (
            self.catalog._con()
            .execute(
                "SELECT u.id, u.email, u.is_admin FROM user_sessions s "
                "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?",
                (_sha(token), _now().isoformat()),
            )
            .fetchone()
        )
        return User(row[0], row[1], bool(row[2])) if row else None

    def end_session(self, token: str) -> None:
        with self.catalog._tx() as con:
            con.execute("DELETE FROM user_sessions WHERE token_hash = ?", (_sha(token),))

    # first-run setup ---------------------------------------------------------------

    def new_setup_token(self) -> str:
        """A one-time token for the setup page, printed at start while no user exists."""
        token = secrets.token_urlsafe(24)
        with self.catalog._tx() as con:
            con.execute(
                "INSERT INTO secrets (name, value) VALUES ('setup_token', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                (_sha(token),),
            )
        return token

    def check_setup_token(self, token: str) -> bool:
        row = (
            self.catalog._con()
            .execute("SELECT value FROM secrets WHERE name = 'setup_token'")
            .fetchone()
        )
        return bool(row) and not self.has_users() and hmac.compare_digest(row[0], _sha(token))

    def secret(self, name: str) -> bytes:
        """A random server-side key (e.g. for CSRF tokens), created on first use."""
        with self.catalog._tx() as con:
            con.execute(
                "INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
                (name, secrets.token_hex(32)),
            )
            row = con.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
        return bytes.fromhex(row[0])

    # shared links ------------------------------------------------------------------

    def create_share(self, domain: str, name: str = "", password: str = "") -> str:
        site_id = normalize_domain(domain)
        if self.catalog.get_site(site_id) is None:
            raise CatalogError(f"no site {site_id}")
        token = secrets.token_urlsafe(24)
        with self.catalog._tx() as con:
            con.execute(
                "INSERT INTO shared_links (token, site_id, name, password_hash, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    token,
                    site_id,
                    name.strip()[:100],
                    hash_password(password) if password else "",
                    _now().isoformat(),
                ),
            )
        return token

    def shares(self, domain: str) -> list[SharedLink]:
        rows = self.catalog._con().execute(
            "SELECT token, site_id, name, password_hash != '', created_at FROM shared_links "
            "WHERE site_id = ? ORDER BY created_at",
            (normalize_domain(domain),),
        )
        return [SharedLink(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    def share(self, token: str) -> tuple[SharedLink, str] | None:
        """The link and its password hash ('' when open), or None when unknown or revoked."""
        row = (
            self.catalog._con()
            .execute(
                "SELECT token, site_id, name, password_hash, created_at FROM shared_links "
                "WHERE token = ?",
                (token,),
            )
            .fetchone()
        )
        if row is None:
            return None
        return SharedLink(row[0], row[1], row[2], bool(row[3]), row[4]), row[3]

    def revoke_share(self, domain: str, token: str) -> bool:
        with self.catalog._tx() as con:
            return bool(
                con.execute(
                    "DELETE FROM shared_links WHERE token = ? AND site_id = ?",
                    (token, normalize_domain(domain)),
                ).rowcount
            )


_DUMMY_HASH = _hasher.hash("footfall-timing-equaliser")
