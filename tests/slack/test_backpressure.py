"""Acks come first, but not without bound: at ROLEBOT_MAX_IN_FLIGHT replies in progress, a new
request waits for room before it is acked, so a burst cannot pile up unbounded work (and
everyone's wait for an answer) behind fast acks."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest
from slack_bolt.listener.async_listener_start_handler import AsyncDefaultListenerStartHandler

from bot.settings import Settings
from bot.slack.inflight import InFlight
from tests.slack.conftest import RunningBot, SlackSender, make_settings
from tests.support.standin import SlackStandIn


@pytest.fixture
def settings(standin: SlackStandIn, db_path: Path) -> Settings:
    return make_settings(standin, db_path, ROLEBOT_MAX_IN_FLIGHT="1")


async def test_at_the_limit_a_new_request_is_acked_only_once_a_reply_finishes(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    slack_is_slow = standin.hold("chat.postMessage")
    try:
        first = await slack.event(slack.mention_event("what does a cio do"))
        assert first.status == 200  # acked at once; its reply is stuck on the slow Slack
        second = asyncio.create_task(slack.event(slack.mention_event("what does a cto do")))
        await asyncio.sleep(0.5)
        assert not second.done()  # no room: not dispatched, not acked
        async with slack.http.get(bot.url + "/metrics") as response:
            assert "rolebot_replies_in_progress 1.0" in await response.text()
    finally:
        slack_is_slow.set()
    assert (await asyncio.wait_for(second, 5)).status == 200
    answers = await standin.wait_for("chat.postMessage", count=2)
    assert len(answers) == 2  # nothing was lost on the way


async def test_a_burst_is_admitted_only_as_fast_as_room_appears_first_come_first_served() -> None:
    in_flight = InFlight(AsyncDefaultListenerStartHandler(logging.getLogger("test")), limit=2)
    slack_is_slow = asyncio.Event()
    admitted: list[int] = []
    peak = 0

    async def listener() -> None:  # what Bolt runs after the ack, in a task of its own
        await in_flight.handle(request=None, response=None)  # type: ignore[arg-type]
        await slack_is_slow.wait()

    async def request(n: int) -> None:
        nonlocal peak
        async with in_flight.admitted():
            admitted.append(n)
            asyncio.ensure_future(listener())  # the dispatch starts the listener task
        peak = max(peak, len(in_flight))

    burst = [asyncio.create_task(request(n)) for n in range(50)]
    await asyncio.sleep(0.05)
    assert admitted == [0, 1] and len(in_flight) == 2  # the other 48 wait, unacked
    slack_is_slow.set()
    await asyncio.wait_for(asyncio.gather(*burst), 5)
    assert admitted == list(range(50)) and peak <= 2


async def test_a_request_that_gives_up_while_waiting_passes_its_turn_on() -> None:
    in_flight = InFlight(AsyncDefaultListenerStartHandler(logging.getLogger("test")), limit=1)
    done = asyncio.Event()

    async def listener() -> None:
        await in_flight.handle(request=None, response=None)  # type: ignore[arg-type]
        await done.wait()

    async def request() -> None:
        async with in_flight.admitted():
            asyncio.ensure_future(listener())

    await request()
    impatient, patient = asyncio.create_task(request()), asyncio.create_task(request())
    await asyncio.sleep(0.01)
    impatients_turn = in_flight._waiting[0]
    done.set()  # room appears: the impatient one, first in line, is woken ...
    while not impatients_turn.done():
        await asyncio.sleep(0)
    impatient.cancel()  # ... and disconnects before it can use its turn
    await asyncio.wait_for(patient, 2)  # the patient one still gets in
