"""Slash commands: /ask (private answer, shareable) and /rolefit (modal, guided, help)."""

from __future__ import annotations

import json

from tests.slack.conftest import ALICE, BOB, GENERAL, RunningBot, SlackSender
from tests.support.standin import SlackStandIn


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def test_ask_answers_privately_and_share_posts_it_publicly_attributed_to_the_sharer(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    sent = await slack.command("/ask", "what does a cto do", user=ALICE)
    assert sent.status == 200
    (private,) = await standin.wait_for("response_url")
    assert private.body["response_type"] == "ephemeral"
    assert "share" in action_ids(private.body["blocks"])
    assert standin.calls_to("chat.postMessage") == []

    await slack.click_ephemeral(private, GENERAL, "share", user=BOB)
    (public,) = await standin.wait_for("chat.postMessage")
    assert public.body["channel"] == GENERAL
    assert "thread_ts" not in public.body
    shown = json.dumps(public.body["blocks"])
    assert f"Shared by <@{BOB}>" in shown
    assert public.body["blocks"][0] == private.body["blocks"][0]  # the same answer
    assert "share" not in action_ids(public.body["blocks"])
    (_, removed) = await standin.wait_for("response_url", count=2)
    assert removed.body.get("delete_original") is True


async def test_ask_whose_response_url_has_expired_still_answers_privately(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    standin.fail("response_url", status=404, error="expired_url")
    await slack.command("/ask", "what does a cto do", user=ALICE, channel=GENERAL)
    (private,) = await standin.wait_for("chat.postEphemeral")
    assert private.body["user"] == ALICE and private.body["channel"] == GENERAL
    assert "CTO" in json.dumps(private.body["blocks"])
    assert len(standin.calls_to("response_url", ok_only=False)) == 1  # refused once, not retried
    assert standin.calls_to("chat.postMessage") == []  # never in public


async def test_ask_without_text_shows_the_help_answer(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    await slack.command("/ask", "")
    (private,) = await standin.wait_for("response_url")
    help_title = bot.engine.answer_for("help").response.title
    assert private.body["blocks"][0]["text"]["text"] == help_title


async def test_rolefit_opens_the_modal_first_then_dms_the_result(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    before = len(standin.calls)
    sent = await slack.command("/rolefit", "", channel=GENERAL)
    assert sent.status == 200
    (opened,) = await standin.wait_for("views.open")
    assert standin.methods()[before] == "views.open"  # nothing before it: the trigger is fresh
    view = opened.body["view"]
    questions = bot.engine.flows.rolefit.questions
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["block_id"] for b in inputs] == [q.id for q in questions]
    assert [o["value"] for o in inputs[0]["element"]["options"]] == [
        o.value for o in questions[0].options
    ]
    assert json.loads(view["private_metadata"]) == {"c": GENERAL}
    assert view["notify_on_close"] is True  # so Cancel reaches us as view_closed

    answers = {q.id: q.options[0].value for q in questions}
    submitted = await slack.submit_view(opened, answers)
    assert submitted.text in ("", "null")  # an empty ack closes the modal
    (dm,) = await standin.wait_for("chat.postMessage")
    assert dm.body["channel"] == "D" + ALICE[1:]
    assert dm.body["blocks"][0]["text"]["text"].startswith("Recommendation:")
    assert "share" in action_ids(dm.body["blocks"])

    # sharing the DM'd result posts it in the channel the command came from
    await slack.click(dm, "share")
    (_, shared) = await standin.wait_for("chat.postMessage", count=2)
    assert shared.body["channel"] == GENERAL
    assert f"Shared by <@{ALICE}>" in json.dumps(shared.body["blocks"])

    # and App Home shows it as the last result
    await slack.open_home()
    (home,) = await standin.wait_for("views.publish")
    assert "Your last assessment" in json.dumps(home.body["view"])


async def test_rolefit_help_explains_both_ways(slack: SlackSender, standin: SlackStandIn) -> None:
    sent = await slack.command("/rolefit", "help")
    text = sent.text  # Bolt acks with the text alone: Slack shows it to the user only
    assert "/rolefit guided" in text and "one screen" in text
    await standin.settle(0.2)
    assert standin.calls_to("views.open") == []


async def test_rolefit_guided_starts_the_flow_in_a_dm(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    await slack.command("/rolefit", "guided", channel=GENERAL)
    (question,) = await standin.wait_for("chat.postMessage")
    assert question.body["channel"] == "D" + ALICE[1:]
    assert "Question 1 of" in question.body["text"]
    assert any(a.startswith("flow_answer:") for a in action_ids(question.body["blocks"]))
