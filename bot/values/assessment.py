"""The assessment's values that leave it: a question as it is asked, and the recommendation
with its reasons and quotes. The engine's replies carry them and both renderers show them;
the rest of the assessment (rules, notes, never) is bot/rolefit/model.py."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    value: str  # fixed machine value, e.g. "creator"; Slack buttons carry it
    label: str  # what people read, e.g. "We sell technology"
    hint: str = ""
    # Words and phrases in free text that clearly mean this option (curators extend them in
    # assessment/rolefit.yml); matched as whole words, ignoring case and punctuation.
    match: tuple[str, ...] = ()
    # Headcount bands for the size question: a stated "<n> people" picks the first option
    # whose max_people is >= n, or the option without one (the open-ended top band).
    max_people: int | None = None


@dataclass(frozen=True)
class QuoteRef:
    source: str
    quote: str


@dataclass(frozen=True)
class Question:
    id: str  # fixed: tech_role, size, priority, compliance, industry, current_leader
    text: str
    options: tuple[Option, ...]
    why: str  # the answer to "why do you ask?"
    why_citations: tuple[QuoteRef, ...] = ()
    help: str = ""

    def option(self, value: str) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(o.value for o in self.options)


@dataclass(frozen=True)
class Reason:
    """One rationale bullet, naming the answer it comes from."""

    question: str
    answer: str
    text: str


@dataclass(frozen=True)
class Recommendation:
    kind: str  # one of bot.rolefit.model.RECOMMENDATIONS
    title: str  # e.g. "Hire a CTO"
    summary: str
    rationale: tuple[Reason, ...]
    citations: tuple[QuoteRef, ...]
    notes: tuple[str, ...]
    answers: dict[str, str] = field(default_factory=dict)
    followups: tuple[str, ...] = ()  # intent ids, e.g. ("hiring_cto",)
