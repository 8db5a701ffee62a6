"""A topic, related question or "did you mean" button: show that answer; or "None of these"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.dialogue.turn import Action
from bot.slack import ids, places
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.outbox import for_request


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_topic(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        await converse(
            deps,
            for_request(client, respond, body, deps.metrics),
            places.from_action(body),
            action=Action("show_intent", str(action.get("value", ""))),
        )

    async def on_none_of_these(
        ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        await converse(
            deps,
            for_request(client, respond, body, deps.metrics),
            places.from_action(body),
            action=Action("none_of_these"),
        )

    app.action(ids.prefixed(ids.SHOW_INTENT))(on_topic)
    app.action(ids.NONE_OF_THESE)(on_none_of_these)
