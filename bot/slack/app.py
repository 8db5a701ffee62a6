"""Building the Bolt AsyncApp: the Web API client, authorization, middleware and listeners.

What it owns: the client's retry policy (rate limits honour Retry-After, transient 5xx and
dropped connections are retried; Bolt adds none of these by default), event de-duplication
(Slack retries an event it thinks we missed; a retry must never answer twice: the event
listeners ask `Deps.first_delivery` once they have been acked), counting
requests by kind, the last-resort error handler, and registering every listener folder. It
holds no dialogue logic.

`build_app` returns a `SlackApp`: Bolt's AsyncApp carrying the `Deps` its listeners share and
the tracker of work still running after acks, which the server needs for /readyz, /metrics,
reloads and a graceful shutdown.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import EngineHolder
from bot.settings import SlackSettings
from bot.slack.deps import Deps
from bot.slack.identity import BotIdentity
from bot.slack.inflight import InFlight, track_listener_work
from bot.slack.listeners import actions, commands, events, views
from bot.slack.metrics import Metrics
from bot.slack.outbox import APOLOGY, Outbox, call

logger = logging.getLogger("bot.slack")


def build_client(settings: SlackSettings) -> AsyncWebClient:
    """No token here: each request's client gets the bot token from `authorize`."""
    return AsyncWebClient(
        base_url=settings.api_url,
        timeout=10,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=2),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )


class SlackApp(AsyncApp):
    """Bolt's AsyncApp plus what the server around it needs from the same build."""

    def __init__(self, deps: Deps, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.deps = deps
        self.in_flight: InFlight = track_listener_work(self, deps.settings.max_in_flight)
        deps.metrics.in_progress.set_function(lambda: len(self.in_flight))


def build_app(
    settings: SlackSettings,
    engines: EngineHolder,
    identity: BotIdentity | None = None,
    metrics: Metrics | None = None,
) -> SlackApp:
    """The Bolt app over `engines` (the live engine, the store it runs on, and the content
    folder to reload from)."""
    identity = identity or BotIdentity(settings.bot_token.get_secret_value())
    deps = Deps(engines, settings, identity, metrics or Metrics())
    deps.metrics.count_store_errors(lambda: engines.store_errors.counts)
    deps.metrics.watch_understanding(lambda: engines.current.semantic_available)

    async def authorize(client: AsyncWebClient) -> AuthorizeResult:
        return await identity.load(client)

    app = SlackApp(
        deps,
        client=build_client(settings),
        signing_secret=settings.signing_secret.get_secret_value(),
        authorize=authorize,
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    app.middleware(_count_requests(deps.metrics))
    app.error(_on_error(deps.metrics))
    for folder in (events, commands, actions, views):
        folder.register(app, deps)
    return app


def _count_requests(metrics: Metrics) -> Any:
    async def count_requests(
        body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        metrics.request(body)
        return await next()

    return count_requests


def _on_error(metrics: Metrics) -> Any:
    async def on_error(
        error: Exception, body: dict[str, Any], client: AsyncWebClient, context: Any
    ) -> None:
        """A listener raised: log what failed (no payload, no token) and apologise if we can."""
        logger.error(
            "listener failed: %s: %s",
            type(error).__name__,
            error,
            exc_info=(type(error), error, error.__traceback__),
        )
        if context.get("response_url"):
            await Outbox(client, context["response_url"], metrics).ephemeral({"text": APOLOGY})
            return
        event = body.get("event") or {}
        channel = event.get("channel")
        if channel and client.token:
            thread_ts = event.get("thread_ts") or (
                None if channel.startswith("D") else event.get("ts")
            )
            extra = {"thread_ts": thread_ts} if thread_ts else {}
            await call(client.chat_postMessage, metrics, channel=channel, text=APOLOGY, **extra)

    return on_error
