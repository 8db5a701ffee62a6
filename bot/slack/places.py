"""Where a Slack conversation lives, read from an event, a command or a click.

One rule for every surface, so a flow started in one request continues in the next:
  - a channel mention is answered in a thread; the conversation is "<channel>:<thread root>"
  - a DM is answered in the DM; the conversation is the channel ("<channel>:<thread>" in a thread)
  - a slash command and its ephemeral replies share the conversation "<channel>"
  - App Home has no channel: its buttons answer in the DM with the bot
This module also cleans incoming text for matching (the bot's mention and Slack markup out), and
says which kind of conversation a turn came from (`Turn.surface`, for the question log).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Literal

from bot.values.conversation import ConversationKey
from bot.values.turn import Action, Turn
from bot.values.turn import Surface as TurnSurface

Surface = Literal["thread", "dm", "ephemeral", "channel", "home"]

_MARKUP = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Place:
    team: str
    user: str
    surface: Surface
    channel: str | None  # None only for App Home
    thread_ts: str | None = None  # reply in this thread
    message_ts: str | None = None  # the message a click came from (to update it)
    # the kind of conversation, as the question log records it (not where the reply goes)
    channel_type: TurnSurface = "channel"

    @property
    def key(self) -> ConversationKey:
        conversation = self.channel or f"home:{self.user}"
        if self.thread_ts and self.surface in ("thread", "dm"):
            conversation = f"{conversation}:{self.thread_ts}"
        return ConversationKey(self.team, conversation, self.user)

    def turn(self, text: str = "", action: Action | None = None) -> Turn:
        return Turn(self.key, text, action, surface=self.channel_type)

    @property
    def in_chat(self) -> bool:
        """Replies are ordinary messages here (not ephemeral, not via the DM)."""
        return self.surface in ("thread", "dm")


_CHANNEL_TYPES: dict[str, TurnSurface] = {
    "channel": "channel",
    "im": "im",
    "mpim": "mpim",
    "group": "group",
}


def channel_type(channel: object, stated: object = None) -> TurnSurface:
    """Slack's `channel_type` when the payload states it, else read from the id's first letter
    (D: a DM; G: a private channel or an old group DM; C: a channel)."""
    if isinstance(stated, str) and stated in _CHANNEL_TYPES:
        return _CHANNEL_TYPES[stated]
    first = str(channel or "")[:1]
    return "im" if first == "D" else "group" if first == "G" else "channel"


def dm(team: str, user: str, channel: str) -> Place:
    return Place(team, user, "dm", channel, channel_type="im")


def from_event(event: dict[str, Any], team: str) -> Place:
    channel = event["channel"]
    kind = channel_type(channel, event.get("channel_type"))
    if event.get("channel_type") == "im" or channel.startswith("D"):
        return Place(
            team, event["user"], "dm", channel, thread_ts=event.get("thread_ts"), channel_type=kind
        )
    return Place(
        team,
        event["user"],
        "thread",
        channel,
        thread_ts=event.get("thread_ts") or event["ts"],
        channel_type=kind,
    )


def from_command(command: dict[str, Any]) -> Place:
    return Place(
        command.get("team_id", ""),
        command["user_id"],
        "ephemeral",
        command["channel_id"],
        channel_type="command",
    )


def from_action(body: dict[str, Any]) -> Place:
    user = body["user"]["id"]
    team = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    container = body.get("container") or {}
    if container.get("type") == "view":
        return Place(team, user, "home", None, channel_type="im")  # its answers go to the DM
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    kind = channel_type(channel)
    if container.get("is_ephemeral") or "message" not in body:
        return Place(team, user, "ephemeral", channel, channel_type=kind)
    message = body["message"]
    ts = message.get("ts") or container.get("message_ts")
    thread_ts = message.get("thread_ts")
    if channel and channel.startswith("D"):
        return Place(
            team, user, "dm", channel, thread_ts=thread_ts, message_ts=ts, channel_type=kind
        )
    if thread_ts:
        return Place(
            team, user, "thread", channel, thread_ts=thread_ts, message_ts=ts, channel_type=kind
        )
    return Place(team, user, "channel", channel, message_ts=ts, channel_type=kind)


def clean_text(text: str, bot_user_id: str | None) -> str:
    """What the person asked, as plain words: mentions and broadcasts removed, links readable."""

    def readable(found: re.Match[str]) -> str:
        inner = found.group(1)
        target, _, label = inner.partition("|")
        if target.startswith(("@", "!")):
            return ""  # the bot's mention, someone else's, or <!channel>: not part of the question
        if target.startswith("#"):
            return label or ""
        return label or target

    if bot_user_id:
        text = text.replace(f"<@{bot_user_id}>", " ")
    text = html.unescape(_MARKUP.sub(readable, text))
    # again after unescaping: "<!channel>" typed as text must not survive as markup either
    return " ".join(_MARKUP.sub(readable, text).split())
