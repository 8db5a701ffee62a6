"""Whatever reaches POST /slack/events, signed, is ignored (2xx) or refused (4xx): never a 500.

Hypothesis generates malformed payloads (random JSON in event fields, wrong types for text,
user and channel, truncated JSON, form bodies with a garbage `payload`, slash commands with
fields missing or mangled, 40,000-character messages). Every request is properly signed so it
gets past verification into Bolt and our listeners, which is where a crash would be.

One real server (and stand-in) serves the whole module from a background thread with its own
event loop, so Hypothesis' synchronous tests can drive it with plain HTTP: starting a server
per example would make 50 examples per property slow.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import threading
import time
import uuid
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.slack.conftest import GENERAL, RunningBot, SlackSender, make_settings
from tests.support.standin import APP_ID, BOT_USER_ID, TEAM_ID, SlackStandIn

# hundreds of generated requests against one server: the slowest module (make test-all)
pytestmark = pytest.mark.slow

T = TypeVar("T")
PROPERTY = settings(
    # ROLEBOT_PROPERTY_EXAMPLES=2000 for a deeper hunt than the suite's quick pass
    max_examples=int(os.environ.get("ROLEBOT_PROPERTY_EXAMPLES", "50")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HUGE = 40_000
# Found by these properties: Bolt answers 500 itself (no exception reaches our handler) when it
# cannot even describe an unmatched payload, because `event` or `view` is not an object: its
# "unhandled request" log line calls .get() on them. The fix belongs in
# bot/slack/server.py's _slack_events (a Bolt 500 for a request that reached no listener is a
# malformed payload: answer 400 like the exceptions it already catches). Strict: once the
# server is fixed these pass, and the marker must go.
ANSWER_WITHIN_S = 30.0  # bounded, not tight: the point is that a huge message completes


class ServerThread:
    """The real server and the stand-in on a private event loop in a daemon thread."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.loop = asyncio.new_event_loop()
        self.standin = SlackStandIn()
        self.bot: RunningBot | None = None
        self.sender: SlackSender | None = None
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> None:
        self._thread.start()
        self.run(self._start())

    async def _start(self) -> None:
        await self.standin.start()
        self.bot = RunningBot(make_settings(self.standin, self.db))
        await self.bot.start()
        # only its payload builders are used (they need no HTTP session)
        self.sender = SlackSender(self.bot, self.standin, None, "properties")  # type: ignore[arg-type]

    def stop(self) -> None:
        async def stop() -> None:
            await self.standin.settle(0.2)
            assert self.bot is not None
            await self.bot.stop()
            await self.standin.stop()

        self.run(stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.loop.close()

    @property
    def port(self) -> int:
        assert self.bot is not None
        return int(self.bot.url.rsplit(":", 1)[1])

    # -- the wire -------------------------------------------------------------------------------

    def post(self, body: str, content_type: str) -> int:
        """POST a signed body; the HTTP status."""
        timestamp = int(time.time())
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(timestamp),
            "X-Slack-Signature": SlackSender.signature(body, timestamp),
        }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def post_json(self, payload: Any) -> int:
        return self.post(json.dumps(payload), "application/json")

    def post_form(self, fields: dict[str, str]) -> int:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded")

    # -- payloads -------------------------------------------------------------------------------

    def mention(self, text: str, channel: str = GENERAL) -> dict[str, Any]:
        assert self.sender is not None
        return self.sender.mention_event(text, channel=channel)

    def dm(self, text: str) -> dict[str, Any]:
        assert self.sender is not None
        return self.sender.dm_event(text)

    def event_body(self, event: Any) -> dict[str, Any]:
        assert self.sender is not None
        return self.sender.event_body(event)

    def command_fields(self, text: str, command: str = "/ask") -> dict[str, str]:
        return {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "standin",
            "channel_id": GENERAL,
            "channel_name": "general",
            "user_id": "U0ALICE01",
            "user_name": "alice",
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": self.standin.response_url(),
            "trigger_id": f"1.{TEAM_ID}.{uuid.uuid4().hex}",
        }

    def posted_in_thread(self, ts: str, timeout: float) -> dict[str, Any]:
        calls = self.run(
            self.standin.wait_for(
                "chat.postMessage", timeout=timeout, where=lambda c: c.body.get("thread_ts") == ts
            ),
            timeout + 5,
        )
        return calls[0].body

    def still_answers(self) -> None:
        """A normal question after the garbage is answered in its thread."""
        event = self.mention("what does a cio do")
        assert self.post_json(self.event_body(event)) == 200
        posted = self.posted_in_thread(event["ts"], timeout=10)
        assert posted["blocks"][0]["type"] == "header"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    running = ServerThread(tmp_path_factory.mktemp("properties") / "rolebot.sqlite3")
    running.start()
    yield running
    running.stop()


