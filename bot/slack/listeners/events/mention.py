"""@rolebot in a channel: answered in a thread under the question, which is the conversation."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import places
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.outbox import Outbox


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_mention(
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        if event.get("bot_id") or event.get("subtype") or not event.get("user"):
            return  # another bot (or an edit) mentioning us: never answer bots
        if not await deps.first_delivery(body):
            return
        place = places.from_event(event, context.team_id or "")
        text = places.clean_text(event.get("text", ""), context.bot_user_id)
        await converse(deps, Outbox(client, errors=deps.metrics), place, text)

    app.event("app_mention")(on_mention)
