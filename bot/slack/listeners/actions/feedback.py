"""Thumbs up / down on an answer (recorded for curators), and "Why this answer?" (private)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import ids, messages
from bot.slack.deps import Deps
from bot.slack.listeners.actions import on_click
from bot.slack.outbox import Outbox
from bot.slack.places import Place
from bot.store.base import StoreUnavailable

logger = logging.getLogger("bot.slack")

THANKS_UP = "Thanks! Glad it helped."
THANKS_DOWN = (
    "Thanks for telling me; the people who curate my answers will see it. "
    "Try rephrasing, or pick a related question."
)
UPDATED = "Your vote is updated (one per person per answer). "
NOT_RECORDED = (
    "Thanks for the feedback! I couldn't save it just now (a temporary problem on my side), "
    "so it won't reach the curators this time."
)


async def on_feedback(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    intent = ids.text(action, "i")
    if not intent:
        return
    helpful = action.get("action_id") == ids.FEEDBACK_UP
    thanks = THANKS_UP if helpful else THANKS_DOWN
    try:
        if await deps.engine.feedback(place.key, intent, ids.text(action, "q"), helpful):
            thanks = UPDATED + thanks
    except StoreUnavailable as exc:
        # one lost vote is not worth an error message; say so honestly and carry on
        logger.warning("feedback on %s not recorded: %s", intent, exc)
        thanks = NOT_RECORDED
    await outbox.whisper(place, messages.plain(thanks))


async def on_why(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    question = ids.text(action, "q")
    match = await deps.engine.match_async(question)
    message = messages.why_this_answer(
        question,
        match.evidence,
        match.confidence,
        match.runner_up,
        match.runner_up_score,
        match.reason,
        match.semantic,
    )
    await outbox.whisper(place, message)


def register(app: AsyncApp, deps: Deps) -> None:
    feedback = on_click(deps, on_feedback)
    app.action(ids.FEEDBACK_UP)(feedback)
    app.action(ids.FEEDBACK_DOWN)(feedback)
    app.action(ids.WHY_ANSWER)(on_click(deps, on_why))