def ignored_or_refused(status: int) -> bool:
    return 200 <= status < 300 or 400 <= status < 500


# -- strategies ---------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
EVENT_FIELDS = (
    "type",
    "user",
    "text",
    "channel",
    "ts",
    "thread_ts",
    "channel_type",
    "subtype",
    "bot_id",
    "team",
    "event_ts",
    "blocks",
    "client_msg_id",
    "edited",
    "message",
)
BODY_FIELDS = (
    "event",
    "type",
    "team_id",
    "api_app_id",
    "event_id",
    "event_time",
    "authorizations",
    "token",
    "enterprise_id",
    "is_ext_shared_channel",
)
COMMAND_FIELDS = (
    "team_id",
    "channel_id",
    "user_id",
    "command",
    "text",
    "response_url",
    "trigger_id",
    "api_app_id",
    "enterprise_id",
    "is_enterprise_install",
)
# Dropping one of these makes /ask's listener raise right after its ack, and Bolt then loses the
# ack (its runner resets ack.response when a listener fails): the request is held for Bolt's 3 s
# ack timeout and answered 404. Not a 500, but 3 s a time, so the property leaves them alone and
# test_commands_without_a_field_they_need_are_refused_not_failed covers each once.
STALLING_FIELDS = ("user_id", "channel_id", "response_url")


# -- properties ---------------------------------------------------------------------------------


@PROPERTY
@given(
    kind=st.sampled_from(["mention", "dm"]),
    fields=st.dictionaries(st.sampled_from(EVENT_FIELDS), json_values, min_size=1, max_size=5),
)
def test_random_json_in_event_fields_is_never_a_server_error(
    server: ServerThread, kind: str, fields: dict[str, Any]
) -> None:
    event = server.mention("what does a cio do") if kind == "mention" else server.dm("hi")
    event.update(fields)
    assert ignored_or_refused(server.post_json(server.event_body(event)))


@PROPERTY
@given(
    text=json_values,
    user=json_values,
    channel=json_values,
    kind=st.sampled_from(["mention", "dm"]),
)
def test_wrong_types_for_text_user_and_channel_are_never_a_server_error(
    server: ServerThread, text: Any, user: Any, channel: Any, kind: str
) -> None:
    event = server.mention("x") if kind == "mention" else server.dm("x")
    event.update(text=text, user=user, channel=channel)
    assert ignored_or_refused(server.post_json(server.event_body(event)))


@PROPERTY
@given(fields=st.dictionaries(st.sampled_from(BODY_FIELDS), json_values, min_size=1, max_size=4))
@example(fields={"event": []})
def test_random_json_in_the_event_envelope_is_never_a_server_error(
    server: ServerThread, fields: dict[str, Any]
) -> None:
    body = server.event_body(server.mention("what does a cto do"))
    body.update(fields)
    assert ignored_or_refused(server.post_json(body))


@PROPERTY
@given(payload=json_values)
def test_any_json_document_as_the_body_is_never_a_server_error(
    server: ServerThread, payload: Any
) -> None:
    assert ignored_or_refused(server.post_json(payload))


@PROPERTY
@given(data=st.data(), kind=st.sampled_from(["event", "action"]))
def test_truncated_json_bodies_are_never_a_server_error(
    server: ServerThread, data: st.DataObject, kind: str
) -> None:
    if kind == "event":
        raw = json.dumps(server.event_body(server.mention("who owns outsourcing")))
    else:
        raw = json.dumps(_block_actions(server.standin.response_url()))
    cut = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
    if kind == "event":
        status = server.post(raw[:cut], "application/json")
    else:
        status = server.post_form({"payload": raw[:cut]})
    assert ignored_or_refused(status)


VIEW_FIELDS = ("callback_id", "state", "private_metadata", "id", "type", "blocks")
ACTION_FIELDS = (
    "type",
    "user",
    "actions",
    "container",
    "channel",
    "message",
    "view",
    "team",
    "response_url",
    "trigger_id",
    "state",
)


@PROPERTY
@given(
    payload=st.one_of(
        st.tuples(st.just("text"), st.text(max_size=200)),
        st.tuples(st.just("json"), json_values),
        st.tuples(
            st.sampled_from(["action", "submission"]),
            st.dictionaries(st.sampled_from(ACTION_FIELDS), json_values, min_size=1, max_size=4),
        ),
        st.tuples(
            st.just("view"),
            st.dictionaries(st.sampled_from(VIEW_FIELDS), json_values, min_size=1, max_size=3),
        ),
    ),
    extra=st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=30), max_size=3),
)
@example(payload=("action", {"view": None, "type": None}), extra={})
def test_form_bodies_with_a_garbage_payload_are_never_a_server_error(
    server: ServerThread, payload: tuple[str, Any], extra: dict[str, str]
) -> None:
    kind, value = payload
    if kind == "text":
        raw = value
    elif kind == "json":
        raw = json.dumps(value)
    elif kind == "action":
        raw = json.dumps({**_block_actions(server.standin.response_url()), **value})
    elif kind == "submission":
        raw = json.dumps({**_view_submission(), **value})
    else:
        submission = _view_submission()
        submission["view"].update(value)
        raw = json.dumps(submission)
    assert ignored_or_refused(server.post_form({**extra, "payload": raw}))


