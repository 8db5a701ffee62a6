"""The Redis store: shared state for several replicas behind a load balancer.

Layout (every key under one prefix, default "rolebot:"):
    conv:<team>/<conversation>/<user>  conversation state JSON, with the conversation TTL
    event:<event_id>                   delivery marker, SET NX EX: atomic across replicas
    last:<team>/<user>                 the user's last assessment result JSON (90 days)
    feedback                           a stream of feedback entries, capped
    vote:<team>/<user>/<voted_on>      the feedback stream id of that person's vote on that
                                       answer, kept as long as the question log
Connection failures surface as StoreUnavailable so the engine can keep answering. Every
command is bounded (1 s to connect, 1 s to answer, one immediate retry on a dropped connection),
and after a connection failure commands fail at once for FAIL_FAST_S instead of each waiting on
a dead socket: a reply that checks event dedupe or loads a conversation must not wait seconds
for a Redis that is gone. `ping` always really asks, so /readyz sees Redis come back at once; redis-py reconnects by
itself on the next command, so nothing has to be restarted when Redis returns.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from dataclasses import fields as dataclass_fields
from typing import Any

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.typing import EncodableT, FieldT

from bot.store.base import Feedback, LoggedQuestion, StoreUnavailable
from bot.store.retention import DEFAULT_RETENTION_S, PurgeSchedule
from bot.store.urls import redact_url
from bot.values.conversation import ConversationKey, ConversationState

LAST_RESULT_TTL_S = 90 * 24 * 3600
STREAM_CAP = 100_000
TIMEOUT_S = 1.0  # Redis answers in well under a millisecond; a second means it is not there
FAIL_FAST_S = 2.0

# One vote per person per answer, in one step so two replicas taking two clicks of one person
# cannot both add: find the person's earlier vote, note whether it went the other way (or had
# already changed), delete it, add the new one with `changed`, and point the vote key at it.
# KEYS: the feedback stream, the vote key. ARGV: helpful as JSON, the stream cap, the vote key's
# TTL in ms, then the vote's fields and values (JSON), less `changed`. Returns 1 if it replaced.
REPLACE_VOTE = """
local changed = false
local earlier = redis.call('GET', KEYS[2])
local replaced = 0
if earlier then
  local found = redis.call('XRANGE', KEYS[1], earlier, earlier)
  if #found > 0 then
    local fields = found[1][2]
    for i = 1, #fields, 2 do
      if fields[i] == 'helpful' and fields[i + 1] ~= ARGV[1] then changed = true end
      if fields[i] == 'changed' and fields[i + 1] == 'true' then changed = true end
    end
    redis.call('XDEL', KEYS[1], earlier)
    replaced = 1
  end
