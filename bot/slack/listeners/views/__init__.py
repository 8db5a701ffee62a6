"""Modal submissions: the one-screen /rolefit assessment."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.listeners.views import rolefit_submission


def register(app: AsyncApp, deps: Deps) -> None:
    rolefit_submission.register(app, deps)
