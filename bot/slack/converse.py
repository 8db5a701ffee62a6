"""The one step every listener shares: a turn in, the reply rendered and delivered.

Listeners read the payload into a `Place` and a text or an `Action`; this module hands the turn
to the engine and the reply to the outbox. It decides nothing about what to answer.

Being the one place every reply passes, it is also where replies are observed: metrics (outcome,
intent, flow stage, engine time) and one JSON log line per turn. That line never holds what the
person typed unless ROLEBOT_LOG_TEXT=1.
"""

from __future__ import annotations

import logging
import time

from bot.slack import places
from bot.slack.blocks import render
from bot.slack.deps import Deps
from bot.slack.metrics import outcome_of
from bot.slack.outbox import Outbox
from bot.slack.places import Place
from bot.values.conversation import ConversationKey
from bot.values.replies import Reply
from bot.values.turn import Action

turns = logging.getLogger("bot.slack.turns")


async def help_reply(deps: Deps, key: ConversationKey) -> Reply:
    """An empty mention or `/ask` alone: the curated help answer."""
    return await deps.engine.help(key)


async def reply_to(deps: Deps, place: Place, text: str = "", action: Action | None = None) -> Reply:
    if action is None and not text.strip():
        return await help_reply(deps, place.key)
    return await deps.engine.handle(place.turn(text, action))


async def converse(
    deps: Deps,
    outbox: Outbox,
    place: Place,
    text: str = "",
    action: Action | None = None,
    replace: bool = False,
) -> Reply | None:
    """None only when App Home's DM could not be opened (already logged)."""
    if place.channel is None:  # App Home: the conversation it starts lives in the DM
        channel = await outbox.open_dm(place.user)
        if channel is None:
            return None
        place = places.dm(place.team, place.user, channel)
    started = time.perf_counter()
    reply = await reply_to(deps, place, text, action)
    engine_s = time.perf_counter() - started
    message = render(reply, deps.options(share=place.surface == "ephemeral"))
    await outbox.deliver(place, message, replace=replace)
    observe(deps, place, reply, engine_s, time.perf_counter() - started, text, action)
    return reply


def observe(
    deps: Deps,
    place: Place,
    reply: Reply,
    engine_s: float,
    total_s: float,
    text: str,
    action: Action | None,
) -> None:
    deps.metrics.reply(reply, engine_s)
    outcome, intent = outcome_of(reply)
    fields: dict[str, object] = {
        "team": place.team,
        "channel_type": places.channel_type(place.channel),
        "surface": place.surface,
        "input": "click" if action is not None else "text",
        "intent": intent,
        "outcome": outcome,
        "latency_ms": round(total_s * 1000, 1),  # engine and delivery to Slack
        "engine_ms": round(engine_s * 1000, 1),
    }
    if deps.settings.log_text and action is None:
        fields["text"] = text
    turns.info("reply", extra={"fields": fields})
