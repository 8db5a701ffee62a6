"""/rolefit: the assessment on one screen (a modal); `/rolefit guided` asks step by step in a DM.

The modal must open while the command's trigger_id is alive (3 s), so views.open is the first
thing done after the ack, before anything else. The channel the command came from rides in the
modal's private_metadata, so the result (sent by DM) can be shared back there.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import assessment, messages, places, screens
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.escape import escape
from bot.slack.outbox import Outbox, call
from bot.values.turn import Action


def help_text(questions: int) -> str:
    return (
        f"*/rolefit* opens the {questions}-question CIO-or-CTO assessment on one screen. "
        "Your recommendation arrives in a direct message, with the reasons, the sources and a "
        "button to share it in the channel you started from.\n"
        "*/rolefit guided* asks the same questions one at a time in a direct message, with "
        "Back, Restart, Cancel and \u201cWhy do you ask?\u201d. You can also type your answers.\n"
        "*/rolefit help* shows this message."
    )


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_rolefit(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        argument = " ".join(command.get("text", "").split()).lower()
        questions = assessment.questions(deps.engine)
        if not questions:
            await ack(text="The assessment is not available right now.")
            return
        if argument == "":
            await ack()
            view = screens.rolefit_modal(questions, channel=command.get("channel_id"))
            opened = await call(
                client.views_open, deps.metrics, trigger_id=command["trigger_id"], view=view
            )
            if opened is not None:
                deps.metrics.flow("started", "modal")
            return
        if argument == "guided":
            await ack()
            outbox = Outbox(client, command.get("response_url"), deps.metrics)
            channel = await outbox.open_dm(command["user_id"])
            if channel is None:
                await outbox.ephemeral(messages.plain("I couldn't open a direct message with you."))
                return
            place = places.dm(command.get("team_id", ""), command["user_id"], channel)
            await converse(deps, outbox, place, action=Action("flow_start"))
            if not command.get("channel_id", "").startswith("D"):
                await outbox.ephemeral(
                    messages.plain("I've sent you the first question in a direct message.")
                )
            return
        prefix = (
            "" if argument == "help" else (f"I don't know `/rolefit {escape(argument[:100])}`.\n")
        )
        await ack(text=prefix + help_text(len(questions)))

    app.command("/rolefit")(on_rolefit)
