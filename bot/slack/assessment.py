"""The assessment as the Slack adapter needs it beyond the chat flow: the modal and sharing.

The /rolefit modal collects every answer at once. Its result is reached through the engine's
public entry point (start the flow, then one answer per question) under a conversation key of
its own, so the engine evaluates, cites and remembers it exactly as in a chat flow and an
assessment someone has in progress in the DM is left alone. Sharing replays the answers
through the flow's pure transitions: nothing is stored and the result is the same.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.dialogue.engine import Engine
from bot.dialogue.replies import FlowResult, Reply
from bot.dialogue.state import ConversationKey
from bot.dialogue.turn import Action, Turn
from bot.rolefit.model import Question


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


async def assess(
    engine: Engine, team: str, user: str, answers: Mapping[str, str], submission: str
) -> Reply:
    """Evaluate and remember (App Home shows it); a FlowResult unless the store is down."""
    key = ConversationKey(team, f"modal:{submission}", user)
    reply = await engine.handle(Turn(key, action=Action("flow_start")))
    for question in questions(engine):
        if isinstance(reply, FlowResult):
            break
        value = f"{question.id}={answers.get(question.id, '')}"
        reply = await engine.handle(Turn(key, action=Action("flow_answer", value)))
    return reply


def result_for(engine: Engine, answers: Mapping[str, str]) -> FlowResult | None:
    """The result these answers give, without touching the store (for "Share in channel")."""
    runner = engine.flows
    if runner is None or problems(engine, answers):
        return None
    now = engine.clock()
    state, reply = runner.start(now)
    for question in runner.rolefit.questions:
        if state is None:
            break
        action = Action("flow_answer", f"{question.id}={answers[question.id]}")
        state, reply = runner.on_action(state, action, now)
    return reply if isinstance(reply, FlowResult) else None