@PROPERTY
@given(
    command=st.sampled_from(["/ask", "/rolefit", "/unknown"]),
    dropped=st.sets(
        st.sampled_from([f for f in COMMAND_FIELDS if f not in STALLING_FIELDS]), max_size=4
    ),
    mangled=st.dictionaries(st.sampled_from(COMMAND_FIELDS), st.text(max_size=60), max_size=4),
)
def test_slash_commands_with_missing_or_mangled_fields_are_never_a_server_error(
    server: ServerThread, command: str, dropped: set[str], mangled: dict[str, str]
) -> None:
    fields = server.command_fields("what does a cio do", command)
    for name in dropped:
        fields.pop(name, None)
    fields.update(mangled)
    assert ignored_or_refused(server.post_form(fields))


def test_commands_without_a_field_they_need_are_refused_not_failed(server: ServerThread) -> None:
    def without(missing: str) -> int:
        fields = server.command_fields("what does a cio do")
        del fields[missing]
        return server.post_form(fields)

    started = time.monotonic()
    with ThreadPoolExecutor(len(STALLING_FIELDS)) as pool:  # together: each may take 3 s
        statuses = list(pool.map(without, STALLING_FIELDS))
    assert all(ignored_or_refused(status) for status in statuses), statuses
    assert time.monotonic() - started < 3.5  # Bolt's ack timeout, and no longer


def test_the_server_still_answers_after_the_garbage(server: ServerThread) -> None:
    server.still_answers()


# -- huge messages ------------------------------------------------------------------------------


def _huge(question: str) -> str:
    return (question + " ") * (HUGE // (len(question) + 1)) + "x" * (HUGE % (len(question) + 1))


def test_a_40000_character_mention_is_answered_in_bounded_time(server: ServerThread) -> None:
    event = server.mention("")
    event["text"] = f"<@{BOT_USER_ID}> " + _huge("what does a cio do")
    assert len(event["text"]) > HUGE
    assert server.post_json(server.event_body(event)) == 200
    posted = server.posted_in_thread(event["ts"], timeout=ANSWER_WITHIN_S)
    assert posted["channel"] == GENERAL
    server.still_answers()


def test_a_40000_character_dm_and_ask_are_answered(server: ServerThread) -> None:
    dm = server.dm(_huge("who owns outsourcing"))
    assert server.post_json(server.event_body(dm)) == 200
    server.run(
        server.standin.wait_for(
            "chat.postMessage",
            timeout=ANSWER_WITHIN_S,
            where=lambda c: c.body.get("channel") == dm["channel"],
        ),
        ANSWER_WITHIN_S + 5,
    )
    fields = server.command_fields(_huge("cio vs cto"))
    assert server.post_form(fields) == 200
    server.run(
        server.standin.wait_for(
            "response_url",
            timeout=ANSWER_WITHIN_S,
            where=lambda c: c.body.get("response_type") == "ephemeral",
        ),
        ANSWER_WITHIN_S + 5,
    )


def _block_actions(response_url: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": "U0ALICE01", "username": "alice", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": {
            "type": "message",
            "message_ts": "1700000001.000100",
            "channel_id": GENERAL,
            "is_ephemeral": False,
        },
        "trigger_id": "1.trigger",
        "team": {"id": TEAM_ID, "domain": "standin"},
        "channel": {"id": GENERAL, "name": "general"},
        "message": {"ts": "1700000001.000100", "type": "message", "text": "x"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": "feedback:up",
                "block_id": "b",
                "type": "button",
                "value": json.dumps({"i": "cio_role", "q": "what does a cio do"}),
                "action_ts": "1700000002.000100",
            }
        ],
    }


def _view_submission() -> dict[str, Any]:
    """The /rolefit modal submitted with one answer (the rest missing: answered on the modal)."""
    return {
        "type": "view_submission",
        "team": {"id": TEAM_ID, "domain": "standin"},
        "user": {"id": "U0ALICE01", "username": "alice", "team_id": TEAM_ID},
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": "1.trigger",
        "view": {
            "id": "V0000001",
            "type": "modal",
            "callback_id": "rolefit_modal",
            "private_metadata": "{}",
            "state": {
                "values": {
                    "tech_role": {
                        "choice": {"type": "radio_buttons", "selected_option": {"value": "creator"}}
                    }
                }
            },
        },
        "response_urls": [],
        "is_enterprise_install": False,
    }
