"""Free-text answers to the assessment's questions: language understanding, never a guess.

"we're a 40-person startup building a SaaS product" answers size and tech_role; "we don't have a
CTO" answers nothing about a CTO. Reads only the questions and their options' `match:` phrases
and headcount bands (content); decides nothing about the recommendation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.values.assessment import Question


def extract_answers(
    questions: Iterable[Question], text: str, current: str | None = None
) -> dict[str, str]:
    """The answers free text clearly states; never a guess.

    An option matches through its `match:` phrases (and, for the question being asked,
    `current`, through its label and value too). Where options of one question disagree,
    the longer phrase wins if it covers the shorter one ("not regulated" over "regulated");
    otherwise the question is left unanswered. Phrases right after a negation ("we don't
    have a CTO") are ignored. A stated headcount decides the size question.
    """
    tokens = _tokens(text)
    found: dict[str, str] = {}
    for question in questions:
        spans: list[tuple[int, int, str]] = []
        for option in question.options:
            phrases = list(option.match)
            if question.id == current:
                phrases += [option.label, option.value.replace("_", " ")]
            for phrase in phrases:
                spans += [(s, e, option.value) for s, e in _find(tokens, _tokens(phrase))]
        values = _undisputed(spans)
        by_count = _band_for_headcount(question, text)
        if by_count:
            values = {by_count}  # a stated headcount is more precise than "startup"
        if len(values) == 1:
            found[question.id] = values.pop()
    return found


_WORD = re.compile(r"[a-z0-9]+")
_NEGATIONS = frozenset(
    {
        "no",
        "not",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "never",
        "without",
        "neither",
        "nor",
        "lack",
        "lacking",
    }
)
_NEGATION_WINDOW = 3
# "<n> people", "a 40-person startup", "5,000 staff", "2k employees"
_HEADCOUNT = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(k|thousand)?\s*-?\s*"
    r"(?:people|person|persons|staff|staffers|employees|employee|headcount|ftes?|workers|"
    r"colleagues|strong)\b"
)


def _tokens(text: str) -> list[str]:
    # apostrophes vanish so "don't" and "don’t" both become "dont"
    return _WORD.findall(text.casefold().replace("'", "").replace("\u2019", ""))


def _find(tokens: list[str], phrase: list[str]) -> list[tuple[int, int]]:
    if not phrase:
        return []
    n = len(phrase)
    hits = []
    for start in range(len(tokens) - n + 1):
        if tokens[start : start + n] != phrase:
            continue
        before = tokens[max(0, start - _NEGATION_WINDOW) : start]
        if phrase[0] not in _NEGATIONS and _NEGATIONS.intersection(before):
            continue
        hits.append((start, start + n))
    return hits


def _undisputed(spans: list[tuple[int, int, str]]) -> set[str]:
    """Values left after dropping matches overlapped by a longer match of another value."""
    kept = set()
    for start, end, value in spans:
        beaten = any(
            other != value and s < end and start < e and (e - s) > (end - start)
            for s, e, other in spans
        )
        if not beaten:
            kept.add(value)
    return kept


def _band_for_headcount(question: Question, text: str) -> str | None:
    bands = [o for o in question.options if o.max_people is not None]
    if not bands:
        return None
    top = next((o for o in question.options if o.max_people is None), None)
    picked = set()
    for number, thousands in _HEADCOUNT.findall(text.casefold()):
        count = float(number.replace(",", "")) * (1000 if thousands else 1)
        option = next((o for o in bands if count <= (o.max_people or 0)), top)
        if option:
            picked.add(option.value)
    return picked.pop() if len(picked) == 1 else None
