"""Thumbs up / down on an answer (recorded for curators), and "Why this answer?" (private)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import blocks, ids, places
from bot.slack.deps import Deps
from bot.slack.outbox import for_request
from bot.store.base import StoreUnavailable

logger = logging.getLogger("bot.slack")

THANKS_UP = "Thanks! Glad it helped."
THANKS_DOWN = (
    "Thanks for telling me; the people who curate my answers will see it. "
    "Try rephrasing, or pick a related question."
)
NOT_RECORDED = (
    "Thanks for the feedback! I couldn't save it just now (a temporary problem on my side), "
    "so it won't reach the curators this time."
)


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_feedback(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        value = ids.unpack(action.get("value"))
        intent = str(value.get("i") or "")
        if not intent:
            return
        helpful = action.get("action_id") == ids.FEEDBACK_UP
        place = places.from_action(body)
        thanks = THANKS_UP if helpful else THANKS_DOWN
        try:
            await deps.engine.feedback(place.key, intent, str(value.get("q") or ""), helpful)
        except StoreUnavailable as exc:
            # one lost vote is not worth an error message; say so honestly and carry on
            logger.warning("feedback on %s not recorded: %s", intent, exc)
            thanks = NOT_RECORDED
        await for_request(client, respond, body, deps.metrics).whisper(place, blocks.plain(thanks))

    async def on_why(
        ack: AsyncAck,
        body: dict[str, Any],
        action: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond,
    ) -> None:
        await ack()
        question = str(ids.unpack(action.get("value")).get("q") or "")
        match = deps.engine.match(question)
        message = blocks.why_this_answer(
            question,
            match.evidence,
            match.confidence,
            match.runner_up,
            match.runner_up_score,
            match.reason,
        )
        await for_request(client, respond, body, deps.metrics).whisper(
            places.from_action(body), message
        )

    app.action(ids.FEEDBACK_UP)(on_feedback)
    app.action(ids.FEEDBACK_DOWN)(on_feedback)
    app.action(ids.WHY_ANSWER)(on_why)
