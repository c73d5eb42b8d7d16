"""The web dashboard: accounts, sites, the per-site dashboard, live feed and shared links.

Mount with `routes.extend(dashboard_routes(ctx))`; see docs/dashboard.md.
"""

from footfall.web.dashboard.routes import dashboard_routes

__all__ = ["dashboard_routes"]
