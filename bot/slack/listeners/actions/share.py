""" "Share in channel": post a private answer (or a DM'd assessment result) publicly.

The public copy says who shared it, using the clicker's user id from Slack's payload, never
anything typed. A private answer is removed once shared; a failure (the bot is not in that
channel) is explained to the sharer alone.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import assessment, ids, messages
from bot.slack.blocks import render
from bot.slack.deps import Deps
from bot.slack.listeners.actions import on_click
from bot.slack.outbox import Outbox
from bot.slack.places import Place
from bot.values.replies import Reply

_CHANNEL = re.compile(r"^[CGD][A-Z0-9]+$")


async def on_share(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    value = ids.unpack(action.get("value"))
    reply: Reply | None
    if isinstance(value.get("a"), dict):
        target = str(value.get("c") or place.channel or "")
        reply = assessment.result_for(deps.engine, {str(k): str(v) for k, v in value["a"].items()})
    else:
        target = place.channel or ""
        reply = deps.engine.answer_for(str(value.get("i") or ""), str(value.get("q") or ""))
    if reply is None or not _CHANNEL.match(target):
        await outbox.whisper(place, messages.plain("Sorry, I can't share that any more."))
        return
    posted = await outbox.post(
        target, render(reply, deps.options(shared_by=place.user)), apologise=False
    )
    if posted is None:
        await outbox.whisper(
            place,
            messages.plain(
                f"I couldn't post in <#{target}>. If it is a private channel, add me with "
                "`/invite @rolebot` and try again."
            ),
        )
    elif place.surface == "ephemeral" and outbox.response_url:
        await outbox.delete_original()
    else:
        await outbox.whisper(place, messages.plain(f"Shared in <#{target}>."))


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ids.SHARE)(on_click(deps, on_share))
