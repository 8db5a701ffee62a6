"""The embedded Store: one SQLite file, so a restart loses no conversation and needs no server.

Uses the standard library's sqlite3 on a worker thread (`asyncio.to_thread`) so the event loop
never blocks on disk; one connection, serialised by a lock, in WAL mode so readers in other
processes (reports, a second replica on the same host) don't block writers. Expired rows are
ignored on read and purged as the store goes, at most once a minute. Database errors surface
as StoreUnavailable, which
the engine degrades on.

The question log and feedback are purged past retention when the store opens and at most once
an hour while logging (retention.py). A database from before the question log gains its table
and feedback's question_id column on open, and one from before one-vote-per-answer its changed
column; nothing else about it changes.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from bot.store.base import Feedback, LoggedQuestion, StoreUnavailable
from bot.store.retention import DEFAULT_RETENTION_S, PurgeSchedule
from bot.values.conversation import ConversationKey, ConversationState

T = TypeVar("T")
EXPIRED_PURGE_EVERY_S = 60.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    team TEXT NOT NULL,
    conversation TEXT NOT NULL,
    user TEXT NOT NULL,
    state TEXT NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (team, conversation, user)
);
CREATE INDEX IF NOT EXISTS conversations_expiry ON conversations (expires_at);
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
CREATE INDEX IF NOT EXISTS feedback_at ON feedback (at);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at REAL NOT NULL,
    question_id TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    team TEXT NOT NULL,
    surface TEXT NOT NULL,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,
    intent TEXT,
    best TEXT,
    confidence REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_at ON questions (at);
CREATE TABLE IF NOT EXISTS last_results (
    team TEXT NOT NULL,
    user TEXT NOT NULL,
    result TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (team, user)
);
"""


SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA))


