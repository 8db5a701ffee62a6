"""The embedded Store: one SQLite file, so a restart loses no conversation and needs no server.

Uses the standard library's sqlite3 on a worker thread (`asyncio.to_thread`) so the event loop
never blocks on disk; one connection, serialised by a lock, in WAL mode so readers in other
processes (reports, a second replica on the same host) don't block writers. Expired rows are
ignored on read and purged as the store goes. Database errors surface as StoreUnavailable, which
the engine degrades on.
"""
from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.dialogue.state import ConversationKey, ConversationState
from bot.store.base import Feedback, StoreUnavailable

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    team TEXT NOT NULL,
    conversation TEXT NOT NULL,
    user TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (team, conversation, user)
);
CREATE TABLE IF NOT EXISTS deliveries (
    event_id TEXT PRIMARY KEY,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_expiry ON deliveries (expires_at);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    team TEXT NOT NULL,
    user TEXT NOT NULL,
    intent TEXT NOT NULL,
    question TEXT NOT NULL,
    helpful INTEGER NOT NULL,
    reason TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS last_results (
    team TEXT NOT NULL,
    user TEXT NOT NULL,
    result TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (team, user)
);
"""


def default_db_path() -> Path:
    """ROLEBOT_DB if set, else ./data/rolebot.db (relative to where the bot runs)."""
    return Path(os.environ.get("ROLEBOT_DB") or Path("data") / "rolebot.db")


class SqliteStore:
    def __init__(self, path: Path | str, clock: Callable[[], float] = time.time) -> None:
        """Open (creating folders, file and schema as needed). Blocking: prefer `open`."""
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(SCHEMA)
            self._conn.commit()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open SQLite store {path}: {exc}") from exc
        self._closed = False

    @classmethod
    async def open(cls, path: Path | str, clock: Callable[[], float] = time.time) -> SqliteStore:
        return await asyncio.to_thread(cls, path, clock)

    async def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def locked() -> T:
            with self._lock:
                if self._closed:
                    raise StoreUnavailable("the SQLite store is closed")
                try:
                    with self._conn:  # one transaction: committed, or rolled back on error
                        return work(self._conn)
                except sqlite3.Error as exc:
                    raise StoreUnavailable(f"SQLite store {self.path}: {exc}") from exc

        return await asyncio.to_thread(locked)

    async def get_conversation(self, key: ConversationKey) -> ConversationState | None:
        now = self._clock()

        def work(conn: sqlite3.Connection) -> Any:
            return conn.execute(
                "SELECT state FROM conversations WHERE team = ? AND conversation = ? AND user = ?"
                " AND expires_at > ?", (key.team, key.conversation, key.user, now)).fetchone()

        row = await self._run(work)
        return ConversationState.from_json(row[0]) if row else None

    async def put_conversation(self, key: ConversationKey, state: ConversationState,
                               ttl_s: int) -> None:
        now = self._clock()
        raw = state.to_json()

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO conversations (team, conversation, user, state, expires_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (team, conversation, user)"
                " DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
                (key.team, key.conversation, key.user, raw, now + ttl_s))
            conn.execute("DELETE FROM conversations WHERE expires_at <= ?", (now,))

        await self._run(work)

    async def delete_conversation(self, key: ConversationKey) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM conversations"
                         " WHERE team = ? AND conversation = ? AND user = ?",
                         (key.team, key.conversation, key.user))

        await self._run(work)

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        now = self._clock()

        def work(conn: sqlite3.Connection) -> bool:
            # purge first, so an id whose window has passed counts as new again
            conn.execute("DELETE FROM deliveries WHERE expires_at <= ?", (now,))
            cursor = conn.execute("INSERT OR IGNORE INTO deliveries (event_id, expires_at)"
                                  " VALUES (?, ?)", (event_id, now + ttl_s))
            return cursor.rowcount == 1

        return await self._run(work)

    async def record_feedback(self, feedback: Feedback) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO feedback (team, user, intent, question, helpful, reason, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (feedback.team, feedback.user, feedback.intent, feedback.question,
                 int(feedback.helpful), feedback.reason, feedback.at))

        await self._run(work)

    async def feedback(self) -> list[Feedback]:
        """Everything recorded, oldest first: for reports and tests."""
        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute("SELECT team, user, intent, question, helpful, at, reason"
                                " FROM feedback ORDER BY id").fetchall()

        rows = await self._run(work)
        return [Feedback(t, u, i, q, bool(h), at, r) for t, u, i, q, h, at, r in rows]

    async def put_last_result(self, team: str, user: str, result_json: str) -> None:
        now = self._clock()

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO last_results (team, user, result, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (team, user)"
                " DO UPDATE SET result = excluded.result, at = excluded.at",
                (team, user, result_json, now))

        await self._run(work)

    async def get_last_result(self, team: str, user: str) -> str | None:
        def work(conn: sqlite3.Connection) -> Any:
            return conn.execute("SELECT result FROM last_results WHERE team = ? AND user = ?",
                                (team, user)).fetchone()

        row = await self._run(work)
        return str(row[0]) if row else None

    async def ping(self) -> bool:
        try:
            return bool(await self._run(lambda conn: conn.execute("SELECT 1").fetchone()))
        except StoreUnavailable:
            return False

    async def close(self) -> None:
        def work() -> None:
            with self._lock:
                if not self._closed:
                    self._closed = True
                    self._conn.close()

        await asyncio.to_thread(work)
