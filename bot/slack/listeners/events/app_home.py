"""App Home: what the bot does, topics, the assessment, and the person's last result."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import screens
from bot.slack.deps import Deps
from bot.slack.outbox import call
from bot.store.base import StoreUnavailable


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_home_opened(
        body: dict[str, Any],
        event: dict[str, Any],
        context: AsyncBoltContext,
        client: AsyncWebClient,
    ) -> None:
        if event.get("tab") != "home" or not await deps.first_delivery(body):
            return
        user = event["user"]
        try:
            last = await deps.engine.last_result(context.team_id or "", user)
        except StoreUnavailable as exc:  # the home tab shows, without the last result
            deps.engines.store_errors.record("get_last_result", exc)
            last = None
        view = screens.home_view(deps.engine.topics(), last, deps.engine.flows is not None)
        await call(client.views_publish, deps.metrics, user_id=user, view=view)

    app.event("app_home_opened")(on_home_opened)
