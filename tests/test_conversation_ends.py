"""The conversation's loose ends: asides in the assessment, "why?", small talk said once,
a goodbye, and numbers that can only mean one thing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.dialogue.engine import Engine
from bot.runtime import build_engine
from bot.slack.blocks import render as blocks
from bot.store.memory import MemoryStore
from bot.terminal import render
from bot.values.conversation import ConversationKey
from bot.values.replies import Answer, FlowQuestion, Notice
from bot.values.turn import Turn

ANA = ConversationKey("T1", "D1", "U_ANA")


@pytest.fixture
async def engine() -> AsyncIterator[Engine]:
    store = MemoryStore()
    yield build_engine(store)
    await store.close()


async def say(engine: Engine, text: str):  # type: ignore[no-untyped-def]
    return await engine.handle(Turn(ANA, text))


async def test_a_question_mid_assessment_is_answered_then_the_question_asked_again(
    engine: Engine,
) -> None:
    await say(engine, "start assessment")
    await say(engine, "1")
    reply = await say(engine, "what does a cio do?")
    assert isinstance(reply, Answer) and reply.response.id == "cio_role"
    assert isinstance(reply.then, FlowQuestion) and reply.then.question.id == "size"
    assert reply.then.number == 2
    text = render(reply)
    assert text.index("Sources:") < text.index("Question 2 of 6")
    slack = blocks(reply)
    assert "Question 2 of" in str(slack["blocks"][-5:]) or "Question 2 of" in slack["text"]
    assert len(slack["blocks"]) <= 50
    # the flow goes on where it was
    reply = await say(engine, "1")
    assert isinstance(reply, FlowQuestion) and reply.number == 3


async def test_asking_to_start_the_assessment_mid_way_resumes_it_and_says_so(
    engine: Engine,
) -> None:
    await say(engine, "start assessment")
    await say(engine, "1")
    reply = await say(engine, "start assessment")
    assert isinstance(reply, FlowQuestion) and reply.number == 2
    assert reply.notice and "already in the assessment" in reply.notice
    assert "didn't catch" not in render(reply)
    # the answer given before is kept: the next answer moves on to question 3
    reply = await say(engine, "1")
    assert isinstance(reply, FlowQuestion) and reply.number == 3


async def test_why_shows_the_reason_then_the_question_again(engine: Engine) -> None:
    await say(engine, "start assessment")
    reply = await say(engine, "why?")
    assert isinstance(reply, Notice) and reply.kind == "why"
    assert isinstance(reply.then, FlowQuestion) and reply.then.number == 1
    text = render(reply)
    assert text.startswith(reply.text[:20]) and "Question 1 of 6" in text


@pytest.mark.parametrize(("command", "number"), [("back", 1), ("restart", 1)])
async def test_back_and_restart_show_the_question_they_lead_to(
    engine: Engine, command: str, number: int
) -> None:
    await say(engine, "start assessment")
    await say(engine, "1")
    reply = await say(engine, command)
    assert isinstance(reply, FlowQuestion) and reply.number == number
    assert f"Question {number} of 6" in render(reply)
    assert f"Question {number} of 6" in str(blocks(reply)["blocks"])


@pytest.mark.parametrize("text", ["hello", "thanks"])
async def test_small_talk_says_its_text_once(engine: Engine, text: str) -> None:
    reply = await say(engine, text)
    assert isinstance(reply, Answer) and reply.small_talk
    shown = render(reply)
    assert reply.response.short not in shown
    assert "\u2500" not in shown  # no title and rule above it
    assert shown.count(shown.split("!")[0] + "!") == 1
    assert not any(b["type"] == "header" for b in blocks(reply)["blocks"])


@pytest.mark.parametrize("text", ["bye", "Goodbye!", "see you", "ok bye"])
async def test_a_goodbye_gets_a_short_closing(engine: Engine, text: str) -> None:
    reply = await say(engine, text)
    assert isinstance(reply, Notice) and reply.kind == "closing"
    assert render(reply).startswith("Bye")


async def test_after_an_answer_only_the_sources_are_numbered(engine: Engine) -> None:
    reply = await say(engine, "what does a cio do?")
    assert isinstance(reply, Answer) and reply.related and len(reply.sources) > 1
    text = render(reply)
    related = text[text.index("Related") :]
    assert "[1]" in text and "  1. " not in related and "\u2022" in related


async def test_a_number_after_an_answer_is_not_taken_as_a_topic(tmp_path: Path) -> None:
    """In the terminal a title picks a related topic; "2" is no longer ambiguous."""
    import io

    from bot.terminal import chat

    store = MemoryStore()
    engine = build_engine(store)
    out = io.StringIO()
    stdin = io.StringIO("what does a cio do?\nCIO vs CTO\n")
    assert await chat(engine, stdin, out) == 0
    await store.close()
    assert out.getvalue().count("Sources:") == 2


async def test_a_goodbye_mid_assessment_says_the_answers_are_kept(engine: Engine) -> None:
    await say(engine, "start assessment")
    await say(engine, "1")
    reply = await say(engine, "bye")
    assert isinstance(reply, Notice) and reply.kind == "closing"
    assert "kept for 24 h" in reply.text
    reply = await say(engine, "2")
    assert isinstance(reply, FlowQuestion) and reply.number == 3
