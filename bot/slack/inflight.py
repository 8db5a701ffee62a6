"""The work Bolt runs after an ack, tracked so that shutdown can finish it instead of losing it.

We run Bolt with process_before_response=False: it acknowledges Slack first, then runs each
listener in a task of its own (asyncio.ensure_future in AsyncioListenerRunner) that it never
hands back. The first thing that task does is call the runner's `listener_start_handler`, so a
start handler that records `asyncio.current_task()` sees every piece of listener work, over
HTTP and Socket Mode alike. On shutdown the server waits for those tasks up to a deadline and
cancels the rest, before it closes the store they use.

It is also the server's backpressure. Acking first means a burst can be acked faster than it
can be answered; with no bound, the work queued behind the acks (and its memory, and every
person's wait for a reply) would grow without limit. So at `limit` replies in progress, a new
request waits for room before it is dispatched and acked. If it waits past Slack's 3 s, Slack
retries it later, and the retry is answered once like any other.
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

    def __init__(self, inner: AsyncListenerStartHandler, limit: int = 200) -> None:
        self._inner = inner
        self._tasks: set[asyncio.Task[Any]] = set()
        self.limit = limit
        self._room: asyncio.Event | None = None  # made on first use: it belongs to a loop

    def __len__(self) -> int:
        return len(self._tasks)

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._finished)
            if len(self._tasks) >= self.limit:
                self._event().clear()
        await self._inner.handle(request=request, response=response)

    async def room(self) -> None:
        """Return once fewer than `limit` replies are in progress (at once, nearly always).
        A soft bound: requests already waiting all go when room appears."""
        if len(self._tasks) >= self.limit:
            await self._event().wait()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if len(self._tasks) < self.limit:
            self._event().set()

    def _event(self) -> asyncio.Event:
        if self._room is None:
            self._room = asyncio.Event()
            self._room.set()
        return self._room

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


def track_listener_work(app: AsyncApp, limit: int = 200) -> InFlight:
    runner = app.listener_runner
    tracker = InFlight(runner.listener_start_handler, limit)
    runner.listener_start_handler = tracker
    return tracker
