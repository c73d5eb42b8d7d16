"""The dashboard's URL map. Every handler is wrapped by `security.endpoint` (headers, CSRF
on POST and DELETE, friendly errors); JSON endpoints answer errors in JSON. Product pages
and their endpoints exist under /sites/ only, never under a shared link's /share/."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.routing import Route

from footfall.catalog.sqlite import Site
from footfall.web.dashboard.api import api_handlers
from footfall.web.dashboard.assets import serve_asset
from footfall.web.dashboard.auth import auth_handlers
from footfall.web.dashboard.pages import page_handlers
from footfall.web.dashboard.product import product_handlers
from footfall.web.dashboard.product_pages import PAGES as PRODUCT_PAGES
from footfall.web.dashboard.product_pages import product_page_handlers
from footfall.web.dashboard.security import endpoint
from footfall.web.dashboard.share import share_handlers
from footfall.web.dashboard.state import Dashboard

GET, BOTH = ["GET"], ["GET", "POST"]


def dashboard_routes(ctx: Any) -> list[Route]:
    dash = Dashboard(ctx)
    auth, pages, share = auth_handlers(dash), page_handlers(dash), share_handlers(dash)
    product_pages = product_page_handlers(dash)

    def resolve(request: Request) -> Site:
        return dash.site_for(request, request.path_params["domain"])[0]

    api = api_handlers(dash, resolve)

    def page(path: str, handler: Any, methods: list[str] = GET) -> Route:
        return Route(path, endpoint(dash, handler), methods=methods)

    def json(path: str, handler: Any, methods: list[str] = GET) -> Route:
        return Route(path, endpoint(dash, handler, json=True), methods=methods)

    return [
        Route("/static/{name:str}", endpoint(dash, serve_asset), methods=GET),
        page("/", auth["home"]),
        page("/setup", auth["setup"], BOTH),
        page("/login", auth["login"], BOTH),
        page("/logout", auth["logout"], ["POST"]),
        page("/sites", pages["sites"]),
        page("/sites/new", pages["new_site"], BOTH),
        page("/sites/{domain}", pages["dashboard"]),
        page("/sites/{domain}/details", pages["details"]),
        page("/sites/{domain}/live", pages["live"]),
        page("/sites/{domain}/settings", pages["settings"], BOTH),
        *(page(f"/sites/{{domain}}/{view}", product_pages[view]) for view in PRODUCT_PAGES),
        page("/sites/{domain}/people/{person:path}", product_pages["person"]),
        *(json(f"/sites/{{domain}}/api/{name}", handler) for name, handler in api.items()),
        *(
            json(f"/sites/{{domain}}/api/product{path}", handler, methods)
            for path, methods, handler in product_handlers(dash)
        ),
        page("/share/{token}", share["dashboard"]),
        page("/share/{token}/unlock", share["unlock"], ["POST"]),
        page("/share/{token}/details", share["details"]),
        page("/share/{token}/live", share["live"]),
        *(
            json(f"/share/{{token}}/api/{name[4:]}", handler)
            for name, handler in share.items()
            if name.startswith("api_")
        ),
    ]
