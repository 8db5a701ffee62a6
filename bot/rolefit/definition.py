"""The role-fit assessment as content: load assessment/rolefit.yml, check it, and interpret it.

Owns the YAML schema and a small interpreter: the first rule whose `when:` matches the answers
decides the recommendation; every matching note is added. The decision itself must not live
here: which answers lead to which role is in the YAML, where curators read and change it, and
in assessment/decision_table.md, where any change shows up as a reviewable diff.

Reads only the files it is handed (load_rolefit, verify_quotes, read_sources); knows nothing
about Slack, terminals or stores.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.content.fields import check_fields, list_items, read_yaml, text_items
from bot.content.problems import Problem
from bot.content.yamlsrc import LineDict, LineList
from bot.rolefit.model import RECOMMENDATIONS, Option, Question, QuoteRef, Reason, Recommendation

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
CATCH_ALL = "catch-all"

_TOP_FIELDS = {
    "questions": True,
    "reasons": True,
    "recommendations": True,
    "rules": True,
    "notes": False,
}
_QUESTION_FIELDS = {
    "id": True,
    "text": True,
    "why": True,
    "options": True,
    "help": False,
    "why_citations": False,
}
_OPTION_FIELDS = {"value": True, "label": True, "hint": False, "match": False, "max_people": False}
_CITATION_FIELDS = {"source": True, "quote": True}
_REASON_FIELDS = {"text": True, "citations": False}
_OUTCOME_FIELDS = {"title": True, "followups": False}
_RULE_FIELDS = {
    "id": True,
    "when": False,
    "recommend": True,
    "summary": True,
    "rationale": True,
    "citations": False,
}
_RATIONALE_FIELDS = {"about": True, "text": True}
_NOTE_FIELDS = {"id": True, "when": False, "text": True, "citations": False}
_SOURCE_FIELDS = {
    "id": True,
    "title": True,
    "publisher": True,
    "kind": True,
    "url": True,
    "file": False,
}


def default_rolefit_path() -> Path:
    """The assessment shipped with the project."""
    return Path(__file__).resolve().parents[2] / "assessment" / "rolefit.yml"


def default_sources_path() -> Path:
    """The source list the rest of the content cites: responses/sources.yml."""
    return Path(__file__).resolve().parents[2] / "responses" / "sources.yml"


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


# -- the values the YAML loads into -----------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One line of a `when:`: the question's answer must be one of `values`."""

    question: str
    values: tuple[str, ...]


def holds(when: tuple[Condition, ...], answers: Mapping[str, str]) -> bool:
    """Every condition of a `when:` is met (an empty `when:` always is)."""
    return all(answers.get(c.question) in c.values for c in when)


@dataclass(frozen=True)
class RationaleItem:
    """A bullet of a rule: the answer's shared bullet (text None) or one written for the rule."""

    question: str
    text: str | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    when: tuple[Condition, ...]  # empty: the catch-all
    recommend: str
    summary: str
    rationale: tuple[RationaleItem, ...]
    citations: tuple[QuoteRef, ...]
    line: int

    def matches(self, answers: Mapping[str, str]) -> bool:
        return holds(self.when, answers)


@dataclass(frozen=True)
class Note:
    id: str
    when: tuple[Condition, ...]
    recommend: tuple[str, ...]  # empty: whatever the recommendation
    text: str
    citations: tuple[QuoteRef, ...]
    line: int

    def applies(self, answers: Mapping[str, str], kind: str) -> bool:
        if self.recommend and kind not in self.recommend:
            return False
        return holds(self.when, answers)


