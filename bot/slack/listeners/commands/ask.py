"""/ask TEXT: the answer, visible only to the asker, with a "Share in channel" button.

Acknowledged first (Slack gives 3 s), answered through response_url after. /ask alone shows
the help answer.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import places
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.outbox import Outbox


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_ask(
        ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        await ack()
        place = places.from_command(command)
        text = places.clean_text(command.get("text", ""), None)
        await converse(deps, Outbox(client, respond), place, text)

    app.command("/ask")(on_ask)
