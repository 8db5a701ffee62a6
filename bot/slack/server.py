"""Running the bot: an aiohttp web app for HTTP mode, or a Socket Mode connection.

HTTP mode serves one endpoint, POST /slack/events, for events, slash commands and
interactivity alike (Bolt tells them apart), plus GET /healthz for load balancers. The app's
lifecycle owns the resources: at startup it asks Slack who the bot is (a bad token stops the
server here, not at the first question), at shutdown it closes the store.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.slack.identity import BotIdentity
from bot.store.base import StoreUnavailable

logger = logging.getLogger("bot.slack")

EVENTS_PATH = "/slack/events"
APP_KEY = web.AppKey("bolt_app", AsyncApp)
ENGINE_KEY = web.AppKey("engine", Engine)


def create_web_app(
    settings: Settings, app: AsyncApp, engine: Engine, identity: BotIdentity | None = None
) -> web.Application:
    web_app = web.Application()
    web_app[APP_KEY] = app
    web_app[ENGINE_KEY] = engine
    web_app.router.add_post(EVENTS_PATH, _slack_events)
    web_app.router.add_get("/healthz", _healthz)

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        try:
            if identity is not None:
                await warm_up(identity, app)
            yield
        finally:
            await engine.store.close()

    web_app.cleanup_ctx.append(lifecycle)
    return web_app


async def warm_up(identity: BotIdentity, app: AsyncApp) -> None:
    """auth.test now: a rejected token (TokenRejected) is fatal; Slack being unreachable is not."""
    try:
        await identity.load(app.client)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
        # Slack unreachable or failing (the token itself was fine): the first request asks again
        logger.warning(
            "could not reach Slack at startup (%s); will retry on the first request",
            type(exc).__name__,
        )


async def _slack_events(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    bolt_response = await app.async_dispatch(await to_bolt_request(request))
    return await to_aiohttp_response(bolt_response)


async def _healthz(request: web.Request) -> web.Response:
    try:
        store_ok = await request.app[ENGINE_KEY].store.ping()
    except StoreUnavailable:
        store_ok = False
    return web.json_response(
        {"ok": store_ok, "store": "ok" if store_ok else "unavailable"},
        status=200 if store_ok else 503,
    )


async def run_http(
    settings: Settings, app: AsyncApp, engine: Engine, identity: BotIdentity, host: str, port: int
) -> None:
    """Serve until SIGINT/SIGTERM; the store is closed on the way out."""
    runner = web.AppRunner(create_web_app(settings, app, engine, identity))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        logger.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
        await _until_stopped()
    finally:
        await runner.cleanup()


async def run_socket(
    settings: Settings, app: AsyncApp, engine: Engine, identity: BotIdentity
) -> None:
    """Socket Mode: no public URL; Slack pushes over a WebSocket opened with the xapp token."""
    handler = create_socket_handler(settings, app)
    try:
        await warm_up(identity, app)
        await handler.connect_async()
        logger.info("connected to Slack in Socket Mode")
        await _until_stopped()
    finally:
        await handler.close_async()
        await engine.store.close()


def create_socket_handler(settings: Settings, app: AsyncApp) -> AsyncSocketModeHandler:
    """apps.connections.open goes to settings.api_url (app.client), then to the ws:// it returns."""
    if settings.app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")  # load_settings prevents this
    return AsyncSocketModeHandler(app, settings.app_token)


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not on this platform / not main thread
            pass
    await stop.wait()
