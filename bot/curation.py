"""For curators: what people asked (`rolebot report`) and new examples it suggests (`rolebot suggest`).

Reads the question log (bot/dialogue/questionlog.py) and feedback, both already normalised and
anonymous; writes nothing but intent files, and those only through `apply_edits`, which
validates the whole content tree with the change before touching a file.

Clustering: questions the bot could not answer are grouped so a curator sees one line per gap,
biggest first, not a thousand lines. Greedy, most-asked phrasing first: each phrasing joins the
cluster whose representative it is most like, if similar enough, else starts one (the most asked
phrasing of a cluster is its representative). Similar means the mean of
rapidfuzz's token_set_ratio (word order and extra words don't matter) and token_sort_ratio
(but how much of each text is shared does) is at least 80. token_set_ratio alone scores 100
whenever one text's words are a subset of the other's, so a one-word question ("cio") would
swallow every longer question containing that word.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import shutil
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from bot.content.model import Content, Example, Origin
from bot.content.problems import Problem
from bot.content.validate import lint, validate_content
from bot.nlu.matcher import Candidate, Matcher
from bot.nlu.normalize import normalize, stem, stems, words
from bot.store.base import Feedback, LoggedQuestion

SIMILAR_AT = 80.0
MAX_EXAMPLES = 5  # phrasings shown per cluster
SHOWN_CLUSTERS = 20  # per list in the text report (--json has them all)
GAP_OUTCOMES = ("clarify", "fallback")
LONGEST_DAILY_S = 92 * 86400  # longer than the default retention: days before any log are empty
_DURATION = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
# Normalisation turns these into tokens no curator would write; shown the way people type them
# (each still normalises to the same token, which suggest() checks).
_READABLE = {"itdept": "IT", "csuite": "c suite"}


def parse_duration(text: str) -> float:
    """'24h', '7d', '30d', '2w', '90m' -> seconds; ValueError with a one-line reason otherwise."""
    found = _DURATION.match(text.strip().lower())
    if not found or int(found.group(1)) == 0:
        raise ValueError(f"--since {text!r}: expected a positive duration like 24h, 7d or 30d")
    return int(found.group(1)) * _UNITS[found.group(2)]


# -- clustering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cluster:
    representative: str  # the most asked phrasing
    count: int  # questions in the cluster
    askers: int  # distinct people (user hashes)
    examples: tuple[str, ...]  # distinct phrasings, most asked first (at most MAX_EXAMPLES)
    best: str | None  # the intent the matcher leaned to most often


def cluster_questions(
    questions: Iterable[LoggedQuestion], threshold: float = SIMILAR_AT
) -> list[Cluster]:
    """Largest clusters first (then most people, then alphabetical, so the order is stable)."""
    by_text: dict[str, list[LoggedQuestion]] = defaultdict(list)
    for question in questions:
        by_text[question.question].append(question)
    texts = sorted(by_text, key=lambda t: (-len(by_text[t]), t))
    representatives: list[str] = []
    members: list[list[str]] = []
    # each ratio is <= 100, so a mean >= threshold needs token_sort_ratio >= 2 * threshold - 100:
    # rapidfuzz finds those candidates in C, and the mean is computed for them only
    prefilter = max(0.0, 2 * threshold - 100)
    for text in texts:
        candidates = process.extract(
            text, representatives, scorer=fuzz.token_sort_ratio, score_cutoff=prefilter, limit=None
        )
        # most similar first; on a tie, the older (larger) cluster
        closest = max(
            (
                ((fuzz.token_set_ratio(text, rep) + sort) / 2, -index)
                for rep, sort, index in candidates
            ),
            default=None,
        )
        if closest is not None and closest[0] >= threshold:
            members[-closest[1]].append(text)
        else:
            representatives.append(text)
            members.append([text])
    clusters = []
    for texts_in in members:
        asked = [q for t in texts_in for q in by_text[t]]
        best = Counter(q.best for q in asked if q.best).most_common(1)
        clusters.append(
            Cluster(
                representative=texts_in[0],
                count=len(asked),
                askers=len({q.user_hash for q in asked}),
                examples=tuple(texts_in[:MAX_EXAMPLES]),
                best=best[0][0] if best else None,
            )
        )
    return sorted(clusters, key=lambda c: (-c.count, -c.askers, c.representative))


# -- feedback linking ---------------------------------------------------------------------------


def link_feedback(
    questions: Sequence[LoggedQuestion], feedback: Sequence[Feedback]
) -> list[LoggedQuestion | None]:
    """For each vote, the question it was about: the latest logged question with its
    question_id asked at or before the vote (else the earliest after: clocks of two replicas
    may disagree by a little). None when it was never logged (a button, not a typed question)."""
    asked: dict[str, list[LoggedQuestion]] = defaultdict(list)
    for question in sorted(questions, key=lambda q: q.at):
        asked[question.question_id].append(question)
    linked: list[LoggedQuestion | None] = []
    for vote in feedback:
        same = asked.get(vote.question_id) if vote.question_id else None
        if not same:
            linked.append(None)
            continue
        earlier = [q for q in same if q.at <= vote.at]
        linked.append(earlier[-1] if earlier else same[0])
    return linked


def one_vote_each(feedback: Sequence[Feedback]) -> list[Feedback]:
    """Each person's latest vote per answer, oldest first. The stores keep only that already;
    a database from before they did still holds every click, which this folds the same way
    (`changed` when the person voted both ways)."""
    latest: dict[tuple[str, str, str], Feedback] = {}
    for vote in sorted(feedback, key=lambda f: f.at):
        voter = (vote.team, vote.user, vote.voted_on)
        earlier = latest.pop(voter, None)
        if earlier is not None and (earlier.changed or earlier.helpful != vote.helpful):
            vote = replace(vote, changed=True)
        latest[voter] = vote
    return list(latest.values())


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IntentStats:
    intent: str
    answered: int
    up: int  # people whose vote on an answer is a thumbs up (one vote per person per answer)
    down: int
    changed: int  # of those votes, how many went the other way before (changed their mind)
    reasons: tuple[str, ...]  # reasons given with a thumbs down
    downvoted: tuple[str, ...]  # the questions (normalised) a thumbs down was about


@dataclass(frozen=True)
class Day:
    date: str  # YYYY-MM-DD, UTC
    answer: int
    clarify: int
    fallback: int


@dataclass(frozen=True)
class Report:
    since: float
    until: float
    volume: int
    askers: int
    outcomes: Mapping[str, int]  # answer, clarify, fallback: always all three
    surfaces: Mapping[str, int]
    clarify_rate: float
    fallback_rate: float
    intents: tuple[IntentStats, ...]  # most answered first
    feedback: int  # votes: one per person per answer
    voters: int  # distinct people who voted
    changed_mind: int  # votes whose person had voted the other way first
    feedback_linked: int
    unanswered: tuple[Cluster, ...]  # fallback questions
    clarified: tuple[Cluster, ...]  # "did you mean" questions
    days: tuple[Day, ...] = ()  # every day of the window, oldest first, with its outcomes

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_report(
    questions: Sequence[LoggedQuestion], feedback: Sequence[Feedback], since: float, until: float
) -> Report:
    outcomes = Counter({"answer": 0, "clarify": 0, "fallback": 0})
    outcomes.update(q.outcome for q in questions)
    volume = len(questions)
    answered = Counter(q.intent for q in questions if q.outcome == "answer" and q.intent)
    feedback = one_vote_each(feedback)
    votes: dict[str, dict[str, list[str]]] = defaultdict(
        lambda: {"up": [], "down": [], "changed": [], "reasons": [], "downvoted": []}
    )
    links = link_feedback(questions, feedback)
    for vote, question in zip(feedback, links):
        tally = votes[vote.intent]
        tally["up" if vote.helpful else "down"].append(vote.question)
        if vote.changed:
            tally["changed"].append(vote.question)
        if not vote.helpful:
            if vote.reason:
                tally["reasons"].append(vote.reason)
            if question is not None:
                tally["downvoted"].append(question.question)
    intents = tuple(
        sorted(
            (
                IntentStats(
                    intent,
                    answered[intent],
                    len(votes[intent]["up"]),
                    len(votes[intent]["down"]),
                    len(votes[intent]["changed"]),
                    _tally(votes[intent]["reasons"]),
                    tuple(dict.fromkeys(votes[intent]["downvoted"])),
                )
                for intent in set(answered) | set(votes)
            ),
            key=lambda s: (-s.answered, -s.down, s.intent),
        )
    )
    return Report(
        since=since,
        until=until,
        volume=volume,
        askers=len({q.user_hash for q in questions}),
        outcomes=dict(outcomes),
        surfaces=dict(Counter(q.surface for q in questions).most_common()),
        clarify_rate=round(outcomes["clarify"] / volume, 4) if volume else 0.0,
        fallback_rate=round(outcomes["fallback"] / volume, 4) if volume else 0.0,
        intents=intents,
        feedback=len(feedback),
        voters=len({(f.team, f.user) for f in feedback}),
        changed_mind=sum(1 for f in feedback if f.changed),
        feedback_linked=sum(1 for link in links if link is not None),
        unanswered=tuple(cluster_questions(q for q in questions if q.outcome == "fallback")),
        clarified=tuple(cluster_questions(q for q in questions if q.outcome == "clarify")),
        days=_days(questions, since, until),
    )


def _day(t: float) -> dt.date:
    return dt.datetime.fromtimestamp(t, dt.UTC).date()


def _days(questions: Sequence[LoggedQuestion], since: float, until: float) -> tuple[Day, ...]:
    """Outcomes per UTC day, with a row for each day of the window even when nobody asked
    (from the first to the last day asked, for a window longer than the log is kept)."""
    per_day: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for q in questions:
        per_day[_day(q.at)][q.outcome] += 1
    if until - since > LONGEST_DAILY_S:
        if not per_day:
            return ()
        first, last = min(per_day), max(per_day)
    else:
        first, last = min([_day(since), *per_day]), max([_day(until), *per_day])
    days = []
    for n in range((last - first).days + 1):
        day = first + dt.timedelta(days=n)
        counts = per_day.get(day, Counter())
        days.append(Day(day.isoformat(), counts["answer"], counts["clarify"], counts["fallback"]))
    return tuple(days)


def _tally(texts: Iterable[str]) -> tuple[str, ...]:
    """Distinct texts, most frequent first, with a count when repeated."""
    return tuple(t if n == 1 else f"{t} ({n}x)" for t, n in Counter(texts).most_common())


def _when(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def format_report(report: Report) -> str:
    total = report.volume
    lines = [
        f"Questions from {_when(report.since)} to {_when(report.until)}",
        (
            f"  asked       {total:6d}  by {report.askers} "
            f"{'person' if report.askers == 1 else 'people'}"
        ),
        f"  answered    {report.outcomes['answer']:6d}  {_share(report.outcomes['answer'], total)}",
        (
            f"  clarified   {report.outcomes['clarify']:6d}  "
            f"{_share(report.outcomes['clarify'], total)}  (did you mean)"
        ),
        (
            f"  fell back   {report.outcomes['fallback']:6d}  "
            f"{_share(report.outcomes['fallback'], total)}  (no answer)"
        ),
    ]
    if report.surfaces:
        lines.append("  where       " + ", ".join(f"{k} {v}" for k, v in report.surfaces.items()))
    for title, clusters in (
        ("Unanswered questions (gaps), largest first", report.unanswered),
        ("Clarified questions (did you mean), largest first", report.clarified),
    ):
        lines += ["", f"{title}: {len(clusters)} clusters"]
        for c in clusters[:SHOWN_CLUSTERS]:
            leaning = f"  (closest: {c.best})" if c.best else ""
            lines.append(f"  {c.count:4d} x  {c.representative}{leaning}")
            others = c.examples[1:]
            if others:
                lines.append("           also: " + "; ".join(others))
        if len(clusters) > SHOWN_CLUSTERS:
            lines.append(f"  ... and {len(clusters) - SHOWN_CLUSTERS} more (--json shows all)")
    lines += [
        "",
        (
            f"Answers and feedback by intent ({report.feedback} votes from {report.voters} "
            f"{'person' if report.voters == 1 else 'people'}, {report.changed_mind} changed "
            f"their mind, {report.feedback_linked} linked to a logged question)"
        ),
    ]
    if not report.intents:
        lines.append("  (none)")
    for s in report.intents:
        changed = f"   ({s.changed} changed their mind)" if s.changed else ""
        lines.append(
            f"  {s.intent:<28} answered {s.answered:5d}   up {s.up:3d}   down {s.down:3d}{changed}"
        )
        for reason in s.reasons[:MAX_EXAMPLES]:
            lines.append(f"      reason: {reason}")
        for question in s.downvoted[:MAX_EXAMPLES]:
            lines.append(f"      down on: {question}")
    return "\n".join(lines)


def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), indent=2, ensure_ascii=False)


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
        as_example = Matcher(trial.intents, trial.domain_terms, matcher.thresholds).match(phrasing)
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
    from bot.rolefit.definition import load_rolefit

    with tempfile.TemporaryDirectory(prefix="rolebot-suggest-") as tmp:
        staged = Path(tmp)
        for folder in ("intents", "responses", "assessment"):
            if (root / folder).is_dir():
                shutil.copytree(root / folder, staged / folder)
        for file, (_, after) in edits.items():
            (staged / file).write_text(after, encoding="utf-8")
        _, problems = validate_content(staged)
        rolefit = staged / "assessment" / "rolefit.yml"
        if rolefit.is_file():
            _, rf_problems = load_rolefit(rolefit, staged / "responses" / "sources.yml")
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
