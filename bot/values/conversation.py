"""Per-conversation state the engine keeps between turns, and how it is written to a store.

A conversation is keyed by (workspace, conversation, user), so two people in one channel or
thread never share state. States are plain JSON on the wire so every store (memory, SQLite,
Redis) persists them the same way and a process restart loses nothing.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class ConversationKey:
    team: str  # Slack team (workspace) id; "local" in the terminal
    conversation: str  # channel id, plus ":<thread_ts>" inside a thread
    user: str

    def as_string(self) -> str:
        return f"{self.team}/{self.conversation}/{self.user}"


@dataclass
class FlowState:
    """A role-fit assessment in progress: answers so far and the order they were given."""

    answers: dict[str, str] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)  # question ids, in the order answered
    started_at: float = 0.0
    updated_at: float = 0.0


@dataclass
class ConversationState:
    flow: FlowState | None = None
    # the "did you mean" choices last offered, so "2" or a button picks one
    suggestions: list[str] = field(default_factory=list)
    last_intent: str | None = None
    updated_at: float = 0.0

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str | bytes) -> ConversationState:
        data: dict[str, Any] = json.loads(raw)
        flow = data.get("flow")
        return cls(
            flow=FlowState(**flow) if flow else None,
            suggestions=list(data.get("suggestions") or []),
            last_intent=data.get("last_intent"),
            updated_at=float(data.get("updated_at") or 0.0),
        )
