"""Load assessment/rolefit.yml into the values of model.py, checking it as it goes.

Declarative: the file says which questions are asked, which answers lead to which role
(`rules`), what is added (`notes`) and which decisions no rule may make (`never`); this module
only checks that it is well formed and consistent, each problem at its `file:line`, all in one
pass. Source ids come from content/ (responses/sources.yml is read there, once); whether the
quotes are really in the sources is checked there too (content.sources.check_quotes).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from bot.content.fields import check_fields, list_items, read_yaml
from bot.content.problems import Problem
from bot.content.sources import default_sources_path, load_sources
from bot.content.yamlsrc import LineDict, LineList
from bot.rolefit.model import (
    FIXED_QUESTIONS,
    POINTS,
    RECOMMENDATIONS,
    AnswerReason,
    Constraint,
    Note,
    RationaleItem,
    RoleFit,
    Rule,
)
from bot.rolefit.questions import QuestionSections
from bot.rolefit.reader import ANSWERS
from bot.values.assessment import QuoteRef

_TOP_FIELDS = {
    "questions": True,
    "reasons": True,
    "recommendations": True,
    "rules": True,
    "notes": False,
    "never": False,
}
_RULE_FIELDS = {
    "id": True,
    "when": False,
    "recommend": True,
    "summary": True,
    "rationale": True,
    "citations": False,
}
_RATIONALE_FIELDS = {"about": True, "text": True, "points": True, "cites": True, "but": False}
_NOTE_FIELDS = {"id": True, "when": False, "text": True, "citations": False, "cites": False}
# how a "but" framing reads: the bullet concedes a point against the result, then answers it
_BUT = re.compile(r"\b(?:but|though|although|however|yet|while|rather than|instead)\b", re.I)
_NEVER_FIELDS = {"id": True, "when": True, "recommend": True, "says": True, "because": True}


def default_rolefit_path() -> Path:
    """The assessment shipped with the project."""
    return Path(__file__).resolve().parents[2] / "assessment" / "rolefit.yml"


def load_rolefit(
    path: Path, sources: Path | Iterable[str] | None = None
) -> tuple[RoleFit | None, list[Problem]]:
    """Load the assessment; None if anything is an error. Every problem is `file:line` and all
    are reported at once, so a curator fixes the file in one pass.

    `sources` is responses/sources.yml (default: the project's) or the set of source ids.
    """
    problems: list[Problem] = []
    if sources is None or isinstance(sources, Path):
        path_of_sources = sources or default_sources_path()
        entries, source_problems = load_sources(path_of_sources, _display(path_of_sources))
        problems += source_problems
        source_ids = frozenset(s.id for s in entries if s.id)
        kinds = {s.id: s.kind for s in entries}
    else:
        source_ids = frozenset(sources)
        kinds = {}
    name = _display(path)
    tree, yaml_problems = read_yaml(path, name)
    problems += yaml_problems
    if tree is None:
        return None, problems
    loader = _Loader(name, source_ids, problems)
    loader.source_kinds = kinds
    rolefit = loader.load(tree)
    if any(p.level == "error" for p in problems):
        return None, problems
    return rolefit, problems


def _display(path: Path) -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        return str(path.resolve().relative_to(root))
    except ValueError:
        return str(path)


class _Loader(QuestionSections):
    """One pass over the parsed file, section by section; every problem, not just the first."""

    def load(self, tree: Any) -> RoleFit | None:
        check_fields(tree, _TOP_FIELDS, self.file, "the assessment", self.problems, 1)
        if not isinstance(tree, LineDict):
            return None
        # each section is checked even when another is missing: one pass, every problem
        questions = self.load_questions(tree.get("questions"), tree.line_of("questions"))
        reasons = self.load_reasons(tree.get("reasons"), tree.line_of("reasons"))
        outcomes = self.load_outcomes(tree.get("recommendations"), tree.line_of("recommendations"))
        # before the rules: each rule is checked against it as it is read
        never = self.load_never(tree.get("never"), tree.line_of("never"))
        rules = self.load_rules(tree.get("rules"), tree.line_of("rules"), reasons, never)
        notes = self.load_notes(tree.get("notes"), tree.line_of("notes"))
        return RoleFit(
            questions, rules, notes, reasons, outcomes, never, tuple(self.quotes), self.file
        )

    # -- sections: rules, notes and never (questions, reasons, outcomes: questions.py)

    def load_rules(
        self,
        value: Any,
        line: int,
        reasons: Mapping[tuple[str, str], AnswerReason],
        never: tuple[Constraint, ...],
    ) -> tuple[Rule, ...]:
        value = list_items(value, line, "'rules'", self.file, self.problems)
        if value is None:
            return ()
        rules: list[Rule] = []
        catch_all: Rule | None = None
        for index, item in enumerate(value):
            rule = self.load_rule(item, value.line_of(index), reasons, never)
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
        self.check_directions(rules, reasons)
        return tuple(rules)

    def check_directions(
        self, rules: list[Rule], reasons: Mapping[tuple[str, str], AnswerReason]
    ) -> None:
        """No result shows a shared bullet that points against it: for every combination of
        answers, the bullets of the rule that decides it (rules above it take the rest)."""
        seen: set[tuple[int, str]] = set()
        questions = list(FIXED_QUESTIONS)
        for values in itertools.product(*FIXED_QUESTIONS.values()):
            answers = dict(zip(questions, values, strict=True))
            rule = next(
                (r for r in rules if all(answers[c.question] in c.values for c in r.when)), None
            )
            if rule is None:
                continue
            for item in rule.rationale:
                answer = answers[item.question]
                reason = reasons.get((item.question, answer))
                if item.text is not None or reason is None:
                    continue
                if rule.recommend in POINTS[reason.points] and (item.line, answer) not in seen:
                    seen.add((item.line, answer))
                    self.problem(
                        item.line,
                        f"rule '{rule.id}' recommends {rule.recommend} but, for "
                        f"{item.question}={answer}, shows that answer's bullet, which points "
                        f"{reason.points}: add a rule above it for that answer with a bullet "
                        "of its own (about:, text:, points:; but: true if it concedes the point)",
                    )

    def load_rule(
        self,
        item: Any,
        line: int,
        reasons: Mapping[tuple[str, str], AnswerReason],
        never: tuple[Constraint, ...],
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
        for constraint in never:
            self.check_never(rule_id, recommend, allowed, constraint, item.line_of("recommend"))
        summary = self.text(item, "summary", f"rule {rule_id}")
        self.template(summary, item.line_of("summary"), allow_answer=False)
        citations = self.citations(item.get("citations"), item.line_of("citations"))
        rationale = self.load_rationale(
            item["rationale"],
            item.line_of("rationale"),
            rule_id,
            allowed,
            reasons,
            (recommend, citations),
        )
        return Rule(rule_id, when, recommend, summary, rationale, citations, line)

    def load_rationale(
        self,
        value: Any,
        line: int,
        rule_id: str,
        allowed: Mapping[str, tuple[str, ...]],
        reasons: Mapping[tuple[str, str], AnswerReason],
        result: tuple[str, tuple[QuoteRef, ...]],
    ) -> tuple[RationaleItem, ...]:
        """The rule's bullets. None may point against the rule's result (`recommend`) unless
        it is written for the rule and marked `but: true`; one written for the rule names the
        rule's citations it rests on (`cites: [1]`), or `cites: answers`."""
        recommend, citations = result
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
                items.append(RationaleItem(entry, line=entry_line))
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
            what = f"rule '{rule_id}', bullet about {about}"
            points = self.points(entry, what)
            but = entry.get("but", False) is True
            if recommend in POINTS[points] and not but:
                self.problem(
                    entry_line,
                    f"{what} points {points}, against the rule's result ({recommend}): "
                    "reword it, or frame it as a \u201cbut\u201d and mark it but: true",
                )
            if but and not _BUT.search(text):
                self.problem(
                    entry_line,
                    f"{what} is marked but: true, but its text concedes nothing "
                    "(\u201cbut\u201d, \u201cthough\u201d, \u201crather than\u201d ...)",
                )
            cites, from_answers = self.cites(entry, what, len(citations))
            cited = [citations[n - 1] for n in cites]
            self.rests_on(text, entry.line_of("text"), what, cited, from_answers)
            items.append(RationaleItem(about, text, points, but, cites, from_answers, entry_line))
        return tuple(items)

    def cites(self, entry: LineDict, what: str, count: int) -> tuple[tuple[int, ...], bool]:
        """`cites:` of a rule's bullet: numbers of the rule's citations, or `answers`."""
        raw = entry.get("cites")
        if raw == ANSWERS:
            return (), True
        raw = [raw] if isinstance(raw, int) else raw
        if not isinstance(raw, LineList | list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in raw
        ):
            self.problem(
                entry.line_of("cites"),
                f"{what}: 'cites' must be a list of the rule's citation numbers, or 'answers'",
            )
            return (), False
        wrong = [n for n in raw if not 1 <= n <= count]
        if wrong:
            self.problem(
                entry.line_of("cites"),
                f"{what}: cites {', '.join(map(str, wrong))}, but the rule has {count} citation(s)",
            )
        return tuple(n for n in raw if 1 <= n <= count), False

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
            citations = self.citations(item.get("citations"), item.line_of("citations"))
            from_answers = item.get("cites") == ANSWERS
            if "cites" in item and not from_answers:
                self.problem(
                    item.line_of("cites"),
                    f"note {note_id}: 'cites' can only be 'answers' (a note rests on its own "
                    "citations)",
                )
            self.rests_on(
                text, item.line_of("text"), f"note {note_id}", list(citations), from_answers
            )
            notes.append(
                Note(
                    id=note_id,
                    when=tuple(c for c in conditions if c.question != "recommend"),
                    recommend=recommend,
                    text=text,
                    citations=citations,
                    line=item_line,
                    from_answers=from_answers,
                )
            )
        return tuple(notes)

    def load_never(self, value: Any, line: int) -> tuple[Constraint, ...]:
        """Decisions no rule may make: each names the answers it is about and the kinds it
        forbids there, in words a curator reads in the error."""
        value = list_items(value, line, "'never'", self.file, self.problems)
        if value is None:
            return ()
        out: list[Constraint] = []
        for index, item in enumerate(value):
            item_line = value.line_of(index)
            if not check_fields(item, _NEVER_FIELDS, self.file, "never", self.problems, item_line):
                continue
            constraint_id = self.text(item, "id", "never") or f"line {item_line}"
            if any(c.id == constraint_id for c in out):
                self.problem(item_line, f"never id '{constraint_id}' appears twice")
            when = self.conditions(item.get("when"), item.line_of("when"))
            if not when:
                self.problem(item_line, f"never '{constraint_id}' needs a 'when:' to apply to")
            kinds = self.kinds(item, "recommend")
            out.append(
                Constraint(
                    id=constraint_id,
                    when=when,
                    recommend=kinds,
                    says=self.text(item, "says", f"never {constraint_id}"),
                    because=self.text(item, "because", f"never {constraint_id}"),
                    line=item_line,
                )
            )
        return tuple(out)

    def kinds(self, item: LineDict, key: str) -> tuple[str, ...]:
        """A recommendation kind or a list of them."""
        raw = item.get(key)
        values = [raw] if isinstance(raw, str) else raw if isinstance(raw, LineList) else None
        if not values:
            self.problem(item.line_of(key), f"'{key}' must be a kind or a non-empty list of kinds")
            return ()
        for kind in values:
            if kind not in RECOMMENDATIONS:
                self.problem(
                    item.line_of(key),
                    f"unknown recommendation kind '{kind}' (kinds: {', '.join(RECOMMENDATIONS)})",
                )
        return tuple(str(v) for v in values if v in RECOMMENDATIONS)

    def check_never(
        self,
        rule_id: str,
        recommend: str,
        allowed: Mapping[str, tuple[str, ...]],
        constraint: Constraint,
        line: int,
    ) -> None:
        """Refuse a rule that could recommend what `constraint` forbids: some answers satisfy
        both its `when:` and the constraint's."""
        if recommend not in constraint.recommend:
            return
        ways_out = []
        for condition in constraint.when:
            values = allowed.get(condition.question, FIXED_QUESTIONS[condition.question])
            if not set(values) & set(condition.values):
                return  # the rule never applies where the constraint does
            rest = [v for v in values if v not in condition.values]
            if rest:
                ways_out.append(f"{condition.question}: [{', '.join(rest)}]")
        # either narrow the rule's `when:` out of the constraint, or recommend something else
        hint = f"add {' or '.join(ways_out)}" if ways_out else "recommend another kind"
        self.problem(
            line, f"rule '{rule_id}' recommends {constraint.says}: {constraint.because} ({hint})"
        )
