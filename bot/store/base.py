"""The store interface: everything the bot persists, behind one small async protocol.

Implementations: memory.py (tests), sqlite.py (the embedded default), redis.py (replicas).
The core depends only on this protocol, never on a database client.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.dialogue.state import ConversationKey, ConversationState


@dataclass(frozen=True)
class Feedback:
    team: str
    user: str
    intent: str
    question: str
    helpful: bool
    at: float
    reason: str = ""


class StoreUnavailable(Exception):
    """The store cannot be reached right now (e.g. Redis down); callers degrade gracefully."""


class Store(Protocol):
    async def get_conversation(self, key: ConversationKey) -> ConversationState | None: ...

    async def put_conversation(
        self, key: ConversationKey, state: ConversationState, ttl_s: int
    ) -> None: ...

    async def delete_conversation(self, key: ConversationKey) -> None: ...

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        """True the first time an event id is seen within ttl_s; False for a retry."""
        ...

    async def record_feedback(self, feedback: Feedback) -> None: ...

    async def put_last_result(self, team: str, user: str, result_json: str) -> None: ...

    async def get_last_result(self, team: str, user: str) -> str | None: ...

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...
