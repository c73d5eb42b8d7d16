"""The product analytics pages: shells for people, a person, events, funnels, retention,
paths and cohorts that their JS modules fill from the product endpoints (product.py).

Logged-in users of the site only (`site_for`); shared links have none of these pages.
Each page names its own script, so a page loads only the modules it uses.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from footfall.web.dashboard.security import Problem
from footfall.web.dashboard.state import Dashboard

Handler = Callable[[Request], Awaitable[Response]]

# view: (template, title, script)
PAGES = {
    "people": ("people.html", "people", "people.js"),
    "events": ("events.html", "events", "reports.js"),
    "funnels": ("funnels.html", "funnels", "funnels.js"),
    "retention": ("retention.html", "retention", "reports.js"),
    "paths": ("paths.html", "paths", "reports.js"),
    "cohorts": ("cohorts.html", "cohorts", "cohorts.js"),
}


def product_page_handlers(dash: Dashboard) -> dict[str, Handler]:
    def render(
        request: Request, view: str, template: str, title: str, script: str, **extra: Any
    ) -> Response:
        site, role = dash.site_for(request, request.path_params["domain"])
        context = {**dash.site_page(site, role, title), "view": view, "script": script, **extra}
        return dash.render(request, template, context)

    def shell(view: str) -> Handler:
        template, title, script = PAGES[view]

        async def handler(request: Request) -> Response:
            return render(request, view, template, title, script)

        return handler

    async def person(request: Request) -> Response:
        person_id = request.path_params["person"]
        if not person_id:
            raise Problem(404, "No such person.")
        return render(request, "people", "person.html", person_id, "people.js", person=person_id)

    return {**{view: shell(view) for view in PAGES}, "person": person}
