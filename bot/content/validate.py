"""Cross-file rules for content, and quote checks against the sources.

How the matcher reads the examples (two that normalise alike, lint with the real matcher) is
checked by bot/nlu/lint.py: content/ knows nothing of normalisation or matching.

Every check reports `Problem(file, line, message)` and never stops at the first one: a
curator fixing content wants the whole list. Errors block serving; warnings do not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from bot.content import sources
from bot.content.load import load_content
from bot.content.problems import Problem
from bot.values.content import Citation, Claim, Content, Response

SECTION_LIMIT = 3000  # Slack: characters in one section block's text
TITLE_LIMIT = 150  # Slack: characters in a header block
QUOTE_LIMIT = 300
MIN_EXAMPLES = 12

# Claims tied to evidence (issue 11). Words that say a claim rests on several sources ...
MANY_SOURCES = re.compile(
    r"\b(?:the|our|all|all\s+of\s+(?:the|our)|all\s+our|most|most\s+of\s+(?:the|our)|both|"
    r"several|many)\s+sources\b|\bsources\s+(?:agree|concur|say|said|all)\b",
    re.IGNORECASE,
)
# ... a source whose texts are one person's comment each (responses/sources.yml `kind`) ...
FORUM_KIND = "peer discussion"
# ... and how a claim that rests on such comments only says whose view it is: a role ("a CIO
# in finance", "a director of technology strategy"), "one practitioner", "writes", "says".
ATTRIBUTED = re.compile(
    r"\b(?:practitioners?|commenters?|writes|wrote|says|said|thinks|argues|adds|"
    r"(?:in\s+)?(?:his|her|their|its|one\s+person's)\s+view)\b"
    r"|\b(?:a|an|one|two|three|the\s+same)\s+(?:[\w()-]+\s+){0,3}?"
    r"(?:CIOs?|CTOs?|CEOs?|CFOs?|CSOs?|CISOs?|officers?|directors?|founders?|auditors?|"
    r"engineers?|managers?|leaders?|executives?)\b",
    re.IGNORECASE,
)


def validate_content(root: Path, today: dt.date | None = None) -> tuple[Content, list[Problem]]:
    content, problems = load_content(root)
    problems += check_content(content, today or dt.date.today())
    return content, problems


def check_content(content: Content, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    problems += _duplicate_ids(content)
    intent_ids = {i.id for i in content.intents}
    response_ids = {r.id for r in content.responses}
    source_ids = {s.id for s in content.sources}
    intent_kinds = {i.id: i.kind for i in content.intents}
    for intent in content.intents:
        if intent.id not in response_ids:
            problems.append(
                Problem(
                    intent.origin.file,
                    intent.origin.line,
                    f"intent '{intent.id}' has no response in responses/",
                )
            )
        if len(intent.examples) < MIN_EXAMPLES:
            problems.append(
                Problem(
                    intent.origin.file,
                    intent.origin.line,
                    f"intent '{intent.id}' has {len(intent.examples)} examples; "
                    f"at least {MIN_EXAMPLES} are needed",
                )
            )
    for response in content.responses:
        file, line = response.origin.file, response.origin.line
        if response.id not in intent_ids:
            problems.append(
                Problem(file, line, f"response '{response.id}' has no intent in intents/")
            )
        for related in response.related:
            if related not in intent_ids:
                problems.append(Problem(file, line, f"related intent '{related}' does not exist"))
        for citation in response.citations:
            if citation.source and citation.source not in source_ids:
                known = ", ".join(sorted(source_ids))
                problems.append(
                    Problem(
                        citation.origin.file,
                        citation.origin.line,
                        f"unknown source id '{citation.source}' (known: {known})",
                    )
                )
            if len(citation.quote) > QUOTE_LIMIT:
                problems.append(
                    Problem(
                        citation.origin.file,
                        citation.origin.line,
                        f"quote is {len(citation.quote)} characters; keep it under {QUOTE_LIMIT}",
                    )
                )
        if len(response.title) > TITLE_LIMIT:
            problems.append(
                Problem(
                    file,
                    line,
                    f"title is {len(response.title)} characters; Slack allows {TITLE_LIMIT}",
                )
            )
        for name, text in (
            ("short", response.short),
            *((f"body paragraph {n}", p) for n, p in enumerate(_paragraphs(response.body), 1)),
        ):
            if len(text) > SECTION_LIMIT:
                problems.append(
                    Problem(
                        file,
                        line,
                        f"{name} is {len(text)} characters; a Slack section holds {SECTION_LIMIT}",
                    )
                )
        problems += _claims(response, content, intent_kinds.get(response.id))
        if response.review_by and response.review_by < today:
            problems.append(
                Problem(
                    file,
                    line,
                    f"review date {response.review_by} has passed"
                    + (f" (owner: {response.owner})" if response.owner else ""),
                    "warning",
                )
            )
    problems += _domain_intents(content, intent_ids)
    return problems


def _claims(response: Response, content: Content, kind: str | None) -> list[Problem]:
    """Every claim of an answer names the citations it rests on; "the sources" needs two or
    more distinct sources among them; a claim resting on forum comments alone says whose."""
    if not response.claims:
        if response.citations:
            return [
                Problem(
                    response.origin.file,
                    response.origin.line,
                    "an answer that cites sources gives its body as a list of claims, each "
                    "naming the citations it rests on (- text: ...  cites: [1, 2])",
                )
            ]
        return []
    kinds = {s.id: s.kind for s in content.sources}
    problems = []
    for claim in response.claims:
        problems += _claim(
            claim, response, kinds, needs_cites=bool(response.citations) or kind == "knowledge"
        )
    return problems


def _claim(
    claim: Claim, response: Response, kinds: dict[str, str], needs_cites: bool
) -> list[Problem]:
    file, line = claim.origin.file, claim.origin.line
    if not claim.cites:
        if not needs_cites:
            return []
        return [
            Problem(
                file,
                line,
                "this claim names no citation: add cites: [n], the numbers (from 1) of the "
                "citations below that say it",
            )
        ]
    count = len(response.citations)
    wrong = [n for n in claim.cites if not 1 <= n <= count]
    if wrong:
        return [
            Problem(
                file,
                line,
                f"cites {', '.join(map(str, wrong))}: this answer has {count} citation(s), "
                f"numbered 1 to {count}",
            )
        ]
    cited = {response.citations[n - 1].source for n in claim.cites}
    return [Problem(file, line, m) for m in claim_problems(claim.text, cited, kinds)]


def claim_problems(text: str, cited: set[str], kinds: Mapping[str, str]) -> list[str]:
    """What a claim may not say given the sources it rests on (`cited`, source ids; `kinds`
    their kind): "the sources" on one source, or a forum comment stated as nobody's view.
    Shared with the assessment (bot/rolefit/load.py)."""
    problems = []
    many = MANY_SOURCES.search(text)
    if many and len(cited) < 2:
        problems.append(
            f"\u201c{many.group(0)}\u201d, but this claim rests on one source "
            f"({', '.join(sorted(cited))}): name it, or cite the others that say it"
        )
    if cited and all(kinds.get(source) == FORUM_KIND for source in cited):
        if not ATTRIBUTED.search(text):
            problems.append(
                "this claim rests only on a peer discussion: say whose view it is in its own "
                "text (\u201ca CIO in finance writes\u201d, \u201cone practitioner says\u201d)"
            )
    return problems


def _domain_intents(content: Content, intent_ids: set[str]) -> list[Problem]:
    """Every intent domain.yml names must exist: the code acts on these ids."""
    domain = content.domain
    named = [
        ("assessment_intent", (domain.assessment_intent,) if domain.assessment_intent else ()),
        ("offer_assessment_after", domain.offer_assessment_after),
        ("help_intent", (domain.help_intent,) if domain.help_intent else ()),
        ("fallback.topics", domain.fallback_topics),
    ]
    problems = []
    for key, ids in named:
        origin = domain.origin_of(key)
        for intent_id in ids:
            if intent_id not in intent_ids:
                problems.append(
                    Problem(
                        origin.file,
                        origin.line,
                        f"{key} names intent '{intent_id}', which does not exist",
                    )
                )
    return problems


def _paragraphs(body: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", body) if p.strip()]


def _duplicate_ids(content: Content) -> list[Problem]:
    problems = []
    for kind, items in (
        ("intent", content.intents),
        ("response", content.responses),
        ("source", content.sources),
    ):
        seen: dict[str, str] = {}
        for item in items:
            if item.id in seen:
                problems.append(
                    Problem(
                        item.origin.file,
                        item.origin.line,
                        f"duplicate {kind} id '{item.id}' (first at {seen[item.id]})",
                    )
                )
            else:
                seen[item.id] = str(item.origin)
    return problems


# -- quotes against the sources' text ---------------------------------------------------------


def check_quotes(
    content: Content, sources_dir: Path, also: Iterable[Citation] = ()
) -> list[Problem]:
    """The answers' quotes and `also` (the assessment's) against the sources' captured text."""
    answers = (c for r in content.responses for c in r.citations)
    return sources.check_quotes([*answers, *also], content.sources, sources_dir)
