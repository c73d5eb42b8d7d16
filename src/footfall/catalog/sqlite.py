"""The catalog: sites, daily salts and API keys in SQLite beside the event store.

SQLite suits metadata: tiny, transactional and readable by any process, so the CLI
can add a site while the server runs. The server caches what it needs on the hot
path and re-reads when the catalog's `data_version` changes.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from footfall.errors import CatalogError

_SCHEMA = [
    """CREATE TABLE IF NOT EXISTS sites (
        domain TEXT PRIMARY KEY,
        timezone TEXT NOT NULL DEFAULT 'UTC',
        honor_dnt INTEGER NOT NULL DEFAULT 1,
        allowed_hostnames TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS salts (
        day TEXT PRIMARY KEY,
        salt BLOB NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS api_keys (
        key_hash TEXT PRIMARY KEY,
        prefix TEXT NOT NULL,
        site_id TEXT NOT NULL REFERENCES sites(domain) ON DELETE CASCADE,
        kind TEXT NOT NULL DEFAULT 'stats',
        name TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    # accounts (catalog/accounts.py): dashboard users, their sessions, roles and shared links
    """CREATE TABLE IF NOT EXISTS users (
        id INTEGER PRIMARY KEY,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        is_admin INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS user_sessions (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        expires_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS site_roles (
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        site_id TEXT NOT NULL REFERENCES sites(domain) ON DELETE CASCADE,
        role TEXT NOT NULL,
        PRIMARY KEY (user_id, site_id)
    )""",
    """CREATE TABLE IF NOT EXISTS shared_links (
        token TEXT PRIMARY KEY,
        site_id TEXT NOT NULL REFERENCES sites(domain) ON DELETE CASCADE,
        name TEXT NOT NULL DEFAULT '',
        password_hash TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    # tokens other products' clients send (PROTOCOLS.md), linked to a site unchanged
    """CREATE TABLE IF NOT EXISTS protocol_keys (
        protocol TEXT NOT NULL,
        key TEXT NOT NULL,
        site_id TEXT NOT NULL REFERENCES sites(domain) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (protocol, key)
    )""",
    """CREATE TABLE IF NOT EXISTS saved_queries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        site_id TEXT NOT NULL REFERENCES sites(domain) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS automation_members (
        automation_id INTEGER NOT NULL REFERENCES saved_queries(id) ON DELETE CASCADE,
        person TEXT NOT NULL,
        status TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (automation_id, person)
    )""",
]

PROTOCOLS = ("segment", "mixpanel", "posthog", "ga", "ga4", "umami", "snowplow")


@dataclass(frozen=True, slots=True)
class Site:
    domain: str
    timezone: str = "UTC"
    honor_dnt: bool = True
    allowed_hostnames: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ApiKey:
    prefix: str
    site_id: str
    kind: str
    name: str
    created_at: str


def normalize_domain(domain: str) -> str:
    """Site ids are bare lower-case domains without `www.`, as Plausible's are."""
    value = domain.strip().lower().removeprefix("https://").removeprefix("http://")
    value = value.split("/", 1)[0].removeprefix("www.")
    if not value or any(c.isspace() for c in value) or len(value) > 253:
        raise CatalogError(f"{domain!r} is not a valid site domain (e.g. example.com)")
    return value


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Catalog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        with self._tx() as con:
            for statement in _SCHEMA:
                con.execute(statement)

    def _con(self) -> sqlite3.Connection:
        con = getattr(self._local, "con", None)
        if con is None:
            con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA foreign_keys=ON")
            self._local.con = con
        return con

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        con = self._con()
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def version(self) -> int:
        """Changes whenever another connection commits; cheap enough to poll."""
        return int(self._con().execute("PRAGMA data_version").fetchone()[0])

    # sites -------------------------------------------------------------------------

    def add_site(self, domain: str, timezone: str = "UTC") -> Site:
        site_id = normalize_domain(domain)
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CatalogError(f"unknown timezone {timezone!r} (use an IANA name)") from exc
        with self._tx() as con:
            if con.execute("SELECT 1 FROM sites WHERE domain = ?", (site_id,)).fetchone():
                raise CatalogError(f"site {site_id} already exists")
            con.execute(
                "INSERT INTO sites (domain, timezone, created_at) VALUES (?, ?, ?)",
                (site_id, timezone, datetime.now(UTC).isoformat()),
            )
        return Site(site_id, timezone)

    def remove_site(self, domain: str) -> None:
        site_id = normalize_domain(domain)
        with self._tx() as con:
            if not con.execute("DELETE FROM sites WHERE domain = ?", (site_id,)).rowcount:
                raise CatalogError(f"no site {site_id}")

    def update_site(
        self,
        domain: str,
        *,
        timezone: str | None = None,
        honor_dnt: bool | None = None,
        allowed_hostnames: tuple[str, ...] | None = None,
    ) -> Site:
        site = self.get_site(domain)
        if site is None:
            raise CatalogError(f"no site {domain}")
        if timezone is not None:
            try:
                ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise CatalogError(f"unknown timezone {timezone!r} (use an IANA name)") from exc
        with self._tx() as con:
            con.execute(
                "UPDATE sites SET timezone = ?, honor_dnt = ?, allowed_hostnames = ? "
                "WHERE domain = ?",
                (
                    timezone if timezone is not None else site.timezone,
                    int(honor_dnt if honor_dnt is not None else site.honor_dnt),
                    ",".join(
                        allowed_hostnames
                        if allowed_hostnames is not None
                        else site.allowed_hostnames
                    ),
                    site.domain,
                ),
            )
        return self.get_site(site.domain)  # type: ignore[return-value]

    def get_site(self, domain: str) -> Site | None:
        row = (
            self._con()
            .execute(
                "SELECT domain, timezone, honor_dnt, allowed_hostnames FROM sites WHERE domain = ?",
                (domain.strip().lower().removeprefix("www."),),
            )
            .fetchone()
        )
        return _site(row) if row else None

    def sites(self) -> list[Site]:
        rows = self._con().execute(
            "SELECT domain, timezone, honor_dnt, allowed_hostnames FROM sites ORDER BY domain"
        )
        return [_site(row) for row in rows]

    # salts -------------------------------------------------------------------------

    def salts(self, today: str, keep_days: int = 1) -> dict[str, bytes]:
        """The salts for `today` (created if missing) and the day before; older ones are deleted.

        Deleting yesterday-but-one's salt is what makes old visitor ids unlinkable.
        """
        with self._tx() as con:
            con.execute(
                "INSERT OR IGNORE INTO salts (day, salt) VALUES (?, ?)",
                (today, secrets.token_bytes(16)),
            )
            rows = con.execute(
                "SELECT day, salt FROM salts ORDER BY day DESC LIMIT ?", (keep_days + 1,)
            ).fetchall()
            keep = [r[0] for r in rows]
            con.execute(f"DELETE FROM salts WHERE day NOT IN ({','.join('?' * len(keep))})", keep)
        return {day: bytes(salt) for day, salt in rows}

    # API keys ----------------------------------------------------------------------

    def create_api_key(self, domain: str, kind: str = "stats", name: str = "") -> str:
        """Create a key and return it; only its hash is stored, so it is shown once."""
        site = self.get_site(domain)
        if site is None:
            raise CatalogError(f"no site {domain}; add it first with `footfall sites add`")
        if kind not in ("stats", "write"):
            raise CatalogError(f"unknown key kind {kind!r}; use 'stats' or 'write'")
        key = ("ffw_" if kind == "write" else "ffk_") + secrets.token_urlsafe(32)
        with self._tx() as con:
            con.execute(
                "INSERT INTO api_keys (key_hash, prefix, site_id, kind, name, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (_hash_key(key), key[:12], site.domain, kind, name, datetime.now(UTC).isoformat()),
            )
        return key

    def api_keys(self, domain: str | None = None) -> list[ApiKey]:
        sql = "SELECT prefix, site_id, kind, name, created_at FROM api_keys"
        args: tuple[str, ...] = ()
        if domain:
            sql += " WHERE site_id = ?"
            args = (normalize_domain(domain),)
        return [ApiKey(*row) for row in self._con().execute(sql + " ORDER BY created_at", args)]

    def revoke_api_key(self, prefix_or_key: str) -> int:
        with self._tx() as con:
            return con.execute(
                "DELETE FROM api_keys WHERE prefix = ? OR key_hash = ?",
                (prefix_or_key[:12], _hash_key(prefix_or_key)),
            ).rowcount

    def site_for_key(self, key: str, kind: str = "stats") -> str | None:
        """The site a key may read (kind 'stats') or write (kind 'write'), or None."""
        row = (
            self._con()
            .execute(
                "SELECT site_id FROM api_keys WHERE key_hash = ? AND kind = ?",
                (_hash_key(key), kind),
            )
            .fetchone()
        )
        return row[0] if row else None

    # protocol keys -----------------------------------------------------------------

    def link_protocol_key(self, domain: str, protocol: str, key: str) -> None:
        """Map a client's own token (Segment write key, Mixpanel token, …) to a site."""
        site = self.get_site(domain)
        if site is None:
            raise CatalogError(f"no site {domain}; add it first with `footfall sites add`")
        if protocol not in PROTOCOLS:
            choices = ", ".join(PROTOCOLS)
            raise CatalogError(f"unknown protocol {protocol!r}; use one of {choices}")
        key = key.strip()
        if not key or len(key) > 500:
            raise CatalogError("the key must be 1 to 500 characters")
        with self._tx() as con:
            row = con.execute(
                "SELECT site_id FROM protocol_keys WHERE protocol = ? AND key = ?", (protocol, key)
            ).fetchone()
            if row and row[0] != site.domain:
                raise CatalogError(f"this {protocol} key is already linked to {row[0]}")
            con.execute(
                "INSERT OR IGNORE INTO protocol_keys (protocol, key, site_id, created_at) "
                "VALUES (?, ?, ?, ?)",
                (protocol, key, site.domain, datetime.now(UTC).isoformat()),
            )

    def unlink_protocol_key(self, protocol: str, key: str) -> int:
        with self._tx() as con:
            return con.execute(
                "DELETE FROM protocol_keys WHERE protocol = ? AND key = ?", (protocol, key.strip())
            ).rowcount

    def protocol_keys(self, domain: str | None = None) -> list[tuple[str, str, str]]:
        """(protocol, key, site_id) rows, all or one site's."""
        sql = "SELECT protocol, key, site_id FROM protocol_keys"
        args: tuple[str, ...] = ()
        if domain:
            sql += " WHERE site_id = ?"
            args = (normalize_domain(domain),)
        return [tuple(row) for row in self._con().execute(sql + " ORDER BY protocol, key", args)]

    # saved product queries (funnels, …) ------------------------------------------

    def save_query(self, domain: str, kind: str, name: str, body: str) -> int:
        """Store a validated query body (JSON text) under a name; returns its id."""
        with self._tx() as con:
            cursor = con.execute(
                "INSERT INTO saved_queries (site_id, kind, name, body, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (normalize_domain(domain), kind, name, body, datetime.now(UTC).isoformat()),
            )
            return int(cursor.lastrowid or 0)

    def saved_queries(self, domain: str, kind: str) -> list[tuple[int, str, str, str]]:
        """(id, name, body, created_at) of a site's saved queries of one kind."""
        rows = self._con().execute(
            "SELECT id, name, body, created_at FROM saved_queries "
            "WHERE site_id = ? AND kind = ? ORDER BY id",
            (normalize_domain(domain), kind),
        )
        return [tuple(row) for row in rows]

    def delete_saved_query(self, domain: str, kind: str, query_id: int) -> int:
        with self._tx() as con:
            return con.execute(
                "DELETE FROM saved_queries WHERE site_id = ? AND kind = ? AND id = ?",
                (normalize_domain(domain), kind, query_id),
            ).rowcount

    def automation_members(self, automation_id: int) -> set[str]:
        """People an automation has already handled (notified, or present at its start)."""
        rows = self._con().execute(
            "SELECT person FROM automation_members WHERE automation_id = ?", (automation_id,)
        )
        return {row[0] for row in rows}

    def record_members(self, automation_id: int, people: list[str], status: str) -> None:
        """Mark people handled, once: `notified` or `baseline` (members before it started)."""
        now = datetime.now(UTC).isoformat()
        with self._tx() as con:
            con.executemany(
                "INSERT OR IGNORE INTO automation_members VALUES (?, ?, ?, ?)",
                [(automation_id, person, status, now) for person in people],
            )


def _site(row: tuple) -> Site:
    domain, timezone, honor_dnt, allowed = row
    return Site(domain, timezone, bool(honor_dnt), tuple(h for h in allowed.split(",") if h))
