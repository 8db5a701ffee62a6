"""New examples from what people asked (`rolebot suggest`): logged questions the bot could not
answer, proposed as examples of the intent they belong to, as a diff of intent files.

Writes nothing but intent files, and those only through `apply_edits`, which validates the whole
content tree with the change before touching a file.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from bot.content.domain import DOMAIN_FILE
from bot.content.problems import Problem
from bot.curation.report import GAP_OUTCOMES, cluster_questions
from bot.nlu.decision import Candidate
from bot.nlu.lint import lint, load_validated
from bot.nlu.matcher import Matcher
from bot.nlu.normalize import normalize, stem, stems, words
from bot.store.base import LoggedQuestion
from bot.values.content import Content, Example, Origin

# Normalisation turns these into tokens no curator would write; shown the way people type them
# (each still normalises to the same token, which suggest() checks).
_READABLE = {"itdept": "IT", "csuite": "c suite"}


# -- suggestions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    intent: str
    file: str  # the intent's file, relative to the content root
    phrasing: str
    questions: int  # logged questions in the cluster it stands for
    score: float  # the matcher's score of the intent for this phrasing
    # the rest of what it was judged by: the matcher's outcome for it now, the score from which
    # a gap is proposed (the clarify threshold), and its confidence once it is an example
    outcome: str = "clarify"
    proposed_from: float = 0.0
    as_example: float = 1.0

    def figures(self) -> str:
        """Every figure as the decision compared it: two decimals, each side alike."""
        return (
            f"now {self.outcome} at {_figure(self.score)} "
            f"(proposed from {_figure(self.proposed_from)}); "
            f"as an example answered at {_figure(self.as_example)}; no new lint warning"
        )


@dataclass(frozen=True)
class Skipped:
    phrasing: str
    questions: int
    reason: str


class CannotEdit(Exception):
    """An intent file whose examples can't be appended to line by line (e.g. a flow list)."""


def readable(normalized: str) -> str:
    """A normalised question as a curator would write it; normalises back to the same words."""
    shown = " ".join(_READABLE.get(w, w) for w in normalized.split())
    return shown if normalize(shown) == normalize(normalized) else normalized


def suggest(
    questions: Iterable[LoggedQuestion], content: Content, matcher: Matcher
) -> tuple[list[Suggestion], list[Skipped]]:
    """One proposal per cluster of clarified or unanswered questions whose representative the
    matcher already leans to an existing intent with (score >= the clarify threshold) and that
    names a domain term: the gap is a phrasing, not a topic. Without a domain term the question
    is off-topic however close it reads ("how do i request a new monitor" is not `help`), so
    small-talk intents are never proposed new examples from the log.

    Then each is tried as an example, with the proposals before it: it must be answered as its
    intent (a question the matcher refuses by rule, such as "who is our cto", stays refused
    however many examples it has, so proposing it would only hide the rule), and `validate
    --lint` must warn about nothing it did not already warn about (no new confusion between
    intents). That costs a lint run, about half a second on the shipped content, per
    phrasing that gets that far."""
    domain = {stem(w) for term in content.domain_terms for w in words(term)}
    taken: dict[str, str] = {}  # normalised text and stem sequence -> where it already is
    for intent in content.intents:
        for example in intent.examples:
            for key in _keys(example.text):
                taken.setdefault(key, str(example.origin))
    files = {i.id: i.origin.file for i in content.intents}
    suggestions: list[Suggestion] = []
    skipped: list[Skipped] = []
    warned: set[tuple[str, int, str]] | None = None  # lint's warnings now, once one is needed
    grown = content  # with the proposals so far
    for cluster in cluster_questions(q for q in questions if q.outcome in GAP_OUTCOMES):
        phrasing = readable(cluster.representative)
        ranked = matcher.rank(phrasing, limit=1)
        reason = _not_proposed(phrasing, ranked[0] if ranked else None, matcher, domain, taken)
        if reason or not ranked:
            skipped.append(Skipped(phrasing, cluster.count, reason or "no word of it is known"))
            continue
        top = ranked[0]
        trial = _with_example(grown, top.intent, phrasing)
        as_example = Matcher.for_content(trial, matcher.thresholds).match(phrasing)
        if (as_example.outcome, as_example.intent) != ("answer", top.intent):
            reason = f"the matcher refuses it even as an example of {top.intent}: "
            skipped.append(Skipped(phrasing, cluster.count, reason + as_example.reason))
            continue
        if warned is None:
            warned = {_warning(p) for p in lint(content)}
        new = [p for p in lint(trial) if _warning(p) not in warned]
        if new:
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            reason = f"would make validate --lint warn: {new[0]}{more}"
            skipped.append(Skipped(phrasing, cluster.count, reason))
            continue
        grown = trial
        for key in _keys(phrasing):
            taken[key] = "this run"
        suggestions.append(
            Suggestion(
                top.intent,
                files[top.intent],
                phrasing,
                cluster.count,
                top.score,
                matcher.match(phrasing).outcome,
                matcher.thresholds.clarify_at,
                as_example.confidence,
            )
        )
    return suggestions, skipped


def _figure(value: float) -> str:
    return f"{value:.2f}"


def _warning(problem: Problem) -> tuple[str, int, str]:
    """A lint warning without its figures: which example, and what it does ("matches 'x'
    best", "would fall back"), so a score moving a little is not a new warning."""
    return problem.file, problem.line, problem.message.split(" (")[0].split(":")[0]


