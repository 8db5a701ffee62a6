"""Socket Mode against the stand-in's WebSocket: the same app, envelopes instead of HTTP."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from bot.app import build_slack, open_engine
from bot.slack.server import create_socket_handler, warm_up
from tests.slack.conftest import ACK_LIMIT_S, ACK_TIMES, ALICE, GENERAL, make_settings
from tests.support.standin import APP_ID, BOT_USER_ID, TEAM_ID, SlackStandIn


async def test_app_mention_over_socket_mode_is_acked_and_answered(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    settings = make_settings(standin, tmp_path / "socket.sqlite3", mode="socket")
    assert settings.slack is not None
    assert settings.slack.mode == "socket" and settings.slack.signing_secret.get_secret_value()
    app, identity = build_slack(settings, await open_engine(settings))
    handler = create_socket_handler(settings.slack, app)
    try:
        await warm_up(identity, app)
        await handler.connect_async()
        (opened,) = await standin.wait_for("apps.connections.open")
        assert opened.headers["Authorization"].startswith("Bearer xapp-")
        ts = f"{int(time.time())}.000100"
        event = {
            "type": "app_mention",
            "user": ALICE,
            "text": f"<@{BOT_USER_ID}> what does a cto do",
            "ts": ts,
            "channel": GENERAL,
            "event_ts": ts,
            "team": TEAM_ID,
        }
        payload = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": f"Ev{uuid.uuid4().hex[:10]}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        }
        ack, seconds = await standin.push("events_api", payload)
        ACK_TIMES.append(("socket mode app_mention", seconds))
        assert seconds < ACK_LIMIT_S
        assert "envelope_id" in ack
        (answer,) = await standin.wait_for("chat.postMessage")
        assert answer.body["thread_ts"] == ts and answer.body["channel"] == GENERAL
        # a redelivery of the same event (Slack's retry) is acked and not answered again
        await standin.push("events_api", payload, retry_attempt=1)
        await standin.settle(0.3)
        assert len(standin.calls_to("chat.postMessage")) == 1
    finally:
        await handler.close_async()
        await app.deps.engines.store.close()
