"""Values of the role-fit assessment: its questions, rules and notes, and the recommendation.

The definition (questions, options, rules, citations) is content in assessment/rolefit.yml;
these are the frozen values load.py reads it into, rules.py interprets and extract.py reads
free text against. Nothing here does anything: no I/O, no Slack, no decisions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.values.assessment import (
    Question,
    QuoteRef,
    Recommendation,
)
from bot.values.content import Citation

RECOMMENDATIONS = ("cto", "cio", "both", "cto_first", "cio_first")
# Question ids and option values are fixed: Slack buttons, saved results and the decision table
# carry them, so content may reword everything people read but never these.
FIXED_QUESTIONS: dict[str, tuple[str, ...]] = {
    "tech_role": ("creator", "consumer", "mixed"),
    "size": ("small", "midsize", "large"),
    "priority": ("build_products", "run_operations", "both"),
    "compliance": ("low", "high"),
    "industry": ("financial_services", "other"),
    "current_leader": ("none", "cio", "cto", "both"),
}
QUOTE_LIMIT = 300
# Which way a rationale bullet points (`points:` in assessment/rolefit.yml), and the results it
# argues against there: a bullet may not appear under one of those unless the rule marks it as
# a "but" framing ("You also need ..., but ..."). "X first" results recommend X now and the
# other role later, so a bullet towards the other role is no contradiction there.
POINTS: dict[str, frozenset[str]] = {
    "cio": frozenset({"cto"}),  # towards a CIO: against a CTO alone
    "cto": frozenset({"cio"}),  # towards a CTO: against a CIO alone
    "both": frozenset({"cio", "cto"}),  # towards both roles: against either alone
    "one": frozenset({"both"}),  # towards one technology leader: against both now
    "not_cio": frozenset({"cio", "cio_first", "both"}),  # against a CIO now ("not yet")
    "not_cto": frozenset({"cto", "cto_first", "both"}),  # against a CTO now
    "neutral": frozenset(),
}


@dataclass(frozen=True)
class Condition:
    """One line of a `when:`: the question's answer must be one of `values`."""

    question: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class RationaleItem:
    """A bullet of a rule: the answer's shared bullet (text None) or one written for the rule."""

    question: str
    text: str | None = None
    # a bullet written for the rule: which way it points (POINTS), whether the rule frames it
    # as a "but", and what it rests on: numbers of the rule's citations, or the answers alone
    points: str = "neutral"
    but: bool = False
    cites: tuple[int, ...] = ()
    from_answers: bool = False
    line: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    when: tuple[Condition, ...]  # empty: the catch-all
    recommend: str
    summary: str
    rationale: tuple[RationaleItem, ...]
    citations: tuple[QuoteRef, ...]
    line: int


@dataclass(frozen=True)
class Note:
    id: str
    when: tuple[Condition, ...]
    recommend: tuple[str, ...]  # empty: whatever the recommendation
    text: str
    citations: tuple[QuoteRef, ...]
    line: int
    from_answers: bool = False  # rests on the answers alone (`cites: answers`), no source


@dataclass(frozen=True)
class Constraint:
    """A decision no rule may make (`never:` in the YAML); the loader refuses a rule that could.

    Decisions are content: "never both roles for a small organisation" is written beside the
    rules it constrains, where curators see it, not in the loader.
    """

    id: str
    when: tuple[Condition, ...]  # the answers it is about, e.g. size: small
    recommend: tuple[str, ...]  # the recommendation kinds forbidden there, e.g. both
    says: str  # what such a rule would do, in words: "both roles for a small organisation"
    because: str
    line: int


@dataclass(frozen=True)
class AnswerReason:
    """What one answer says about the choice, reused by every rule that names its question."""

    text: str
    citations: tuple[QuoteRef, ...]
    points: str = "neutral"  # which way it points (POINTS)


@dataclass(frozen=True)
class Outcome:
    """How a recommendation kind is titled, and which topics to offer after it."""

    kind: str
    title: str
    followups: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    """A recommendation plus which rule and notes produced it: for the decision table."""

    recommendation: Recommendation
    rule: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class RoleFit:
    questions: tuple[Question, ...]
    rules: tuple[Rule, ...]
    notes: tuple[Note, ...]
    reasons: Mapping[tuple[str, str], AnswerReason]  # (question, value) -> bullet
    outcomes: Mapping[str, Outcome]
    constraints: tuple[Constraint, ...] = ()
    citations: tuple[Citation, ...] = ()  # every quote in the file, where it is: checked once
    file: str = ""

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)
