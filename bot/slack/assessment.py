"""The assessment as the Slack adapter needs it beyond the chat flow: the modal and sharing.

The /rolefit modal collects every answer at once: `Engine.assess` evaluates, cites and
remembers them like a finished chat flow, and leaves any assessment in progress in the DM
alone. Sharing asks the flow for the same result without touching the store.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.dialogue.engine import Engine
from bot.values.assessment import Question
from bot.values.conversation import ConversationKey
from bot.values.replies import FlowResult, Reply


def questions(engine: Engine) -> tuple[Question, ...]:
    return engine.flows.rolefit.questions if engine.flows is not None else ()


def problems(engine: Engine, answers: Mapping[str, str]) -> dict[str, str]:
    """{question id: what is wrong} for a modal's errors; empty when every answer is usable."""
    found: dict[str, str] = {}
    for question in questions(engine):
        value = answers.get(question.id)
        if value is None:
            found[question.id] = "Please pick one."
        elif value not in question.values:
            found[question.id] = "That option is no longer offered; please pick again."
    return found


async def assess(engine: Engine, team: str, user: str, answers: Mapping[str, str]) -> Reply:
    """Evaluate and remember (App Home shows it); call only once `problems` found none."""
    return await engine.assess(ConversationKey(team, "modal", user), answers)


def result_for(engine: Engine, answers: Mapping[str, str]) -> FlowResult | None:
    """The result these answers give, without touching the store (for "Share in channel")."""
    if engine.flows is None or problems(engine, answers):
        return None
    return engine.flows.result(answers)
