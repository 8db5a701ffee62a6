"""Redis going away while the bot serves, and coming back: nobody waits on it.

A redis-server of the test's own is killed mid-run and started again on the same port. While it
is down, questions are still answered (the engine degrades), event dedupe fails open, App Home
and feedback carry on, flows say they are temporarily unavailable and /readyz says 503. When it
returns, /readyz says 200 and flows work again, with no restart: redis-py reconnects by itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.store.redis import RedisStore
from tests.ops.conftest import DisposableRedis, Replica, sender, wait_until
from tests.slack.conftest import SlackSender, make_settings
from tests.support.standin import SlackStandIn

pytestmark = pytest.mark.redis


@pytest.fixture
async def bot(
    standin: SlackStandIn, disposable_redis: DisposableRedis, tmp_path: Path
) -> AsyncIterator[Replica]:
    settings = make_settings(standin, tmp_path / "unused.sqlite3")

    async def open_store() -> RedisStore:
        return await RedisStore.open(disposable_redis.url)

    replica = Replica(settings, open_store)
    await replica.start()
    yield replica
    await standin.settle(0.1)
    await replica.stop()


@pytest.fixture
def slack(bot: Replica, standin: SlackStandIn, http: aiohttp.ClientSession) -> SlackSender:
    return sender(bot, standin, http)


async def test_answers_continue_while_redis_is_down_and_flows_recover_when_it_returns(
    bot: Replica, slack: SlackSender, standin: SlackStandIn, disposable_redis: DisposableRedis
) -> None:
    assert (await bot.get("/readyz"))[0] == 200

    disposable_redis.kill()
    status, body = await bot.get("/readyz")
    assert status == 503 and json.loads(body) == {"ready": False, "reason": "store unreachable"}
    assert (await bot.get("/healthz"))[0] == 200  # alive: no restart for a Redis outage

    await slack.mention("what does a cio do")
    (answer,) = await standin.wait_for("chat.postMessage")
    assert answer.body["blocks"][0]["type"] == "header"  # a real answer, not an apology

    await slack.dm("start the assessment")
    (_, refused) = await standin.wait_for("chat.postMessage", count=2)
    assert "temporarily unavailable" in refused.body["text"]
    # carried on without the store, and counted: never silent
    assert store_errors(await bot.get("/metrics"))["get_conversation"] >= 2

    await disposable_redis.started()  # same port

    async def ready() -> bool:
        return (await bot.get("/readyz"))[0] == 200

    await wait_until(ready)
    await slack.dm("start the assessment")
    (_, _, question) = await standin.wait_for("chat.postMessage", count=3)
    assert "Question 1 of" in question.body["text"]


async def test_dedupe_app_home_and_feedback_carry_on_while_redis_is_down(
    bot: Replica, slack: SlackSender, standin: SlackStandIn, disposable_redis: DisposableRedis
) -> None:
    await slack.mention("what does a cto do")
    (answer,) = await standin.wait_for("chat.postMessage")
    disposable_redis.kill()

    # dedupe fails open: better a rare double answer than a question left unanswered
    event = slack.mention_event("what does a cio do")
    await slack.event(event, event_id="EvOUTAGE00001")
    await standin.wait_for("chat.postMessage", count=2)

    await slack.open_home()
    (home,) = await standin.wait_for("views.publish")
    assert home.body["view"]["type"] == "home"

    await slack.click(answer, "feedback:up")
    (thanks,) = await standin.wait_for("response_url")
    assert thanks.body["response_type"] == "ephemeral"
    assert "couldn't save it" in thanks.body["text"]
    counted = store_errors(await bot.get("/metrics"))
    assert counted["first_delivery"] >= 1 and counted["get_last_result"] >= 1


def store_errors(metrics: tuple[int, str]) -> dict[str, float]:
    """rolebot_store_errors_total by operation, from a GET /metrics response."""
    status, text = metrics
    assert status == 200
    found = re.findall(r'^rolebot_store_errors_total\{operation="(\w+)"\} (\S+)$', text, re.M)
    return {operation: float(count) for operation, count in found}
