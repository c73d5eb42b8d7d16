"""``Provider``: the one client object, with analytical's and Segment's calls on it."""

from __future__ import annotations

import atexit
import secrets
import threading
import time
import weakref
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

from ._version import __version__
from .dispatch import Reporter, Sender, SyncDispatcher, ThreadedDispatcher, _Core
from .errors import InvalidMessageError, UnknownProviderError
from .message import Message, Timestamp, event_message, finalize, pageview_message, spec_message
from .options import split_options
from .providers import REGISTRY, Destination
from .retry import RetryPolicy
from .transport import HTTPTransport

LIBRARY = {"name": "footfall-client", "version": __version__}
_PROCESS_SECRET = secrets.token_hex(16)

Props = Mapping[str, Any] | None


class AliasArguments(TypedDict, total=False):
    context: Mapping[str, Any]
    timestamp: Timestamp
    integrations: Mapping[str, Any]
    message_id: str


class IdentifyArguments(AliasArguments, total=False):
    anonymous_id: Any


class CallArguments(IdentifyArguments, total=False):
    """The keyword arguments every Segment-style call takes."""

    user_id: Any


_COMMON_ARGUMENTS = frozenset(CallArguments.__annotations__)


class Provider:
    """Send pageviews and events to one analytics platform from server-side Python.

    ``Provider(name, id, **options)``: ``name`` is a key of :data:`REGISTRY` (``footfall``,
    ``plausible``, ``ga4``, ``googleanalytics``, ``mixpanel``, ``segment``, ``posthog``,
    ``memory``, ``null``); ``id`` is what that platform calls the site or project (write key,
    domain, measurement id, token …). Calls return at once: messages go on a bounded queue and one
    background thread sends them in batches. They return ``False`` only when the message was
    dropped (queue full, or in sync mode not delivered). See ``docs/client.md`` for the options.
    """

    def __init__(self, name: str, id: str = "", **options: Any) -> None:
        try:
            destination_class = REGISTRY[name]
        except (KeyError, TypeError):
            raise UnknownProviderError(str(name), list(REGISTRY)) from None
        settings, own = split_options(name, options, destination_class.options)
        if "anonymize_ip" in destination_class.options:
            own.setdefault("anonymize_ip", settings.anonymize_ip)
        self.name = name
        self.settings = settings
        self.destination: Destination = destination_class(id, host=settings.host, **own)
        self._secret = settings.client_id_secret or _PROCESS_SECRET
        reporter = Reporter(name, settings.on_error)
        self._reporter = reporter
        core = _Core(self.destination, self._finalize, reporter, settings.flush_at)
        policy = RetryPolicy(
            max_retries=settings.max_retries,
            base=settings.backoff_base,
            cap=settings.backoff_cap,
            max_retry_after=settings.max_retry_after,
        )
        sender = Sender(
            self.destination,
            settings.transport or HTTPTransport(),
            reporter,
            policy=policy,
            timeout=settings.timeout,
            abort=threading.Event(),
        )
        self._dispatch: SyncDispatcher | ThreadedDispatcher
        if settings.sync or self.destination.sync_only:
            self._dispatch = SyncDispatcher(core, sender, fail_silently=settings.fail_silently)
        else:
            self._dispatch = ThreadedDispatcher(
                core,
                sender,
                max_queue_size=settings.max_queue_size,
                flush_interval=settings.flush_interval,
            )
            atexit.register(_shutdown, weakref.ref(self._dispatch), settings.shutdown_timeout)

    def __repr__(self) -> str:
        return f"<Provider {self.name!r} sync={isinstance(self._dispatch, SyncDispatcher)}>"

    @property
    def stats(self) -> dict[str, int]:
        """Counts so far: delivered, dropped, failed, rejected, retries, requests."""
        return self._reporter.stats.snapshot()

    def _finalize(self, message: Message) -> Message:
        secret = self._secret
        if self.settings.rotate_client_id:
            secret = f"{secret}${time.strftime('%Y-%m-%d', time.gmtime())}"
        return finalize(
            message,
            library=LIBRARY,
            client_id_secret=secret,
            anonymize_ip=self.settings.anonymize_ip,
            anonymize_ua=self.settings.anonymize_user_agent,
        )

    # -- analytical-style calls -------------------------------------------------------------

    def pageview(self, params: Props = None) -> bool:
        """A pageview from ``url``/``dl``, ``title``/``dt``, ``referrer``/``dr``,
        ``user_agent``/``ua``, ``ip``/``uip``, ``client_id``/``cid``, ``user_id``/``uid``;
        other keys become properties."""
        return self._dispatch.put(pageview_message(params, time.time()))

    def event(self, params: Props = None) -> bool:
        """A custom event named by ``name`` (or ``action``/``ea``), with ``category``/``ec``,
        ``label``/``el``, ``value``/``ev`` and ``props``; page and visitor keys as for
        :meth:`pageview`."""
        return self._dispatch.put(event_message(params, time.time()))

    # -- Segment-style calls ----------------------------------------------------------------
    # Each takes the keyword arguments user_id, anonymous_id, context, timestamp, integrations
    # and message_id (alias: no ids), with the meaning the Segment spec gives them.

    def track(self, event: str, properties: Props = None, **common: Unpack[CallArguments]) -> bool:
        """A custom event: ``track("Signed Up", {"plan": "pro"}, user_id="42")``."""
        if not isinstance(event, str) or not event:
            raise InvalidMessageError("track() needs an event name")
        return self._put("track", common, event=event, properties=properties or {})

    def identify(
        self, user_id: Any = None, traits: Props = None, **common: Unpack[IdentifyArguments]
    ) -> bool:
        """Who the user is: ``identify("42", {"plan": "pro"})``."""
        if user_id is None and common.get("anonymous_id") is None:
            raise InvalidMessageError("identify() needs a user_id or an anonymous_id")
        return self._put("identify", {**common, "user_id": user_id}, traits=traits or {})

    def page(
        self,
        name: str | None = None,
        properties: Props = None,
        *,
        category: str | None = None,
        **common: Unpack[CallArguments],
    ) -> bool:
        """A pageview: ``page("Pricing", {"url": "https://example.com/pricing"})``."""
        fields = {"name": name, "category": category, "properties": properties or {}}
        return self._put("page", common, **fields)

    def screen(
        self,
        name: str | None = None,
        properties: Props = None,
        *,
        category: str | None = None,
        **common: Unpack[CallArguments],
    ) -> bool:
        """A mobile or desktop screen view: ``screen("Settings", user_id="42")``."""
        fields = {"name": name, "category": category, "properties": properties or {}}
        return self._put("screen", common, **fields)

    def group(self, group_id: Any, traits: Props = None, **common: Unpack[CallArguments]) -> bool:
        """Put the user in a company or team: ``group("acme", {"seats": 5}, user_id="42")``."""
        if group_id is None or group_id == "":
            raise InvalidMessageError("group() needs a group_id")
        return self._put("group", common, groupId=str(group_id), traits=traits or {})

    def alias(self, previous_id: Any, user_id: Any, **common: Unpack[AliasArguments]) -> bool:
        """Link an earlier id to a user id: ``alias("visitor-7", "42")``."""
        if not previous_id or not user_id:
            raise InvalidMessageError("alias() needs a previous_id and a user_id")
        if {"anonymous_id", "user_id"} & common.keys():
            raise InvalidMessageError("alias() takes its ids as positional arguments")
        return self._put("alias", {**common, "user_id": user_id}, previousId=str(previous_id))

    def _put(self, kind: str, common: Mapping[str, Any], **fields: Any) -> bool:
        unknown = common.keys() - _COMMON_ARGUMENTS
        if unknown:
            raise InvalidMessageError(
                f"{kind}() got unexpected argument(s) {', '.join(sorted(unknown))}; "
                f"accepted: {', '.join(sorted(_COMMON_ARGUMENTS))}"
            )
        message = spec_message(kind, time.time(), **common, **fields)
        return self._dispatch.put(message)

    # -- lifecycle --------------------------------------------------------------------------

    def flush(self, timeout: float | None = None) -> bool:
        """Block until everything queued so far is sent or given up on. ``False`` on timeout."""
        return self._dispatch.flush(timeout)

    def shutdown(self, timeout: float | None = None) -> None:
        """Flush, then stop the background thread. Called at interpreter exit automatically."""
        self._dispatch.shutdown(self.settings.shutdown_timeout if timeout is None else timeout)

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


def _shutdown(ref: weakref.ref[ThreadedDispatcher], timeout: float) -> None:
    dispatcher = ref()
    if dispatcher is not None:
        dispatcher.shutdown(timeout)
