"""Slack's Web API unreachable (a closed port): the server says so honestly and catches up.

End to end: the bot's SLACK_API_URL points at a port nobody listens on, while a stand-in
elsewhere takes response_url calls; later a second stand-in starts on that very port (Slack is
back). Requests are signed exactly as Slack signs them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.slack import server
from tests.slack.conftest import RunningBot, SlackSender, make_settings
from tests.support.standin import SlackStandIn


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def unreachable(
    standin: SlackStandIn, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[SlackSender, int]]:
    port = closed_port()
    settings = make_settings(standin, tmp_path / "r.db")
    settings = type(settings)(
        settings.core,
        settings.nlu,
        settings.slack.model_copy(update={"api_url": f"http://127.0.0.1:{port}/api/"}),  # type: ignore[union-attr]
    )
    bot = RunningBot(settings)
    await bot.start()
    async with aiohttp.ClientSession() as http:
        yield SlackSender(bot, standin, http, request.node.name), port
    await bot.stop()


async def readyz(sender: SlackSender) -> tuple[int, dict[str, object]]:
    async with sender.http.get(sender.bot.url + "/readyz") as response:
        return response.status, await response.json()


@pytest.mark.slow  # waits for retries of auth.test: seconds
async def test_with_slack_unreachable_requests_are_acked_and_answered_once_it_is_back(
    unreachable: tuple[SlackSender, int], caplog: pytest.LogCaptureFixture
) -> None:
    slack, port = unreachable
    status, body = await readyz(slack)
    assert status == 503
    assert f"Slack API unreachable at http://127.0.0.1:{port}/api/" in str(body["reason"])

    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="bot.slack"):
        event = slack.mention_event("what does a cio do")
        sent = await slack.event(event)
        command = await slack.command("/ask", "what does a cto do")
    assert sent.status == 200, sent.text
    assert command.status == 200 and "can't reach Slack right now" in command.json()["text"]
    assert command.json()["response_type"] == "ephemeral"
    warnings = [r for r in caplog.records if r.name == "bot.slack"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert all("Slack API unreachable" in r.getMessage() for r in warnings)
    assert not any("malformed" in r.getMessage() for r in caplog.records)

    back = SlackStandIn()
    await back.start(port)
    try:
        posted = await back.wait_for("chat.postMessage", timeout=10)
        assert posted and posted[0].body["thread_ts"] == event["ts"]
        status, body = await readyz(slack)
        assert status == 200, body
    finally:
        await back.stop()


@pytest.mark.slow
async def test_a_request_held_longer_than_the_bound_is_dropped_and_counted(
    unreachable: tuple[SlackSender, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    slack, _ = unreachable
    monkeypatch.setattr(server, "HELD_MAX_S", 0.5)
    monkeypatch.setattr(server, "REACH_EVERY_S", 0.2)
    assert (await slack.event(slack.mention_event("what does a cio do"))).status == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        async with slack.http.get(slack.bot.url + "/metrics") as response:
            metrics = await response.text()
        if "rolebot_slack_requests_dropped_unreachable_total 1.0" in metrics:
            break
        await asyncio.sleep(0.2)
    assert "rolebot_slack_requests_dropped_unreachable_total 1.0" in metrics


async def test_a_non_numeric_timestamp_is_refused_with_one_warning_and_no_traceback(
    slack: SlackSender, caplog: pytest.LogCaptureFixture
) -> None:
    body = json.dumps(slack.event_body(slack.mention_event("hello")))
    with caplog.at_level(logging.WARNING):
        sent = await slack.send(
            body, "application/json", headers={"X-Slack-Request-Timestamp": "soon"}
        )
    assert sent.status in (400, 401)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("X-Slack-Request-Timestamp" in r.getMessage() for r in caplog.records)


async def test_building_the_app_gives_bolt_nothing_to_warn_about(
    standin: SlackStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """As `rolebot serve` does: settings from the real environment, then the Bolt app."""
    from bot.app import build_slack, open_engine
    from bot.settings import load_settings
    from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET

    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", standin.api_url)
    monkeypatch.setenv("ROLEBOT_DB", str(tmp_path / "r.db"))
    settings = load_settings(slack=True, mode="http", dotenv=None)
    engines = await open_engine(settings, memory=True)
    with caplog.at_level(logging.WARNING):
        build_slack(settings, engines)
    await engines.store.close()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
