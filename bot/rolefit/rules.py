"""The rule interpreter: answers in, a cited recommendation out, as the assessment's rules say.

The first rule whose `when:` holds decides the recommendation; every note that holds is added;
each quote is cited once. Which answers lead to which role is not decided here: that is content
(assessment/rolefit.yml), loaded by load.py into the values of model.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.rolefit.model import Condition, Evaluation, Note, RoleFit, Rule
from bot.values.assessment import Question, QuoteRef, Reason, Recommendation


class AnswerError(ValueError):
    """Answers that cannot be evaluated; the message names what is missing or allowed."""

    def __init__(
        self,
        missing: tuple[str, ...] = (),
        invalid: Mapping[str, tuple[str, tuple[str, ...]]] | None = None,
        unknown: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.missing = missing
        self.invalid = dict(invalid or {})  # question -> (given value, allowed values)
        self.unknown = dict(unknown or {})  # unknown key -> the known question ids
        parts = []
        if self.missing:
            parts.append(f"missing answers: {', '.join(self.missing)}")
        for question, (given, allowed) in self.invalid.items():
            parts.append(f"{question} must be one of {', '.join(allowed)} (got '{given}')")
        for key, known in self.unknown.items():
            parts.append(f"unknown question '{key}' (questions: {', '.join(known)})")
        super().__init__("; ".join(parts))


def holds(when: tuple[Condition, ...], answers: Mapping[str, str]) -> bool:
    """Every condition of a `when:` is met (an empty `when:` always is)."""
    return all(answers.get(c.question) in c.values for c in when)


def rule_matches(rule: Rule, answers: Mapping[str, str]) -> bool:
    return holds(rule.when, answers)


def note_applies(note: Note, answers: Mapping[str, str], kind: str) -> bool:
    if note.recommend and kind not in note.recommend:
        return False
    return holds(note.when, answers)


def check(rolefit: RoleFit, answers: Mapping[str, str]) -> None:
    """Raise AnswerError unless every question has exactly one allowed answer."""
    known = tuple(q.id for q in rolefit.questions)
    unknown = {key: known for key in answers if key not in known}
    missing = tuple(q.id for q in rolefit.questions if q.id not in answers)
    invalid = {
        q.id: (answers[q.id], q.values)
        for q in rolefit.questions
        if q.id in answers and answers[q.id] not in q.values
    }
    if missing or invalid or unknown:
        raise AnswerError(missing, invalid, unknown)


def evaluate(rolefit: RoleFit, answers: Mapping[str, str]) -> Recommendation:
    return explain(rolefit, answers).recommendation


def explain(rolefit: RoleFit, answers: Mapping[str, str]) -> Evaluation:
    """Evaluate, keeping which rule and notes decided: the decision table shows them."""
    check(rolefit, answers)
    # the loader ensures a catch-all, so some rule always matches
    rule = next(r for r in rolefit.rules if rule_matches(r, answers))
    labels = {q.id: _label(q, answers[q.id]) for q in rolefit.questions}
    rationale: list[Reason] = []
    citations: list[QuoteRef] = []
    for item in rule.rationale:
        answer = answers[item.question]
        if item.text is None:
            shared = rolefit.reasons[(item.question, answer)]
            rationale.append(Reason(item.question, answer, shared.text))
            citations += shared.citations
        else:
            text = item.text.format_map({**labels, "answer": labels[item.question]})
            rationale.append(Reason(item.question, answer, text))
    citations += rule.citations
    notes = [n for n in rolefit.notes if note_applies(n, answers, rule.recommend)]
    for note in notes:
        citations += note.citations
    outcome = rolefit.outcomes[rule.recommend]
    recommendation = Recommendation(
        kind=rule.recommend,
        title=outcome.title,
        summary=rule.summary.format_map(labels),
        rationale=tuple(rationale),
        citations=tuple(dict.fromkeys(citations)),  # each quote once, first place kept
        notes=tuple(n.text.format_map(labels) for n in notes),
        answers={q.id: answers[q.id] for q in rolefit.questions},
        followups=outcome.followups,
    )
    return Evaluation(recommendation, rule.id, tuple(n.id for n in notes))


def _label(question: Question, value: str) -> str:
    option = question.option(value)
    return option.label if option else value
