"""Sending replies: every Web API write the listeners make, with one policy for failures.

Rate limits (429, honouring Retry-After) and transient 5xx are retried by the client's retry
handlers (app.py). Anything else Slack refuses is logged as `method: error code` (never the
token, never the message text), and counted by method and error code when an `ApiErrors`
sink is given (the app's metrics), and the person gets a short apology where one can still be
delivered. Listeners call `deliver(place, message)` and never talk to the client for replies.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.slack import messages
from bot.slack.places import Place

logger = logging.getLogger("bot.slack")

APOLOGY = "Sorry, something went wrong on my side while answering. Please try again in a minute."


class ApiErrors(Protocol):
    """Where failed calls are counted (bot.slack.metrics.Metrics)."""

    def slack_api_error(self, method: str, error: str) -> None: ...


async def call(
    method: Callable[..., Awaitable[Any]], errors: ApiErrors | None = None, /, **kwargs: Any
) -> Any | None:
    """One Web API call; on failure log `chat.postMessage: not_in_channel` and return None."""
    name = method.__name__.replace("_", ".", 1)
    try:
        return await method(**kwargs)
    except SlackApiError as exc:
        code = str(exc.response.get("error", "unknown_error"))
    except (TimeoutError, aiohttp.ClientError) as exc:
        code = type(exc).__name__
    logger.error("Slack API %s failed: %s", name, code)
    if errors is not None:
        errors.slack_api_error(name, code)
    return None


@dataclass(frozen=True)
class Outbox:
    """The replies of one request: the per-request client plus response_url when there is one."""

    client: AsyncWebClient
    response_url: str | None = None
    errors: ApiErrors | None = None

    async def deliver(
        self, place: Place, message: dict[str, Any], replace: bool = False
    ) -> str | None:
        """Show `message` to the person at `place`; returns the ts of a posted message."""
        if place.surface in ("ephemeral", "channel"):
            await self.whisper(place, message, replace=replace)
            return None
        channel = place.channel
        if channel is None:  # App Home: the conversation continues in the DM
            channel = await self.open_dm(place.user)
            if channel is None:
                return None
        return await self.post(channel, message, thread_ts=place.thread_ts)

    async def whisper(self, place: Place, message: dict[str, Any], replace: bool = False) -> None:
        """Only the person at `place` sees it: response_url if we have one, else postEphemeral."""
        if await self.ephemeral(message, replace=replace):
            return
        if place.channel:
            extra = {"thread_ts": place.thread_ts} if place.thread_ts else {}
            await call(
                self.client.chat_postEphemeral,
                self.errors,
                channel=place.channel,
                user=place.user,
                **message,
                **extra,
            )
            return
        channel = await self.open_dm(place.user)
        if channel:
            await self.post(channel, message, apologise=False)

    async def post(
        self,
        channel: str,
        message: dict[str, Any],
        thread_ts: str | None = None,
        apologise: bool = True,
    ) -> str | None:
        extra = {"thread_ts": thread_ts} if thread_ts else {}
        sent = await call(
            self.client.chat_postMessage, self.errors, channel=channel, **message, **extra
        )
        if sent is not None:
            return str(sent.get("ts"))
        if apologise:
            await call(
                self.client.chat_postMessage, self.errors, channel=channel, text=APOLOGY, **extra
            )
        return None

    async def ephemeral(self, message: dict[str, Any], replace: bool = False) -> bool:
        return await self._respond(**message, response_type="ephemeral", replace_original=replace)

    async def delete_original(self) -> bool:
        """Remove the ephemeral message a button was clicked in (after sharing it publicly)."""
        return await self._respond(delete_original=True)

    async def _respond(self, **kwargs: Any) -> bool:
        """response_url, with failures logged and counted like every other Slack call.

        Not Bolt's `respond`: that opens a new HTTP session, so a new TCP (and TLS) connection,
        for every reply. This goes through the Web API client's session, timeout and retry
        policy. A refused post (an expired or used-up URL) is a failure too, so `whisper`
        falls back to chat.postEphemeral rather than losing the reply.
        """
        if not self.response_url:
            return False
        webhook = AsyncWebhookClient(
            self.response_url,
            timeout=self.client.timeout,
            ssl=self.client.ssl,
            proxy=self.client.proxy,
            session=self.client.session,
            retry_handlers=self.client.retry_handlers,
        )
        try:
            sent = await webhook.send_dict(kwargs)
        except (TimeoutError, aiohttp.ClientError) as exc:
            code = type(exc).__name__
        else:
            if sent.status_code < 400:
                return True
            body = (sent.body or "").strip()
            code = body if re.fullmatch(r"[a-z_]{1,64}", body) else f"HTTP {sent.status_code}"
        logger.error("response_url failed: %s", code)
        if self.errors is not None:
            self.errors.slack_api_error("response_url", code)
        return False

    async def update(self, channel: str, ts: str, message: dict[str, Any]) -> bool:
        updated = await call(
            self.client.chat_update, self.errors, channel=channel, ts=ts, **message
        )
        return updated is not None

    async def open_dm(self, user: str) -> str | None:
        opened = await call(self.client.conversations_open, self.errors, users=user)
        return None if opened is None else str(opened["channel"]["id"])

    async def apologise(self, place: Place) -> None:
        await self.whisper(place, messages.plain(APOLOGY))


def for_request(
    client: AsyncWebClient, body: dict[str, Any], errors: ApiErrors | None = None
) -> Outbox:
    """Clicks from App Home carry no response_url: their replies go through the Web API."""
    return Outbox(client, body.get("response_url") or None, errors)
