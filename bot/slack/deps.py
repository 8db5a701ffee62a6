"""What every listener needs, passed in explicitly (no globals): the engine, settings, metrics.

`engine` is read through the `EngineHolder` at the moment a listener asks, so a content reload
(SIGHUP or `/ask reload`) reaches every listener without re-registering anything. Listeners
must read `deps.engine` per request and never keep it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config import Settings
from bot.dialogue.engine import Engine
from bot.runtime import EngineHolder, Reloaded
from bot.slack.blocks import RenderOptions
from bot.slack.identity import BotIdentity
from bot.slack.metrics import Metrics

DEDUPE_TTL_S = 3600


@dataclass(frozen=True)
class Deps:
    engines: EngineHolder
    settings: Settings
    identity: BotIdentity
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def engine(self) -> Engine:
        return self.engines.current

    async def reload(self) -> Reloaded:
        """Reload content (SIGHUP or /ask reload); counted, and logged by the holder."""
        outcome = await self.engines.reload()
        self.metrics.reloaded(outcome.ok)
        return outcome

    def options(
        self, share: bool = False, share_channel: str | None = None, shared_by: str | None = None
    ) -> RenderOptions:
        return RenderOptions(
            escalation=self.settings.escalation_channel is not None,
            share=share,
            share_channel=share_channel,
            shared_by=shared_by,
        )
