"""Slash commands: /ask (a private answer you can share) and /rolefit (the assessment)."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.listeners.commands import ask, rolefit


def register(app: AsyncApp, deps: Deps) -> None:
    ask.register(app, deps)
    rolefit.register(app, deps)
