""" "Ask the experts" on a fallback: the question goes to ROLEBOT_ESCALATION_CHANNEL.

The question is escaped (it cannot ping anyone there), the asker is named by the id Slack
gives us, and a permalink leads the experts back to the conversation when there is one.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import ids, messages
from bot.slack.deps import Deps
from bot.slack.escape import escape
from bot.slack.listeners.actions import on_click
from bot.slack.outbox import ApiErrors, Outbox, call
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


async def on_escalate(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    experts = deps.settings.escalation_channel
    question = " ".join(ids.text(action, "q").split())
    if not experts or not question:
        return
    origin = await where_asked(outbox.client, place, deps.metrics)
    text = (
        f"*A question for the experts* from <@{place.user}>, asked in {origin}:\n"
        f">{escape(question)}"
    )
    posted = await outbox.post(experts, messages.plain(text), apologise=False)
    await outbox.whisper(
        place,
        messages.plain(
            f"I've passed your question to the experts in <#{experts}>; "
            "someone will get back to you."
            if posted
            else "Sorry, I couldn't reach the experts just now. Please try again later."
        ),
    )


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ids.ESCALATE)(on_click(deps, on_escalate))
