"""The guided assessment's buttons: start, an answer, Back, Restart, Cancel, "Why do you ask?".

In a DM or thread a click first updates the clicked question (its buttons replaced by what was
chosen, so the answer stays visible), then the next question is posted. In an ephemeral reply
the next question replaces the clicked one (its "Answered so far" keeps the answers visible).
An assessment started from App Home, a private reply or a channel post continues in the DM.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import ids, messages, places
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.escape import escape
from bot.slack.listeners.actions import on_click
from bot.slack.outbox import Outbox
from bot.slack.places import Place
from bot.values.turn import Action, ActionKind

STEP_KINDS: dict[str, ActionKind] = {
    ids.FLOW_ANSWER: "flow_answer",
    ids.FLOW_BACK: "flow_back",
    ids.FLOW_RESTART: "flow_restart",
    ids.FLOW_CANCEL: "flow_cancel",
    ids.FLOW_WHY: "flow_why",
}
NOTES = {
    "flow_back": "\u21a9\ufe0f You went back a question.",
    "flow_restart": "\U0001f504 You restarted the assessment.",
    "flow_cancel": "\u2716\ufe0f You cancelled the assessment.",
}
_STEP = re.compile(rf"^({'|'.join(map(re.escape, STEP_KINDS))})(:.*)?$")


def chosen_note(kind: ActionKind, action: dict[str, Any]) -> str | None:
    if kind == "flow_answer":
        label = (action.get("text") or {}).get("text") or action.get("value", "")
        return f"\u2705 You answered: *{escape(str(label))}*"
    return NOTES.get(kind)


async def in_dm(outbox: Outbox, place: Place) -> Place | None:
    channel = await outbox.open_dm(place.user)
    if channel is None:
        await outbox.apologise(place)
        return None
    if place.surface in ("ephemeral", "channel"):
        await outbox.whisper(
            place, messages.plain("I've sent you the first question in a direct message.")
        )
    return places.dm(place.team, place.user, channel)


async def on_start(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    where: Place | None = place
    if not place.in_chat:
        where = await in_dm(outbox, place)
    if where is not None:
        await converse(deps, outbox, where, action=Action("flow_start"))


async def on_step(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    found = _STEP.match(str(action.get("action_id", "")))
    if found is None:
        return
    kind = STEP_KINDS[found.group(1)]
    message = body.get("message") or {}
    note = chosen_note(kind, action)
    if place.in_chat and place.channel and place.message_ts and note and message.get("blocks"):
        await outbox.update(
            place.channel,
            place.message_ts,
            {
                "text": message.get("text") or "Role-fit assessment",
                "blocks": messages.answered(message["blocks"], note),
            },
        )
    replace = place.surface == "ephemeral" and kind != "flow_why"
    await converse(
        deps, outbox, place, action=Action(kind, str(action.get("value", ""))), replace=replace
    )


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ids.prefixed(ids.FLOW_START))(on_click(deps, on_start))
    app.action(_STEP)(on_click(deps, on_step))