@dataclass(frozen=True)
class AnswerReason:
    """What one answer says about the choice, reused by every rule that names its question."""

    text: str
    citations: tuple[QuoteRef, ...]


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
    quotes: tuple[tuple[QuoteRef, int], ...] = ()  # every quote in the file, with its line
    file: str = ""

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def check(self, answers: Mapping[str, str]) -> None:
        """Raise AnswerError unless every question has exactly one allowed answer."""
        known = tuple(q.id for q in self.questions)
        unknown = {key: known for key in answers if key not in known}
        missing = tuple(q.id for q in self.questions if q.id not in answers)
        invalid = {
            q.id: (answers[q.id], q.values)
            for q in self.questions
            if q.id in answers and answers[q.id] not in q.values
        }
        if missing or invalid or unknown:
            raise AnswerError(missing, invalid, unknown)

    def evaluate(self, answers: Mapping[str, str]) -> Recommendation:
        return self.explain(answers).recommendation

    def explain(self, answers: Mapping[str, str]) -> Evaluation:
        """Evaluate, keeping which rule and notes decided: the decision table shows them."""
        self.check(answers)
        rule = next(r for r in self.rules if r.matches(answers))  # the loader ensures a catch-all
        labels = {q.id: _label(q, answers[q.id]) for q in self.questions}
        rationale: list[Reason] = []
        citations: list[QuoteRef] = []
        for item in rule.rationale:
            answer = answers[item.question]
            if item.text is None:
                shared = self.reasons[(item.question, answer)]
                rationale.append(Reason(item.question, answer, shared.text))
                citations += shared.citations
            else:
                text = item.text.format_map({**labels, "answer": labels[item.question]})
                rationale.append(Reason(item.question, answer, text))
        citations += rule.citations
        notes = [n for n in self.notes if n.applies(answers, rule.recommend)]
        for note in notes:
            citations += note.citations
        outcome = self.outcomes[rule.recommend]
        recommendation = Recommendation(
            kind=rule.recommend,
            title=outcome.title,
            summary=rule.summary.format_map(labels),
            rationale=tuple(rationale),
            citations=tuple(dict.fromkeys(citations)),  # each quote once, first place kept
            notes=tuple(n.text.format_map(labels) for n in notes),
            answers={q.id: answers[q.id] for q in self.questions},
            followups=outcome.followups,
        )
        return Evaluation(recommendation, rule.id, tuple(n.id for n in notes))

    def extract(self, text: str, current: str | None = None) -> dict[str, str]:
        """The answers free text clearly states; never a guess.

        An option matches through its `match:` phrases (and, for the question being asked,
        `current`, through its label and value too). Where options of one question disagree,
        the longer phrase wins if it covers the shorter one ("not regulated" over "regulated");
        otherwise the question is left unanswered. Phrases right after a negation ("we don't
        have a CTO") are ignored. A stated headcount decides the size question.
        """
        tokens = _tokens(text)
        found: dict[str, str] = {}
        for question in self.questions:
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


def _label(question: Question, value: str) -> str:
    option = question.option(value)
    return option.label if option else value


# -- free text --------------------------------------------------------------------------------

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


# -- sources ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceEntry:
    """The parts of a responses/sources.yml entry the assessment needs."""

    id: str
    title: str
    file: str | None
    line: int


def read_sources(path: Path) -> tuple[dict[str, SourceEntry], list[Problem]]:
    name = _display(path)
    tree, problems = read_yaml(path, name)
    if tree is None:
        return {}, problems
    items = tree.get("sources") if isinstance(tree, LineDict) else None
    if not isinstance(items, LineList):
        return {}, problems + [
            Problem(name, getattr(tree, "line", 1), "sources.yml must hold a 'sources:' list")
        ]
    entries: dict[str, SourceEntry] = {}
    for index, item in enumerate(items):
        line = items.line_of(index)
        if not check_fields(item, _SOURCE_FIELDS, name, "source", problems, line):
            continue
        source_id = item.get("id")
        if isinstance(source_id, str) and source_id.strip():
            file = item.get("file")
            entries[source_id.strip()] = SourceEntry(
                source_id.strip(),
                str(item.get("title") or ""),
                file if isinstance(file, str) and file.strip() else None,
                item.line_of("id"),
            )
    return entries, problems


def verify_quotes(
    rolefit: RoleFit, sources_dir: Path, sources_file: Path | None = None
) -> list[Problem]:
    """Every quote must appear in its source's captured text (case, spaces, punctuation aside)."""
    from bot.content.validate import squash  # the same comparison the responses get

    entries, problems = read_sources(sources_file or default_sources_path())
    texts: dict[str, str] = {}
    for entry in entries.values():
        if entry.file is None:
            problems.append(
                Problem(
                    _display(sources_file or default_sources_path()),
                    entry.line,
                    f"source '{entry.id}' names no 'file' to check quotes against",
                )
            )
            continue
        try:
            texts[entry.id] = squash((sources_dir / entry.file).read_text(encoding="utf-8"))
        except OSError as exc:
            problems.append(
                Problem(
                    _display(sources_file or default_sources_path()),
                    entry.line,
                    f"cannot read source text {sources_dir / entry.file}: {exc.strerror}",
                )
            )
    for ref, line in rolefit.quotes:
        text = texts.get(ref.source)
        if text is not None and squash(ref.quote) not in text:
            problems.append(
                Problem(
                    rolefit.file,
                    line,
                    f"quote not found in source '{ref.source}': \"{ref.quote[:60]}...\"",
                )
            )
    return problems


