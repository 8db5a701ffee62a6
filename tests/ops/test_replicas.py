"""Two replicas behind one load balancer, sharing one Redis: Slack may send any request to
either, and a retry of an event to the other one.

Two real HTTP servers (create_web_app on two loopback ports), each with its own Redis client,
same key prefix, one Slack stand-in.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.store.redis import RedisStore
from tests.ops.conftest import REDIS_URL, Replica, sender
from tests.slack.conftest import ALICE, make_settings
from tests.support.standin import Call, SlackStandIn

pytestmark = pytest.mark.redis


@pytest.fixture
async def replicas(
    standin: SlackStandIn, redis_prefix: str, tmp_path: Path
) -> AsyncIterator[tuple[Replica, Replica]]:
    settings = make_settings(standin, tmp_path / "unused.sqlite3")

    async def open_store() -> RedisStore:
        return await RedisStore.open(REDIS_URL, redis_prefix)

    pair = (Replica(settings, open_store), Replica(settings, open_store))
    for replica in pair:
        await replica.start()
    yield pair
    await standin.settle(0.1)
    for replica in pair:
        await replica.stop()


def first_answer_button(call: Call) -> str:
    return next(
        e["action_id"]
        for b in call.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("flow_answer:")
    )


async def test_a_retry_delivered_to_the_other_replica_is_answered_once(
    replicas: tuple[Replica, Replica], standin: SlackStandIn, http: aiohttp.ClientSession
) -> None:
    a, b = (sender(r, standin, http) for r in replicas)
    event = a.mention_event("what does a cio do")
    first = await a.event(event, event_id="EvREPLICA0001")
    retry = await b.event(event, event_id="EvREPLICA0001", retry_num=1)
    assert first.status == retry.status == 200
    await standin.wait_for("chat.postMessage")
    await standin.settle(0.3)
    assert len(standin.calls_to("chat.postMessage")) == 1


async def test_a_guided_flow_clicked_on_alternating_replicas_reaches_a_recommendation(
    replicas: tuple[Replica, Replica], standin: SlackStandIn, http: aiohttp.ClientSession
) -> None:
    senders = [sender(r, standin, http) for r in replicas]
    await senders[0].dm("start the assessment")
    (current,) = await standin.wait_for("chat.postMessage")
    total = len(replicas[0].engine.flows.rolefit.questions)
    for number in range(1, total + 1):
        assert f"Question {number} of" in current.body["text"], current.body["text"]
        await senders[number % 2].click(current, first_answer_button(current))
        current = (await standin.wait_for("chat.postMessage", count=number + 1))[-1]
    assert current.body["blocks"][0]["text"]["text"].startswith("Recommendation:")
    assert current.body["channel"] == "D" + ALICE[1:]


async def test_a_replica_stopped_mid_flow_loses_nothing(
    replicas: tuple[Replica, Replica], standin: SlackStandIn, http: aiohttp.ClientSession
) -> None:
    doomed, survivor = replicas
    on_doomed, on_survivor = sender(doomed, standin, http), sender(survivor, standin, http)
    await on_doomed.dm("start the assessment")
    (current,) = await standin.wait_for("chat.postMessage")
    await on_doomed.click(current, first_answer_button(current))
    current = (await standin.wait_for("chat.postMessage", count=2))[-1]
    assert "Question 2 of" in current.body["text"]

    await standin.settle(0.1)
    await doomed.stop()  # a rollout or a crash: the load balancer sends the rest elsewhere

    total = len(survivor.engine.flows.rolefit.questions)
    for number in range(2, total + 1):
        assert f"Question {number} of" in current.body["text"], current.body["text"]
        await on_survivor.click(current, first_answer_button(current))
        current = (await standin.wait_for("chat.postMessage", count=number + 1))[-1]
    assert current.body["blocks"][0]["text"]["text"].startswith("Recommendation:")
    assert "*Sources*" in json.dumps(current.body["blocks"])
