"""Running the bot: an aiohttp web app for HTTP mode, or a Socket Mode connection.

HTTP mode serves POST /slack/events for events, slash commands and interactivity alike (Bolt
tells them apart), and three routes for operators:
  GET /healthz  the process is alive (liveness: never depends on Redis, or a Redis blip would
                get every replica restarted at once)
  GET /readyz   content is loaded, the store answers and we are not shutting down (readiness:
                503 with a JSON reason otherwise, so the load balancer steers traffic away)
  GET /metrics  Prometheus text format, from the app's own registry

The app's lifecycle owns the resources: at startup it asks Slack who the bot is (a bad token
stops the server here, not at the first question); at shutdown it waits for replies still
being worked on after their ack, then closes the store. `run_http` and `run_socket` add the
process's signals: SIGTERM/SIGINT stop within SHUTDOWN_S, SIGHUP reloads content.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bot.settings import SlackSettings
from bot.slack.app import SlackApp
from bot.slack.identity import BotIdentity
from bot.store.base import StoreUnavailable

logger = logging.getLogger("bot.slack")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
# SIGTERM to exit: Kubernetes and systemd allow 15 s; we promise 10 s. Slack needs an ack within
# 3 s, so requests still open get 3 s; replies worked on after their ack get 5 s (an answer takes
# milliseconds, a Slack call under rate limiting a few seconds), then the store closes.
SHUTDOWN_S = 10.0
REQUESTS_GRACE_S = 3.0
REPLIES_GRACE_S = 5.0
PING_TIMEOUT_S = 1.0

APP_KEY = web.AppKey("bolt_app", SlackApp)
STOPPING_KEY = web.AppKey("stopping", asyncio.Event)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_web_app(app: SlackApp, identity: BotIdentity | None = None) -> web.Application:
    """The aiohttp app serving `app`. The engine is read from app.deps on each request, so a
    content reload is seen here too; `identity` is asked at startup when given."""
    web_app = web.Application(middlewares=[_ack_timer(app)])
    web_app[APP_KEY] = app
    web_app[STOPPING_KEY] = asyncio.Event()
    web_app.router.add_post(EVENTS_PATH, _slack_events)
    web_app.router.add_get(HEALTH_PATH, _healthz)
    web_app.router.add_get(READY_PATH, _readyz)
    web_app.router.add_get(METRICS_PATH, _metrics)

    async def on_shutdown(_: web.Application) -> None:
        web_app[STOPPING_KEY].set()  # /readyz says 503 from here on

    async def lifecycle(_: web.Application) -> AsyncIterator[None]:
        session = open_api_session(app)
        try:
            if identity is not None:
                await warm_up(identity, app)
            yield
        finally:
            # aiohttp has stopped listening and waited for open requests; what remains is
            # the work Bolt started after acking them
            await release(app, session)

    web_app.on_shutdown.append(on_shutdown)
    web_app.cleanup_ctx.append(lifecycle)
    return web_app


def open_api_session(app: AsyncApp) -> aiohttp.ClientSession:
    """One connection pool for every Web API call. Without it slack_sdk opens (and closes) a
    new session, so a new TCP connection, per call; Bolt hands the base client's session to
    each request's client. Created here because a session belongs to the running loop."""
    # a session's own timeout is what applies to every call made through it: slack_sdk's
    # `timeout` is not passed on once a session is given, and aiohttp's default is 300 s
    session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=app.client.timeout))
    app.client.session = session
    return session


async def release(app: SlackApp, session: aiohttp.ClientSession) -> None:
    """The last steps of any shutdown, in the one safe order: replies still being sent need
    the API session and may touch the store, so both close only after the drain."""
    await app.in_flight.drain(REPLIES_GRACE_S)
    await session.close()
    await app.deps.engines.store.close()


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


def _ack_timer(app: SlackApp) -> Any:
    @web.middleware
    async def ack_timer(request: web.Request, handler: Handler) -> web.StreamResponse:
        """Slack's clock for the 3 s ack: arrival to response, verification and any wait for
        room (backpressure) included."""
        if request.path != EVENTS_PATH:
            return await handler(request)
        started = time.perf_counter()
        try:
            return await handler(request)
        finally:
            app.deps.metrics.ack_seconds.observe(time.perf_counter() - started)

    return ack_timer


