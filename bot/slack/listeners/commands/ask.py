"""/ask TEXT: the answer, visible only to the asker, with a "Share in channel" button.

Acknowledged first (Slack gives 3 s), answered through response_url after. /ask alone shows
the help answer. `/ask reload` is the one operator command: an admin (ROLEBOT_ADMINS) reloads
intents/, responses/ and assessment/ without a restart, and sees why if the new content was
refused (the old content keeps serving); anyone else is told it is for admins.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.runtime import Reloaded
from bot.slack import messages, places
from bot.slack.converse import converse
from bot.slack.deps import Deps
from bot.slack.escape import escape
from bot.slack.outbox import Outbox

RELOAD = "reload"
ADMINS_ONLY = "Only admins can reload content."
SHOWN_PROBLEMS = 20  # an ephemeral message is for reading; the log has every line


def reload_report(outcome: Reloaded) -> str:
    if outcome.ok:
        return f"Content reloaded: {outcome.summary}."
    lines = [escape(str(p)) for p in outcome.problems[:SHOWN_PROBLEMS]]
    more = len(outcome.problems) - len(lines)
    if more > 0:
        lines.append(f"... and {more} more (see the server log)")
    return (
        "Reload refused: the new content has errors, so I'm still serving the previous "
        "content.\n```\n" + "\n".join(lines) + "\n```"
    )


def register(app: AsyncApp, deps: Deps) -> None:
    async def on_ask(ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        place = places.from_command(command)
        text = places.clean_text(command.get("text", ""), None)
        outbox = Outbox(client, command.get("response_url"), deps.metrics)
        if text.strip().lower() == RELOAD:
            if place.user not in deps.settings.admins:
                await outbox.ephemeral(messages.plain(ADMINS_ONLY))
                return
            await outbox.ephemeral(messages.plain(reload_report(await deps.reload())))
            return
        await converse(deps, outbox, place, text)

    app.command("/ask")(on_ask)
