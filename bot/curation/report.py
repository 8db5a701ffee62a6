"""What people asked (`rolebot report`): volume, outcome mix, feedback per intent, and the
questions the bot could not answer, clustered, largest gaps first.

Reads the question log (bot/dialogue/questionlog.py) and feedback, both already normalised and
anonymous; writes nothing.

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
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from rapidfuzz import fuzz, process

from bot.store.base import Feedback, LoggedQuestion

SIMILAR_AT = 80.0
MAX_EXAMPLES = 5  # phrasings shown per cluster
SHOWN_CLUSTERS = 20  # per list in the text report (--json has them all)
GAP_OUTCOMES = ("clarify", "fallback")
LONGEST_DAILY_S = 92 * 86400  # longer than the default retention: days before any log are empty
_DURATION = re.compile(r"^(\d+)([mhdw])$")
_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


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
