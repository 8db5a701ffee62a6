"""MemoryStore: the Store protocol in process, with the same expiry and isolation rules."""
from __future__ import annotations

import asyncio

from bot.dialogue.state import ConversationKey, ConversationState, FlowState
from bot.store.base import Feedback, Store
from bot.store.memory import MemoryStore


class FakeClock:
    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


ALICE = ConversationKey("T1", "C1", "alice")
BOB = ConversationKey("T1", "C1", "bob")


def flow_state(**answers: str) -> ConversationState:
    return ConversationState(flow=FlowState(answers=dict(answers), history=list(answers),
                                            started_at=1.0, updated_at=2.0))


def test_memory_store_satisfies_the_store_protocol() -> None:
    store: Store = MemoryStore()
    assert store is not None


async def test_a_saved_conversation_comes_back_equal_but_not_shared() -> None:
    store = MemoryStore()
    state = flow_state(tech_role="creator")
    await store.put_conversation(ALICE, state, 60)
    loaded = await store.get_conversation(ALICE)
    assert loaded == state
    assert loaded is not state
    assert loaded is not None and loaded.flow is not None
    loaded.flow.answers["size"] = "small"
    assert await store.get_conversation(ALICE) == state


async def test_two_people_in_one_conversation_are_kept_apart() -> None:
    store = MemoryStore()
    await store.put_conversation(ALICE, flow_state(tech_role="creator"), 60)
    await store.put_conversation(BOB, flow_state(tech_role="consumer"), 60)
    alice, bob = await store.get_conversation(ALICE), await store.get_conversation(BOB)
    assert alice is not None and alice.flow is not None
    assert bob is not None and bob.flow is not None
    assert alice.flow.answers == {"tech_role": "creator"}
    assert bob.flow.answers == {"tech_role": "consumer"}
    await store.delete_conversation(ALICE)
    assert await store.get_conversation(ALICE) is None
    assert await store.get_conversation(BOB) is not None


async def test_a_conversation_expires_after_its_ttl() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    await store.put_conversation(ALICE, flow_state(), 60)
    clock.now += 59
    assert await store.get_conversation(ALICE) is not None
    clock.now += 1
    assert await store.get_conversation(ALICE) is None


async def test_a_retried_event_is_delivered_once_until_its_window_passes() -> None:
    clock = FakeClock()
    store = MemoryStore(clock=clock)
    assert await store.first_delivery("Ev1", 300) is True
    assert await store.first_delivery("Ev1", 300) is False
    assert await store.first_delivery("Ev2", 300) is True
    clock.now += 300
    assert await store.first_delivery("Ev1", 300) is True


async def test_concurrent_deliveries_of_one_event_let_exactly_one_through() -> None:
    store = MemoryStore()
    results = await asyncio.gather(*(store.first_delivery("Ev1", 60) for _ in range(20)))
    assert results.count(True) == 1


async def test_feedback_is_recorded_in_order() -> None:
    store = MemoryStore()
    first = Feedback("T1", "alice", "cio_vs_cto", "what's a cio?", True, 1.0)
    second = Feedback("T1", "bob", "hiring_cto", "hire?", False, 2.0, "too vague")
    await store.record_feedback(first)
    await store.record_feedback(second)
    assert await store.feedback() == [first, second]


async def test_the_last_result_is_kept_per_person_and_replaced() -> None:
    store = MemoryStore()
    assert await store.get_last_result("T1", "alice") is None
    await store.put_last_result("T1", "alice", '{"kind": "cto"}')
    await store.put_last_result("T1", "alice", '{"kind": "cio"}')
    await store.put_last_result("T2", "alice", '{"kind": "both"}')
    assert await store.get_last_result("T1", "alice") == '{"kind": "cio"}'
    assert await store.get_last_result("T2", "alice") == '{"kind": "both"}'


async def test_ping_and_close() -> None:
    store = MemoryStore()
    assert await store.ping() is True
    await store.close()
