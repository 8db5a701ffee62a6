"""`rolebot serve` as a real process: SIGTERM, SIGHUP, and Redis at startup.

SIGTERM: stop taking requests, finish the replies already being worked on, close the store,
exit 0, all within 10 s. SIGHUP: reload content; the process keeps running. An unreachable
ROLEBOT_REDIS_URL: one line naming it (password masked) and exit 2.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.ops.conftest import REDIS_URL, copy_content, free_port, wait_until
from tests.slack.conftest import ALICE, APP_TOKEN, GENERAL, SlackSender
from tests.slack.test_serve_cli import env_for, rolebot
from tests.support.standin import APP_ID, BOT_USER_ID, TEAM_ID, SlackStandIn

# real `rolebot serve` processes, started and signalled: seconds each (make test-all)
pytestmark = pytest.mark.slow

SHUTDOWN_LIMIT_S = 10.0


class Served:
    """A `rolebot serve --http` process on a free port; `url` is what SlackSender needs."""

    def __init__(self, process: asyncio.subprocess.Process, port: int) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}"

    async def status(self, path: str) -> int:
        try:
            async with aiohttp.ClientSession() as http, http.get(self.url + path) as response:
                return response.status
        except aiohttp.ClientConnectionError:
            return 0

    async def ready(self) -> None:
        async def is_ready() -> bool:
            return await self.status("/readyz") == 200

        await wait_until(is_ready, timeout=20)

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> tuple[float, str]:
        """Send `sig`; (seconds until the process exited, its stderr)."""
        started = time.monotonic()
        self.process.send_signal(sig)
        _, err = await asyncio.wait_for(self.process.communicate(), SHUTDOWN_LIMIT_S + 5)
        return time.monotonic() - started, err.decode()


async def serve(
    standin: SlackStandIn, tmp_path: Path, *extra: str, **env: str
) -> AsyncIterator[Served]:
    port = free_port()
    process = await rolebot(
        *extra,
        "serve",
        "--http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env={**env_for(standin, tmp_path), **env},
        cwd=tmp_path,
    )
    served = Served(process, port)
    try:
        yield served
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.fixture
async def served(standin: SlackStandIn, tmp_path: Path) -> AsyncIterator[Served]:
    async for running in serve(standin, tmp_path):
        await running.ready()
        yield running


async def test_sigterm_finishes_a_reply_in_flight_and_exits_0_within_10_s(
    served: Served, standin: SlackStandIn, http: aiohttp.ClientSession
) -> None:
    # the first attempt is rate limited: the reply is still being worked on when SIGTERM comes
    standin.fail("chat.postMessage", times=1, status=429, retry_after=2)
    slack = SlackSender(served, standin, http, "sigterm")  # type: ignore[arg-type]
    await slack.mention("what does a cio do")

    async def first_attempt_refused() -> bool:
        return bool(standin.calls_to("chat.postMessage", ok_only=False))

    await wait_until(first_attempt_refused)

    seconds, err = await served.stop(signal.SIGTERM)

    assert served.process.returncode == 0, err
    assert seconds < SHUTDOWN_LIMIT_S
    (answer,) = standin.calls_to("chat.postMessage")  # delivered before the process exited
    assert answer.body["blocks"][0]["type"] == "header"
    assert "Traceback" not in err


async def test_a_reply_stuck_past_the_grace_is_cancelled_and_exit_is_still_within_10_s(
    served: Served, standin: SlackStandIn, http: aiohttp.ClientSession
) -> None:
    standin.fail("chat.postMessage", times=1, status=429, retry_after=30)  # Slack says: wait 30 s
    await SlackSender(served, standin, http, "stuck").mention("what does a cio do")  # type: ignore[arg-type]

    async def first_attempt_refused() -> bool:
        return bool(standin.calls_to("chat.postMessage", ok_only=False))

    await wait_until(first_attempt_refused)
    seconds, err = await served.stop(signal.SIGTERM)
    assert served.process.returncode == 0, err
    assert seconds < SHUTDOWN_LIMIT_S
    assert "cancelled 1 replies still running" in err


async def test_socket_mode_closes_its_connection_and_exits_0_on_sigterm(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = {**env_for(standin, tmp_path), "SLACK_APP_TOKEN": APP_TOKEN}
    process = await rolebot("serve", "--socket", env=env, cwd=tmp_path)
    try:
        session = await standin.socket_connected(timeout=20)
        ack, _ = await standin.push("events_api", socket_mention("what does a cto do"))
        assert "envelope_id" in ack
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), SHUTDOWN_LIMIT_S + 5)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    assert time.monotonic() - started < SHUTDOWN_LIMIT_S
    (answer,) = standin.calls_to("chat.postMessage")  # the reply in flight was finished
    assert answer.body["channel"] == GENERAL

    async def disconnected() -> bool:
        return session.ws.closed

    await wait_until(disconnected)


def socket_mention(text: str) -> dict[str, object]:
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": APP_ID,
        "type": "event_callback",
        "event_id": "EvSOCKETSTOP1",
        "event_time": int(time.time()),
        "event": {
            "type": "app_mention",
            "user": ALICE,
            "channel": GENERAL,
            "team": TEAM_ID,
            "text": f"<@{BOT_USER_ID}> {text}",
            "ts": f"{int(time.time())}.000100",
        },
        "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
    }


async def test_sighup_reloads_content_without_a_restart(
    standin: SlackStandIn, tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    content = copy_content(tmp_path / "content")
    async for running in serve(standin, tmp_path, "--content", str(content)):
        await running.ready()
        slack = SlackSender(running, standin, http, "sighup")  # type: ignore[arg-type]
        path = content / "intents" / "vendor_management.yml"
        text = path.read_text(encoding="utf-8").replace("keywords: [", "keywords: [toaster, ", 1)
        path.write_text(
            text.replace("examples:\n", 'examples:\n  - "who looks after the toaster fleet"\n', 1),
            encoding="utf-8",
        )
        running.process.send_signal(signal.SIGHUP)
        # reloading takes a moment; ask until the new example is answered (or give up)
        for attempt in range(1, 41):
            await slack.mention("who looks after the toaster fleet")
            reply = (await standin.wait_for("chat.postMessage", count=attempt))[-1]
            if "vendor" in reply.body["text"].lower():
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("SIGHUP did not reload the content")
        assert running.process.returncode is None  # still the same process
        _, err = await running.stop()
    assert '"event": "content reloaded from' in err
    assert running.process.returncode == 0


async def test_an_unreachable_redis_at_start_is_one_line_naming_it_and_exit_2(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens there
    url = f"redis://:hunter2secret@127.0.0.1:{port}/3"
    async for running in serve(standin, tmp_path, ROLEBOT_REDIS_URL=url):
        _, err = await asyncio.wait_for(running.process.communicate(), 20)
        assert running.process.returncode == 2
        assert err.decode().strip().splitlines()[-1] == (
            f"rolebot: ROLEBOT_REDIS_URL: cannot reach Redis at redis://:***@127.0.0.1:{port}/3"
        )
        assert "hunter2secret" not in err.decode() and "Traceback" not in err.decode()


@pytest.mark.redis
async def test_serve_keeps_conversations_in_redis_when_configured(
    standin: SlackStandIn, tmp_path: Path, http: aiohttp.ClientSession, redis_prefix: str
) -> None:
    from bot.store.redis import RedisStore

    probe = await RedisStore.open(REDIS_URL, redis_prefix)
    before = {k async for k in probe._redis.scan_iter(match="rolebot:*")}
    try:
        async for running in serve(standin, tmp_path, ROLEBOT_REDIS_URL=REDIS_URL):
            await running.ready()
            slack = SlackSender(running, standin, http, "redis")  # type: ignore[arg-type]
            await slack.dm("start the assessment")
            (question,) = await standin.wait_for("chat.postMessage", timeout=10)
            assert "Question 1 of" in question.body["text"]
            await running.stop()
        after = {k async for k in probe._redis.scan_iter(match="rolebot:conv:*")}
        assert after - before, "the flow's state is in Redis"
        assert not (tmp_path / "serve.sqlite3").exists()  # SQLite was not used
    finally:
        created = {k async for k in probe._redis.scan_iter(match="rolebot:*")} - before
        if created:
            await probe._redis.delete(*created)
        await probe.close()
