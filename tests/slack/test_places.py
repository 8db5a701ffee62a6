"""Where a conversation lives: the same key for a question and for the clicks on its answer."""

from __future__ import annotations

from bot.slack import places


def test_a_channel_mention_is_keyed_by_its_thread() -> None:
    top = places.from_event({"channel": "C1", "user": "U1", "ts": "10.1"}, "T1")
    assert (top.surface, top.thread_ts, top.key.conversation) == ("thread", "10.1", "C1:10.1")
    inner = places.from_event(
        {"channel": "C1", "user": "U1", "ts": "12.0", "thread_ts": "10.1"}, "T1"
    )
    assert inner.key == top.key


def test_a_click_on_the_threaded_answer_continues_the_same_conversation() -> None:
    body = {
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "channel": {"id": "C1"},
        "container": {"type": "message", "message_ts": "11.0", "channel_id": "C1"},
        "message": {"ts": "11.0", "thread_ts": "10.1"},
    }
    click = places.from_action(body)
    assert click.key == places.from_event({"channel": "C1", "user": "U1", "ts": "10.1"}, "T1").key
    assert click.message_ts == "11.0"


def test_dm_conversation_is_the_channel_or_its_thread() -> None:
    dm = places.from_event({"channel": "D1", "user": "U1", "ts": "5.0", "channel_type": "im"}, "T1")
    assert (dm.surface, dm.thread_ts, dm.key.conversation) == ("dm", None, "D1")
    threaded = places.from_event(
        {"channel": "D1", "user": "U1", "ts": "6.0", "thread_ts": "5.0", "channel_type": "im"}, "T1"
    )
    assert threaded.key.conversation == "D1:5.0"


def test_commands_and_their_ephemeral_replies_share_the_channel_key() -> None:
    command = places.from_command({"team_id": "T1", "user_id": "U1", "channel_id": "C1"})
    click = places.from_action(
        {
            "user": {"id": "U1"},
            "team": {"id": "T1"},
            "channel": {"id": "C1"},
            "container": {
                "type": "message",
                "is_ephemeral": True,
                "channel_id": "C1",
                "message_ts": "1.0",
            },
        }
    )
    assert command.key == click.key and click.surface == "ephemeral"


def test_app_home_clicks_have_no_channel() -> None:
    home = places.from_action(
        {"user": {"id": "U1", "team_id": "T1"}, "container": {"type": "view", "view_id": "V1"}}
    )
    assert home.surface == "home" and home.channel is None


def test_clean_text_drops_mentions_and_broadcasts_and_keeps_words() -> None:
    text = "<@UBOT> <!channel> what does a <#C1|cio> do &amp; <https://x.io|why>? <@U2>"
    assert places.clean_text(text, "UBOT") == "what does a cio do & why?"


def test_markup_typed_as_text_does_not_survive_cleaning() -> None:
    assert (
        places.clean_text("bananas &lt;!channel&gt; &lt;@U2&gt; and &amp;", None) == "bananas and &"
    )
