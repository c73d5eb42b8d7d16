"""Assemble the ASGI application and run it with uvicorn.

The collector answers the ingestion paths itself; every other path goes to a
Starlette app (stats API, tracker script, dashboard).
"""

from __future__ import annotations

import logging
import signal

import uvicorn
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from footfall.collector.app import CollectorApp
from footfall.collector.script import script_routes
from footfall.context import AppContext
from footfall.product.automations import AutomationRunner
from footfall.product.engine import ProductEngine
from footfall.settings import Settings
from footfall.web.dashboard import dashboard_routes
from footfall.web.product_api import product_routes
from footfall.web.stats_api import stats_routes

log = logging.getLogger("footfall")


def build_routes(ctx: AppContext) -> list[BaseRoute]:
    return [*script_routes(), *stats_routes(ctx), *product_routes(ctx), *dashboard_routes(ctx)]


def build_app(ctx: AppContext) -> CollectorApp:
    fallback = Starlette(routes=build_routes(ctx))
    return CollectorApp(ctx, fallback)


def _print_setup_link(ctx: AppContext, settings: Settings) -> None:
    """With no account yet, print a one-time link to the setup page (the token guards it)."""
    from footfall.catalog.accounts import Accounts

    accounts = Accounts(ctx.catalog)
    if not accounts.has_users():
        token = accounts.new_setup_token()
        url = f"http://{settings.host}:{settings.port}/setup?token={token}"
        print(f"No account yet: create the first one at {url}", flush=True)


def start_automations(ctx: AppContext) -> AutomationRunner:
    """The background thread that notifies when people enter saved cohorts."""
    runner = AutomationRunner(ProductEngine(ctx.store, ctx.catalog), ctx.catalog, ctx.clock)
    runner.start()
    return runner


def serve(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    ctx = AppContext(settings)
    app = build_app(ctx)
    automations = start_automations(ctx)
    _print_setup_link(ctx, settings)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        loop="auto",
        http="auto",
        lifespan="off",
        access_log=False,
        log_level=settings.log_level,
        server_header=False,
    )
    # uvicorn re-raises the stop signal once it has shut down; answer it with a no-op so
    # the writer can drain the spool into the store and the process exits cleanly.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *_: None)
    try:
        uvicorn.Server(config).run()
    finally:
        automations.stop()
        ctx.close()
        log.info("stopped; every accepted event is stored")
