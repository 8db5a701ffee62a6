"""A local stand-in for Slack: the Web API methods the bot calls, response_url, and Socket Mode.

It runs in-process on a free loopback port and is driven by real HTTP from the real slack_sdk
client, so the tests see exactly what the bot sends. It records every call in order (method,
parsed body, headers), answers like Slack does (form or JSON bodies, Bearer tokens, ok/error
envelopes), checks the Block Kit limits Slack enforces, and fails on demand (429 with
Retry-After, 500, or ok:false). Its WebSocket endpoint plays Slack's side of Socket Mode:
"hello" on connect, envelopes pushed by the test, acks collected by envelope_id.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

TEAM_ID = "T0TEAM001"
BOT_USER_ID = "U0BOT0001"
BOT_ID = "B0BOT0001"
APP_ID = "A0APP0001"


@dataclass(frozen=True)
class Call:
    method: str  # a Web API method, or "response_url"
    body: dict[str, Any]
    headers: dict[str, str]
    at: float
    failed: bool = False
    result: dict[str, Any] = field(default_factory=dict)  # what the stand-in answered


@dataclass
class Failure:
    status: int = 429
    retry_after: int | None = 1
    error: str | None = None  # ok:false with this error (HTTP 200)


@dataclass
class SocketSession:
    ws: web.WebSocketResponse
    acks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)


def _blocks_problem(blocks: Any, limit: int) -> str | None:
    """The Block Kit limits Slack enforces on what the bot sends (invalid_blocks otherwise)."""
    if blocks is None:
        return None
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if len(blocks) > limit:
        return f"too many blocks ({len(blocks)} > {limit})"
    action_ids: set[str] = set()
    for block in blocks:
        kind = block.get("type")
        if kind == "section" and len((block.get("text") or {}).get("text", "")) > 3000:
            return "section text over 3000"
        if kind == "header" and len(block["text"]["text"]) > 150:
            return "header text over 150"
        for element in block.get("elements", []) if kind in ("actions", "context") else []:
            if element.get("type") == "button":
                if len(element["text"]["text"]) > 75:
                    return "button text over 75"
                if len(element.get("value", "")) > 2000:
                    return "button value over 2000"
                action_id = element.get("action_id", "")
                if len(action_id) > 255 or action_id in action_ids:
                    return f"bad or duplicate action_id {action_id!r}"
                action_ids.add(action_id)
            elif len(element.get("text", "")) > 3000:
                return "context text over 3000"
    return None


class SlackStandIn:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, list[Failure]] = {}
        self.holds: dict[str, asyncio.Event] = {}
        self.sessions: list[SocketSession] = []
        self._ts = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- lifecycle ------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{hook}", self._response_url)
        app.router.add_get("/socket", self._socket)
        app.router.add_get("/_counts", self._counts)  # not Slack's: for a load test elsewhere
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/"

    async def stop(self) -> None:
        for session in self.sessions:
            await session.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.url + "api/"

    def response_url(self) -> str:
        return f"{self.url}response/{uuid.uuid4().hex}"

    # -- test controls --------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = 1,
        error: str | None = None,
    ) -> None:
        """The next `times` calls of `method` fail (429 + Retry-After by default)."""
        self.failures.setdefault(method, []).extend(
            Failure(status, retry_after, error) for _ in range(times)
        )

    def hold(self, method: str) -> asyncio.Event:
        """Calls of `method` wait, unanswered, until the returned event is set (a slow Slack)."""
        self.holds[method] = asyncio.Event()
        return self.holds[method]

    def calls_to(self, method: str, ok_only: bool = True) -> list[Call]:
        return [c for c in self.calls if c.method == method and not (ok_only and c.failed)]

    def methods(self) -> list[str]:
        return [c.method for c in self.calls]

    def everything_posted(self) -> str:
        """Every body the bot sent anywhere, as one string, for "never posts X" checks."""
        return "\n".join(json.dumps(c.body, ensure_ascii=False) for c in self.calls)

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] = lambda c: True,
    ) -> list[Call]:
        """Wait until `count` successful calls of `method` (matching `where`) have arrived."""

        def found() -> list[Call]:
            return [c for c in self.calls_to(method) if where(c)]

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: len(found()) >= count), timeout)
        return found()

    async def settle(self, quiet: float = 0.3) -> None:
        """Wait until no call has arrived for `quiet` seconds (to assert nothing more comes)."""
        while True:
            before = len(self.calls)
            await asyncio.sleep(quiet)
            if len(self.calls) == before:
                return

    # -- Web API --------------------------------------------------------------------------------

    async def _record(
        self,
        method: str,
        body: dict[str, Any],
        request: web.Request,
        failed: bool = False,
        result: dict[str, Any] | None = None,
    ) -> None:
        async with self._changed:
            self.calls.append(
                Call(method, body, dict(request.headers), time.monotonic(), failed, result or {})
            )
            self._changed.notify_all()

    @staticmethod
    async def _parse(request: web.Request) -> dict[str, Any]:
        body: dict[str, Any] = dict(parse_qsl(request.query_string))
        raw = await request.text()
        if raw:
            if request.content_type == "application/json":
                body.update(json.loads(raw))
            else:
                body.update(dict(parse_qsl(raw, keep_blank_values=True)))
        for key in ("blocks", "view"):  # form-encoded requests carry these as JSON strings
            if isinstance(body.get(key), str) and body[key].startswith(("[", "{")):
                body[key] = json.loads(body[key])
        return body

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await self._parse(request)
        if method in self.holds:
            await self.holds[method].wait()
        pending = self.failures.get(method)
        if pending:
            failure = pending.pop(0)
            await self._record(method, body, request, failed=True)
            if failure.error:
                return web.json_response({"ok": False, "error": failure.error})
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after else {}
            error = "ratelimited" if failure.status == 429 else "internal_error"
            return web.json_response(
                {"ok": False, "error": error}, status=failure.status, headers=headers
            )
        result = self._answer(method, body, request.headers.get("Authorization", ""))
        await self._record(method, body, request, failed=not result.get("ok"), result=result)
        return web.json_response(result)

    def _answer(self, method: str, body: dict[str, Any], auth: str) -> dict[str, Any]:
        token = auth.removeprefix("Bearer ").strip() or str(body.get("token", ""))
        wanted = "xapp-" if method == "apps.connections.open" else "xoxb-"
        if not token:
            return {"ok": False, "error": "not_authed"}
        if not token.startswith(wanted):
            return {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        result: dict[str, Any] = handler(body)
        return result

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _auth_test(self, body: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://standin.slack.com/",
            "team": "Stand-in",
            "user": "rolebot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _message_problem(self, body: dict[str, Any]) -> dict[str, Any] | None:
        if not body.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not body.get("text") and not body.get("blocks"):
            return {"ok": False, "error": "no_text"}
        problem = _blocks_problem(body.get("blocks"), 50)
        return {"ok": False, "error": "invalid_blocks", "detail": problem} if problem else None

    def _chat_postMessage(self, body: dict[str, Any]) -> dict[str, Any]:
        problem = self._message_problem(body)
        if problem:
            return problem
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "text": body.get("text", ""),
            "blocks": body.get("blocks", []),
        }
        if body.get("thread_ts"):
            message["thread_ts"] = body["thread_ts"]
        return {"ok": True, "channel": body["channel"], "ts": ts, "message": message}

    def _chat_postEphemeral(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._message_problem(body) or {"ok": True, "message_ts": self._next_ts()}

    def _chat_update(self, body: dict[str, Any]) -> dict[str, Any]:
        problem = self._message_problem(body)
        if problem:
            return problem
        if not body.get("ts"):
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": body["channel"],
            "ts": body["ts"],
            "text": body.get("text", ""),
        }

    def _chat_getPermalink(self, body: dict[str, Any]) -> dict[str, Any]:
        channel, ts = body.get("channel", ""), str(body.get("message_ts", ""))
        return {
            "ok": True,
            "channel": channel,
            "permalink": f"https://standin.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _view(self, body: dict[str, Any], limit: int) -> dict[str, Any]:
        view = body.get("view") or {}
        problem = _blocks_problem(view.get("blocks", []), limit)
        if problem or len(view.get("private_metadata", "")) > 3000:
            return {"ok": False, "error": "invalid_arguments", "detail": problem}
        return {"ok": True, "view": {"id": f"V{next(self._ts):08d}", "team_id": TEAM_ID, **view}}

    def _views_open(self, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("trigger_id"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view(body, 100)

    def _views_publish(self, body: dict[str, Any]) -> dict[str, Any]:
        return (
            self._view(body, 100)
            if body.get("user_id")
            else {"ok": False, "error": "user_not_found"}
        )

    def _views_update(self, body: dict[str, Any]) -> dict[str, Any]:
        return self._view(body, 100)

    def _conversations_open(self, body: dict[str, Any]) -> dict[str, Any]:
        users = str(body.get("users", ""))
        if not users:
            return {"ok": False, "error": "users_list_not_supplied"}
        return {"ok": True, "channel": {"id": "D" + users.split(",")[0][1:]}}

    def _apps_connections_open(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": self.url.replace("http://", "ws://") + "socket"}

    # -- response_url ---------------------------------------------------------------------------

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await self._parse(request)
        pending = self.failures.get("response_url")
        if pending:  # Slack answers a used-up or expired URL in plain text: 404 expired_url
            failure = pending.pop(0)
            await self._record("response_url", body, request, failed=True)
            return web.Response(status=failure.status, text=failure.error or "internal_error")
        await self._record("response_url", body, request)
        problem = _blocks_problem(body.get("blocks"), 50)
        return web.Response(status=400 if problem else 200, text=problem or "ok")

    async def _counts(self, request: web.Request) -> web.Response:
        """Successful calls so far, by method: how a client in another process (the load
        benchmark) knows when every reply it caused has arrived."""
        counts: dict[str, int] = {}
        for call in self.calls:
            if not call.failed:
                counts[call.method] = counts.get(call.method, 0) + 1
        return web.json_response(counts)

    # -- Socket Mode ----------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = SocketSession(ws)
        async with self._changed:
            self.sessions.append(session)
            self._changed.notify_all()
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "standin", "approximate_connection_time": 3600},
                "connection_info": {"app_id": APP_ID},
            }
        )
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            data = json.loads(message.data)
            future = session.acks.get(data.get("envelope_id", ""))
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    async def socket_connected(self, timeout: float = 5.0) -> SocketSession:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: bool(self.sessions)), timeout)
        return self.sessions[-1]

    async def push(
        self, kind: str, payload: dict[str, Any], timeout: float = 3.0, retry_attempt: int = 0
    ) -> tuple[dict[str, Any], float]:
        """Send an envelope (events_api / slash_commands / interactive); return (ack, seconds)."""
        session = await self.socket_connected()
        envelope_id = str(uuid.uuid4())
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        session.acks[envelope_id] = future
        started = time.monotonic()
        await session.ws.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        ack = await asyncio.wait_for(future, timeout)
        return ack, time.monotonic() - started
