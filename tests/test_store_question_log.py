"""The question log and feedback in every store: the same contract for memory, SQLite and Redis.

Redis runs against a real redis-server on loopback with a random key prefix per test (skipped
without one; in CI, CI=true, a missing Redis fails). Retention is checked with a fake clock
where the store takes one (memory, SQLite); Redis is given explicit times.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.settings import ConfigError
from bot.store.base import Feedback, LoggedQuestion
from bot.store.memory import MemoryStore
from bot.store.retention import PURGE_EVERY_S
from bot.store.sqlite import SqliteStore
from tests.stores import FakeClock, close_redis, open_redis
from tests.support.environ import settings_from

REDIS_URL = os.environ.get("ROLEBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
DAY = 86400.0


def asked(
    at: float,
    question: str = "who owns the marketing budget",
    outcome: str = "fallback",
    user_hash: str = "h1",
    question_id: str = "q1",
) -> LoggedQuestion:
    return LoggedQuestion(
        at=at,
        question_id=question_id,
        user_hash=user_hash,
        team="T1",
        surface="channel",
        question=question,
        outcome=outcome,
        intent="cio_role" if outcome == "answer" else None,
        best="cio_role",
        confidence=0.42,
    )


def vote(at: float, helpful: bool = False, question_id: str = "q1") -> Feedback:
    return Feedback("T1", "h1", "cio_role", "what does a cio do", helpful, at, "", question_id)


@pytest.fixture(params=["memory", "sqlite", "redis"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    if request.param == "memory":
        yield MemoryStore()
    elif request.param == "sqlite":
        opened = await SqliteStore.open(tmp_path / "log.db")
        yield opened
        await opened.close()
    else:
        redis_store = await open_redis()
        yield redis_store
        await close_redis(redis_store)


# -- the contract, in every store ---------------------------------------------------------------


async def test_logged_questions_come_back_from_a_time_oldest_first(store: Any) -> None:
    now = time.time()
    first, second, third = asked(now - 30), asked(now - 20, "cio vs cto", "answer"), asked(now - 10)
    for entry in (first, second, third):
        await store.log_question(entry)
    assert await store.questions_since(now - 25) == [second, third]
    assert await store.questions_since(now - 60) == [first, second, third]
    assert await store.questions_since(now) == []


async def test_a_question_keeps_every_field_it_was_logged_with(store: Any) -> None:
    entry = LoggedQuestion(
        at=time.time(),
        question_id="abc",
        user_hash="f" * 64,
        team="T9",
        surface="mpim",
        question="is the cio the ciso boss",
        outcome="clarify",
        intent=None,
        best="security_ciso",
        confidence=0.3812,
    )
    await store.log_question(entry)
    assert await store.questions_since(entry.at - 1) == [entry]


async def test_feedback_since_returns_recent_votes_with_their_question_id(store: Any) -> None:
    now = time.time()
    await store.record_feedback(vote(now - 3 * DAY, question_id="old"))
    await store.record_feedback(vote(now - 5, True, question_id="q7"))
    recent = await store.feedback_since(now - DAY)
    assert [(f.question_id, f.helpful) for f in recent] == [("q7", True)]


async def test_purge_before_deletes_older_questions_and_votes_and_counts_them(store: Any) -> None:
    now = time.time()
    await store.log_question(asked(now - 100))
    await store.log_question(asked(now - 10))
    await store.record_feedback(vote(now - 10))
    assert await store.purge_before(now - 50) == 1
    assert [q.at for q in await store.questions_since(0)] == [now - 10]
    assert len(await store.feedback_since(0)) == 1
    # a second from now: Redis files feedback under its own arrival time, not under `at`
    assert await store.purge_before(time.time() + 1) == 2
    assert await store.questions_since(0) == [] and await store.feedback_since(0) == []


async def test_a_question_logged_out_of_time_order_is_still_found(store: Any) -> None:
    """Two replicas' clocks differ: the later write may carry the earlier time."""
    now = time.time()
    await store.log_question(asked(now - 1, "later"))
    await store.log_question(asked(now - 2, "earlier"))
    assert [q.question for q in await store.questions_since(now - 5)] == ["earlier", "later"]


