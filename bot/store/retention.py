"""How long the question log is kept, and when a store purges it.

The log holds what people asked (normalised and anonymised, but still their words), so it is
kept only as long as the composition root says (ROLEBOT_RETENTION_DAYS, default 90, read by
bot/settings.py). Stores purge when they open and then at most once
an hour as they log: no background task to start, stop or forget, and a busy bot pays for one
DELETE an hour, not one per question.
"""

from __future__ import annotations

DEFAULT_RETENTION_S = 90 * 86400.0  # a store built without a setting (tests, one-off tools)
PURGE_EVERY_S = 3600.0


class PurgeSchedule:
    """Says when the next purge is due: now if never purged, then every PURGE_EVERY_S."""

    def __init__(self, every_s: float = PURGE_EVERY_S) -> None:
        self.every_s = every_s
        self.last: float | None = None

    def due(self, now: float) -> bool:
        return self.last is None or now - self.last >= self.every_s or now < self.last

    def done(self, now: float) -> None:
        self.last = now
