"""The `footfall` command: serve, sites, keys, demo, status (and stats from the query engine)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from footfall.errors import FootfallError
from footfall.settings import load_settings

console = Console()

DATA_DIR_OPTION = click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where Footfall keeps its data [env FOOTFALL_DATA_DIR; default ./footfall-data].",
)


def _settings(**overrides):  # type: ignore[no-untyped-def]
    try:
        return load_settings(overrides)
    except FootfallError as exc:
        raise click.UsageError(str(exc)) from exc


def _catalog(data_dir: Path | None):  # type: ignore[no-untyped-def]
    from footfall.catalog import Catalog

    settings = _settings(data_dir=data_dir)
    return Catalog(settings.data_dir / "catalog.sqlite3")


class FootfallGroup(click.Group):
    """Turns Footfall's own errors into one clear line instead of a traceback."""

    def invoke(self, ctx: click.Context):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except FootfallError as exc:
            console.print(f"[red]error:[/red] {exc}", highlight=False)
            sys.exit(2)


@click.group(cls=FootfallGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="footfall")
def main() -> None:
    """Footfall: self-hosted, privacy-first web and product analytics.

    \b
    Quick start:
      footfall sites add example.com
      footfall serve
    then paste the snippet that `footfall sites snippet example.com` prints into your pages.
    """


@main.command()
@click.option("--host", default=None, help="Address to listen on [env FOOTFALL_HOST; 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [env FOOTFALL_PORT; 8000].")
@DATA_DIR_OPTION
@click.option(
    "--store",
    default=None,
    help="duckdb (default) or clickhouse://user:pass@host:8123/db [env FOOTFALL_STORE].",
)
@click.option(
    "--trusted-proxies",
    default=None,
    help="Comma-separated networks whose X-Forwarded-For is believed "
    "[env FOOTFALL_TRUSTED_PROXIES], e.g. 127.0.0.1/32,10.0.0.0/8.",
)
@click.option(
    "--spool-fsync",
    type=click.Choice(["always", "interval", "never"]),
    default=None,
    help="When the spool is fsynced: before each reply (always), every second "
    "(interval, default) or never; all survive a killed process.",
)
@click.option(
    "--maxmind-db",
    default=None,
    help="A MaxMind GeoLite2/GeoIP2 City .mmdb for regions and cities.",
)
def serve(**options) -> None:  # type: ignore[no-untyped-def]
    """Run the collector, stats API and dashboard."""
    from footfall.server import serve as run_server

    settings = _settings(**options)
    console.print(
        f"Footfall on http://{settings.host}:{settings.port}  (data: {settings.data_dir.resolve()})"
    )
    run_server(settings)


@main.group()
def sites() -> None:
    """Add, list and remove the sites Footfall collects for."""


@sites.command("add")
@click.argument("domain")
@click.option("--timezone", default="UTC", show_default=True, help="IANA timezone for reports.")
@DATA_DIR_OPTION
def sites_add(domain: str, timezone: str, data_dir: Path | None) -> None:
    """Add a site by its domain (events for unknown sites are dropped)."""
    site = _catalog(data_dir).add_site(domain, timezone)
    console.print(f"added [bold]{site.domain}[/bold] ({site.timezone})")


@sites.command("list")
@DATA_DIR_OPTION
def sites_list(data_dir: Path | None) -> None:
    """List the sites."""
    table = Table("domain", "timezone", "honours DNT/GPC", "allowed hostnames")
    for site in _catalog(data_dir).sites():
        table.add_row(
            site.domain,
            site.timezone,
            "yes" if site.honor_dnt else "no",
            ", ".join(site.allowed_hostnames) or "any",
        )
    console.print(table)


@sites.command("remove")
@click.argument("domain")
@DATA_DIR_OPTION
def sites_remove(domain: str, data_dir: Path | None) -> None:
    """Remove a site from the catalog (its stored events are kept)."""
    _catalog(data_dir).remove_site(domain)
    console.print(f"removed {domain}")


