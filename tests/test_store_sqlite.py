"""SqliteStore on a real file: what only it promises. Persistence across a restart, WAL, two
stores on one file, and a clear error for a broken file. The behaviour every store shares is
in test_store_contract.py."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from bot.content.load import default_root, load_content
from bot.rolefit.flow import FlowRunner
from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.settings import load_settings
from bot.store.base import Feedback, Store, StoreUnavailable
from bot.store.sqlite import EXPIRED_PURGE_EVERY_S, SqliteStore
from bot.values.conversation import ConversationKey, ConversationState, FlowState
from bot.values.replies import FlowQuestion
from tests.stores import FakeClock

ALICE = ConversationKey("T1", "C1:1700000000.000100", "alice")
BOB = ConversationKey("T1", "C1:1700000000.000100", "bob")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "nested" / "dir" / "rolebot.db"


def flow_state(**answers: str) -> ConversationState:
    return ConversationState(
        flow=FlowState(answers=dict(answers), history=list(answers), started_at=1.0, updated_at=2.0)
    )


async def test_open_creates_the_folders_the_file_and_wal_mode(db_path: Path) -> None:
    store: Store = await SqliteStore.open(db_path)
    try:
        assert db_path.is_file()
        assert await store.ping() is True
    finally:
        await store.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_a_conversation_survives_closing_and_reopening(db_path: Path) -> None:
    store = await SqliteStore.open(db_path)
    state = flow_state(tech_role="creator", size="small")
    state.suggestions = ["cio_vs_cto"]
    await store.put_conversation(ALICE, state, 3600)
    await store.close()
    reopened = await SqliteStore.open(db_path)
    try:
        assert await reopened.get_conversation(ALICE) == state
    finally:
        await reopened.close()


async def test_an_assessment_in_progress_survives_a_restart(db_path: Path) -> None:
    rolefit, _ = load_rolefit(default_rolefit_path())
    assert rolefit is not None
    sources = {s.id: s for s in load_content(default_root())[0].sources}
    runner = FlowRunner(rolefit, {}, sources)
    flow, _ = runner.start(now=10.0)
    assert flow is not None
    for text in ("We sell technology", "2"):
        flow, _ = runner.on_text(flow, text, now=11.0)
        assert flow is not None
    store = await SqliteStore.open(db_path)
    await store.put_conversation(ALICE, ConversationState(flow=flow), 3600)
    await store.close()  # the process goes away

    store = await SqliteStore.open(db_path)
    try:
        restored = await store.get_conversation(ALICE)
        assert restored is not None and restored.flow is not None
        flow, reply = runner.on_text(restored.flow, "both", now=12.0)
        assert isinstance(reply, FlowQuestion)
        assert reply.question.id == "compliance" and reply.number == 4
        assert flow is not None
        assert flow.answers == {"tech_role": "creator", "size": "midsize", "priority": "both"}
    finally:
        await store.close()


async def test_deliveries_are_remembered_across_a_restart(db_path: Path) -> None:
    store = await SqliteStore.open(db_path)
    assert await store.first_delivery("Ev1", 300) is True
    await store.close()
    store = await SqliteStore.open(db_path)
    try:
        assert await store.first_delivery("Ev1", 300) is False
    finally:
        await store.close()


async def test_expired_rows_are_purged_at_most_once_a_minute(db_path: Path) -> None:
    clock = FakeClock()
    store = await SqliteStore.open(db_path, clock=clock)

    def rows() -> tuple[set[str], int]:
        with sqlite3.connect(db_path) as conn:
            ids = {r[0] for r in conn.execute("SELECT event_id FROM deliveries")}
            return ids, conn.execute("SELECT COUNT(*) FROM conversations").fetchone()[0]

    try:
        for n in range(5):
            await store.first_delivery(f"Ev{n}", 10)
        await store.put_conversation(ALICE, flow_state(), 10)
        clock.now += 10
        assert await store.first_delivery("Ev0", 10) is True  # past its window: new again
        await store.first_delivery("fresh", 3600)
        assert rows() == ({"Ev0", "Ev1", "Ev2", "Ev3", "Ev4", "fresh"}, 1)  # not yet purged
        clock.now += EXPIRED_PURGE_EVERY_S
        await store.first_delivery("later", 3600)
        assert rows() == ({"fresh", "later"}, 0)
    finally:
        await store.close()


async def test_two_stores_on_one_file_agree_on_first_delivery(db_path: Path) -> None:
    one, two = await SqliteStore.open(db_path), await SqliteStore.open(db_path)
    try:
        assert await one.first_delivery("Ev1", 60) is True
        assert await two.first_delivery("Ev1", 60) is False
    finally:
        await one.close()
        await two.close()


async def test_votes_survive_a_restart(db_path: Path) -> None:
    store = await SqliteStore.open(db_path)
    now = time.time()  # recent: feedback past the retention period is purged when a store opens
    first = Feedback("T1", "alice", "cio_vs_cto", "what's a cio?", True, now - 2)
    second = Feedback("T1", "bob", "hiring_cto", "hire?", False, now - 1, "too vague")
    await store.record_feedback(first)
    await store.record_feedback(second)
    await store.close()
    store = await SqliteStore.open(db_path)
    try:
        assert await store.feedback() == [first, second]
    finally:
        await store.close()


async def test_a_closed_store_reports_itself_unavailable(db_path: Path) -> None:
    store = await SqliteStore.open(db_path)
    await store.close()
    assert await store.ping() is False
    with pytest.raises(StoreUnavailable):
        await store.get_conversation(ALICE)
    await store.close()  # closing twice is harmless


def test_a_file_that_is_not_a_database_is_unavailable(tmp_path: Path) -> None:
    path = tmp_path / "rolebot.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreUnavailable):
        SqliteStore(path)


def test_the_database_path_comes_from_rolebot_db(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ROLEBOT_DB", str(tmp_path / "x.db"))
    assert load_settings(dotenv=None).core.db_path == tmp_path / "x.db"
    monkeypatch.delenv("ROLEBOT_DB")
    assert load_settings(dotenv=None).core.db_path == Path("data") / "rolebot.db"
