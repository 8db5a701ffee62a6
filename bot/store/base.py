"""The store's ports: everything the bot persists, behind small async protocols, one per use.

Implementations: memory.py (tests), sqlite.py (the embedded default), redis.py (replicas),
each a whole `Store`. Callers depend only on the part they use (`Conversations` and
`QuestionLog` for the engine, `Deliveries` for the Slack adapter's dedupe, `QuestionLogReader`
for curation, `Lifecycle` for readiness and shutdown), never on a database client.

The question log (LoggedQuestion, Feedback) is what curators read with `rolebot report` and
`rolebot suggest`. It holds no raw Slack user id: only a salted hash (bot/dialogue/questionlog.py),
and it is purged after the retention period (bot/store/retention.py).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.values.conversation import ConversationKey, ConversationState

logger = logging.getLogger("bot.store")


@dataclass(frozen=True)
class Feedback:
    team: str
    user: str  # the salted user hash (questionlog.user_hash), never the raw Slack id
    intent: str
    question: str
    helpful: bool
    at: float
    reason: str = ""
    # the LoggedQuestion.question_id of the question the vote is about ("" if none was logged)
    question_id: str = ""
    # set by the store: this person voted the other way on this answer before (a change of mind)
    changed: bool = False

    @property
    def voted_on(self) -> str:
        """What one person has one vote on: the logged question the vote is about (its id
        already names the person), or the intent when the answer was reached by a button."""
        return self.question_id or f"intent:{self.intent}"


@dataclass(frozen=True)
class LoggedQuestion:
    """One text question the engine matched, as curators see it: normalised, and anonymous."""

    at: float
    # digest of (team, user hash, normalised question): feedback carries the same digest, so a
    # vote links to the question without the button having to carry an id (see questionlog.py)
    question_id: str
    user_hash: str
    team: str
    surface: str  # Turn.surface: terminal, channel, im, mpim, group or command
    question: str  # Match.normalized: Slack markup out, typos corrected, lower case
    outcome: str  # answer, clarify or fallback
    intent: str | None  # the intent answered (outcome "answer" only)
    best: str | None  # the best-scoring intent, whatever the outcome
    confidence: float


class StoreUnavailable(Exception):
    """The store cannot be reached right now (e.g. Redis down); callers degrade gracefully,
    and record it in `StoreErrors` so that degrading is never silent."""


class StoreErrors:
    """Store failures a caller survived, logged and counted by the operation that failed.

    One per running bot, made by the composition root and shared by every engine it builds
    (a content reload keeps the counts); the Slack adapter exports `counts` as the metric
    `rolebot_store_errors_total`. Counting here rather than in Prometheus keeps the core free
    of the metrics client.
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def record(self, operation: str, error: StoreUnavailable) -> None:
        self.counts[operation] += 1
        logger.warning("store unavailable in %s, carrying on without it: %s", operation, error)


# -- the ports: each caller depends on the part it uses -------------------------------------


class Conversations(Protocol):
    """Conversation state between turns, and each person's last assessment result (the engine)."""

    async def get_conversation(self, key: ConversationKey) -> ConversationState | None: ...

    async def put_conversation(
        self, key: ConversationKey, state: ConversationState, ttl_s: int
    ) -> None: ...

    async def delete_conversation(self, key: ConversationKey) -> None: ...

    async def put_last_result(self, team: str, user: str, result_json: str) -> None: ...

    async def get_last_result(self, team: str, user: str) -> str | None: ...


class Deliveries(Protocol):
    """Which events were already handled, so a retried one is answered once (the Slack adapter)."""

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        """True the first time an event id is seen within ttl_s; False for a retry."""
        ...


class QuestionLog(Protocol):
    """Written as people ask and vote (the engine): anonymous questions and feedback."""

    async def log_question(self, entry: LoggedQuestion) -> None:
        """Append to the question log; purges entries past retention at most once an hour."""
        ...

    async def record_feedback(self, feedback: Feedback) -> bool:
        """Keep one vote per person (team, user) per answer (`Feedback.voted_on`): a later click
        replaces the earlier vote, with `changed` set once the person has voted both ways.
        True when it replaced a vote, so the person can be told their vote was updated."""
        ...


class QuestionLogReader(Protocol):
    """Read by curators (`rolebot report`, `rolebot suggest`)."""

    async def questions_since(self, t: float) -> list[LoggedQuestion]:
        """Logged questions with `at >= t`, oldest first."""
        ...

    async def feedback_since(self, t: float) -> list[Feedback]:
        """Feedback with `at >= t`, oldest first."""
        ...

    async def purge_before(self, t: float) -> int:
        """Delete logged questions and feedback older than t; return how many were deleted."""
        ...


class Lifecycle(Protocol):
    """Readiness and shutdown (the server's /readyz and its cleanup)."""

    async def ping(self) -> bool: ...

    async def close(self) -> None: ...


@runtime_checkable  # so a test can check every implementation has every method
class Store(Conversations, Deliveries, QuestionLog, QuestionLogReader, Lifecycle, Protocol):
    """What every implementation provides. Only the composition root (bot/app.py) and the
    runtime that rebuilds engines hold a whole store; everyone else gets a part."""