@sites.command("set")
@click.argument("domain")
@click.option("--timezone", default=None, help="IANA timezone for reports.")
@click.option("--honor-dnt/--ignore-dnt", default=None, help="Drop events sent with DNT or GPC.")
@click.option(
    "--allowed-hostnames",
    default=None,
    help="Comma-separated hostnames (or *.example.com) whose pages may send events.",
)
@DATA_DIR_OPTION
def sites_set(
    domain: str,
    timezone: str | None,
    honor_dnt: bool | None,
    allowed_hostnames: str | None,
    data_dir: Path | None,
) -> None:
    """Change a site's settings."""
    hosts = None
    if allowed_hostnames is not None:
        hosts = tuple(h.strip().lower() for h in allowed_hostnames.split(",") if h.strip())
    site = _catalog(data_dir).update_site(
        domain, timezone=timezone, honor_dnt=honor_dnt, allowed_hostnames=hosts
    )
    console.print(site)


@sites.command("snippet")
@click.argument("domain")
@click.option(
    "--url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="Where visitors' browsers reach this Footfall server.",
)
def sites_snippet(domain: str, url: str) -> None:
    """Print the script tag and no-JS pixel to paste into a site's pages."""
    from footfall.collector.snippets import snippets

    click.echo(snippets(domain, url))


@main.group()
def keys() -> None:
    """Create, list and revoke API keys (stats keys read, write keys send)."""


@keys.command("create")
@click.option("--site", "domain", required=True, help="The site the key belongs to.")
@click.option("--kind", type=click.Choice(["stats", "write"]), default="stats", show_default=True)
@click.option("--name", default="", help="A label to recognise the key by.")
@DATA_DIR_OPTION
def keys_create(domain: str, kind: str, name: str, data_dir: Path | None) -> None:
    """Create a key and print it (it is shown only once)."""
    click.echo(_catalog(data_dir).create_api_key(domain, kind, name))


@keys.command("list")
@click.option("--site", "domain", default=None)
@DATA_DIR_OPTION
def keys_list(domain: str | None, data_dir: Path | None) -> None:
    """List keys by prefix."""
    table = Table("prefix", "site", "kind", "name", "created")
    for key in _catalog(data_dir).api_keys(domain):
        table.add_row(key.prefix + "…", key.site_id, key.kind, key.name, key.created_at[:19])
    console.print(table)


@keys.command("revoke")
@click.argument("key_or_prefix")
@DATA_DIR_OPTION
def keys_revoke(key_or_prefix: str, data_dir: Path | None) -> None:
    """Revoke a key, given the key or its 12-character prefix."""
    if not _catalog(data_dir).revoke_api_key(key_or_prefix):
        raise click.ClickException("no such key")
    console.print("revoked")


_PROTOCOL_CHOICE = click.Choice(
    ["segment", "mixpanel", "posthog", "ga", "ga4", "umami", "snowplow"]
)


@keys.command("link")
@click.option("--site", "domain", required=True, help="The site the client's events go to.")
@click.option("--protocol", required=True, type=_PROTOCOL_CHOICE, help="The client's product.")
@click.option("--key", required=True, help="The token the client already sends (write key, …).")
@DATA_DIR_OPTION
def keys_link(domain: str, protocol: str, key: str, data_dir: Path | None) -> None:
    """Accept another product's client token for a site (docs/migrate/)."""
    _catalog(data_dir).link_protocol_key(domain, protocol, key)
    console.print(f"linked {protocol} key to {domain}")


@keys.command("unlink")
@click.option("--protocol", required=True, type=_PROTOCOL_CHOICE)
@click.option("--key", required=True)
@DATA_DIR_OPTION
def keys_unlink(protocol: str, key: str, data_dir: Path | None) -> None:
    """Stop accepting a linked client token."""
    if not _catalog(data_dir).unlink_protocol_key(protocol, key):
        raise click.ClickException("no such linked key")
    console.print("unlinked")


