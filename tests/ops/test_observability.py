"""What operators see: /healthz, /readyz, /metrics in Prometheus format, and one JSON log line
per handled turn (no message text unless ROLEBOT_LOG_TEXT=1, never a token)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.settings import Settings
from bot.slack.logs import JsonLines
from bot.slack.metrics import FLOW_STAGES
from bot.store.sqlite import SqliteStore
from tests.ops.conftest import Replica, sender
from tests.slack.conftest import BOT_TOKEN, SlackSender, make_settings
from tests.support.standin import SlackStandIn

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def replica_for(settings: Settings, db: Path) -> Replica:
    async def open_store() -> SqliteStore:
        return await SqliteStore.open(db)

    return Replica(settings, open_store)


@pytest.fixture
async def bot(sqlite_settings: Settings, tmp_path: Path) -> AsyncIterator[Replica]:
    replica = replica_for(sqlite_settings, tmp_path / "bot.sqlite3")
    await replica.start()
    yield replica
    await replica.stop()


@pytest.fixture
def slack(bot: Replica, standin: SlackStandIn, http: aiohttp.ClientSession) -> SlackSender:
    return sender(bot, standin, http)


def expected_reply_label(bot: Replica, text: str) -> tuple[str, str]:
    """What the matcher decides for `text`, as the replies counter labels it."""
    match = bot.engine.match(text)
    if match.outcome == "answer":
        return "answer", match.intent
    if match.outcome == "clarify":
        return "clarify", match.intent or match.suggestions[0]
    return "fallback", ""


async def test_healthz_and_readyz_when_content_and_store_are_fine(bot: Replica) -> None:
    assert await bot.get("/healthz") == (200, '{"ok": true}')
    status, body = await bot.get("/readyz")
    assert status == 200
    assert json.loads(body)["ready"] is True and json.loads(body)["intents"] > 0


async def test_metrics_count_requests_replies_flows_latency_and_slack_errors(
    bot: Replica, slack: SlackSender, standin: SlackStandIn
) -> None:
    questions = ["what does a cio do", "tell me about cio", "what is the weather"]
    for question in questions:
        await slack.mention(question)
    await standin.wait_for("chat.postMessage", count=3)
    await slack.dm("start the assessment")
    first = (await standin.wait_for("chat.postMessage", count=4))[-1]
    await slack.click(first, "flow_cancel")
    await standin.wait_for("chat.postMessage", count=5)
    standin.fail("chat.postMessage", error="not_in_channel")
    await slack.mention("what does a cto do")
    await standin.wait_for("chat.postMessage", count=6)  # the answer failed; the apology went
    await standin.settle(0.2)

    status, text = await bot.get("/metrics")
    assert status == 200
    samples = parse(text)
    assert value(samples, "rolebot_slack_requests_total", kind="event") == 5
    assert value(samples, "rolebot_slack_requests_total", kind="action") == 1
    assert value(samples, "rolebot_slack_requests_total", kind="command") == 0
    for question in [*questions, "what does a cto do"]:
        outcome, intent = expected_reply_label(bot, question)
        assert value(samples, "rolebot_replies_total", outcome=outcome, intent=intent) >= 1, (
            question,
            outcome,
            intent,
        )
    replies = sum(v for (n, _), v in samples.items() if n == "rolebot_replies_total")
    assert replies == 4
    assert value(samples, "rolebot_flows_total", stage="started", way="guided") == 1
    assert value(samples, "rolebot_flows_total", stage="abandoned", way="guided") == 1
    assert value(samples, "rolebot_flows_total", stage="completed", way="guided") == 0
    assert value(samples, "rolebot_ack_seconds_count") == 6
    assert value(samples, "rolebot_ack_seconds_bucket", le="3.0") == 6  # every ack within 3 s
    assert value(samples, "rolebot_matching_seconds_count") == 6
    assert (
        value(
            samples,
            "rolebot_slack_api_errors_total",
            method="chat.postMessage",
            error="not_in_channel",
        )
        == 1
    )


async def test_the_rolefit_modal_counts_as_started_when_opened_and_completed_or_abandoned(
    bot: Replica, slack: SlackSender, standin: SlackStandIn
) -> None:
    def flows(samples: Samples) -> dict[str, float]:
        return {s: value(samples, "rolebot_flows_total", stage=s, way="modal") for s in FLOW_STAGES}

    await slack.command("/rolefit", "")
    (first,) = await standin.wait_for("views.open")
    answers = {q.id: q.options[0].value for q in bot.engine.flows.rolefit.questions}
    await slack.submit_view(first, answers)
    await standin.wait_for("chat.postMessage")  # the DM'd result
    await slack.command("/rolefit", "")
    (_, second) = await standin.wait_for("views.open", count=2)
    closed = await slack.close_view(second)
    assert closed.status == 200
    await standin.settle(0.2)

    samples = parse((await bot.get("/metrics"))[1])
    assert flows(samples) == {"started": 2, "completed": 1, "abandoned": 1}
    assert value(samples, "rolebot_flows_total", stage="started", way="guided") == 0
    assert value(samples, "rolebot_slack_requests_total", kind="view") == 2


async def test_two_apps_in_one_process_keep_their_own_counts(
    bot: Replica, slack: SlackSender, standin: SlackStandIn, tmp_path: Path
) -> None:
    other = replica_for(make_settings(standin, tmp_path / "other.sqlite3"), tmp_path / "o.db")
    await other.start()
    try:
        await slack.mention("what does a cio do")
        await standin.wait_for("chat.postMessage")
        await standin.settle(0.1)
        mine = parse((await bot.get("/metrics"))[1])
        theirs = parse((await other.get("/metrics"))[1])
    finally:
        await other.stop()
    assert value(mine, "rolebot_slack_requests_total", kind="event") == 1
    assert value(theirs, "rolebot_slack_requests_total", kind="event") == 0


def turn_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    formatter = JsonLines()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "bot.slack.turns"]


async def test_each_turn_is_one_json_line_with_its_outcome_and_no_text(
    slack: SlackSender, standin: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.turns")
    await slack.mention("what does a cio do")
    await slack.dm("what is the weather")
    await standin.wait_for("chat.postMessage", count=2)
    await standin.settle(0.1)
    mention, dm = turn_lines(caplog)
    assert mention["event"] == "reply" and mention["level"] == "info"
    assert mention["channel_type"] == "channel" and dm["channel_type"] == "im"
    assert mention["outcome"] == "answer" and mention["intent"] == "cio_role"
    assert dm["outcome"] == "fallback" and dm["intent"] is None
    assert mention["team"] == "T0TEAM001"
    assert isinstance(mention["latency_ms"], float) and str(mention["ts"]).endswith("+00:00")
    everything = json.dumps([mention, dm])
    assert "weather" not in everything and "text" not in mention
    assert BOT_TOKEN not in everything


async def test_message_text_is_logged_only_when_asked_for(
    standin: SlackStandIn,
    http: aiohttp.ClientSession,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.slack.turns")
    settings = make_settings(standin, tmp_path / "x.sqlite3", ROLEBOT_LOG_TEXT="1")
    verbose = replica_for(settings, tmp_path / "verbose.sqlite3")
    await verbose.start()
    try:
        await sender(verbose, standin, http).mention("what is the weather")
        await standin.wait_for("chat.postMessage")
        await standin.settle(0.1)
    finally:
        await verbose.stop()
    (line,) = turn_lines(caplog)
    assert line["text"] == "what is the weather"


def test_the_json_formatter_masks_tokens_in_fields_and_tracebacks() -> None:
    make: Callable[..., logging.LogRecord] = logging.LogRecord
    try:
        raise RuntimeError(f"boom with {BOT_TOKEN}")
    except RuntimeError as exc:
        record = make(
            "x",
            logging.ERROR,
            __file__,
            1,
            "sent %s",
            (BOT_TOKEN,),
            (type(exc), exc, exc.__traceback__),
        )
    record.fields = {"detail": f"token={BOT_TOKEN}", "event": "not overridden"}
    line = JsonLines().format(record)
    assert BOT_TOKEN not in line and "xoxb-***" in line
    parsed = json.loads(line)
    assert parsed["event"] == "sent xoxb-***" and parsed["detail"] == "token=xoxb-***"
    assert "RuntimeError" in parsed["exc"]
