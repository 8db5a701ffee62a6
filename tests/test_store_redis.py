"""The Redis store against a real redis-server on loopback.

Skipped with a reason on a laptop without Redis; in CI (CI=true) a missing Redis fails.
Each test uses its own key prefix, so runs never see each other's keys.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest

from bot.dialogue.state import ConversationKey, ConversationState, FlowState
from bot.store.base import Feedback, StoreUnavailable
from bot.store.redis import RedisStore

REDIS_URL = os.environ.get("ROLEBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
async def store() -> AsyncIterator[RedisStore]:
    prefix = f"rolebot-test-{uuid.uuid4().hex[:8]}:"
    try:
        opened = await RedisStore.open(REDIS_URL, prefix)
    except StoreUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs a redis-server at {REDIS_URL}: {exc}")
        pytest.skip(f"no redis-server at {REDIS_URL} ({exc}); CI runs these")
    yield opened
    keys = [k async for k in opened._redis.scan_iter(match=prefix + "*")]
    if keys:
        await opened._redis.delete(*keys)
    await opened.close()


KEY = ConversationKey("T1", "C1:1700000000.000100", "U1")


async def test_conversation_round_trips_with_flow_answers(store: RedisStore) -> None:
    state = ConversationState(flow=FlowState({"tech_role": "creator"}, ["tech_role"], 1.0, 2.0),
                              suggestions=["cio_role"], last_intent="cio_vs_cto", updated_at=2.0)
    await store.put_conversation(KEY, state, ttl_s=60)
    assert await store.get_conversation(KEY) == state


async def test_two_users_in_one_thread_are_kept_apart(store: RedisStore) -> None:
    other = ConversationKey("T1", KEY.conversation, "U2")
    await store.put_conversation(KEY, ConversationState(last_intent="a"), 60)
    await store.put_conversation(other, ConversationState(last_intent="b"), 60)
    assert (await store.get_conversation(KEY)).last_intent == "a"  # type: ignore[union-attr]
    assert (await store.get_conversation(other)).last_intent == "b"  # type: ignore[union-attr]


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


async def test_feedback_and_last_result_are_kept(store: RedisStore) -> None:
    await store.record_feedback(Feedback("T1", "U1", "cio_role", "what does a cio do", True, 5.0))
    assert [f.intent for f in await store.feedback_entries()] == ["cio_role"]
    await store.put_last_result("T1", "U1", '{"kind": "cto"}')
    assert await store.get_last_result("T1", "U1") == '{"kind": "cto"}'


async def test_unreachable_redis_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="cannot reach Redis at redis://127.0.0.1:1"):
        await RedisStore.open("redis://127.0.0.1:1/0")


async def test_the_unreachable_error_never_shows_the_password() -> None:
    with pytest.raises(StoreUnavailable) as raised:
        await RedisStore.open("redis://app:s3cret@127.0.0.1:1/0")
    assert "redis://app:***@127.0.0.1:1/0" in str(raised.value)
    assert "s3cret" not in str(raised.value)
