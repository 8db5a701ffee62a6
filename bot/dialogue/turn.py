"""A turn in: what a person typed or clicked, in a given conversation."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.dialogue.state import ConversationKey

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


@dataclass(frozen=True)
class Turn:
    key: ConversationKey
    text: str = ""
    action: Action | None = None
