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
    # refused whatever any other opinion says: it asks who holds a role ("who is our CTO"), or
    # about a role our sources do not cover (nlu/fusion.py)
    refused: bool = False
    # names a technology-leadership term (a keyword of some knowledge intent)
    in_domain: bool = True
    # the sentence model's opinion, when one was asked for (nlu/fusion.py); None: lexical alone
    semantic: SemanticOpinion | None = None


@dataclass(frozen=True)
class SemanticOpinion:
    """What the sentence model thought of a question: its likeliest topic and how sure."""

    intent: str | None  # the topic the classifier finds likeliest (nlu/classifier.py)
    score: float  # its probability, in [0, 1]
    example: str | None  # that topic's curated example nearest to the question
    runner_up: str | None
    runner_up_score: float  # the second topic's probability
    similarity: float = -1.0  # cosine similarity to `example`, in [-1, 1]
    # the intent of the single nearest curated example, and how near (a second, cruder view)
    nearest: str | None = None
    nearest_score: float = -1.0
    # the nearest near-topic question we do not answer (out_of_scope.yml), and how near
    out_of_scope: float = -1.0
    out_of_scope_example: str | None = None
    # the classifier's probability that the question is none of ours
    out_of_scope_probability: float = 0.0
    agrees: bool = False  # its intent is the lexical matcher's best
