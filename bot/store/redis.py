"""The Redis store: shared state for several replicas behind a load balancer.

Layout (every key under one prefix, default "rolebot:"):
    conv:<team>/<conversation>/<user>  conversation state JSON, with the conversation TTL
    event:<event_id>                   delivery marker, SET NX EX: atomic across replicas
    last:<team>/<user>                 the user's last assessment result JSON (90 days)
    feedback                           a stream of feedback entries, capped
Connection failures surface as StoreUnavailable so the engine can keep answering.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, TimeoutError as RedisTimeoutError

from bot.dialogue.state import ConversationKey, ConversationState
from bot.store.base import Feedback, StoreUnavailable

LAST_RESULT_TTL_S = 90 * 24 * 3600
STREAM_CAP = 100_000


class RedisStore:
    def __init__(self, client: aioredis.Redis, prefix: str = "rolebot:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    async def open(cls, url: str, prefix: str = "rolebot:") -> RedisStore:
        """Connect and ping; raise StoreUnavailable with a clear reason if Redis is not there."""
        client = aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2,
                                         health_check_interval=15)
        store = cls(client, prefix)
        if not await store.ping():
            await client.aclose()
            raise StoreUnavailable(f"cannot reach Redis at {_redact(url)}")
        return store

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    async def _call(self, command: Any) -> Any:
        try:
            return await command
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            raise StoreUnavailable(f"Redis unavailable: {exc.__class__.__name__}") from exc
        except RedisError as exc:
            raise StoreUnavailable(f"Redis error: {exc}") from exc

    async def get_conversation(self, key: ConversationKey) -> ConversationState | None:
        raw = await self._call(self._redis.get(self._key("conv", key.as_string())))
        return ConversationState.from_json(raw) if raw else None

    async def put_conversation(self, key: ConversationKey, state: ConversationState, ttl_s: int) -> None:
        await self._call(self._redis.set(self._key("conv", key.as_string()), state.to_json(), ex=ttl_s))

    async def delete_conversation(self, key: ConversationKey) -> None:
        await self._call(self._redis.delete(self._key("conv", key.as_string())))

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        created = await self._call(self._redis.set(self._key("event", event_id), "1", nx=True, ex=ttl_s))
        return bool(created)

    async def record_feedback(self, feedback: Feedback) -> None:
        fields = {k: json.dumps(v) for k, v in asdict(feedback).items()}
        await self._call(self._redis.xadd(self._key("feedback"), fields, maxlen=STREAM_CAP,
                                          approximate=True))

    async def feedback_entries(self) -> list[Feedback]:
        rows = await self._call(self._redis.xrange(self._key("feedback")))
        return [Feedback(**{k.decode(): json.loads(v) for k, v in fields.items()}) for _, fields in rows]

    async def put_last_result(self, team: str, user: str, result_json: str) -> None:
        await self._call(self._redis.set(self._key("last", f"{team}/{user}"), result_json,
                                         ex=LAST_RESULT_TTL_S))

    async def get_last_result(self, team: str, user: str) -> str | None:
        raw = await self._call(self._redis.get(self._key("last", f"{team}/{user}")))
        return raw.decode() if isinstance(raw, bytes) else raw

    async def ping(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except (RedisError, OSError):
            return False

    async def close(self) -> None:
        await self._redis.aclose()


def _redact(url: str) -> str:
    """redis://user:secret@host -> redis://user:***@host: passwords never reach a log."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url
