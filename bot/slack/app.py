"""Building the Bolt AsyncApp: the Web API client, authorization, middleware and listeners.

What it owns: the client's retry policy (rate limits honour Retry-After, transient 5xx and
dropped connections are retried; Bolt adds none of these by default), event de-duplication
(Slack retries an event it thinks we missed; a retry must never answer twice), the last-resort
error handler, and registering every listener folder. It holds no dialogue logic.
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

from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.slack.deps import DEDUPE_TTL_S, Deps
from bot.slack.identity import BotIdentity
from bot.slack.listeners import actions, commands, events, views
from bot.slack.outbox import APOLOGY, Outbox, call
from bot.store.base import StoreUnavailable

logger = logging.getLogger("bot.slack")


def build_client(settings: Settings) -> AsyncWebClient:
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


def build_app(settings: Settings, engine: Engine, identity: BotIdentity | None = None) -> AsyncApp:
    identity = identity or BotIdentity(settings.bot_token)

    async def authorize(client: AsyncWebClient) -> AuthorizeResult:
        return await identity.load(client)

    app = AsyncApp(
        client=build_client(settings),
        signing_secret=settings.signing_secret,
        authorize=authorize,
        process_before_response=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    deps = Deps(engine, settings, identity)
    app.middleware(_first_delivery_only(deps))
    app.error(_on_error)
    for folder in (events, commands, actions, views):
        folder.register(app, deps)
    return app


def _first_delivery_only(deps: Deps) -> Any:
    async def first_delivery_only(
        body: dict[str, Any], next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        """Slack retries an event when our ack was late or lost: acknowledge it, do nothing."""
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            try:
                first = await deps.engine.store.first_delivery(str(event_id), DEDUPE_TTL_S)
            except StoreUnavailable:
                first = True  # better a rare double answer than none at all
            if not first:
                logger.info("event %s already handled; ignoring the retry", event_id)
                return BoltResponse(status=200, body="")
        return await next()

    return first_delivery_only


async def _on_error(
    error: Exception, body: dict[str, Any], client: AsyncWebClient, respond: Any, context: Any
) -> None:
    """A listener raised: log what failed (no payload, no token) and apologise if we can."""
    logger.error(
        "listener failed: %s: %s",
        type(error).__name__,
        error,
        exc_info=(type(error), error, error.__traceback__),
    )
    if context.get("response_url"):
        await Outbox(client, respond).ephemeral({"text": APOLOGY})
        return
    event = body.get("event") or {}
    channel = event.get("channel")
    if channel and client.token:
        thread_ts = event.get("thread_ts") or (None if channel.startswith("D") else event.get("ts"))
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        await call(client.chat_postMessage, channel=channel, text=APOLOGY, **extra)
