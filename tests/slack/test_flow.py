"""The guided assessment in chat, clicked through with buttons, surviving a server restart."""

from __future__ import annotations

import json

from tests.slack.conftest import ALICE, RunningBot, SlackSender
from tests.support.standin import Call, SlackStandIn


def flow_buttons(call: Call) -> list[str]:
    return [
        e["action_id"]
        for b in call.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"].startswith("flow_answer:")
    ]


async def test_guided_flow_clicked_through_to_a_recommendation_across_a_restart(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    await slack.dm("start the assessment")
    (current,) = await standin.wait_for("chat.postMessage")
    total = len(bot.engine.flows.rolefit.questions)
    dm = "D" + ALICE[1:]
    posts = 1
    for number in range(1, total + 1):
        assert f"Question {number} of" in current.body["text"], current.body["text"]
        assert current.body["channel"] == dm
        if number == 3:
            await bot.restart()  # same SQLite file: the flow must continue where it was
        chosen = flow_buttons(current)[0]
        await slack.click(current, chosen)
        posts += 1
        updates = await standin.wait_for("chat.update", count=number)
        assert updates[-1].body["ts"] == current.result["ts"]
        assert "You answered" in json.dumps(updates[-1].body["blocks"])
        assert not [b for b in updates[-1].body["blocks"] if b["type"] == "actions"]
        current = (await standin.wait_for("chat.postMessage", count=posts))[-1]
    assert current.body["blocks"][0]["text"]["text"].startswith("Recommendation:")
    assert "*Sources*" in json.dumps(current.body["blocks"])


async def test_back_and_why_buttons(slack: SlackSender, standin: SlackStandIn) -> None:
    await slack.dm("start the assessment")
    (first,) = await standin.wait_for("chat.postMessage")
    await slack.click(first, flow_buttons(first)[0])
    (_, second) = await standin.wait_for("chat.postMessage", count=2)
    assert "Question 2 of" in second.body["text"]

    await slack.click(second, "flow_why")
    (_, _, why) = await standin.wait_for("chat.postMessage", count=3)
    assert why.body["channel"] == second.body["channel"]
    assert (
        standin.calls_to("chat.update")[-1].body["ts"] != second.result["ts"]
    )  # why keeps the buttons

    await slack.click(second, "flow_back")
    back = (await standin.wait_for("chat.postMessage", count=4))[-1]
    assert "Question 1 of" in back.body["text"]


async def test_cancel_ends_the_flow(slack: SlackSender, standin: SlackStandIn) -> None:
    await slack.dm("start the assessment")
    (first,) = await standin.wait_for("chat.postMessage")
    await slack.click(first, "flow_cancel")
    (_, cancelled) = await standin.wait_for("chat.postMessage", count=2)
    assert "Question" not in cancelled.body["text"]
    (update,) = await standin.wait_for("chat.update")
    assert "cancelled" in json.dumps(update.body["blocks"])