end
local add = {KEYS[1], 'MAXLEN', '~', ARGV[2], '*'}
for i = 4, #ARGV do add[#add + 1] = ARGV[i] end
add[#add + 1] = 'changed'
add[#add + 1] = changed and 'true' or 'false'
local id = redis.call('XADD', unpack(add))
redis.call('SET', KEYS[2], id, 'PX', ARGV[3])
return replaced
"""


class RedisStore:
    def __init__(
        self,
        client: aioredis.Redis,
        prefix: str = "rolebot:",
        retention: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """`retention`: how long the question log is kept, in seconds (None: 90 days)."""
        self._redis = client
        self._prefix = prefix
        self._failing_until = 0.0  # time.monotonic() before which commands fail at once
        self._retention_s = DEFAULT_RETENTION_S if retention is None else retention
        self._clock = clock
        self._question_purges = PurgeSchedule()
        self._replace_vote = client.register_script(REPLACE_VOTE)

    @classmethod
    async def open(
        cls, url: str, prefix: str = "rolebot:", retention: float | None = None
    ) -> RedisStore:
        """Connect and ping; raise StoreUnavailable with a clear reason if Redis is not there."""
        client = aioredis.Redis.from_url(
            url,
            socket_connect_timeout=TIMEOUT_S,
            socket_timeout=TIMEOUT_S,
            health_check_interval=15,
            # one retry, for a pooled connection Redis closed (a restart); a timeout is not retried
            retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
        )
        store = cls(client, prefix, retention)
        if not await store.ping():
            await client.aclose()
            raise StoreUnavailable(f"cannot reach Redis at {redact_url(url)}")
        return store

    def _key(self, *parts: str) -> str:
        return self._prefix + ":".join(parts)

    async def _call(self, command: Any) -> Any:
        if time.monotonic() < self._failing_until:
            command.close()  # the command's coroutine, never to be awaited
            raise StoreUnavailable("Redis unavailable: failed moments ago")
        try:
            return await command
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            self._failing_until = time.monotonic() + FAIL_FAST_S
            raise StoreUnavailable(f"Redis unavailable: {exc.__class__.__name__}") from exc
        except RedisError as exc:
            raise StoreUnavailable(f"Redis error: {exc}") from exc

    async def get_conversation(self, key: ConversationKey) -> ConversationState | None:
        raw = await self._call(self._redis.get(self._key("conv", key.as_string())))
        return ConversationState.from_json(raw) if raw else None

    async def put_conversation(
        self, key: ConversationKey, state: ConversationState, ttl_s: int
    ) -> None:
        await self._call(
            self._redis.set(self._key("conv", key.as_string()), state.to_json(), ex=ttl_s)
        )

    async def delete_conversation(self, key: ConversationKey) -> None:
        await self._call(self._redis.delete(self._key("conv", key.as_string())))

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        created = await self._call(
            self._redis.set(self._key("event", event_id), "1", nx=True, ex=ttl_s)
        )
        return bool(created)

    async def record_feedback(self, feedback: Feedback) -> bool:
        fields = [
            part
            for name, value in asdict(feedback).items()
            if name != "changed"
            for part in (name, json.dumps(value))
        ]
        voter = self._key("vote", f"{feedback.team}/{feedback.user}/{feedback.voted_on}")
        replaced = await self._call(
            self._replace_vote(
                keys=[self._key("feedback"), voter],
                args=[
                    json.dumps(feedback.helpful),
                    STREAM_CAP,
                    max(int(self._retention_s * 1000), 1),
                    *fields,
                ],
            )
        )
        return bool(replaced)

    async def feedback_entries(self) -> list[Feedback]:
        rows = await self._call(self._redis.xrange(self._key("feedback")))
        return [
            Feedback(**{k.decode(): json.loads(v) for k, v in fields.items()}) for _, fields in rows
        ]

    async def put_last_result(self, team: str, user: str, result_json: str) -> None:
        await self._call(
            self._redis.set(self._key("last", f"{team}/{user}"), result_json, ex=LAST_RESULT_TTL_S)
        )

    async def get_last_result(self, team: str, user: str) -> str | None:
        raw = await self._call(self._redis.get(self._key("last", f"{team}/{user}")))
        return raw.decode() if isinstance(raw, bytes) else raw

    async def ping(self) -> bool:
        try:
            answered = bool(await self._redis.ping())
        except (RedisError, OSError):
            return False
        if answered:
            self._failing_until = 0.0
        return answered

    async def close(self) -> None:
        await self._redis.aclose()

    # -- the question log -------------------------------------------------------------------
    # Two streams, "questions" and "feedback". A question's stream id is its own time in ms
    # (XADD "<ms>-*"), so XRANGE by time and XTRIM MINID by time need no index; a replica whose
    # clock lags the stream's newest id falls back to Redis's own id ("*"), a few ms later, which
    # `at` then corrects when filtering. Feedback keeps Redis's ids (record_feedback above).
    # Retention: XTRIM MINID when a store first logs, then at most once an hour per process.

    FEEDBACK_CLOCK_SLACK_S = 300.0  # feedback ids are Redis time, `at` the bot's: allow skew

    async def log_question(self, entry: LoggedQuestion) -> None:
        fields: dict[FieldT, EncodableT] = {k: json.dumps(v) for k, v in asdict(entry).items()}
        key = self._key("questions")
        try:
            await self._call(self._redis.xadd(key, fields, id=f"{max(int(entry.at * 1000), 1)}-*"))
        except StoreUnavailable as exc:
            if not isinstance(exc.__cause__, ResponseError):
                raise
            # the id is not above the stream's newest (a lagging clock): let Redis pick one
            await self._call(self._redis.xadd(key, fields))
        now = self._clock()
        if self._question_purges.due(now):
            self._question_purges.done(now)
            await self.purge_before(now - self._retention_s)

    async def questions_since(self, t: float) -> list[LoggedQuestion]:
        rows = await self._stream_since(self._key("questions"), t)
        entries = [_decode(LoggedQuestion, row) for row in rows]
        return sorted((e for e in entries if e.at >= t), key=lambda e: e.at)

    async def feedback_since(self, t: float) -> list[Feedback]:
        rows = await self._stream_since(self._key("feedback"), t - self.FEEDBACK_CLOCK_SLACK_S)
        entries = [_decode(Feedback, row) for row in rows]
        return sorted((f for f in entries if f.at >= t), key=lambda f: f.at)

    async def purge_before(self, t: float) -> int:
        min_id = str(max(int(t * 1000), 0))
        trimmed = 0
        for stream in ("questions", "feedback"):
            trimmed += int(
                await self._call(
                    self._redis.xtrim(self._key(stream), minid=min_id, approximate=False)
                )
            )
        return trimmed

    async def _stream_since(self, key: str, t: float) -> list[dict[bytes, bytes]]:
        """XRANGE from time t, in pages, so a long log never blocks Redis in one call."""
        start = str(max(int(t * 1000), 0))
        rows: list[dict[bytes, bytes]] = []
        while True:
            page = await self._call(self._redis.xrange(key, min=start, max="+", count=5000))
            rows.extend(fields for _, fields in page)
            if len(page) < 5000:
                return rows
            last = page[-1][0]
            start = "(" + (last.decode() if isinstance(last, bytes) else str(last))


def _decode(kind: Any, fields: dict[bytes, bytes]) -> Any:
    """A stream entry back into its dataclass; fields a newer version added are ignored."""
    known = {f.name for f in dataclass_fields(kind)}
    values = {k.decode(): json.loads(v) for k, v in fields.items()}
    return kind(**{k: v for k, v in values.items() if k in known})
