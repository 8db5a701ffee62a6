"""Button clicks (block_actions): topics, the guided flow, feedback, sharing, escalation."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.listeners.actions import escalate, feedback, flow, share, topics


def register(app: AsyncApp, deps: Deps) -> None:
    topics.register(app, deps)
    flow.register(app, deps)
    feedback.register(app, deps)
    share.register(app, deps)
    escalate.register(app, deps)
