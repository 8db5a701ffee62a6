"""An in-process Store: for tests and the terminal, where nothing needs to outlive the process.

Behaves like the persistent stores where it matters: states go through JSON (so a caller
never shares a mutable object with the store), entries expire by the injected clock, and
first_delivery is atomic (the check and the insert happen with no await in between).
"""
from __future__ import annotations

import time
from collections.abc import Callable

from bot.dialogue.state import ConversationKey, ConversationState
from bot.store.base import Feedback


class MemoryStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._conversations: dict[tuple[str, str, str], tuple[str, float]] = {}
        self._deliveries: dict[str, float] = {}  # event id -> expires at
        self._feedback: list[Feedback] = []
        self._results: dict[tuple[str, str], str] = {}

    @staticmethod
    def _key(key: ConversationKey) -> tuple[str, str, str]:
        return (key.team, key.conversation, key.user)

    async def get_conversation(self, key: ConversationKey) -> ConversationState | None:
        entry = self._conversations.get(self._key(key))
        if entry is None:
            return None
        raw, expires_at = entry
        if expires_at <= self._clock():
            del self._conversations[self._key(key)]
            return None
        return ConversationState.from_json(raw)

    async def put_conversation(self, key: ConversationKey, state: ConversationState,
                               ttl_s: int) -> None:
        self._conversations[self._key(key)] = (state.to_json(), self._clock() + ttl_s)

    async def delete_conversation(self, key: ConversationKey) -> None:
        self._conversations.pop(self._key(key), None)

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        now = self._clock()
        for expired in [e for e, at in self._deliveries.items() if at <= now]:
            del self._deliveries[expired]
        if event_id in self._deliveries:
            return False
        self._deliveries[event_id] = now + ttl_s
        return True

    async def record_feedback(self, feedback: Feedback) -> None:
        self._feedback.append(feedback)

    async def feedback(self) -> list[Feedback]:
        """Everything recorded, oldest first: for reports and tests."""
        return list(self._feedback)

    async def put_last_result(self, team: str, user: str, result_json: str) -> None:
        self._results[(team, user)] = result_json

    async def get_last_result(self, team: str, user: str) -> str | None:
        return self._results.get((team, user))

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        """Nothing to release; kept so callers treat every store alike."""