def _with_example(content: Content, intent_id: str, phrasing: str) -> Content:
    """The content with `phrasing` as the intent's last example (on the line after it)."""
    intents = []
    for intent in content.intents:
        if intent.id == intent_id:
            last = max((e.origin.line for e in intent.examples), default=intent.origin.line)
            added = Example(phrasing, Origin(intent.origin.file, last + 1))
            intent = replace(intent, examples=(*intent.examples, added))
        intents.append(intent)
    return replace(content, intents=tuple(intents))


def _keys(text: str) -> tuple[str, str]:
    """Two phrasings with the same normalised text, or the same stems in the same order, are the
    same example to the matcher."""
    return normalize(text), " ".join(stems(text))


def _not_proposed(
    phrasing: str,
    top: Candidate | None,
    matcher: Matcher,
    domain: set[str],
    taken: Mapping[str, str],
) -> str | None:
    if top is None:
        return "no word of it is known"
    clarify_at = matcher.thresholds.clarify_at
    # compared as shown, so it never reads "scores 0.30, below 0.30"
    if float(_figure(top.score)) < float(_figure(clarify_at)):
        return (
            f"closest intent {top.intent} scores {_figure(top.score)}, below {_figure(clarify_at)}"
        )
    if not domain & set(stems(phrasing)):
        return "names no technology-leadership term"
    clash = next((taken[k] for k in _keys(phrasing) if k in taken), None)
    if clash:
        return f"normalises to an existing example at {clash}"
    now = matcher.match(phrasing)
    if now.outcome == "answer":
        return f"already answered as {now.intent}"
    return None


# -- editing intent files -----------------------------------------------------------------------


def _scalar(text: str, style: str | None) -> str:
    """`text` as a YAML scalar in the style of its neighbours, quoted whenever plain would not
    read back as the same string."""
    if style == "'":
        return "'" + text.replace("'", "''") + "'"
    if style is None:
        try:
            if yaml.safe_load(f"- {text}") == [text]:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid double-quoted scalar


def append_example(text: str, phrasing: str) -> str:
    """The intent file with `- phrasing` on a new line after the last example; the rest of the
    file (comments, quoting, order) is untouched."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise CannotEdit(f"not valid YAML: {exc}") from exc
    examples = None
    if isinstance(root, yaml.MappingNode):
        examples = next((v for k, v in root.value if getattr(k, "value", None) == "examples"), None)
    if not isinstance(examples, yaml.SequenceNode) or examples.flow_style or not examples.value:
        raise CannotEdit("its examples are not a block list ('  - ...' lines)")
    last = examples.value[-1]
    lines = text.splitlines(keepends=True)
    end = last.end_mark.line - (1 if last.end_mark.column == 0 else 0)
    dash = re.match(r"^(\s*-\s+)", lines[last.start_mark.line])
    if dash is None:
        raise CannotEdit("its last example does not start a line")
    newline = "\r\n" if lines[end].endswith("\r\n") else "\n"
    if not lines[end].endswith("\n"):
        lines[end] += newline
    style = last.style if isinstance(last, yaml.ScalarNode) else None
    lines.insert(end + 1, f"{dash.group(1)}{_scalar(phrasing, style)}{newline}")
    edited = "".join(lines)
    if (yaml.safe_load(edited) or {}).get("examples", [None])[-1] != phrasing:
        raise CannotEdit("the new line would not read back as the same example")
    return edited


def plan_edits(root: Path, suggestions: Sequence[Suggestion]) -> dict[str, tuple[str, str]]:
    """{file relative to root: (text now, text with the new examples)}."""
    edits: dict[str, tuple[str, str]] = {}
    for s in suggestions:
        before = (
            edits[s.file][1] if s.file in edits else (root / s.file).read_text(encoding="utf-8")
        )
        try:
            after = append_example(before, s.phrasing)
        except CannotEdit as exc:
            raise CannotEdit(f"{s.file}: {exc}") from exc
        edits[s.file] = (edits[s.file][0] if s.file in edits else before, after)
    return edits


def diff(edits: Mapping[str, tuple[str, str]]) -> str:
    return "".join(
        line
        for file, (before, after) in sorted(edits.items())
        for line in difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{file}",
            tofile=f"b/{file}",
        )
    )


def check_edits(root: Path, edits: Mapping[str, tuple[str, str]]) -> list[Problem]:
    """Every problem the content would have with the edits, checked on a temporary copy (the
    same checks the bot runs before it serves). Paths are relative to the content root."""
    from bot.rolefit.load import load_rolefit

    with tempfile.TemporaryDirectory(prefix="rolebot-suggest-") as tmp:
        staged = Path(tmp)
        for folder in ("intents", "responses", "assessment"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, staged / folder)
        if (root / DOMAIN_FILE).is_file():
            shutil.copy(root / DOMAIN_FILE, staged / DOMAIN_FILE)
        for file, (_, after) in edits.items():
            (staged / file).write_text(after, encoding="utf-8")
        content, problems = load_validated(staged)
        rolefit = staged / "assessment" / "rolefit.yml"
        if rolefit.is_file():
            _, rf_problems = load_rolefit(rolefit, (s.id for s in content.sources))
            problems += [
                Problem(p.file.replace(str(staged) + "/", ""), p.line, p.message, p.level)
                for p in rf_problems
            ]
    return problems


def apply_edits(root: Path, edits: Mapping[str, tuple[str, str]]) -> list[Problem]:
    """Write the edits only if the result validates; otherwise write nothing and return the
    errors. Each file is replaced atomically, so the bot never loads half a file."""
    errors = [p for p in check_edits(root, edits) if p.level == "error"]
    if errors:
        return errors
    for file, (_, after) in edits.items():
        target = root / file
        staged = target.with_name(f".{target.name}.suggest")
        staged.write_text(after, encoding="utf-8")
        staged.replace(target)
    return []
