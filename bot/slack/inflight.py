"""The work Bolt runs after an ack, tracked so that shutdown can finish it instead of losing it.

We run Bolt with process_before_response=False: it acknowledges Slack first, then runs each
listener in a task of its own (asyncio.ensure_future in AsyncioListenerRunner) that it never
hands back. The first thing that task does is call the runner's `listener_start_handler`, so a
start handler that records `asyncio.current_task()` sees every piece of listener work, over
HTTP and Socket Mode alike. On shutdown the server waits for those tasks up to a deadline and
cancels the rest, before it closes the store they use.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

logger = logging.getLogger("bot.slack")


@dataclass(frozen=True)
class Drained:
    finished: int
    cancelled: int


class InFlight(AsyncListenerStartHandler):
    """Bolt's start handler, wrapped: the listener tasks still running, and a way to wait."""

    def __init__(self, inner: AsyncListenerStartHandler) -> None:
        self._inner = inner
        self._tasks: set[asyncio.Task[Any]] = set()

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await self._inner.handle(request=request, response=response)

    async def drain(self, timeout: float) -> Drained:
        """Wait up to `timeout` s for listener work to finish; cancel whatever is still going."""
        pending = {t for t in self._tasks if t is not asyncio.current_task()}
        if not pending:
            return Drained(0, 0)
        done, late = await asyncio.wait(pending, timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=1.0)
            logger.warning(
                "shutdown: cancelled %d replies still running after %.0f s", len(late), timeout
            )
        return Drained(len(done), len(late))


def track_listener_work(app: AsyncApp) -> InFlight:
    runner = app.listener_runner
    tracker = InFlight(runner.listener_start_handler)
    runner.listener_start_handler = tracker
    return tracker
