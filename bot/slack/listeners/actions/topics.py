"""A topic, related question or "did you mean" button: show that answer; or "None of these"."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import ids
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.listeners.actions import on_click
from bot.slack.outbox import Outbox
from bot.slack.places import Place
from bot.values.turn import Action


async def on_topic(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    await converse(deps, outbox, place, action=Action("show_intent", str(action.get("value", ""))))


async def on_none_of_these(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    await converse(deps, outbox, place, action=Action("none_of_these"))


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ids.prefixed(ids.SHOW_INTENT))(on_click(deps, on_topic))
    app.action(ids.NONE_OF_THESE)(on_click(deps, on_none_of_these))
