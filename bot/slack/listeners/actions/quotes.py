""" "Show quotes": the verbatim quotes behind an answer or an assessment result, privately.

The Sources block shows one line per source; the quotes are one click away. The button's value
names the answer (its intent) or the result (its answers), so the quotes are read from the
content loaded now, never from the message.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.slack import assessment, ids, messages
from bot.slack.deps import Deps
from bot.slack.listeners.actions import on_click
from bot.slack.outbox import Outbox
from bot.slack.places import Place
from bot.values.content import Source


async def on_quotes(
    deps: Deps, outbox: Outbox, place: Place, action: dict[str, Any], body: dict[str, Any]
) -> None:
    value = ids.unpack(action.get("value"))
    title, pairs = "", list[tuple[str, Source]]()
    if isinstance(value.get("a"), dict):
        result = assessment.result_for(deps.engine, {str(k): str(v) for k, v in value["a"].items()})
        if result is not None:
            rec = result.recommendation
            title = f"Recommendation: {rec.title}"
            pairs = [(q.quote, s) for q, s in zip(rec.citations, result.sources, strict=False)]
    else:
        answer = deps.engine.answer_for(str(value.get("i") or ""))
        if answer is not None:
            title = answer.response.title
            cited = answer.response.citations
            pairs = [(c.quote, s) for c, s in zip(cited, answer.sources, strict=False)]
    if not title:
        await outbox.whisper(place, messages.plain("Sorry, I can't find that answer any more."))
        return
    await outbox.whisper(place, messages.quotes(title, pairs))


def register(app: AsyncApp, deps: Deps) -> None:
    app.action(ids.SHOW_QUOTES)(on_click(deps, on_quotes))