# -- loading ----------------------------------------------------------------------------------


def load_rolefit(
    path: Path, sources: Path | Iterable[str] | None = None
) -> tuple[RoleFit | None, list[Problem]]:
    """Load the assessment; None if anything is an error. Every problem is `file:line` and all
    are reported at once, so a curator fixes the file in one pass.

    `sources` is responses/sources.yml (default: the project's) or the set of source ids.
    """
    problems: list[Problem] = []
    if sources is None or isinstance(sources, Path):
        entries, source_problems = read_sources(sources or default_sources_path())
        problems += source_problems
        source_ids = frozenset(entries)
    else:
        source_ids = frozenset(sources)
    name = _display(path)
    tree, yaml_problems = read_yaml(path, name)
    problems += yaml_problems
    if tree is None:
        return None, problems
    rolefit = _Loader(name, source_ids, problems).load(tree)
    if any(p.level == "error" for p in problems):
        return None, problems
    return rolefit, problems


def _display(path: Path) -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


class _Loader:
    """One pass over the parsed file; collects problems instead of stopping at the first."""

    def __init__(self, file: str, source_ids: frozenset[str], problems: list[Problem]) -> None:
        self.file = file
        self.source_ids = source_ids
        self.problems = problems
        self.quotes: list[tuple[QuoteRef, int]] = []
        self.questions: dict[str, Question] = {}

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def load(self, tree: Any) -> RoleFit | None:
        check_fields(tree, _TOP_FIELDS, self.file, "the assessment", self.problems, 1)
        if not isinstance(tree, LineDict):
            return None
        # each section is checked even when another is missing: one pass, every problem
        questions = self.load_questions(tree.get("questions"), tree.line_of("questions"))
        reasons = self.load_reasons(tree.get("reasons"), tree.line_of("reasons"))
        outcomes = self.load_outcomes(tree.get("recommendations"), tree.line_of("recommendations"))
        rules = self.load_rules(tree.get("rules"), tree.line_of("rules"), reasons)
        notes = self.load_notes(tree.get("notes"), tree.line_of("notes"))
        return RoleFit(questions, rules, notes, reasons, outcomes, tuple(self.quotes), self.file)

    # -- small pieces

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
            self.quotes.append((ref, item.line_of("quote")))
            refs.append(ref)
        return tuple(refs)

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

    # -- sections

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
                text = self.text(item, "text", f"reason {question_id}={option_value}")
                self.template(text, item.line_of("text"), allow_answer=False)
                reasons[(question_id, option_value)] = AnswerReason(
                    text, self.citations(item.get("citations"), item.line_of("citations"))
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

    def load_rules(
        self, value: Any, line: int, reasons: Mapping[tuple[str, str], AnswerReason]
    ) -> tuple[Rule, ...]:
        value = list_items(value, line, "'rules'", self.file, self.problems)
        if value is None:
            return ()
        rules: list[Rule] = []
        catch_all: Rule | None = None
        for index, item in enumerate(value):
            rule = self.load_rule(item, value.line_of(index), reasons)
            if rule is None:
                continue
            if any(r.id == rule.id for r in rules):
                self.problem(rule.line, f"rule id '{rule.id}' appears twice")
            if catch_all is not None:
                self.problem(
                    rule.line,
                    f"rule '{rule.id}' can never match: it comes after the "
                    f"catch-all rule '{catch_all.id}' (line {catch_all.line})",
                )
            elif not rule.when:
                catch_all = rule
            rules.append(rule)
        if catch_all is None:
            self.problem(
                line,
                "no catch-all rule: the last rule must have no 'when:', so "
                "every combination of answers gets a recommendation",
            )
        return tuple(rules)

    def load_rule(
        self, item: Any, line: int, reasons: Mapping[tuple[str, str], AnswerReason]
    ) -> Rule | None:
        if not check_fields(item, _RULE_FIELDS, self.file, "rule", self.problems, line):
            return None
        rule_id = self.text(item, "id", "rule") or f"line {line}"
        when = self.conditions(item.get("when"), item.line_of("when"))
        recommend = item.get("recommend")
        if recommend not in RECOMMENDATIONS:
            self.problem(
                item.line_of("recommend"),
                f"unknown recommendation kind '{recommend}' (kinds: {', '.join(RECOMMENDATIONS)})",
            )
            recommend = RECOMMENDATIONS[0]
        allowed = {c.question: c.values for c in when}
        if recommend == "both" and "small" in allowed.get("size", FIXED_QUESTIONS["size"]):
            self.problem(
                item.line_of("recommend"),
                f"rule '{rule_id}' recommends both roles for a small organisation: "
                "the sources favour one technical decision maker there "
                "(add size: [midsize, large])",
            )
        summary = self.text(item, "summary", f"rule {rule_id}")
        self.template(summary, item.line_of("summary"), allow_answer=False)
        rationale = self.load_rationale(
            item["rationale"], item.line_of("rationale"), rule_id, allowed, reasons
        )
        return Rule(
            rule_id,
            when,
            recommend,
            summary,
            rationale,
            self.citations(item.get("citations"), item.line_of("citations")),
            line,
        )

    def load_rationale(
        self,
        value: Any,
        line: int,
        rule_id: str,
        allowed: Mapping[str, tuple[str, ...]],
        reasons: Mapping[tuple[str, str], AnswerReason],
    ) -> tuple[RationaleItem, ...]:
        if not isinstance(value, LineList) or not value:
            self.problem(line, f"rule '{rule_id}' needs a non-empty 'rationale' list")
            return ()
        items: list[RationaleItem] = []
        for index, entry in enumerate(value):
            entry_line = value.line_of(index)
            if isinstance(entry, str):
                if entry not in FIXED_QUESTIONS:
                    self.problem(entry_line, f"rationale names unknown question '{entry}'")
                    continue
                for answer in allowed.get(entry, FIXED_QUESTIONS[entry]):
                    if (entry, answer) not in reasons:
                        self.problem(
                            entry_line,
                            f"rationale uses the bullet for {entry}={answer}, "
                            "but reasons: has none",
                        )
                        break
                items.append(RationaleItem(entry))
                continue
            if not check_fields(
                entry, _RATIONALE_FIELDS, self.file, "rationale item", self.problems, entry_line
            ):
                continue
            about = entry.get("about")
            if about not in FIXED_QUESTIONS:
                self.problem(
                    entry.line_of("about"), f"rationale is about unknown question '{about}'"
                )
                continue
            text = self.text(entry, "text", "rationale item")
            self.template(text, entry.line_of("text"), allow_answer=True)
            items.append(RationaleItem(about, text))
        return tuple(items)

    def load_notes(self, value: Any, line: int) -> tuple[Note, ...]:
        value = list_items(value, line, "'notes'", self.file, self.problems)
        if value is None:
            return ()
        notes: list[Note] = []
        for index, item in enumerate(value):
            item_line = value.line_of(index)
            if not check_fields(item, _NOTE_FIELDS, self.file, "note", self.problems, item_line):
                continue
            note_id = self.text(item, "id", "note") or f"line {item_line}"
            if any(n.id == note_id for n in notes):
                self.problem(item_line, f"note id '{note_id}' appears twice")
            conditions = self.conditions(
                item.get("when"), item.line_of("when"), {"recommend": RECOMMENDATIONS}
            )
            recommend = next((c.values for c in conditions if c.question == "recommend"), ())
            text = self.text(item, "text", f"note {note_id}")
            self.template(text, item.line_of("text"), allow_answer=False)
            notes.append(
                Note(
                    id=note_id,
                    when=tuple(c for c in conditions if c.question != "recommend"),
                    recommend=recommend,
                    text=text,
                    citations=self.citations(item.get("citations"), item.line_of("citations")),
                    line=item_line,
                )
            )
        return tuple(notes)
