"""The small checks every part of assessment/rolefit.yml shares: texts, placeholders, citations
and `when:` conditions, each problem at its `file:line`.

load.py builds the assessment section by section on top of these; nothing here knows which
section it is reading.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

from bot.content.fields import check_fields, list_items, text_items
from bot.content.problems import Problem
from bot.content.validate import claim_problems
from bot.content.yamlsrc import LineDict, LineList
from bot.rolefit.model import FIXED_QUESTIONS, POINTS, QUOTE_LIMIT, Condition
from bot.values.assessment import QuoteRef
from bot.values.content import Citation, Origin

_CITATION_FIELDS = {"source": True, "quote": True}
ANSWERS = "answers"  # `cites: answers`: a text that rests on the person's answers, not a source
# a text resting on the answers alone may not speak for a source
_NAMES_A_SOURCE = re.compile(
    r"\b(?:Fortium|explainer|airfocus|Gartner|sources?|practitioners?|commenters?)\b", re.I
)


class FieldReader:
    """Reads fields of one file, collecting problems instead of stopping at the first."""

    def __init__(self, file: str, source_ids: frozenset[str], problems: list[Problem]) -> None:
        self.file = file
        self.source_ids = source_ids
        self.problems = problems
        self.quotes: list[Citation] = []  # every quote read, where it is, for check_quotes
        self.source_kinds: Mapping[str, str] = {}  # source id -> kind, when sources.yml was read

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def text(self, tree: LineDict, key: str, what: str) -> str:
        value = tree.get(key)
        if value is None:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(tree.line_of(key), f"'{key}' of {what} must be non-empty text")
            return ""
        return " ".join(value.split())

    def template(self, text: str, line: int, allow_answer: bool) -> None:
        allowed = set(FIXED_QUESTIONS) | ({"answer"} if allow_answer else set())
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            self.problem(line, f"bad placeholder in text: {exc} (write {{{{ and }}}} for braces)")
            return
        for field_name in fields:
            if field_name not in allowed:
                self.problem(
                    line,
                    f"unknown placeholder '{{{field_name}}}' "
                    f"(allowed: {', '.join(sorted(allowed))})",
                )

    def strings(self, value: Any, line: int, what: str) -> list[tuple[str, int]]:
        return text_items(value, line, what, self.file, self.problems)

    def citations(self, value: Any, line: int) -> tuple[QuoteRef, ...]:
        value = list_items(value, line, "citations", self.file, self.problems)
        if value is None:
            return ()
        refs = []
        for index, item in enumerate(value):
            if not check_fields(
                item, _CITATION_FIELDS, self.file, "citation", self.problems, value.line_of(index)
            ):
                continue
            source, quote = item.get("source"), item.get("quote")
            if not isinstance(source, str) or source.strip() not in self.source_ids:
                known = ", ".join(sorted(self.source_ids))
                self.problem(
                    item.line_of("source"), f"unknown source id '{source}' (known: {known})"
                )
                continue
            if not isinstance(quote, str) or not quote.strip():
                self.problem(item.line_of("quote"), "citation quote is empty")
                continue
            quote = " ".join(quote.split())
            if len(quote) > QUOTE_LIMIT:
                self.problem(
                    item.line_of("quote"),
                    f"quote is {len(quote)} characters; keep it under {QUOTE_LIMIT}",
                )
            ref = QuoteRef(source.strip(), quote)
            self.quotes.append(
                Citation(ref.source, quote, Origin(self.file, item.line_of("quote")))
            )
            refs.append(ref)
        return tuple(refs)

    def points(self, item: LineDict, what: str) -> str:
        """`points:`, which way a bullet points (model.POINTS)."""
        value = item.get("points")
        if value not in POINTS:
            self.problem(
                item.line_of("points") if "points" in item else item.line,
                f"{what}: 'points' must be one of {', '.join(POINTS)} (which way it points)",
            )
            return "neutral"
        return str(value)

    def rests_on(
        self, text: str, line: int, what: str, cited: list[QuoteRef], from_answers: bool
    ) -> None:
        """A text names what it rests on: citations (then what it may say about them is
        checked), or the answers alone (then it may not speak for a source)."""
        if from_answers:
            named = _NAMES_A_SOURCE.search(text)
            if named:
                self.problem(
                    line,
                    f"{what} rests on the answers alone (cites: answers) but names "
                    f"\u201c{named.group(0)}\u201d: cite what it says",
                )
            return
        if not cited:
            self.problem(
                line,
                f"{what} names no citation: cite the quotes it rests on, or say "
                "cites: answers if it rests on the person's answers alone",
            )
            return
        for message in claim_problems(text, {c.source for c in cited}, self.source_kinds):
            self.problem(line, f"{what}: {message}")

    def conditions(
        self, value: Any, line: int, extra: dict[str, tuple[str, ...]] | None = None
    ) -> tuple[Condition, ...]:
        """A `when:` mapping; `extra` allows keys besides questions (notes' `recommend`)."""
        if value is None:
            return ()
        if not isinstance(value, LineDict):
            self.problem(line, "'when' must map question ids to a value or a list of values")
            return ()
        allowed = {**FIXED_QUESTIONS, **(extra or {})}
        out = []
        for key, raw in value.items():
            key_line = value.line_of(key)
            if key not in allowed:
                self.problem(
                    key_line,
                    f"'when' names unknown question '{key}' "
                    f"(questions: {', '.join(FIXED_QUESTIONS)})",
                )
                continue
            values = [raw] if isinstance(raw, str) else raw if isinstance(raw, LineList) else None
            if not values:
                self.problem(
                    key_line, f"'when' {key} must be a value or a non-empty list of values"
                )
                continue
            for item in values:
                if item not in allowed[key]:
                    what = "recommendation kind" if key == "recommend" else f"value for {key}"
                    self.problem(
                        key_line, f"unknown {what} '{item}' (allowed: {', '.join(allowed[key])})"
                    )
            out.append(Condition(key, tuple(str(v) for v in values)))
        return tuple(out)
