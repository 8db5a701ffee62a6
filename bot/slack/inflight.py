"""The work Bolt runs after an ack, tracked so that shutdown can finish it instead of losing it.

We run Bolt with process_before_response=False: it acknowledges Slack first, then runs each
listener in a task of its own (asyncio.ensure_future in AsyncioListenerRunner) that it never
hands back. The first thing that task does is call the runner's `listener_start_handler`, so a
start handler that records `asyncio.current_task()` sees every piece of listener work, over
HTTP and Socket Mode alike. On shutdown the server waits for those tasks up to a deadline and
cancels the rest, before it closes the store they use.

It is also the server's backpressure. Acking first means a burst can be acked faster than it
can be answered; with no bound, the work queued behind the acks (and its memory, and every
person's wait for a reply) would grow without limit. So a request is `admitted` (HTTP and
Socket Mode alike) only while fewer than `limit` are in progress, counting both listener tasks
and requests being dispatched, first come first served. One that waits past Slack's 3 s is
not lost if it is an event (Slack retries it, and the retry is answered once); a slash
command or a click shows the person Slack's timeout error instead. The limit is sized so that
only a burst far beyond normal traffic ever waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
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
        self._dispatching = 0  # admitted requests whose listener task has not registered yet
        self._waiting: deque[asyncio.Future[None]] = deque()

    def __len__(self) -> int:
        return len(self._tasks)

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        task = asyncio.current_task()
        if task is not None and task not in self._tasks:
            self._tasks.add(task)
            task.add_done_callback(self._finished)
        await self._inner.handle(request=request, response=response)

    @asynccontextmanager
    async def admitted(self) -> AsyncIterator[None]:
        """Dispatch one request inside this: it waits its turn while `limit` are in progress.

        The slot is held until the listener task Bolt creates during the dispatch has started
        (and so counts in `_tasks`), so a burst cannot slip in between the two.
        """
        while len(self._tasks) + self._dispatching >= self.limit or (
            self._waiting and not self._waiting[0].done()
        ):
            turn = asyncio.get_running_loop().create_future()
            self._waiting.append(turn)
            try:
                await turn
            except asyncio.CancelledError:  # the client went away while waiting
                if turn.done() and not turn.cancelled():
                    self._next()  # it was woken: pass the turn on rather than lose it
                raise
            finally:
                if turn in self._waiting:
                    self._waiting.remove(turn)
            if len(self._tasks) + self._dispatching < self.limit:
                break
        self._dispatching += 1
        try:
            yield
            await asyncio.sleep(0)  # the listener task scheduled by the dispatch runs first
        finally:
            self._dispatching -= 1
            self._next()

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        self._next()

    def _next(self) -> None:
        """Wake the longest-waiting request if there is room for it."""
        if len(self._tasks) + self._dispatching >= self.limit:
            return
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)
                return

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
