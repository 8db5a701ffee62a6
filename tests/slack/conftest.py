"""Fixtures for the Slack adapter: the stand-in, the real server on a free port, and a sender
that signs and shapes requests exactly like Slack.

Nothing of Bolt, slack_sdk or our own code is mocked: requests go over loopback HTTP to
bot.slack.server, and the bot's Web API calls go over loopback HTTP to the stand-in. Every
request's ack time (the HTTP response time of POST /slack/events) is recorded; one at 3 s or
more fails the test that sent it, and the slowest is reported at the end of the run.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web

from bot.settings import Settings
from tests.support.environ import settings_from
from tests.support.standin import APP_ID, BOT_ID, BOT_USER_ID, TEAM_ID, Call, SlackStandIn

SIGNING_SECRET = "8f742231b10e8888abcd99eeeddd85a5"
BOT_TOKEN = "xoxb-0000-1111-standintoken"
APP_TOKEN = "xapp-1-A0APP0001-0000-standin"
ALICE = "U0ALICE01"
BOB = "U0BOB0001"
GENERAL = "C0GENERAL1"
ACK_LIMIT_S = 3.0

ACK_TIMES: list[tuple[str, float]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if ACK_TIMES:
        name, slowest = max(ACK_TIMES, key=lambda item: item[1])
        terminalreporter.write_line(
            f"slack acks: {len(ACK_TIMES)} requests, slowest {slowest * 1000:.0f} ms ({name})"
        )


def make_settings(standin: SlackStandIn, db: Path, mode: str = "http", **extra: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": standin.api_url,
        "ROLEBOT_DB": str(db),
        **extra,
    }
    if mode == "socket":
        env["SLACK_APP_TOKEN"] = APP_TOKEN
    return settings_from(env, slack=True, mode=mode)  # type: ignore[arg-type]


async def open_store(path: Path) -> Any:
    from bot.store.sqlite import SqliteStore

    return await SqliteStore.open(path)


class RunningBot:
    """bot.slack.server on a free loopback port; restart() reopens the same SQLite file."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = ""
        self.engine: Any = None
        self.store: Any = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        # imported here so the unit tests of this folder run even while the core is in flux
        from bot.app import build_slack, open_engine
        from bot.slack.server import create_web_app

        app, identity = build_slack(self.settings, await open_engine(self.settings))
        self.engine = app.deps.engine
        self.store = app.deps.engines.store
        self._runner = web.AppRunner(create_web_app(app, identity))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()


@dataclass(frozen=True)
class Sent:
    status: int
    text: str
    seconds: float

    def json(self) -> Any:
        return json.loads(self.text)


