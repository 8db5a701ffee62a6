"""Button clicks (block_actions): topics, the guided flow, feedback, sharing, escalation,
"Show quotes"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import places
from bot.slack.deps import Deps
from bot.slack.outbox import Outbox, for_request
from bot.slack.places import Place

# handle(deps, outbox, place, action, body): what one button does once the click is acked
Handler = Callable[[Deps, Outbox, Place, dict[str, Any], dict[str, Any]], Awaitable[None]]


def on_click(deps: Deps, handle: Handler) -> Callable[..., Awaitable[None]]:
    """A Bolt listener for a button: ack first (Slack allows 3 s), then `handle` the click.

    Bolt passes a listener's arguments by parameter name, so `listener` must keep these names
    (and must not be wrapped with functools.wraps: Bolt would read the handler's signature).
    """

    async def listener(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        await ack()
        outbox = for_request(client, body, deps.metrics)
        await handle(deps, outbox, places.from_action(body), action, body)

    listener.__name__ = listener.__qualname__ = handle.__name__  # Bolt's logs name the listener
    return listener


def register(app: AsyncApp, deps: Deps) -> None:
    # imported here: each of these modules imports on_click from this package
    from bot.slack.listeners.actions import escalate, feedback, flow, quotes, share, topics

    topics.register(app, deps)
    flow.register(app, deps)
    feedback.register(app, deps)
    share.register(app, deps)
    escalate.register(app, deps)
    quotes.register(app, deps)
