"""The matcher's decision about one question, and why: a value the engine, the question log,
the replies ("Why this answer?") and `rolebot eval` all read. bot/nlu/matcher.py makes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.values.content import Origin

Outcome = Literal["answer", "clarify", "fallback"]


@dataclass(frozen=True, kw_only=True)  # thirteen fields: by name, so two floats cannot swap
class Match:
    text: str
    outcome: Outcome
    intent: str | None  # set only when the outcome is "answer"
    confidence: float
    suggestions: tuple[str, ...]  # intents offered for "did you mean" (clarify only)
    evidence: str | None  # the example that matched best
    evidence_origin: Origin | None
    best: str | None  # the best-scoring intent, whatever the outcome
    runner_up: str | None
    runner_up_score: float
    reason: str  # why this outcome, in words, for "why this answer?" and eval
    normalized: str = ""
    corrections: tuple[tuple[str, str], ...] = field(default=())
