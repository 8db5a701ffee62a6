"""The sections of assessment/rolefit.yml that say what is asked: the questions and their
options, each answer's reason bullet, and how each recommendation is titled.

load.py reads the rest (rules, notes, never) on top of this; reader.py has the small checks.
"""

from __future__ import annotations

from typing import Any

from bot.content.fields import check_fields, list_items
from bot.content.problems import Problem
from bot.content.yamlsrc import LineDict, LineList
from bot.rolefit.model import FIXED_QUESTIONS, RECOMMENDATIONS, AnswerReason, Outcome
from bot.rolefit.reader import FieldReader
from bot.values.assessment import Option, Question

_QUESTION_FIELDS = {
    "id": True,
    "text": True,
    "why": True,
    "options": True,
    "help": False,
    "why_citations": False,
}
_OPTION_FIELDS = {"value": True, "label": True, "hint": False, "match": False, "max_people": False}
_REASON_FIELDS = {"text": True, "points": True, "citations": False}
_OUTCOME_FIELDS = {"title": True, "followups": False}


class QuestionSections(FieldReader):
    """Reads questions, reasons and recommendations; remembers the questions for the rules."""

    def __init__(self, file: str, source_ids: frozenset[str], problems: list[Problem]) -> None:
        super().__init__(file, source_ids, problems)
        self.questions: dict[str, Question] = {}

    def load_questions(self, value: Any, line: int) -> tuple[Question, ...]:
        value = list_items(value, line, "'questions'", self.file, self.problems)
        if value is None:
            return ()
        for index, item in enumerate(value):
            question = self.load_question(item, value.line_of(index))
            if question is None:
                continue
            if question.id in self.questions:
                self.problem(value.line_of(index), f"question '{question.id}' appears twice")
                continue
            self.questions[question.id] = question
        for missing in (q for q in FIXED_QUESTIONS if q not in self.questions):
            self.problem(
                line,
                f"question '{missing}' is missing "
                f"(the assessment asks exactly: {', '.join(FIXED_QUESTIONS)})",
            )
        return tuple(self.questions.values())

    def load_question(self, item: Any, line: int) -> Question | None:
        if not check_fields(item, _QUESTION_FIELDS, self.file, "question", self.problems, line):
            return None
        question_id = item.get("id")
        if question_id not in FIXED_QUESTIONS:
            fixed = ", ".join(FIXED_QUESTIONS)
            self.problem(
                item.line_of("id"),
                f"unknown question id '{question_id}' (the questions are fixed: {fixed})",
            )
            return None
        options = self.load_options(question_id, item["options"], item.line_of("options"))
        return Question(
            id=question_id,
            text=self.text(item, "text", f"question {question_id}"),
            options=options,
            why=self.text(item, "why", f"question {question_id}"),
            why_citations=self.citations(item.get("why_citations"), item.line_of("why_citations")),
            help=self.text(item, "help", f"question {question_id}"),
        )

    def load_options(self, question_id: str, value: Any, line: int) -> tuple[Option, ...]:
        if not isinstance(value, LineList):
            self.problem(line, f"options of {question_id} must be a list")
            return ()
        allowed = FIXED_QUESTIONS[question_id]
        options: list[Option] = []
        for index, item in enumerate(value):
            item_line = value.line_of(index)
            if not check_fields(
                item, _OPTION_FIELDS, self.file, "option", self.problems, item_line
            ):
                continue
            option_value = item.get("value")
            if option_value not in allowed:
                self.problem(
                    item.line_of("value"),
                    f"unknown option '{option_value}' for {question_id} "
                    f"(allowed: {', '.join(allowed)})",
                )
                continue
            if any(o.value == option_value for o in options):
                self.problem(item.line_of("value"), f"option '{option_value}' appears twice")
                continue
            max_people = item.get("max_people")
            if max_people is not None and (
                not isinstance(max_people, int) or isinstance(max_people, bool) or max_people < 1
            ):
                self.problem(
                    item.line_of("max_people"), "max_people must be a whole number above 0"
                )
                max_people = None
            match = self.strings(item.get("match"), item.line_of("match"), "'match'")
            options.append(
                Option(
                    value=option_value,
                    label=self.text(item, "label", f"option {option_value}"),
                    hint=self.text(item, "hint", f"option {option_value}"),
                    match=tuple(m for m, _ in match),
                    max_people=max_people,
                )
            )
        for missing in (v for v in allowed if not any(o.value == v for o in options)):
            self.problem(
                line,
                f"{question_id} is missing option '{missing}' "
                f"(its options are exactly: {', '.join(allowed)})",
            )
        self.check_bands(question_id, options, line)
        return tuple(options)

    def check_bands(self, question_id: str, options: list[Option], line: int) -> None:
        """Headcount bands must rise, with one open-ended band last, or a count picks nothing."""
        if all(o.max_people is None for o in options):
            return
        bounded = [o.max_people for o in options[:-1] if o.max_people is not None]
        if len(bounded) != len(options) - 1 or options[-1].max_people is not None:
            self.problem(
                line,
                f"{question_id}: every option but the last needs max_people, "
                "and the last (the open-ended band) none",
            )
        elif bounded != sorted(bounded):
            self.problem(line, f"{question_id}: max_people must rise from option to option")

    def load_reasons(self, value: Any, line: int) -> dict[tuple[str, str], AnswerReason]:
        reasons: dict[tuple[str, str], AnswerReason] = {}
        if value is None:  # reported as a missing field
            return reasons
        if not isinstance(value, LineDict):
            self.problem(line, "'reasons' must map question ids to their answers' bullets")
            return reasons
        for question_id, by_value in value.items():
            if question_id not in FIXED_QUESTIONS:
                self.problem(
                    value.line_of(question_id), f"reasons for unknown question '{question_id}'"
                )
                continue
            if not isinstance(by_value, LineDict):
                self.problem(
                    value.line_of(question_id),
                    f"reasons.{question_id} must map option values to a bullet",
                )
                continue
            allowed = FIXED_QUESTIONS[question_id]
            for option_value, item in by_value.items():
                item_line = by_value.line_of(option_value)
                if option_value not in allowed:
                    self.problem(
                        item_line,
                        f"unknown option '{option_value}' for {question_id} "
                        f"(allowed: {', '.join(allowed)})",
                    )
                    continue
                if not check_fields(
                    item, _REASON_FIELDS, self.file, "reason", self.problems, item_line
                ):
                    continue
                what = f"reason {question_id}={option_value}"
                text = self.text(item, "text", what)
                self.template(text, item.line_of("text"), allow_answer=False)
                citations = self.citations(item.get("citations"), item.line_of("citations"))
                self.rests_on(text, item.line_of("text"), what, list(citations), False)
                reasons[(question_id, option_value)] = AnswerReason(
                    text, citations, self.points(item, what)
                )
            for missing in (v for v in allowed if (question_id, v) not in reasons):
                self.problem(
                    value.line_of(question_id),
                    f"reasons.{question_id} has no bullet for '{missing}'",
                )
        return reasons

    def load_outcomes(self, value: Any, line: int) -> dict[str, Outcome]:
        outcomes: dict[str, Outcome] = {}
        if value is None:  # reported as a missing field
            return outcomes
        if not isinstance(value, LineDict):
            self.problem(line, "'recommendations' must map each kind to its title")
            return outcomes
        for kind, item in value.items():
            kind_line = value.line_of(kind)
            if kind not in RECOMMENDATIONS:
                self.problem(
                    kind_line,
                    f"unknown recommendation kind '{kind}' (kinds: {', '.join(RECOMMENDATIONS)})",
                )
                continue
            if not check_fields(
                item, _OUTCOME_FIELDS, self.file, f"recommendation {kind}", self.problems, kind_line
            ):
                continue
            followups = self.strings(
                item.get("followups"), item.line_of("followups"), "'followups'"
            )
            outcomes[kind] = Outcome(
                kind,
                self.text(item, "title", f"recommendation {kind}"),
                tuple(f for f, _ in followups),
            )
        for missing in (k for k in RECOMMENDATIONS if k not in outcomes):
            self.problem(line, f"recommendations is missing kind '{missing}'")
        return outcomes
