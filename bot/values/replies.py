"""What the engine says back: one value per kind of reply, rendered by each adapter.

`slack/blocks.py` and `terminal.py` turn these into Block Kit and text. If a feature needs a
change in both renderers and nowhere else, the seam is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.values.assessment import Question, QuoteRef, Recommendation
from bot.values.content import Response, Source
from bot.values.match import Match


@dataclass(frozen=True)
class Topic:
    """An intent offered as a choice (related question, suggestion, topic button)."""

    intent: str
    title: str
    # the assessment's own topic: a button that starts the flow rather than showing an answer
    starts_assessment: bool = False


@dataclass(frozen=True)
class Answer:
    response: Response
    sources: tuple[Source, ...]  # one per citation, same order (numbered 1..n when shown)
    related: tuple[Topic, ...]
    question: str  # what the person asked (raw), for feedback and "why this answer?"
    match: Match | None  # None when reached by a button, not by matching text
    offer_assessment: bool = False


@dataclass(frozen=True)
class Clarify:
    question: str
    suggestions: tuple[Topic, ...]
    match: Match


@dataclass(frozen=True)
class Fallback:
    question: str
    topics: tuple[Topic, ...]
    match: Match | None
    text: str  # what the bot can help with instead (domain.yml's fallback text)


@dataclass(frozen=True)
class FlowQuestion:
    question: Question
    number: int  # 1-based position among the questions still to ask plus those answered
    total: int
    answered: tuple[tuple[Question, str], ...]  # (question, chosen option value), in order
    notice: str | None = None  # e.g. "I didn't catch that: pick one of ..." or "Going back."


@dataclass(frozen=True)
class FlowResult:
    recommendation: Recommendation
    related: tuple[Topic, ...]
    sources: tuple[Source, ...]  # one per recommendation citation, same order


@dataclass(frozen=True)
class Notice:
    """A short message with optional follow-ups: cancelled, expired, "why do you ask?" ..."""

    kind: Literal["cancelled", "expired", "why", "unavailable", "info"]
    text: str
    citations: tuple[QuoteRef, ...] = ()
    sources: tuple[Source, ...] = ()
    followups: tuple[Topic, ...] = ()
    flow_active: bool = False  # the flow continues: show its controls again


Reply = Answer | Clarify | Fallback | FlowQuestion | FlowResult | Notice
