"""Messages in the DM with the bot (message.im); everything else that is a message is ignored.

Slack sends edits, deletions, joins and bot posts as message events too (subtypes, bot_id):
none of them is a question, and answering a bot could start a loop. The listener still has to
exist for them, or Bolt would answer 404 and Slack would retry.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import places
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.outbox import Outbox


def is_question(event: dict[str, Any], bot_user_id: str | None) -> bool:
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and event.get("user") != bot_user_id
    )


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_message(
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        if not is_question(event, context.bot_user_id) or not await deps.first_delivery(body):
            return
        place = places.from_event(event, context.team_id or "")
        text = places.clean_text(event.get("text", ""), context.bot_user_id)
        await converse(deps, Outbox(client, errors=deps.metrics), place, text)

    app.event("message")(on_message)
