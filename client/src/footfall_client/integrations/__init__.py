"""Framework integrations: WSGI (Django, Flask) and ASGI (FastAPI, Starlette) middleware."""

from .asgi import FootfallASGIMiddleware
from .rules import PageviewRules, client_ip, is_bot, is_static
from .wsgi import FootfallWSGIMiddleware

__all__ = [
    "FootfallASGIMiddleware",
    "FootfallWSGIMiddleware",
    "PageviewRules",
    "client_ip",
    "is_bot",
    "is_static",
]