# -- retention: purged on open and at most once an hour while logging ---------------------------

Opener = Callable[[FakeClock, Path], Any]


async def _memory(clock: FakeClock, _: Path) -> Any:
    return MemoryStore(clock, retention=DAY)


async def _sqlite(clock: FakeClock, tmp: Path) -> Any:
    return await SqliteStore.open(tmp / "log.db", clock, retention=DAY)


@pytest.mark.parametrize("open_store", [_memory, _sqlite], ids=["memory", "sqlite"])
async def test_logging_purges_past_retention_at_most_once_an_hour(
    open_store: Opener, tmp_path: Path
) -> None:
    clock = FakeClock(1_000_000.0)
    store = await open_store(clock, tmp_path)
    try:
        clock.now += PURGE_EVERY_S  # an hour after opening, logging purges (after the insert)
        await store.log_question(asked(clock.now - 2 * DAY, "stale"))
        assert await store.questions_since(0) == []
        await store.log_question(asked(clock.now - 2 * DAY, "stale again"))
        clock.now += PURGE_EVERY_S - 1
        await store.log_question(asked(clock.now, "fresh"))  # within the hour: no purge
        assert [q.question for q in await store.questions_since(0)] == ["stale again", "fresh"]
        clock.now += 2
        await store.log_question(asked(clock.now, "fresher"))  # an hour on: purged again
        assert [q.question for q in await store.questions_since(0)] == ["fresh", "fresher"]
    finally:
        await store.close()


async def test_sqlite_purges_past_retention_when_it_opens(tmp_path: Path) -> None:
    clock = FakeClock(1_000_000.0)
    store = await SqliteStore.open(tmp_path / "log.db", clock, retention=DAY)
    await store.log_question(asked(clock.now - 10, "kept"))
    await store.record_feedback(vote(clock.now - 10))
    await store.close()
    clock.now += DAY  # both entries are now just past retention
    store = await SqliteStore.open(tmp_path / "log.db", clock, retention=DAY)
    try:
        assert await store.questions_since(0) == []
        assert await store.feedback_since(0) == []
    finally:
        await store.close()


async def test_redis_trims_the_streams_by_time(tmp_path: Path) -> None:
    store = await open_redis()
    try:
        now = time.time()
        await store.log_question(asked(now - 3 * DAY))
        await store.log_question(asked(now - 1))
        assert await store.purge_before(now - DAY) == 1
        assert await store._redis.xlen(store._key("questions")) == 1
    finally:
        await close_redis(store)


def retention_s(environ: dict[str, str]) -> float:
    return settings_from(environ).core.retention_s


def test_retention_days_come_from_the_environment() -> None:
    assert retention_s({}) == 90 * DAY
    assert retention_s({"ROLEBOT_RETENTION_DAYS": "7"}) == 7 * DAY
    assert retention_s({"ROLEBOT_RETENTION_DAYS": "0.5"}) == DAY / 2
    for bad in ("0", "-3", "ninety", "inf", "nan"):
        with pytest.raises(ConfigError, match="^ROLEBOT_RETENTION_DAYS"):
            retention_s({"ROLEBOT_RETENTION_DAYS": bad})


async def test_a_database_from_before_the_question_log_gains_it_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, team TEXT NOT NULL,"
            " user TEXT NOT NULL, intent TEXT NOT NULL, question TEXT NOT NULL,"
            " helpful INTEGER NOT NULL, reason TEXT NOT NULL, at REAL NOT NULL)"
        )
        conn.execute(
            "INSERT INTO feedback (team, user, intent, question, helpful, reason, at)"
            " VALUES ('T1', 'h1', 'cio_role', 'q', 1, '', ?)",
            (time.time(),),
        )
    conn.close()
    store = await SqliteStore.open(path)
    try:
        (old,) = await store.feedback_since(0)
        assert old.question_id == ""
        await store.record_feedback(vote(time.time(), question_id="q2"))
        await store.log_question(asked(time.time()))
        assert [f.question_id for f in await store.feedback_since(0)] == ["", "q2"]
        assert len(await store.questions_since(0)) == 1
    finally:
        await store.close()
