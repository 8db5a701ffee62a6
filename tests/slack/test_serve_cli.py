"""`rolebot serve` and `rolebot preview` as a person runs them: real processes, real exit codes."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import unquote

import aiohttp
import pytest

from tests.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.support.standin import SlackStandIn

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def env_for(standin: SlackStandIn, tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROLEBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=standin.api_url,
        ROLEBOT_DB=str(tmp_path / "serve.sqlite3"),
        PYTHONPATH=str(REPO),
    )
    return env


async def rolebot(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.slow  # a real serve process
async def test_serve_http_answers_healthz_and_stops_cleanly_on_sigterm(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    port = free_port()
    process = await rolebot(
        "serve",
        "--http",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        env=env_for(standin, tmp_path),
        cwd=tmp_path,
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as response:
                        assert response.status == 200
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("the server never came up")
        assert standin.calls_to("auth.test"), "the token is checked at startup"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 10)
    assert process.returncode == 0, err.decode()
    assert BOT_TOKEN not in err.decode() and SIGNING_SECRET not in err.decode()


@pytest.mark.slow  # a real serve process
async def test_serve_with_a_rejected_token_exits_2_with_one_clear_line(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    standin.fail("auth.test", error="invalid_auth")
    process = await rolebot(
        "serve", "--http", "--port", str(free_port()), env=env_for(standin, tmp_path), cwd=tmp_path
    )
    _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 2
    last = err.decode().strip().splitlines()[-1]
    assert last.startswith("rolebot: SLACK_BOT_TOKEN was rejected by Slack (invalid_auth)")
    assert "Traceback" not in err.decode()


async def test_serve_without_a_signing_secret_exits_2(
    standin: SlackStandIn, tmp_path: Path
) -> None:
    env = env_for(standin, tmp_path)
    del env["SLACK_SIGNING_SECRET"]
    process = await rolebot("serve", "--http", env=env, cwd=tmp_path)
    _, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 2
    assert err.decode().startswith("rolebot: SLACK_SIGNING_SECRET is not set")


async def test_preview_prints_block_kit_and_a_builder_link_without_tokens(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROLEBOT_"))}
    env["PYTHONPATH"] = str(REPO)
    process = await rolebot("preview", "what does a cio do", env=env, cwd=tmp_path)
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()
    text = out.decode()
    printed, _, link = text.partition("\n\nOpen in Block Kit Builder:\n")
    blocks = json.loads(printed)["blocks"]
    assert blocks[0]["type"] == "header"
    prefix = "https://app.slack.com/block-kit-builder#"
    assert link.startswith(prefix)
    assert json.loads(unquote(link.strip()[len(prefix) :])) == {"blocks": blocks}
