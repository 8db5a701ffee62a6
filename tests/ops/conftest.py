"""Fixtures for running the bot the way operators do: real servers on loopback ports, a real
Redis, and redis-server processes a test may kill and restart.

Nothing of Bolt, slack_sdk, redis-py or our own code is mocked. Redis tests skip with a reason
when no redis-server is reachable, and fail instead when CI=true (CI must run them). Each test
gets its own key prefix on the shared Redis (db 14 by default) and its keys are deleted after.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import build_slack, engine_settings
from bot.content.load import default_root
from bot.runtime import EngineHolder, build_engine
from bot.settings import Settings
from bot.slack.app import SlackApp
from bot.slack.server import create_web_app
from bot.store.base import Store, StoreUnavailable
from bot.store.redis import RedisStore
from tests.slack.conftest import SlackSender, make_settings
from tests.support.standin import SlackStandIn

REDIS_URL = os.environ.get("ROLEBOT_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
IN_CI = os.environ.get("CI") == "true"

StoreFactory = Callable[[], Awaitable[Store]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def no_redis(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"CI needs Redis: {reason}")
    pytest.skip(f"{reason}; CI runs these")


async def wait_until(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout} s: {check.__name__}")
        await asyncio.sleep(0.05)


def copy_content(to: Path) -> Path:
    """The shipped content (intents/, responses/, assessment/, the out-of-scope list and the
    examples' vectors) in a folder a test may change."""
    for folder in ("intents", "responses", "assessment"):
        shutil.copytree(default_root() / folder, to / folder)
    for name in ("out_of_scope.yml", "vectors.npz", "domain.yml"):
        if (default_root() / name).is_file():
            shutil.copy(default_root() / name, to / name)
    return to


class Replica:
    """create_web_app on a loopback port over a store of its own, as one pod would run it."""

    def __init__(
        self, settings: Settings, open_store: StoreFactory, content: Path | None = None
    ) -> None:
        self.settings = settings
        self.open_store = open_store
        self.content = content
        self.url = ""
        self.app: SlackApp | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        store = await self.open_store()
        built = engine_settings(self.settings.core)
        engine = build_engine(store, self.content, built)
        self.app, identity = build_slack(
            self.settings, EngineHolder(engine, store, self.content, built)
        )
        self._runner = web.AppRunner(create_web_app(self.app, identity))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    @property
    def engine(self) -> Any:
        assert self.app is not None
        return self.app.deps.engine

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def get(self, path: str) -> tuple[int, str]:
        async with aiohttp.ClientSession() as http, http.get(self.url + path) as response:
            return response.status, await response.text()


# -- Redis ----------------------------------------------------------------------------------------


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own on the shared Redis; its keys are deleted afterwards."""
    prefix = f"rolebot-ops-{uuid.uuid4().hex[:8]}:"
    try:
        probe = await RedisStore.open(REDIS_URL, prefix)
    except StoreUnavailable as exc:
        no_redis(f"no redis-server at {REDIS_URL} ({exc})")
    yield prefix
    keys = [k async for k in probe._redis.scan_iter(match=prefix + "*")]
    if keys:
        await probe._redis.delete(*keys)
    await probe.close()


class DisposableRedis:
    """A redis-server process of our own on a fixed free port: kill it, start it again."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def started(self) -> None:
        self.start()
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.02)
        raise AssertionError(f"redis-server did not start on port {self.port}")

    def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait(5)
            self._process = None


@pytest.fixture
async def disposable_redis() -> AsyncIterator[DisposableRedis]:
    if shutil.which("redis-server") is None:
        no_redis("no redis-server binary on PATH")
    redis = DisposableRedis(free_port())
    await redis.started()
    yield redis
    redis.kill()


# -- Slack ----------------------------------------------------------------------------------------


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def sender(replica: Any, standin: SlackStandIn, http: aiohttp.ClientSession) -> SlackSender:
    """Signed requests to one replica (anything with a `url`)."""
    return SlackSender(replica, standin, http, f"ops:{replica.url}")


@pytest.fixture
def sqlite_settings(standin: SlackStandIn, tmp_path: Path) -> Iterator[Settings]:
    yield make_settings(standin, tmp_path / "ops.sqlite3")
