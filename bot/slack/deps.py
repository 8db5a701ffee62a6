"""What every listener needs, passed in explicitly (no globals): the engine and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.slack.blocks import RenderOptions
from bot.slack.identity import BotIdentity

DEDUPE_TTL_S = 3600


@dataclass(frozen=True)
class Deps:
    engine: Engine
    settings: Settings
    identity: BotIdentity

    def options(
        self, share: bool = False, share_channel: str | None = None, shared_by: str | None = None
    ) -> RenderOptions:
        return RenderOptions(
            escalation=self.settings.escalation_channel is not None,
            share=share,
            share_channel=share_channel,
            shared_by=shared_by,
        )
