"""The HTTP endpoint as Slack sees it: verification, signatures, health, rate limits."""

from __future__ import annotations

import asyncio
import json
import time

import aiohttp

from tests.slack.conftest import RunningBot, SlackSender
from tests.support.standin import SlackStandIn


async def test_url_verification_challenge_is_echoed(slack: SlackSender) -> None:
    sent = await slack.send_json(
        {
            "token": "legacy",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "type": "url_verification",
        }
    )
    assert sent.status == 200
    assert sent.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


async def test_bad_signature_is_rejected_and_nothing_is_posted(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    body = json.dumps(slack.event_body(slack.mention_event("what does a cio do")))
    sent = await slack.send(body, "application/json", signature="v0=" + "0" * 64)
    assert sent.status == 401
    await standin.settle(0.3)
    assert standin.calls_to("chat.postMessage") == []


async def test_a_ten_minute_old_request_is_rejected_and_nothing_is_posted(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    body = json.dumps(slack.event_body(slack.mention_event("what does a cio do")))
    sent = await slack.send(body, "application/json", timestamp=int(time.time()) - 600)
    assert sent.status == 401
    await standin.settle(0.3)
    assert standin.calls_to("chat.postMessage") == []


async def test_healthz_reports_the_store(bot: RunningBot) -> None:
    async with aiohttp.ClientSession() as http, http.get(bot.url + "/healthz") as response:
        assert response.status == 200
        assert (await response.json())["ok"] is True


async def test_rate_limited_post_is_retried_after_retry_after_and_the_answer_arrives(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    standin.fail("chat.postMessage", times=1, status=429, retry_after=1)
    await slack.mention("what does a cio do")
    answers = await standin.wait_for("chat.postMessage", timeout=8)
    attempts = [c for c in standin.calls if c.method == "chat.postMessage"]
    assert attempts[0].failed and not attempts[1].failed
    assert attempts[1].at - attempts[0].at >= 1.0  # Retry-After honoured
    assert answers[0].body["blocks"]


async def test_a_server_error_is_retried(slack: SlackSender, standin: SlackStandIn) -> None:
    standin.fail("chat.postMessage", times=1, status=500, retry_after=None)
    await slack.mention("what does a cto do")
    answers = await standin.wait_for("chat.postMessage", timeout=8)
    attempts = [c for c in standin.calls if c.method == "chat.postMessage"]
    assert len(attempts) == 2
    assert attempts[0].failed and not attempts[1].failed
    assert attempts[1].body == attempts[0].body  # the answer itself again, not an apology
    assert answers[0].body["blocks"]


async def test_an_api_error_is_logged_and_apologised_for(
    slack: SlackSender, standin: SlackStandIn, caplog: object
) -> None:
    standin.fail("chat.postMessage", times=1, error="invalid_blocks")
    await slack.mention("what does a cio do")
    (apology,) = await standin.wait_for("chat.postMessage", timeout=5)
    assert apology.body["text"].startswith("Sorry")
    assert "blocks" not in apology.body
    logged = "\n".join(r.getMessage() for r in caplog.records)  # type: ignore[attr-defined]
    assert "chat.postMessage failed: invalid_blocks" in logged
    assert "xoxb-" not in logged


async def test_the_shared_api_session_times_out_like_the_client_not_after_aiohttps_300_s(
    standin: SlackStandIn,
) -> None:
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.outbox import Outbox
    from bot.slack.server import open_api_session

    client = AsyncWebClient(token="xoxb-1", base_url=standin.api_url, timeout=1)
    app = AsyncApp(client=client, signing_secret="0123456789abcdef0123")
    session = open_api_session(app)
    slack_is_stuck = standin.hold("chat.postMessage")
    try:
        started = time.monotonic()
        post = Outbox(app.client).post("C0GENERAL", {"text": "hi"}, apologise=False)
        assert await asyncio.wait_for(post, 8) is None  # gave up (after ~1 s a try), not hung
        assert time.monotonic() - started < 5
    finally:
        slack_is_stuck.set()
        await session.close()
