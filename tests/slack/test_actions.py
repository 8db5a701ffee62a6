"""Buttons on answers: related topics, feedback, "Why this answer?", "Ask the experts"."""

from __future__ import annotations

import json

from bot.slack.escape import escape
from tests.slack.conftest import ALICE, GENERAL, RunningBot, SlackSender
from tests.support.standin import SlackStandIn


async def test_related_question_button_answers_in_the_same_thread(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    event = await slack.mention("what is the difference between a cio and a cto")
    (answer,) = await standin.wait_for("chat.postMessage")
    await slack.click(answer, "show_intent")
    (_, related) = await standin.wait_for("chat.postMessage", count=2)
    assert related.body["thread_ts"] == event["ts"]
    assert related.body["blocks"][0]["type"] == "header"


async def test_feedback_is_recorded_and_thanked_privately(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    await slack.mention("what does a cio do")
    (answer,) = await standin.wait_for("chat.postMessage")
    await slack.click(answer, "feedback:down")
    (thanks,) = await standin.wait_for("response_url")
    assert thanks.body["response_type"] == "ephemeral"
    assert thanks.body.get("replace_original") is False
    assert "Thanks" in thanks.body["text"]


async def test_a_second_click_on_the_same_answer_updates_the_vote_and_says_so(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    await slack.mention("what does a cio do")
    (answer,) = await standin.wait_for("chat.postMessage")
    await slack.click(answer, "feedback:up")
    (first,) = await standin.wait_for("response_url")
    assert "updated" not in first.body["text"]
    await slack.click(answer, "feedback:down")
    (_, second) = await standin.wait_for("response_url", count=2)
    assert second.body["response_type"] == "ephemeral"
    assert second.body["text"].startswith("Your vote is updated")
    (vote,) = await bot.store.feedback_since(0)
    assert (vote.helpful, vote.changed) == (False, True)


async def test_show_quotes_posts_each_sources_quotes_privately(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    await slack.mention("who owns outsourcing, cio or cto")
    (answer,) = await standin.wait_for("chat.postMessage")
    sources = [
        b["elements"][0]["text"]
        for b in answer.body["blocks"]
        if b["type"] == "context" and "*Sources*" in b["elements"][0]["text"]
    ]
    assert len(sources) == 1 and len(sources[0].splitlines()) == 2  # six quotes, one source
    assert "\u201c" not in sources[0]
    await slack.click(answer, "show_quotes")
    (quotes,) = await standin.wait_for("response_url")
    assert quotes.body["response_type"] == "ephemeral"
    assert quotes.body.get("replace_original") is False
    shown = "\n".join(b["text"]["text"] for b in quotes.body["blocks"] if b["type"] == "section")
    response = bot.engine.content.response("outsourcing_owner")
    assert response is not None
    for citation in response.citations:
        assert f"\u201c{escape(citation.quote)}\u201d" in shown
    assert shown.count("Gartner Peer Community") == 1


async def test_show_quotes_on_an_assessment_result(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    await slack.dm("start the assessment")
    (current,) = await standin.wait_for("chat.postMessage")
    total = len(bot.engine.flows.rolefit.questions)
    for number in range(1, total + 1):
        chosen = next(
            e["action_id"]
            for b in current.body["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"].startswith("flow_answer:")
        )
        await slack.click(current, chosen)
        current = (await standin.wait_for("chat.postMessage", count=number + 1))[-1]
    assert current.body["blocks"][0]["text"]["text"].startswith("Recommendation:")
    await slack.click(current, "show_quotes")
    (quotes,) = await standin.wait_for("response_url")
    assert "Quotes behind" in quotes.body["text"]
    assert "\u201c" in json.dumps(quotes.body["blocks"], ensure_ascii=False)


async def test_why_this_answer_shows_the_evidence_privately(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    await slack.mention("what does a cio do")
    (answer,) = await standin.wait_for("chat.postMessage")
    await slack.click(answer, "why_answer")
    (why,) = await standin.wait_for("response_url")
    shown = json.dumps(why.body["blocks"])
    assert "Closest curated example" in shown and "Match score" in shown


async def test_ask_the_experts_posts_the_escaped_question_with_a_link_back(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    await slack.mention("<@U0BOB0001> <!here> is the airspeed of a swallow &lt; 10 &amp; rising")
    (fallback,) = await standin.wait_for("chat.postMessage")
    await slack.click(fallback, "escalate")
    (_, escalated) = await standin.wait_for("chat.postMessage", count=2)
    assert escalated.body["channel"] == "C0EXPERTS1"
    shown = json.dumps(escalated.body["blocks"])
    assert f"<@{ALICE}>" in shown
    assert "<!here>" not in shown and "<@U0BOB0001>" not in shown
    assert "swallow &lt; 10 &amp; rising" in shown  # the question, escaped
    assert "https://standin.slack.com/archives/" + GENERAL in shown
    (told,) = await standin.wait_for("response_url")
    assert "experts" in told.body["text"]


async def test_none_of_these_offers_the_topics(
    slack: SlackSender, standin: SlackStandIn, bot: RunningBot
) -> None:
    candidates = ("cto vs cio hiring", "budget", "it head", "cio cto hiring budget")
    vague = next((q for q in candidates if bot.engine.match(q).outcome == "clarify"), None)
    assert vague, "precondition: one of these questions should get a 'did you mean'"
    await slack.command("/ask", vague)
    (private,) = await standin.wait_for("response_url")
    assert "Did you mean" in private.body["text"]
    await slack.click_ephemeral(private, GENERAL, "none_of_these")
    (_, topics) = await standin.wait_for("response_url", count=2)
    assert any(
        e["action_id"].startswith("show_intent:")
        for b in topics.body["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )


async def test_start_the_assessment_from_a_private_answer_continues_in_the_dm(
    slack: SlackSender, standin: SlackStandIn
) -> None:
    await slack.command("/ask", "which role do we need, a cio or a cto?")
    (private,) = await standin.wait_for("response_url")
    await slack.click_ephemeral(private, GENERAL, "flow_start")
    (question,) = await standin.wait_for("chat.postMessage")
    assert question.body["channel"] == "D" + ALICE[1:]
    assert "Question 1 of" in question.body["text"]
    (_, told) = await standin.wait_for("response_url", count=2)
    assert "direct message" in told.body["text"]
