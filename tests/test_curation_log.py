"""The question log as the engine writes it: normalised, anonymous, linked to feedback, and never
in the way of an answer. Ends with the same over the wire: the real server and the stand-in."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.curation.report import build_report
from bot.dialogue.engine import Engine, EngineSettings
from bot.dialogue.questionlog import DEFAULT_SALT, user_hash
from bot.runtime import build_engine
from bot.slack import places
from bot.store.base import LoggedQuestion, StoreUnavailable
from bot.store.memory import MemoryStore
from bot.values.conversation import ConversationKey
from bot.values.replies import Answer, Clarify, Fallback
from bot.values.turn import Action, Turn

ALICE = ConversationKey("T1", "C1:1700000000.000100", "U0ALICE01")


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def engine(store: MemoryStore) -> Engine:
    return build_engine(store, None, EngineSettings(hash_salt="test-salt"))


async def logged(store: MemoryStore) -> list[LoggedQuestion]:
    return await store.questions_since(0)


async def test_an_answered_question_is_logged_normalised_under_a_salted_hash(
    engine: Engine, store: MemoryStore
) -> None:
    reply = await engine.handle(Turn(ALICE, "What does a <@U0BOB0001> CIO do??", surface="im"))
    assert isinstance(reply, Answer)
    (entry,) = await logged(store)
    assert entry.question == "what does a cio do"
    assert (entry.outcome, entry.intent, entry.best) == ("answer", "cio_role", "cio_role")
    assert (entry.team, entry.surface) == ("T1", "im")
    assert entry.confidence == pytest.approx(1.0)
    expected = hashlib.sha256(b"test-salt\x1fT1\x1fU0ALICE01").hexdigest()
    assert entry.user_hash == expected == user_hash("T1", "U0ALICE01", "test-salt")


async def test_no_raw_user_id_and_no_raw_text_reach_the_log(
    engine: Engine, store: MemoryStore
) -> None:
    await engine.handle(
        Turn(ALICE, "Hey <@U0BOB0001>, what does the Chief Information Officer do?")
    )
    (entry,) = await logged(store)
    stored = repr(asdict(entry))
    assert "U0ALICE01" not in stored and "U0BOB0001" not in stored
    assert "Chief Information Officer" not in stored
    assert entry.question == "hey what does the cio do"


async def test_clarified_and_unanswered_questions_log_their_best_intent_only(
    engine: Engine, store: MemoryStore
) -> None:
    assert isinstance(await engine.handle(Turn(ALICE, "cio plus cto")), Clarify)
    assert isinstance(await engine.handle(Turn(ALICE, "what does a coo do")), Fallback)
    clarified, unanswered = await logged(store)
    assert (clarified.outcome, clarified.intent, clarified.best) == ("clarify", None, "cio_vs_cto")
    assert (unanswered.outcome, unanswered.intent) == ("fallback", None)
    assert unanswered.best is not None and unanswered.question == "what does a coo do"


async def test_clicks_picked_suggestions_and_empty_text_are_not_logged(
    engine: Engine, store: MemoryStore
) -> None:
    await engine.handle(Turn(ALICE, "cio plus cto"))
    await engine.handle(Turn(ALICE, "1"))  # picks the first "did you mean"
    await engine.handle(Turn(ALICE, action=Action("show_intent", "cto_role")))
    await engine.handle(Turn(ALICE, ":wave:"))
    assert [q.question for q in await logged(store)] == ["cio plus cto"]


async def test_the_salt_comes_from_the_environment_and_changes_every_hash() -> None:
    from tests.support.environ import settings_from

    def salt(environ: dict[str, str]) -> str:
        return settings_from(environ).core.hash_salt.get_secret_value()

    assert salt({}) == DEFAULT_SALT
    assert salt({"ROLEBOT_HASH_SALT": " s3cret "}) == "s3cret"
    assert user_hash("T1", "U1", "a") != user_hash("T1", "U1", "b")
    assert user_hash("T1", "2U", "a") != user_hash("T12", "U", "a")


async def test_a_vote_links_to_the_question_it_is_about(engine: Engine, store: MemoryStore) -> None:
    await engine.handle(Turn(ALICE, "who does the cio report to"))
    answer = await engine.handle(Turn(ALICE, "Who does the CIO report to?"))
    assert isinstance(answer, Answer)
    await engine.feedback(ALICE, answer.response.id, answer.question, False, "too vague")
    first, second = await logged(store)
    (vote,) = await store.feedback_since(0)
    assert vote.question_id == second.question_id == first.question_id != ""
    assert vote.user == second.user_hash  # the vote is as anonymous as the question
    report = build_report(await logged(store), [vote], 0, 1e12)
    (stats,) = [s for s in report.intents if s.intent == answer.response.id]
    assert (stats.down, stats.reasons, stats.downvoted) == (
        1,
        ("too vague",),
        ("who does the cio report to",),
    )
    assert report.feedback_linked == 1


async def test_a_vote_on_an_answer_reached_by_a_button_is_kept_unlinked(
    engine: Engine, store: MemoryStore
) -> None:
    await engine.feedback(ALICE, "cto_role", "", True)
    (vote,) = await store.feedback_since(0)
    assert (vote.question_id, vote.helpful) == ("", True)


class BrokenLog(MemoryStore):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    async def log_question(self, entry: LoggedQuestion) -> None:
        raise self.error


@pytest.mark.parametrize("error", [StoreUnavailable("redis down"), RuntimeError("a bug")])
async def test_a_store_that_cannot_log_still_answers(error: Exception) -> None:
    engine = build_engine(BrokenLog(error))
    reply = await engine.handle(Turn(ALICE, "what does a cto do"))
    assert isinstance(reply, Answer) and reply.response.id == "cto_role"


async def test_a_question_the_store_could_not_log_is_logged_and_counted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    engine = build_engine(BrokenLog(StoreUnavailable("redis down")))
    with caplog.at_level("WARNING", logger="bot.store"):
        await engine.handle(Turn(ALICE, "what does a cto do"))
    assert engine.store_errors.counts == {"log_question": 1}
    assert "log_question" in caplog.text and "redis down" in caplog.text


# -- which kind of conversation: places.py sets Turn.surface ------------------------------------


@pytest.mark.parametrize(
    ("event", "surface"),
    [
        ({"channel": "C1", "user": "U1", "ts": "1.0", "channel_type": "channel"}, "channel"),
        ({"channel": "C1", "user": "U1", "ts": "1.0"}, "channel"),  # app_mention has no type
        ({"channel": "G1", "user": "U1", "ts": "1.0", "channel_type": "mpim"}, "mpim"),
        ({"channel": "G1", "user": "U1", "ts": "1.0", "channel_type": "group"}, "group"),
        ({"channel": "G1", "user": "U1", "ts": "1.0"}, "group"),
        ({"channel": "D1", "user": "U1", "ts": "1.0", "channel_type": "im"}, "im"),
        ({"channel": "D1", "user": "U1", "ts": "1.0"}, "im"),
    ],
)
def test_an_event_says_which_kind_of_conversation_it_came_from(
    event: dict[str, Any], surface: str
) -> None:
    place = places.from_event(event, "T1")
    turn = place.turn("what does a cio do")
    assert (turn.surface, turn.key, turn.text) == (surface, place.key, "what does a cio do")


def test_a_slash_command_and_the_dm_have_their_own_surfaces() -> None:
    command = {"team_id": "T1", "user_id": "U1", "channel_id": "C1", "command": "/ask"}
    assert places.from_command(command).turn("x").surface == "command"
    assert places.dm("T1", "U1", "D1").turn("x").surface == "im"
    assert Turn(ALICE, "x").surface == "terminal"


# -- over the wire ------------------------------------------------------------------------------


@pytest.fixture
async def wire(tmp_path: Path) -> AsyncIterator[Any]:
    from tests.slack.conftest import RunningBot, SlackSender, make_settings
    from tests.support.standin import SlackStandIn

    standin = SlackStandIn()
    await standin.start()
    bot = RunningBot(make_settings(standin, tmp_path / "rolebot.sqlite3"))
    await bot.start()
    async with aiohttp.ClientSession() as http:
        yield SlackSender(bot, standin, http, "question-log"), standin, bot
    await standin.settle(0.1)
    await bot.stop()
    await standin.stop()


async def test_questions_from_slack_are_logged_with_where_they_were_asked(wire: Any) -> None:
    slack, standin, bot = wire
    await slack.mention("what does a cio do")
    await slack.dm("who owns outsourcing")
    assert (await slack.command("/ask", "what does a coo do")).status == 200
    await standin.wait_for("chat.postMessage", count=2)
    await standin.wait_for("response_url")
    entries = await bot.store.questions_since(0)
    seen = {(q.surface, q.question, q.outcome) for q in entries}
    assert seen == {
        ("channel", "what does a cio do", "answer"),
        ("im", "who owns outsourcing", "answer"),
        ("command", "what does a coo do", "fallback"),
    }
    assert all("U0ALICE01" not in repr(asdict(q)) for q in entries)
