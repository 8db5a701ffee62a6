"""How long the question log is kept, and when a store purges it.

The log holds what people asked (normalised and anonymised, but still their words), so it is
kept only ROLEBOT_RETENTION_DAYS (default 90). Stores purge when they open and then at most once
an hour as they log: no background task to start, stop or forget, and a busy bot pays for one
DELETE an hour, not one per question.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from bot.config import ConfigError

DEFAULT_RETENTION_DAYS = 90.0
PURGE_EVERY_S = 3600.0
RETENTION_VARIABLE = "ROLEBOT_RETENTION_DAYS"


def retention_s(environ: Mapping[str, str] | None = None) -> float:
    """ROLEBOT_RETENTION_DAYS in seconds; a ConfigError naming the variable if it is not a
    positive number (a typo must not silently keep, or delete, everything)."""
    raw = (os.environ if environ is None else environ).get(RETENTION_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_RETENTION_DAYS * 86400
    try:
        days = float(raw)
    except ValueError:
        days = -1.0
    if not days > 0 or days == float("inf"):
        raise ConfigError(f"{RETENTION_VARIABLE} must be a positive number of days, not {raw!r}")
    return days * 86400


class PurgeSchedule:
    """Says when the next purge is due: now if never purged, then every PURGE_EVERY_S."""

    def __init__(self, every_s: float = PURGE_EVERY_S) -> None:
        self.every_s = every_s
        self.last: float | None = None

    def due(self, now: float) -> bool:
        return self.last is None or now - self.last >= self.every_s or now < self.last

    def done(self, now: float) -> None:
        self.last = now
