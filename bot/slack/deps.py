"""What every listener needs, passed in explicitly (no globals): the engine, settings, metrics.

`engine` is read through the `EngineHolder` at the moment a listener asks, so a content reload
(SIGHUP or `/ask reload`) reaches every listener without re-registering anything. Listeners
must read `deps.engine` per request and never keep it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.dialogue.engine import Engine
from bot.runtime import EngineHolder, Reloaded
from bot.settings import SlackSettings
from bot.slack.blocks import RenderOptions
from bot.slack.identity import BotIdentity
from bot.slack.metrics import Metrics
from bot.store.base import Deliveries, StoreUnavailable

DEDUPE_TTL_S = 3600

logger = logging.getLogger("bot.slack")


@dataclass(frozen=True)
class Deps:
    engines: EngineHolder
    settings: SlackSettings
    identity: BotIdentity
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def engine(self) -> Engine:
        return self.engines.current

    @property
    def deliveries(self) -> Deliveries:
        return self.engines.store

    async def first_delivery(self, body: dict[str, Any]) -> bool:
        """False for an event we have already handled: Slack retries one when our ack was late
        or lost, and a retry must never answer twice.

        Event listeners ask this first thing, which is after Bolt has acked the event: kept
        out of the ack's path, the store's round trip (and any queue in front of it under
        load) never delays an ack, and a late ack is what makes Slack retry.
        """
        event_id = body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            return True
        try:
            first = await self.deliveries.first_delivery(event_id, DEDUPE_TTL_S)
        except StoreUnavailable as exc:  # better a rare double answer than none at all
            self.engines.store_errors.record("first_delivery", exc)
            return True
        if not first:
            self.metrics.duplicates.inc()
            logger.info("event %s already handled; ignoring the retry", event_id)
        return first

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
