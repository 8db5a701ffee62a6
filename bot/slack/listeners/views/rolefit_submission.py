"""The /rolefit modal submitted: close it, then DM the recommendation with a share button.
Closed without submitting: counted as an abandoned assessment.

A missing or stale answer is reported on the modal itself (response_action "errors"), so the
person fixes it in place. Otherwise the ack closes the modal at once and the evaluation and
the DM happen after it, well within Slack's 3 seconds for the ack.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import assessment, ids, places, screens
from bot.slack.blocks import render
from bot.slack.deps import Deps
from bot.slack.outbox import Outbox


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_submit(
        ack: AsyncAck,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        answers = screens.modal_answers(view)
        wrong = assessment.problems(deps.engine, answers)
        if wrong:
            await ack(response_action="errors", errors=wrong)
            return
        await ack()
        user = body["user"]["id"]
        team = context.team_id or (body.get("team") or {}).get("id", "")
        reply = await assessment.assess(deps.engine, team, user, answers)
        deps.metrics.flow("completed", "modal")
        outbox = Outbox(client, errors=deps.metrics)
        channel = await outbox.open_dm(user)
        if channel is None:
            return
        share_to = screens.modal_channel(view)
        options = deps.options(share=share_to is not None, share_channel=share_to)
        await outbox.deliver(places.dm(team, user, channel), render(reply, options))

    async def on_close(ack: AsyncAck) -> None:
        """Cancel (or the modal's X): the assessment was abandoned. Slack sends this only
        because the modal asks for it (notify_on_close)."""
        await ack()
        deps.metrics.flow("abandoned", "modal")

    app.view(ids.ROLEFIT_MODAL)(on_submit)
    app.view_closed(ids.ROLEFIT_MODAL)(on_close)
