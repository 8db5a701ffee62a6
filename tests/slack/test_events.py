"""Events API: mentions, DMs, App Home; retries answered once; bots and edits ignored."""

from __future__ import annotations

import json

from tests.slack.conftest import ALICE, BOB, GENERAL, RunningBot, SlackSender
from tests.support.standin import BOT_ID, BOT_USER_ID, SlackStandIn


def contexts(blocks: list[dict]) -> str:
    return "\n".join(
        e.get("text", "") for b in blocks if b["type"] == "context" for e in b["elements"]
    )


async def test_mention_is_answered_in_a_thread_with_sources(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    event = await slack.mention("what does a cio do")
    (answer,) = await standin.wait_for("chat.postMessage")
    assert answer.body["channel"] == GENERAL
    assert answer.body["thread_ts"] == event["ts"]
    assert answer.headers["Authorization"] == "Bearer xoxb-0000-1111-standintoken"
    assert answer.body["blocks"][0]["type"] == "header"
    assert "*Sources*" in contexts(answer.body["blocks"])
    assert answer.body["text"]  # the notification fallback


async def test_a_mention_inside_a_thread_continues_that_conversation(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    first = await slack.mention("start the assessment")
    (question,) = await standin.wait_for("chat.postMessage")
    assert "Question 1 of" in question.body["text"]
    await slack.mention("1", thread_ts=first["ts"])
    (_, second) = await standin.wait_for("chat.postMessage", count=2)
    assert second.body["thread_ts"] == first["ts"]
    assert "Question 2 of" in second.body["text"]


async def test_a_retried_event_is_answered_once(slack: SlackSender, standin: SlackStandIn) -> None:
    event = slack.mention_event("what does a cto do")
    first = await slack.event(event, event_id="Ev0RETRY001")
    retry = await slack.event(event, event_id="Ev0RETRY001", retry_num=1)
    assert first.status == retry.status == 200
    await standin.wait_for("chat.postMessage")
    await standin.settle(0.4)
    assert len(standin.calls_to("chat.postMessage")) == 1


async def test_broadcasts_and_mentions_in_a_question_are_never_posted(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    await slack.mention("<!channel> what does a cio do")
    await slack.mention(f"<!here> <@{BOB}> <!everyone> tell me about bananas and &lt;!channel&gt;")
    await standin.wait_for("chat.postMessage", count=2)
    await standin.settle(0.2)
    posted = standin.everything_posted()
    for forbidden in ("<!channel>", "<!here>", "<!everyone>", f"<@{BOB}>"):
        assert forbidden not in posted


async def test_a_dm_is_answered_in_the_dm(slack: SlackSender, standin: SlackStandIn) -> None:
    event = await slack.dm("what is the difference between a cio and a cto")
    (answer,) = await standin.wait_for("chat.postMessage")
    assert answer.body["channel"] == event["channel"]
    assert "thread_ts" not in answer.body
    threaded = await slack.dm("what does a cto do", thread_ts=event["ts"])
    (_, second) = await standin.wait_for("chat.postMessage", count=2)
    assert second.body["thread_ts"] == threaded["thread_ts"]


async def test_own_messages_other_bots_and_edits_are_ignored(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    own = slack.dm_event("what does a cio do")
    own.update(user=BOT_USER_ID, bot_id=BOT_ID)
    other_bot = slack.dm_event("what does a cio do", user=BOB)
    other_bot.update(bot_id="B0OTHER01", subtype="bot_message")
    edited = {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": "D0ALICE01",
        "channel_type": "im",
        "ts": "1700000000.000900",
        "event_ts": "1700000000.000900",
        "message": {
            "type": "message",
            "user": ALICE,
            "text": "what does a cto do",
            "ts": "1700000000.000800",
            "edited": {"user": ALICE, "ts": "1700000000.000900"},
        },
        "previous_message": {
            "type": "message",
            "user": ALICE,
            "text": "what does a cio do",
            "ts": "1700000000.000800",
        },
    }
    joined = {
        "type": "message",
        "subtype": "channel_join",
        "user": BOB,
        "channel": "D0ALICE01",
        "channel_type": "im",
        "text": f"<@{BOB}> has joined",
        "ts": "1700000000.000950",
    }
    for event in (own, other_bot, edited, joined):
        sent = await slack.event(event)
        assert sent.status == 200, sent.text
    await standin.settle(0.4)
    assert standin.calls_to("chat.postMessage") == []


async def test_app_home_is_published_when_opened(slack: SlackSender, standin: SlackStandIn) -> None:
    await slack.open_home()
    (published,) = await standin.wait_for("views.publish")
    assert published.body["user_id"] == ALICE
    view = published.body["view"]
    assert view["type"] == "home"
    action_ids = [
        e["action_id"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert "flow_start" in action_ids
    assert any(a.startswith("show_intent:") for a in action_ids)
    # a topic clicked on Home is answered in the DM
    await slack.click_home(published, "show_intent")
    (answer,) = await standin.wait_for("chat.postMessage")
    assert answer.body["channel"] == "D0ALICE01"
    assert json.dumps(answer.body["blocks"])


async def test_an_answer_sent_twice_is_the_same_as_one_built_from_nothing(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    """Blocks are built once and reused (blocks.py): nothing on the way to Slack may change
    the shared copies, or the second person asking would see the first one's leftovers."""
    from bot.slack import blocks

    await slack.mention("what does a cio do")
    await slack.mention("what does a cio do", user=BOB)
    first, second = await standin.wait_for("chat.postMessage", count=2)
    for cached in (
        blocks._section,
        blocks.context_block,
        blocks._header,
        blocks._button_without_value,
    ):
        cached.cache_clear()
    fresh = blocks.render(bot.engine.answer_for("cio_role"))
    unvalued = [b for b in fresh["blocks"] if b["type"] != "actions"]
    for sent in (first, second):
        assert [b for b in sent.body["blocks"] if b["type"] != "actions"] == unvalued