def _refuse_foreign_file(path: Path) -> None:
    """An existing file that is not SQLite (even an empty one) is someone else's: SQLite would
    happily turn it into a database. Refuse it instead of writing into it."""
    if not path.exists():
        return
    try:
        with path.open("rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise StoreUnavailable(f"cannot open SQLite store {path}: {exc.strerror}") from exc
    if header != SQLITE_HEADER:
        raise StoreUnavailable(f"{path} is not a SQLite database; refusing to write into it")


def _refuse_foreign_tables(conn: sqlite3.Connection, path: Path | str) -> None:
    """A SQLite database holding tables but none of ours belongs to another program."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if tables and not tables & OUR_TABLES:
        conn.close()
        raise StoreUnavailable(
            f"{path} is another program's SQLite database (no rolebot tables); "
            "refusing to write into it"
        )


class SqliteStore:
    def __init__(
        self,
        path: Path | str,
        clock: Callable[[], float] = time.time,
        retention: float | None = None,
    ) -> None:
        """Open (creating folders, file and schema as needed) and purge the question log past
        `retention` seconds (None: 90 days). Blocking: prefer `open`."""
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._retention_s = DEFAULT_RETENTION_S if retention is None else retention
        self._purges = PurgeSchedule()
        # expired conversations and delivery ids: reads already skip them, so deleting them is
        # housekeeping, done at most once a minute rather than on every write
        self._expiry = PurgeSchedule(EXPIRED_PURGE_EVERY_S)
        if str(path) != ":memory:":
            _refuse_foreign_file(self.path)
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=5.0)
            _refuse_foreign_tables(self._conn, path)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.executescript(SCHEMA)
            _upgrade_feedback(self._conn)
            now = self._clock()
            _purge(self._conn, now - self._retention_s)
            self._purges.done(now)
            self._conn.commit()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"cannot open SQLite store {path}: {exc}") from exc
        self._closed = False

    @classmethod
    async def open(
        cls,
        path: Path | str,
        clock: Callable[[], float] = time.time,
        retention: float | None = None,
    ) -> SqliteStore:
        return await asyncio.to_thread(cls, path, clock, retention)

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
                " AND expires_at > ?",
                (key.team, key.conversation, key.user, now),
            ).fetchone()

        row = await self._run(work)
        return ConversationState.from_json(row[0]) if row else None

    async def put_conversation(
        self, key: ConversationKey, state: ConversationState, ttl_s: int
    ) -> None:
        now = self._clock()
        raw = state.to_json()

        purge = self._expired_purge_due(now)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO conversations (team, conversation, user, state, expires_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (team, conversation, user)"
                " DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at",
                (key.team, key.conversation, key.user, raw, now + ttl_s),
            )
            if purge:
                conn.execute("DELETE FROM conversations WHERE expires_at <= ?", (now,))
                conn.execute("DELETE FROM deliveries WHERE expires_at <= ?", (now,))

        await self._run(work)

    def _expired_purge_due(self, now: float) -> bool:
        due = self._expiry.due(now)
        if due:
            self._expiry.done(now)
        return due

    async def delete_conversation(self, key: ConversationKey) -> None:
        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "DELETE FROM conversations WHERE team = ? AND conversation = ? AND user = ?",
                (key.team, key.conversation, key.user),
            )

        await self._run(work)

    async def first_delivery(self, event_id: str, ttl_s: int) -> bool:
        now = self._clock()

        purge = self._expired_purge_due(now)

        def work(conn: sqlite3.Connection) -> bool:
            if purge:
                conn.execute("DELETE FROM conversations WHERE expires_at <= ?", (now,))
                conn.execute("DELETE FROM deliveries WHERE expires_at <= ?", (now,))
            # new, or seen before but its window has passed (not yet purged): one row changes
            cursor = conn.execute(
                "INSERT INTO deliveries (event_id, expires_at) VALUES (?, ?)"
                " ON CONFLICT (event_id) DO UPDATE SET expires_at = excluded.expires_at"
                " WHERE deliveries.expires_at <= ?",
                (event_id, now + ttl_s, now),
            )
            return cursor.rowcount == 1

        return await self._run(work)

    async def record_feedback(self, feedback: Feedback) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            # DELETE first takes the write lock, so replicas on one file replace, never duplicate
            # (a database from before this kept every click: all of a person's go)
            earlier = conn.execute(
                "DELETE FROM feedback WHERE team = ? AND user = ? AND question_id = ?"
                " AND (question_id != '' OR intent = ?) RETURNING helpful, changed",
                (feedback.team, feedback.user, feedback.question_id, feedback.intent),
            ).fetchall()
            changed = any(bool(c) or bool(h) != feedback.helpful for h, c in earlier)
            conn.execute(
                "INSERT INTO feedback (team, user, intent, question, helpful, reason, at,"
                " question_id, changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    feedback.team,
                    feedback.user,
                    feedback.intent,
                    feedback.question,
                    int(feedback.helpful),
                    feedback.reason,
                    feedback.at,
                    feedback.question_id,
                    int(changed),
                ),
            )
            return bool(earlier)

        return await self._run(work)

    async def feedback(self) -> list[Feedback]:
        """Everything recorded, oldest first: for reports and tests."""
        return await self.feedback_since(float("-inf"))

    async def feedback_since(self, t: float) -> list[Feedback]:
        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT team, user, intent, question, helpful, at, reason,"
                " question_id, changed FROM feedback WHERE at >= ? ORDER BY at, id",
                (t,),
            ).fetchall()

        rows = await self._run(work)
        return [
            Feedback(team, user, intent, question, bool(helpful), at, reason, qid, bool(changed))
            for team, user, intent, question, helpful, at, reason, qid, changed in rows
        ]

    async def log_question(self, entry: LoggedQuestion) -> None:
        now = self._clock()
        purge = self._purges.due(now)
        if purge:
            self._purges.done(now)

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO questions (at, question_id, user_hash, team, surface, question,"
                " outcome, intent, best, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.at,
                    entry.question_id,
                    entry.user_hash,
                    entry.team,
                    entry.surface,
                    entry.question,
                    entry.outcome,
                    entry.intent,
                    entry.best,
                    entry.confidence,
                ),
            )
            if purge:
                _purge(conn, now - self._retention_s)

        await self._run(work)

    async def questions_since(self, t: float) -> list[LoggedQuestion]:
        def work(conn: sqlite3.Connection) -> list[Any]:
            return conn.execute(
                "SELECT at, question_id, user_hash, team, surface, question, outcome, intent,"
                " best, confidence FROM questions WHERE at >= ? ORDER BY at, id",
                (t,),
            ).fetchall()

        return [LoggedQuestion(*row) for row in await self._run(work)]

    async def purge_before(self, t: float) -> int:
        return await self._run(lambda conn: _purge(conn, t))

    async def put_last_result(self, team: str, user: str, result_json: str) -> None:
        now = self._clock()

        def work(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO last_results (team, user, result, at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (team, user)"
                " DO UPDATE SET result = excluded.result, at = excluded.at",
                (team, user, result_json, now),
            )

        await self._run(work)

    async def get_last_result(self, team: str, user: str) -> str | None:
        def work(conn: sqlite3.Connection) -> Any:
            return conn.execute(
                "SELECT result FROM last_results WHERE team = ? AND user = ?", (team, user)
            ).fetchone()

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


def _purge(conn: sqlite3.Connection, before: float) -> int:
    deleted = conn.execute("DELETE FROM questions WHERE at < ?", (before,)).rowcount
    return int(deleted + conn.execute("DELETE FROM feedback WHERE at < ?", (before,)).rowcount)


def _upgrade_feedback(conn: sqlite3.Connection) -> None:
    """Databases created before the question log have no feedback.question_id yet, and those
    from before one vote per answer no feedback.changed nor the index a vote is found by."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(feedback)")}
    if "question_id" not in columns:
        conn.execute("ALTER TABLE feedback ADD COLUMN question_id TEXT NOT NULL DEFAULT ''")
    if "changed" not in columns:
        conn.execute("ALTER TABLE feedback ADD COLUMN changed INTEGER NOT NULL DEFAULT 0")
    conn.execute("CREATE INDEX IF NOT EXISTS feedback_voter ON feedback (team, user, question_id)")