class SlackSender:
    """Requests to POST /slack/events, signed and shaped the way Slack sends them."""

    def __init__(
        self, bot: RunningBot, standin: SlackStandIn, http: aiohttp.ClientSession, name: str
    ) -> None:
        self.bot = bot
        self.standin = standin
        self.http = http
        self.name = name
        self._ids = itertools.count(1)

    # -- the wire -------------------------------------------------------------------------------

    @staticmethod
    def signature(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()

    async def send(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Sent:
        timestamp = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": signature or self.signature(body, timestamp),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
            **(headers or {}),
        }
        started = time.monotonic()
        async with self.http.post(
            self.bot.url + "/slack/events", data=body.encode(), headers=all_headers
        ) as response:
            text = await response.text()
        seconds = time.monotonic() - started
        ACK_TIMES.append((self.name, seconds))
        assert seconds < ACK_LIMIT_S, f"ack took {seconds:.2f} s (Slack allows 3 s)"
        return Sent(response.status, text, seconds)

    async def send_json(self, payload: dict[str, Any], **kwargs: Any) -> Sent:
        return await self.send(json.dumps(payload), "application/json", **kwargs)

    async def send_form(self, fields: dict[str, str], **kwargs: Any) -> Sent:
        return await self.send(urlencode(fields), "application/x-www-form-urlencoded", **kwargs)

    def _ts(self) -> str:
        return f"{int(time.time())}.{next(self._ids):06d}"

    # -- Events API -----------------------------------------------------------------------------

    def event_body(self, event: dict[str, Any], event_id: str | None = None) -> dict[str, Any]:
        return {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
        }

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None
    ) -> Sent:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.send_json(self.event_body(event, event_id), headers=headers)

    def mention_event(
        self, text: str, channel: str = GENERAL, user: str = ALICE, thread_ts: str | None = None
    ) -> dict[str, Any]:
        ts = self._ts()
        event = {
            "type": "app_mention",
            "user": user,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": ts,
            "channel": channel,
            "event_ts": ts,
            "team": TEAM_ID,
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    async def open_home(self, user: str = ALICE) -> Sent:
        """The person opens the bot's Home tab (app_home_opened)."""
        return await self.event(
            {
                "type": "app_home_opened",
                "user": user,
                "channel": "D" + user[1:],
                "tab": "home",
                "event_ts": self._ts(),
            }
        )

    async def mention(self, text: str, **kwargs: Any) -> dict[str, Any]:
        event = self.mention_event(text, **kwargs)
        sent = await self.event(event)
        assert sent.status == 200, sent.text
        return event

    def dm_event(
        self, text: str, user: str = ALICE, thread_ts: str | None = None
    ) -> dict[str, Any]:
        ts = self._ts()
        event = {
            "type": "message",
            "channel": "D" + user[1:],
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "im",
            "team": TEAM_ID,
            "client_msg_id": str(uuid.uuid4()),
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return event

    async def dm(self, text: str, **kwargs: Any) -> dict[str, Any]:
        event = self.dm_event(text, **kwargs)
        sent = await self.event(event)
        assert sent.status == 200, sent.text
        return event

    # -- slash commands -------------------------------------------------------------------------

    async def command(
        self, command: str, text: str = "", channel: str = GENERAL, user: str = ALICE
    ) -> Sent:
        return await self.send_form(
            {
                "token": "legacy-verification-token",
                "team_id": TEAM_ID,
                "team_domain": "standin",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": APP_ID,
                "is_enterprise_install": "false",
                "response_url": self.standin.response_url(),
                "trigger_id": f"{next(self._ids)}.{TEAM_ID}.{uuid.uuid4().hex}",
            }
        )

    # -- interactivity --------------------------------------------------------------------------

    def _user(self, user: str) -> dict[str, Any]:
        return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": TEAM_ID}

    @staticmethod
    def button(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], str]:
        """The button with this action id (or prefix + ':'), and its block id."""
        for block in blocks:
            for element in block.get("elements", []) if block.get("type") == "actions" else []:
                found = element.get("action_id", "")
                if found == action_id or found.startswith(action_id + ":"):
                    return element, block.get("block_id", "b")
        raise AssertionError(f"no button {action_id!r} in {json.dumps(blocks)[:2000]}")

    def _action(self, blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
        element, block_id = self.button(blocks, action_id)
        return {
            "action_id": element["action_id"],
            "block_id": block_id,
            "text": element["text"],
            "value": element.get("value", ""),
            "type": "button",
            "action_ts": self._ts(),
        }

    async def _interact(self, payload: dict[str, Any]) -> Sent:
        sent = await self.send_form({"payload": json.dumps(payload)})
        assert sent.status == 200, sent.text
        return sent

    def _block_actions(self, user: str, action: dict[str, Any], **rest: Any) -> dict[str, Any]:
        return {
            "type": "block_actions",
            "user": self._user(user),
            "api_app_id": APP_ID,
            "token": "legacy-verification-token",
            "trigger_id": f"{next(self._ids)}.trigger",
            "team": {"id": TEAM_ID, "domain": "standin"},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [action],
            **rest,
        }

    async def click(self, posted: Call, action_id: str, user: str = ALICE) -> Sent:
        """Click a button of a message the bot posted with chat.postMessage."""
        channel = posted.body["channel"]
        message = dict(posted.result["message"])
        container = {
            "type": "message",
            "message_ts": message["ts"],
            "channel_id": channel,
            "is_ephemeral": False,
        }
        if message.get("thread_ts"):
            container["thread_ts"] = message["thread_ts"]
        return await self._interact(
            self._block_actions(
                user,
                self._action(posted.body["blocks"], action_id),
                container=container,
                channel={
                    "id": channel,
                    "name": "general" if channel.startswith("C") else "directmessage",
                },
                message=message,
                response_url=self.standin.response_url(),
            )
        )

    async def click_ephemeral(
        self, responded: Call, channel: str, action_id: str, user: str = ALICE
    ) -> Sent:
        """Click a button of an ephemeral reply sent through response_url."""
        container = {
            "type": "message",
            "message_ts": self._ts(),
            "channel_id": channel,
            "is_ephemeral": True,
        }
        return await self._interact(
            self._block_actions(
                user,
                self._action(responded.body["blocks"], action_id),
                container=container,
                channel={"id": channel, "name": "general"},
                response_url=self.standin.response_url(),
            )
        )

    async def click_home(self, published: Call, action_id: str, user: str = ALICE) -> Sent:
        view = published.result["view"]
        return await self._interact(
            self._block_actions(
                user,
                self._action(view["blocks"], action_id),
                container={"type": "view", "view_id": view["id"]},
                view=view,
            )
        )

    async def submit_view(self, opened: Call, answers: dict[str, str], user: str = ALICE) -> Sent:
        view = dict(opened.result["view"])
        values = {
            qid: {
                "choice": {
                    "type": "radio_buttons",
                    "selected_option": {
                        "text": {"type": "plain_text", "text": value, "emoji": True},
                        "value": value,
                    },
                }
            }
            for qid, value in answers.items()
        }
        view.update(
            state={"values": values},
            hash="1700000000.abcdef",
            app_id=APP_ID,
            bot_id=BOT_ID,
            root_view_id=view["id"],
            previous_view_id=None,
        )
        return await self._interact(
            {
                "type": "view_submission",
                "team": {"id": TEAM_ID, "domain": "standin"},
                "user": self._user(user),
                "api_app_id": APP_ID,
                "token": "legacy-verification-token",
                "trigger_id": f"{next(self._ids)}.trigger",
                "view": view,
                "response_urls": [],
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )

    async def close_view(self, opened: Call, user: str = ALICE) -> Sent:
        """Cancel on a modal that asked for notify_on_close: Slack sends view_closed."""
        view = dict(opened.result["view"])
        view.update(
            state={"values": {}},
            hash="1700000000.abcdef",
            app_id=APP_ID,
            bot_id=BOT_ID,
            root_view_id=view["id"],
            previous_view_id=None,
        )
        return await self._interact(
            {
                "type": "view_closed",
                "team": {"id": TEAM_ID, "domain": "standin"},
                "user": self._user(user),
                "api_app_id": APP_ID,
                "token": "legacy-verification-token",
                "view": view,
                "is_cleared": False,
                "is_enterprise_install": False,
                "enterprise": None,
            }
        )


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "rolebot.sqlite3"


@pytest.fixture
def settings(standin: SlackStandIn, db_path: Path) -> Settings:
    return make_settings(standin, db_path, ROLEBOT_ESCALATION_CHANNEL="C0EXPERTS1")


@pytest.fixture
async def bot(settings: Settings, standin: SlackStandIn) -> AsyncIterator[RunningBot]:
    running = RunningBot(settings)
    await running.start()
    yield running
    await standin.settle(0.1)  # let replies still in flight finish before shutting down
    await running.stop()


@pytest.fixture
async def slack(
    bot: RunningBot, standin: SlackStandIn, request: pytest.FixtureRequest
) -> AsyncIterator[SlackSender]:
    async with aiohttp.ClientSession() as http:
        yield SlackSender(bot, standin, http, request.node.name)
