""" "Ask the experts" on a fallback: the question goes to ROLEBOT_ESCALATION_CHANNEL.

The question is escaped (it cannot ping anyone there), the asker is named by the id Slack
gives us, and a permalink leads the experts back to the conversation when there is one.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks, ids, places
from bot.slack.deps import Deps
from bot.slack.escape import escape
from bot.slack.outbox import ApiErrors, call, for_request
from bot.slack.places import Place


async def where_asked(client: AsyncWebClient, place: Place, errors: ApiErrors | None = None) -> str:
    if place.channel and place.message_ts:
        found = await call(
            client.chat_getPermalink, errors, channel=place.channel, message_ts=place.message_ts
        )
        if found is not None and found.get("permalink"):
            return f"<{found['permalink']}|this conversation>"
    if place.channel and not place.channel.startswith("D"):
        return f"<#{place.channel}>"
    return "a direct message"


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_escalate(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        experts = deps.settings.escalation_channel
        question = " ".join(str(ids.unpack(action.get("value")).get("q") or "").split())
        place = places.from_action(body)
        outbox = for_request(client, respond, body, deps.metrics)
        if not experts or not question:
            return
        origin = await where_asked(client, place, deps.metrics)
        text = (
            f"*A question for the experts* from <@{place.user}>, asked in {origin}:\n"
            f">{escape(question)}"
        )
        posted = await outbox.post(experts, blocks.plain(text), apologise=False)
        await outbox.whisper(
            place,
            blocks.plain(
                f"I've passed your question to the experts in <#{experts}>; "
                "someone will get back to you."
                if posted
                else "Sorry, I couldn't reach the experts just now. Please try again later."
            ),
        )

    app.action(ids.ESCALATE)(on_escalate)
