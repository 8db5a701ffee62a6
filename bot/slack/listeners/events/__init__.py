"""Events API: mentions in channels, direct messages, and the App Home tab."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.slack.deps import Deps
from bot.slack.listeners.events import app_home, direct_message, mention


def register(app: AsyncApp, deps: Deps) -> None:
    mention.register(app, deps)
    direct_message.register(app, deps)
    app_home.register(app, deps)
