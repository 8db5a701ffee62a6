"""An in-process Store: for tests and the terminal, where nothing needs to outlive the process.

Behaves like the persistent stores where it matters: states go through JSON (so a caller
never shares a mutable object with the store), entries expire by the injected clock (the
question log too, past retention), and first_delivery is atomic (the check and the insert
happen with no await in between).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from bot.store.base import Feedback, LoggedQuestion
from bot.store.retention import DEFAULT_RETENTION_S, PurgeSchedule
from bot.values.conversation import ConversationKey, ConversationState


class MemoryStore:
    def __init__(
        self, clock: Callable[[], float] = time.time, retention: float | None = None
    ) -> None:
        """`retention`: how long the question log is kept, in seconds (None: 90 days)."""
        self._clock = clock
        self._retention_s = DEFAULT_RETENTION_S if retention is None else retention
        self._purges = PurgeSchedule()
        self._questions: list[LoggedQuestion] = []
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

    async def put_conversation(
        self, key: ConversationKey, state: ConversationState, ttl_s: int
    ) -> None:
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

    async def record_feedback(self, feedback: Feedback) -> bool:
        voter = (feedback.team, feedback.user, feedback.voted_on)
        earlier = next((f for f in self._feedback if (f.team, f.user, f.voted_on) == voter), None)
        if earlier is None:
            self._feedback.append(feedback)
            return False
        self._feedback.remove(earlier)
        changed = earlier.changed or earlier.helpful != feedback.helpful
        self._feedback.append(replace(feedback, changed=changed))
        return True

    async def feedback(self) -> list[Feedback]:
        """Everything recorded, oldest first: for reports and tests."""
        return list(self._feedback)

    async def log_question(self, entry: LoggedQuestion) -> None:
        self._questions.append(entry)
        await self._purge_if_due()

    async def questions_since(self, t: float) -> list[LoggedQuestion]:
        return sorted((q for q in self._questions if q.at >= t), key=lambda q: q.at)

    async def feedback_since(self, t: float) -> list[Feedback]:
        return sorted((f for f in self._feedback if f.at >= t), key=lambda f: f.at)

    async def purge_before(self, t: float) -> int:
        before = len(self._questions) + len(self._feedback)
        self._questions = [q for q in self._questions if q.at >= t]
        self._feedback = [f for f in self._feedback if f.at >= t]
        return before - len(self._questions) - len(self._feedback)

    async def _purge_if_due(self) -> None:
        now = self._clock()
        if self._purges.due(now):
            self._purges.done(now)
            await self.purge_before(now - self._retention_s)

    async def put_last_result(self, team: str, user: str, result_json: str) -> None:
        self._results[(team, user)] = result_json

    async def get_last_result(self, team: str, user: str) -> str | None:
        return self._results.get((team, user))

    async def ping(self) -> bool:
        return True

    async def close(self) -> None:
        """Nothing to release; kept so callers treat every store alike."""