@keys.command("links")
@click.option("--site", "domain", default=None)
@DATA_DIR_OPTION
def keys_links(domain: str | None, data_dir: Path | None) -> None:
    """List linked client tokens."""
    table = Table("protocol", "key", "site")
    for protocol, key, site_id in _catalog(data_dir).protocol_keys(domain):
        table.add_row(protocol, key, site_id)
    console.print(table)


@main.group()
def users() -> None:
    """Dashboard accounts: create users, list them, give them sites."""


@users.command("create")
@click.option("--email", required=True)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given (8 characters or more).",
)
@click.option("--admin", is_flag=True, help="Administrators see and manage every site.")
@DATA_DIR_OPTION
def users_create(email: str, password: str, admin: bool, data_dir: Path | None) -> None:
    """Create a dashboard user."""
    from footfall.catalog.accounts import Accounts

    user = Accounts(_catalog(data_dir)).create_user(email, password, admin=admin)
    console.print(f"created {user.email}{' (admin)' if user.is_admin else ''}")


@users.command("list")
@DATA_DIR_OPTION
def users_list(data_dir: Path | None) -> None:
    """List dashboard users."""
    from footfall.catalog.accounts import Accounts

    table = Table("e-mail", "admin")
    for user in Accounts(_catalog(data_dir)).users():
        table.add_row(user.email, "yes" if user.is_admin else "")
    console.print(table)


@users.command("grant")
@click.argument("email")
@click.argument("domain")
@click.option("--role", type=click.Choice(["owner", "viewer"]), default="viewer", show_default=True)
@DATA_DIR_OPTION
def users_grant(email: str, domain: str, role: str, data_dir: Path | None) -> None:
    """Let a user see a site (viewer) or also manage it (owner)."""
    from footfall.catalog.accounts import Accounts

    Accounts(_catalog(data_dir)).grant(email, domain, role)
    console.print(f"{email} is now {role} of {domain}")


@users.command("password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@DATA_DIR_OPTION
def users_password(email: str, password: str, data_dir: Path | None) -> None:
    """Set a user's password (and log them out everywhere)."""
    from footfall.catalog.accounts import Accounts

    Accounts(_catalog(data_dir)).set_password(email, password)
    console.print(f"password changed for {email}")


@main.command()
@DATA_DIR_OPTION
@click.option("--site", default="demo.footfall.dev", show_default=True, help="Demo site domain.")
@click.option(
    "--events",
    type=int,
    default=300_000,
    show_default=True,
    help="How many events to generate (10,000,000 for benchmarks).",
)
@click.option("--days", type=int, default=30, show_default=True, help="Spread over this many days.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--if-empty", is_flag=True, help="Do nothing when the site already has events.")
def demo(
    data_dir: Path | None, site: str, events: int, days: int, seed: int, if_empty: bool
) -> None:
    """Generate realistic demo traffic (run it while the server is stopped)."""
    from footfall.demo import generate_demo

    settings = _settings(data_dir=data_dir)
    generate_demo(settings, site=site, events=events, days=days, seed=seed, if_empty=if_empty)


@main.command()
@click.option(
    "--url", default="http://127.0.0.1:8000", show_default=True, help="The running server to ask."
)
def status(url: str) -> None:
    """Show ingestion health of a running server: lag, stored events, drops by reason."""
    import httpx

    try:
        health = httpx.get(f"{url}/api/health", timeout=5).json()
        metrics = httpx.get(f"{url}/metrics", timeout=5).text
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach {url}: {exc}") from exc
    console.print(f"status: [bold]{health['status']}[/bold]  store: {health['store']}")
    console.print(f"writer: {health['writer']}")
    table = Table("metric", "value")
    for line in metrics.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            table.add_row(name, value)
    console.print(table)


def _register_query_commands() -> None:
    from footfall.query.cli import stats

    main.add_command(stats)


_register_query_commands()

if __name__ == "__main__":
    main()