async def _slack_events(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    try:
        bolt_request = await to_bolt_request(request)
    except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        # Bolt reads ids out of the body before it checks the signature, and trusts their
        # types: a body it cannot read is the sender's error (400), not ours (500)
        logger.warning("unreadable Slack request body: %s", type(exc).__name__)
        return _malformed()
    try:
        async with app.in_flight.admitted():  # backpressure: see bot/slack/inflight.py
            bolt_response = await app.async_dispatch(bolt_request)
    except Exception:
        # Listener errors never get here (they run after the ack and go to app.error), so this
        # is Bolt failing on the shape of a payload, e.g. "event": null. Slack would retry a
        # 500 with the same body; a 400 ends it, and the traceback is still logged.
        logger.exception("Slack request could not be dispatched")
        return _malformed()
    if bolt_response.status >= 500:
        # Bolt also answers 500 by itself, without raising, when a payload that matches no
        # listener has an event or view that is not an object. Same cause, same answer.
        logger.warning(
            "Slack request rejected by Bolt (%s): malformed payload", bolt_response.status
        )
        return _malformed()
    return await to_aiohttp_response(bolt_response)


def _malformed() -> web.Response:
    return web.json_response({"ok": False, "error": "malformed_body"}, status=400)


async def _healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _readyz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    engine = app.deps.engine
    if request.app[STOPPING_KEY].is_set():
        return _not_ready("shutting down")
    if not engine.content.intents:
        return _not_ready("no content loaded")
    try:
        store_ok = await asyncio.wait_for(app.deps.engines.store.ping(), PING_TIMEOUT_S)
    except (StoreUnavailable, TimeoutError):
        store_ok = False
    if not store_ok:
        return _not_ready("store unreachable")
    # lexical alone is degraded, not down: still ready, and the detail says why
    return web.json_response(
        {
            "ready": True,
            "intents": len(engine.content.intents),
            "store": "ok",
            "understanding": engine.understanding,
        }
    )


def _not_ready(reason: str) -> web.Response:
    return web.json_response({"ready": False, "reason": reason}, status=503)


async def _metrics(request: web.Request) -> web.Response:
    body, content_type = request.app[APP_KEY].deps.metrics.render()
    return web.Response(body=body, headers={"Content-Type": content_type})


async def run_http(app: SlackApp, identity: BotIdentity, host: str, port: int) -> None:
    """Serve until SIGINT/SIGTERM; SIGHUP reloads content. The store is closed on the way out."""
    runner = web.AppRunner(
        create_web_app(app, identity),
        shutdown_timeout=REQUESTS_GRACE_S,
        access_log=None,  # one JSON line per turn is logged by converse.py instead
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        logger.info("listening on http://%s:%d%s", host, port, EVENTS_PATH)
        await _until_stopped(app)
        logger.info("stopping: no new requests; finishing the ones in progress")
    finally:
        started = time.monotonic()
        await runner.cleanup()
        logger.info("stopped in %.1f s", time.monotonic() - started)


async def run_socket(settings: SlackSettings, app: SlackApp, identity: BotIdentity) -> None:
    """Socket Mode: no public URL; Slack pushes over a WebSocket opened with the xapp token."""
    handler = create_socket_handler(settings, app)
    session = open_api_session(app)
    try:
        await warm_up(identity, app)
        await handler.connect_async()
        logger.info("connected to Slack in Socket Mode")
        await _until_stopped(app)
        logger.info("stopping: closing the Socket Mode connection")
    finally:
        await handler.close_async()  # Slack redelivers unacked envelopes to another connection
        await release(app, session)


def create_socket_handler(settings: SlackSettings, app: SlackApp) -> AsyncSocketModeHandler:
    """apps.connections.open goes to settings.api_url (app.client), then to the ws:// it returns."""
    if settings.app_token is None:
        raise ValueError("Socket Mode needs SLACK_APP_TOKEN")  # load_settings prevents this
    return _AdmittingSocketModeHandler(app, settings.app_token.get_secret_value())


class _AdmittingSocketModeHandler(AsyncSocketModeHandler):
    """Bolt's Socket Mode handler, with each envelope admitted like an HTTP request."""

    def __init__(self, app: SlackApp, app_token: str) -> None:
        super().__init__(app, app_token)
        self.in_flight = app.in_flight

    async def handle(self, client: Any, req: Any) -> None:
        async with self.in_flight.admitted():
            await super().handle(client, req)


async def _until_stopped(app: SlackApp) -> None:
    """Wait for SIGINT or SIGTERM; meanwhile each SIGHUP reloads content (one at a time)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    reloads: set[asyncio.Task[Any]] = set()

    def reload() -> None:
        task = loop.create_task(app.deps.reload())
        reloads.add(task)  # a reference, or the task could be collected mid-reload
        task.add_done_callback(reloads.discard)

    handlers: dict[signal.Signals, Callable[[], None]] = {
        signal.SIGINT: stop.set,
        signal.SIGTERM: stop.set,
        signal.SIGHUP: reload,
    }
    for sig, callback in handlers.items():
        try:
            loop.add_signal_handler(sig, callback)
        except (NotImplementedError, RuntimeError):  # not on this platform / not main thread
            pass
    try:
        await stop.wait()
    finally:
        for sig in handlers:
            try:
                loop.remove_signal_handler(sig)
            except (NotImplementedError, RuntimeError):
                pass
        for task in reloads:  # the process is going away: a half-done reload is moot
            task.cancel()
