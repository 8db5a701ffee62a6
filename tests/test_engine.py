"""The conversation engine end to end on the shipped content, with a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from bot.dialogue.engine import Engine, EngineSettings
from bot.runtime import build_engine
from bot.store.sqlite import SqliteStore
from bot.values.conversation import ConversationKey
from bot.values.replies import Answer, Clarify, Fallback, FlowQuestion, FlowResult, Notice
from bot.values.turn import Action, Turn

ANA = ConversationKey("T1", "C1:1700000000.000100", "U_ANA")
BEN = ConversationKey("T1", "C1:1700000000.000100", "U_BEN")


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


async def engine_on(path: Path, clock: Clock) -> Engine:
    engine = build_engine(await SqliteStore.open(path, clock=clock))
    engine.clock = clock
    return engine


async def close(engine: Engine) -> None:
    """The SQLite file behind both of the engine's ports."""
    assert isinstance(engine.conversations, SqliteStore)
    await engine.conversations.close()


async def say(engine: Engine, key: ConversationKey, text: str = "", action: Action | None = None):  # type: ignore[no-untyped-def]
    return await engine.handle(Turn(key, text, action))


async def test_an_assessment_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock()
    first = await engine_on(tmp_path / "bot.db", clock)
    reply = await say(first, ANA, "start assessment")
    assert isinstance(reply, FlowQuestion) and reply.question.id == "tech_role"
    reply = await say(first, ANA, "1")
    assert isinstance(reply, FlowQuestion) and reply.number == 2
    await close(first)

    second = await engine_on(tmp_path / "bot.db", clock)  # a new process on the same file
    reply = await say(second, ANA, "small")
    assert isinstance(reply, FlowQuestion) and reply.question.id == "priority"
    for answer in ("build_products", "low", "other", "none"):
        reply = await say(
            second, ANA, action=Action("flow_answer", f"{reply.question.id}={answer}")
        )
    assert isinstance(reply, FlowResult) and reply.recommendation.kind == "cto"
    assert (await second.last_result("T1", "U_ANA")) is not None
    await close(second)


async def test_two_people_assessing_in_one_thread_never_mix(tmp_path: Path) -> None:
    engine = await engine_on(tmp_path / "bot.db", Clock())
    await say(engine, ANA, "start assessment")
    await say(engine, BEN, "start assessment")
    await say(engine, ANA, "we sell software")
    reply = await say(engine, BEN, "3")
    assert isinstance(reply, FlowQuestion)
    assert dict((q.id, v) for q, v in reply.answered) == {"tech_role": "mixed"}
    reply = await say(engine, ANA, "why?")
    assert isinstance(reply, Notice) and reply.kind == "why"
    await close(engine)


async def test_an_abandoned_assessment_expires_with_a_clear_message(tmp_path: Path) -> None:
    clock = Clock()
    engine = await engine_on(tmp_path / "bot.db", clock)
    engine.settings = EngineSettings(flow_ttl_s=3600)
    engine.flows.ttl_s = 3600  # type: ignore[union-attr]
    await say(engine, ANA, "start assessment")
    clock.now += 2 * 3600
    reply = await say(engine, ANA, "creator")
    assert isinstance(reply, Notice) and reply.kind == "expired"
    assert "expired" in reply.text
    reply = await say(engine, ANA, "what does a cto do")
    assert isinstance(reply, Answer) and reply.response.id == "cto_role"
    await close(engine)


async def test_a_did_you_mean_choice_is_picked_by_number(tmp_path: Path) -> None:
    engine = await engine_on(tmp_path / "bot.db", Clock())
    reply = await say(engine, ANA, "cio and cto")
    assert isinstance(reply, Clarify) and len(reply.suggestions) >= 2
    picked = await say(engine, ANA, "2")
    assert isinstance(picked, Answer) and picked.response.id == reply.suggestions[1].intent
    await close(engine)


async def test_out_of_scope_falls_back_with_topics(tmp_path: Path) -> None:
    engine = await engine_on(tmp_path / "bot.db", Clock())
    reply = await say(engine, ANA, "what does a CMO do")
    assert isinstance(reply, Fallback) and reply.topics
    await close(engine)


async def test_a_near_topic_question_falls_back_naming_the_closest_topics_we_cover(
    tmp_path: Path,
) -> None:
    engine = await engine_on(tmp_path / "bot.db", Clock())
    reply = await say(engine, ANA, "what is a tech stack")
    assert isinstance(reply, Fallback)
    nearest = reply.match.semantic if reply.match else None
    assert nearest is not None and nearest.intent
    assert reply.topics[0].intent == nearest.intent  # the closest first, then the usual ones
    await engine.conversations.close()


async def test_which_role_offers_the_assessment(tmp_path: Path) -> None:
    engine = await engine_on(tmp_path / "bot.db", Clock())
    reply = await say(
        engine, ANA, "which technology executive should our company hire, cio or cto?"
    )
    assert isinstance(reply, Answer) and reply.response.id == "which_role_do_we_need"
    assert reply.offer_assessment
    await close(engine)
