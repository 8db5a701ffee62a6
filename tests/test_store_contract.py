"""The Store contract, once, for every store: memory (tests), SQLite (the default), Redis
(replicas). What a store is for: a conversation comes back as it was saved and only to its own
person, it expires, a retried event gets through once, votes and last results are kept, and a
person has one vote per answer (a later click replaces the earlier one).

Facts only one store has (SQLite surviving a restart, Redis across two clients) live in that
store's own test file; the question log's contract is in test_store_question_log.py.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.store.base import Feedback, Store
from bot.values.conversation import ConversationKey, ConversationState, FlowState
from tests.stores import KINDS, Opened, open_store

ALICE = ConversationKey("T1", "C1:1700000000.000100", "alice")
BOB = ConversationKey("T1", "C1:1700000000.000100", "bob")


@pytest.fixture(params=KINDS)
async def opened(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Opened]:
    store = await open_store(request.param, tmp_path)
    yield store
    await store.close()


def flow_state(**answers: str) -> ConversationState:
    return ConversationState(
        flow=FlowState(answers=dict(answers), history=list(answers), started_at=1.0, updated_at=2.0)
    )


async def test_every_store_has_every_method_of_the_protocol_and_is_reachable(
    opened: Opened,
) -> None:
    assert isinstance(opened.store, Store)
    assert await opened.store.ping() is True


async def test_a_saved_conversation_comes_back_equal_and_unshared(opened: Opened) -> None:
    store = opened.store
    state = flow_state(tech_role="creator", size="small")
    state.suggestions, state.last_intent, state.updated_at = ["cio_vs_cto"], "cio_role", 2.0
    await store.put_conversation(ALICE, state, 60)
    loaded = await store.get_conversation(ALICE)
    assert loaded == state and loaded is not state
    assert loaded.flow is not None
    loaded.flow.answers["size"] = "large"  # changing what was read changes nothing stored
    assert await store.get_conversation(ALICE) == state


async def test_two_people_in_one_thread_are_kept_apart(opened: Opened) -> None:
    store = opened.store
    await store.put_conversation(ALICE, flow_state(tech_role="creator"), 60)
    await store.put_conversation(BOB, flow_state(tech_role="consumer"), 60)
    alice, bob = await store.get_conversation(ALICE), await store.get_conversation(BOB)
    assert alice is not None and alice.flow is not None and bob is not None and bob.flow is not None
    assert (alice.flow.answers, bob.flow.answers) == (
        {"tech_role": "creator"},
        {"tech_role": "consumer"},
    )
    await store.delete_conversation(ALICE)
    assert await store.get_conversation(ALICE) is None
    assert await store.get_conversation(BOB) is not None


async def test_saving_again_replaces_the_state_and_restarts_its_expiry(opened: Opened) -> None:
    store = opened.store
    await store.put_conversation(ALICE, flow_state(tech_role="creator"), 2)
    await opened.advance(1.2)
    await store.put_conversation(ALICE, flow_state(tech_role="mixed"), 2)
    await opened.advance(1.2)  # past the first expiry, within the second
    loaded = await store.get_conversation(ALICE)
    assert loaded is not None and loaded.flow is not None
    assert loaded.flow.answers == {"tech_role": "mixed"}


async def test_a_conversation_expires_after_its_ttl(opened: Opened) -> None:
    store = opened.store
    await store.put_conversation(ALICE, flow_state(), 1)
    assert await store.get_conversation(ALICE) is not None
    await opened.advance(1.1)
    assert await store.get_conversation(ALICE) is None


async def test_a_retried_event_gets_through_once_until_its_window_passes(opened: Opened) -> None:
    store = opened.store
    assert await store.first_delivery("Ev1", 1) is True
    assert await store.first_delivery("Ev1", 1) is False
    assert await store.first_delivery("Ev2", 1) is True
    await opened.advance(1.1)
    assert await store.first_delivery("Ev1", 1) is True
    assert await store.first_delivery("Ev1", 1) is False


async def test_concurrent_deliveries_of_one_event_let_exactly_one_through(opened: Opened) -> None:
    results = await asyncio.gather(*(opened.store.first_delivery("Ev1", 60) for _ in range(20)))
    assert results.count(True) == 1


async def test_votes_are_kept_in_the_order_they_were_given(opened: Opened) -> None:
    store = opened.store
    now = time.time()  # recent: votes past the retention period are purged
    first = Feedback("T1", "alice", "cio_vs_cto", "what's a cio?", True, now - 2)
    second = Feedback("T1", "bob", "hiring_cto", "hire?", False, now - 1, "too vague", "q7")
    await store.record_feedback(first)
    await store.record_feedback(second)
    assert await store.feedback_since(now - 10) == [first, second]


async def test_a_later_vote_on_the_same_answer_replaces_the_earlier_one(opened: Opened) -> None:
    store = opened.store
    now = time.time()
    up = Feedback("T1", "alice", "cio_role", "what does a cio do", True, now - 4, "", "q1")
    assert await store.record_feedback(up) is False
    down = replace(up, helpful=False, at=now - 3, reason="too vague")
    assert await store.record_feedback(down) is True
    bob = replace(up, user="bob", at=now - 2)  # another person, the same question text
    other = Feedback("T1", "alice", "cto_role", "what does a cto do", True, now - 1, "", "q2")
    assert await store.record_feedback(bob) is False
    assert await store.record_feedback(other) is False
    assert await store.feedback_since(now - 10) == [replace(down, changed=True), bob, other]


async def test_a_repeated_click_the_same_way_is_one_vote_and_no_change_of_mind(
    opened: Opened,
) -> None:
    store = opened.store
    now = time.time()
    up = Feedback("T1", "alice", "cio_role", "what does a cio do", True, now - 3, "", "q1")
    await store.record_feedback(up)
    assert await store.record_feedback(replace(up, at=now - 2)) is True
    assert await store.feedback_since(now - 10) == [replace(up, at=now - 2)]
    # up, down, then up again: the vote is up, and the person did change their mind on the way
    await store.record_feedback(replace(up, helpful=False, at=now - 1))
    await store.record_feedback(replace(up, at=now))
    assert await store.feedback_since(now - 10) == [replace(up, at=now, changed=True)]


async def test_votes_on_an_answer_reached_by_a_button_are_one_per_person_per_intent(
    opened: Opened,
) -> None:
    """No logged question to key on (question_id ""): the answer is the intent."""
    store = opened.store
    now = time.time()
    cto = Feedback("T1", "alice", "cto_role", "", True, now - 3)
    assert await store.record_feedback(cto) is False
    assert await store.record_feedback(replace(cto, helpful=False, at=now - 2)) is True
    cio = replace(cto, intent="cio_role", at=now - 1)
    assert await store.record_feedback(cio) is False
    votes = await store.feedback_since(now - 10)
    assert [(v.intent, v.helpful, v.changed) for v in votes] == [
        ("cto_role", False, True),
        ("cio_role", True, False),
    ]


async def test_concurrent_clicks_by_one_person_leave_one_vote(opened: Opened) -> None:
    now = time.time()
    clicks = [
        Feedback("T1", "alice", "cio_role", "q", n % 2 == 0, now - 1 + n / 100, "", "q1")
        for n in range(10)
    ]
    replaced = await asyncio.gather(*(opened.store.record_feedback(c) for c in clicks))
    assert replaced.count(False) == 1
    (vote,) = await opened.store.feedback_since(now - 10)
    assert vote.changed is True


async def test_the_last_result_is_kept_per_person_and_team_and_replaced(opened: Opened) -> None:
    store = opened.store
    assert await store.get_last_result("T1", "alice") is None
    await store.put_last_result("T1", "alice", '{"kind": "cto"}')
    await store.put_last_result("T1", "alice", '{"kind": "cio"}')
    await store.put_last_result("T1", "bob", '{"kind": "both"}')
    await store.put_last_result("T2", "alice", '{"kind": "cto"}')
    assert await store.get_last_result("T1", "alice") == '{"kind": "cio"}'
    assert await store.get_last_result("T1", "bob") == '{"kind": "both"}'
    assert await store.get_last_result("T2", "alice") == '{"kind": "cto"}'
