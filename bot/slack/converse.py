"""The one step every listener shares: a turn in, the reply rendered and delivered.

Listeners read the payload into a `Place` and a text or an `Action`; this module hands the turn
to the engine and the reply to the outbox. It decides nothing about what to answer.
"""

from __future__ import annotations

from bot.dialogue.replies import Reply
from bot.dialogue.state import ConversationKey
from bot.dialogue.turn import Action, Turn
from bot.slack import places
from bot.slack.blocks import render
from bot.slack.deps import Deps
from bot.slack.outbox import Outbox
from bot.slack.places import Place

HELP_INTENT = "help"


async def help_reply(deps: Deps, key: ConversationKey) -> Reply:
    """An empty mention or `/ask` alone: the curated help answer."""
    return deps.engine.answer_for(HELP_INTENT) or await deps.engine.handle(Turn(key, HELP_INTENT))


async def reply_to(deps: Deps, place: Place, text: str = "", action: Action | None = None) -> Reply:
    if action is None and not text.strip():
        return await help_reply(deps, place.key)
    return await deps.engine.handle(Turn(place.key, text, action))


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
    reply = await reply_to(deps, place, text, action)
    message = render(reply, deps.options(share=place.surface == "ephemeral"))
    await outbox.deliver(place, message, replace=replace)
    return reply
