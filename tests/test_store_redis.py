"""The Redis store against a real redis-server on loopback: what only it promises (one event
answered once across replicas, keys that expire on Redis's own clock, a clear error when Redis
is unreachable). The behaviour every store shares is in test_store_contract.py.

Skipped with a reason on a laptop without Redis; in CI (CI=true) a missing Redis fails.
Each test uses its own key prefix, so runs never see each other's keys.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.store.base import StoreUnavailable
from bot.store.redis import RedisStore
from bot.values.conversation import ConversationKey, ConversationState
from tests.stores import REDIS_URL, close_redis, open_redis


@pytest.fixture
async def store() -> AsyncIterator[RedisStore]:
    opened = await open_redis()
    yield opened
    await close_redis(opened)


KEY = ConversationKey("T1", "C1:1700000000.000100", "U1")


async def test_an_event_is_delivered_once_across_replicas(store: RedisStore) -> None:
    replica_b = RedisStore(store._redis.__class__.from_url(REDIS_URL), store._prefix)
    try:
        assert await store.first_delivery("Ev1", 60) is True
        assert await replica_b.first_delivery("Ev1", 60) is False
        assert await replica_b.first_delivery("Ev2", 60) is True
    finally:
        await replica_b.close()


async def test_conversation_expires_with_its_ttl(store: RedisStore) -> None:
    await store.put_conversation(KEY, ConversationState(), ttl_s=60)
    ttl = await store._redis.ttl(store._key("conv", KEY.as_string()))
    assert 0 < ttl <= 60


async def test_unreachable_redis_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach Redis at redis://127.0.0.1:1"):
        await RedisStore.open("redis://127.0.0.1:1/0")


async def test_the_unreachable_error_never_shows_the_password() -> None:
    with pytest.raises(StoreUnavailable) as raised:
        await RedisStore.open("redis://app:s3cret@127.0.0.1:1/0")
    assert "redis://app:***@127.0.0.1:1/0" in str(raised.value)
    assert "s3cret" not in str(raised.value)
