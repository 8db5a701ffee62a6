"""Acks come first, but not without bound: at ROLEBOT_MAX_IN_FLIGHT replies in progress, a new
request waits for room before it is acked, so a burst cannot pile up unbounded work (and
everyone's wait for an answer) behind fast acks."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.config import Settings
from tests.slack.conftest import RunningBot, SlackSender, make_settings
from tests.slack.standin import SlackStandIn


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
