"""Every Store implementation, opened the same way, for tests that hold for all of them.

`open_store(kind, tmp_path)` gives a `Opened`: the store plus `advance(seconds)`, which moves
time forward the way that store measures it. Memory and SQLite read a fake clock, so advancing
is instant and exact; Redis expires keys on its own clock, so advancing really waits (tests keep
those waits to about a second). Redis is a real redis-server on loopback under a random key
prefix, deleted afterwards: skipped with a reason on a laptop without one, a failure in CI.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.store.base import StoreUnavailable
from bot.store.memory import MemoryStore
from bot.store.sqlite import SqliteStore

REDIS_URL = os.environ.get("ROLEBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
KINDS = ("memory", "sqlite", "redis")


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def open_redis(prefix: str | None = None) -> Any:
    from bot.store.redis import RedisStore

    try:
        return await RedisStore.open(REDIS_URL, prefix or f"rolebot-test-{uuid.uuid4().hex[:8]}:")
    except StoreUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs a redis-server at {REDIS_URL}: {exc}")
        pytest.skip(f"no redis-server at {REDIS_URL} ({exc}); CI runs these")


async def close_redis(store: Any) -> None:
    keys = [k async for k in store._redis.scan_iter(match=store._prefix + "*")]
    if keys:
        await store._redis.delete(*keys)
    await store.close()


@dataclass
class Opened:
    kind: str
    store: Any
    clock: FakeClock | None  # None: the store keeps real time (Redis)

    async def advance(self, seconds: float) -> None:
        if self.clock is not None:
            self.clock.now += seconds
        else:
            await asyncio.sleep(seconds)

    async def close(self) -> None:
        if self.kind == "redis":
            await close_redis(self.store)
        else:
            await self.store.close()


async def open_store(kind: str, tmp_path: Path) -> Opened:
    if kind == "memory":
        clock = FakeClock()
        return Opened(kind, MemoryStore(clock), clock)
    if kind == "sqlite":
        clock = FakeClock()
        return Opened(kind, await SqliteStore.open(tmp_path / "store.db", clock), clock)
    return Opened(kind, await open_redis(), None)
