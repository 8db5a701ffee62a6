"""A turn in: what a person typed or clicked, in a given conversation, and on which surface."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.values.conversation import ConversationKey

ActionKind = Literal[
    "show_intent",  # value: intent id (related question, suggestion, topic button)
    "none_of_these",  # the person rejected every "did you mean" suggestion
    "flow_start",
    "flow_answer",  # value: "<question_id>=<option value>"
    "flow_back",
    "flow_restart",
    "flow_cancel",
    "flow_why",
]


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    value: str = ""


# Where the turn was typed: the terminal, or the kind of Slack conversation ("channel", "im",
# "mpim", "group"), or a slash command. Only recorded in the question log, so curators can tell
# questions asked in public from those asked privately; it never changes the reply.
Surface = Literal["terminal", "channel", "im", "mpim", "group", "command"]


@dataclass(frozen=True)
class Turn:
    key: ConversationKey
    text: str = ""
    action: Action | None = None
    surface: Surface = "terminal"
