"""Cross-file rules for content, lint with the real matcher, and quote checks against sources.

Every check reports `Problem(file, line, message)` and never stops at the first one: a
curator fixing content wants the whole list. Errors block serving; warnings do not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.content import sources
from bot.content.load import load_content
from bot.content.problems import Problem
from bot.nlu.normalize import normalize, stem, words
from bot.values.content import Citation, Content

SECTION_LIMIT = 3000  # Slack: characters in one section block's text
TITLE_LIMIT = 150  # Slack: characters in a header block
QUOTE_LIMIT = 300
MIN_EXAMPLES = 12
NEAR_DUPLICATE = 92.0  # rapidfuzz ratio of two normalised examples, in different intents


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
    problems += _example_collisions(content)
    problems += _domain_intents(content, intent_ids)
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


def _example_collisions(content: Content) -> list[Problem]:
    problems: list[Problem] = []
    by_text: dict[str, list[tuple[str, str]]] = defaultdict(list)
    normalized: list[tuple[str, str, str]] = []
    for intent in content.intents:
        for example in intent.examples:
            key = normalize(example.text)
            if not key:
                problems.append(
                    Problem(
                        example.origin.file,
                        example.origin.line,
                        "example has no words left after normalisation",
                    )
                )
                continue
            by_text[key].append((intent.id, str(example.origin)))
            normalized.append((key, intent.id, str(example.origin)))
    for key, places in by_text.items():
        first_intent, first_place = places[0]
        for owner, place in places[1:]:
            file, line = place.rsplit(":", 1)
            if owner != first_intent:
                problems.append(
                    Problem(
                        file,
                        int(line),
                        f"example '{key}' also appears in intent '{first_intent}' at {first_place}",
                    )
                )
            else:
                problems.append(
                    Problem(file, int(line), f"example '{key}' repeats {first_place}", "warning")
                )
    problems += _near_duplicates(normalized, content.domain_terms)
    return problems


def _domain_stems(domain: frozenset[str]) -> set[str]:
    return {stem(w) for term in domain for w in words(term)}


def _differ_in_domain_word(a: str, b: str, domain_stems: set[str]) -> bool:
    """True when the words two texts don't share include a domain word (cio vs cto)."""
    return bool(({stem(w) for w in words(a)} ^ {stem(w) for w in words(b)}) & domain_stems)


def _near_duplicates(
    normalized: list[tuple[str, str, str]], domain: frozenset[str]
) -> list[Problem]:
    """Examples of different intents that read almost alike: the matcher can't tell them apart.

    Mirror pairs that differ exactly in a domain word ("hiring a good cio" / "... cto") are
    deliberate and not reported: that word is what tells the two intents apart.
    """
    domain_stems = _domain_stems(domain)
    texts = [text for text, _, _ in normalized]
    problems = []
    for i, (a, intent_a, place_a) in enumerate(normalized):
        close = process.extract(
            a, texts[i + 1 :], scorer=fuzz.ratio, score_cutoff=NEAR_DUPLICATE, limit=None
        )
        for _, _, offset in close:
            b, intent_b, place_b = normalized[i + 1 + offset]
            if intent_a == intent_b or a == b:
                continue
            if _differ_in_domain_word(a, b, domain_stems):
                continue
            file, line = place_b.rsplit(":", 1)
            problems.append(
                Problem(
                    file,
                    int(line),
                    f"example '{b}' ({intent_b}) is nearly the same "
                    f"as '{a}' ({intent_a}) at {place_a}",
                    "warning",
                )
            )
    return problems


# -- lint: the real matcher over the content itself -------------------------------------------


def lint(content: Content) -> list[Problem]:
    """Leave-one-out: each example matched against all the others; report ones that go astray."""
    from bot.nlu.matcher import Matcher  # the matcher imports the content model, not the reverse

    matcher = Matcher.for_content(content)
    domain_stems = _domain_stems(content.domain_terms)
    problems = []
    for intent in content.intents:
        for example in intent.examples:
            match = matcher.match(example.text, exclude=(example.origin,))
            if match.best and match.best != intent.id:
                if _differ_in_domain_word(example.text, match.evidence or "", domain_stems):
                    continue  # a deliberate mirror ("... good cio" / "... good cto")
                problems.append(
                    Problem(
                        example.origin.file,
                        example.origin.line,
                        f"example of '{intent.id}' matches '{match.best}' best "
                        f"({match.confidence:.2f}, via '{match.evidence}' at {match.evidence_origin})",
                        "warning",
                    )
                )
            elif match.outcome == "fallback":
                problems.append(
                    Problem(
                        example.origin.file,
                        example.origin.line,
                        f"example of '{intent.id}' would fall back: {match.reason}",
                        "warning",
                    )
                )
    return problems


# -- quotes against the sources' text ---------------------------------------------------------


def check_quotes(
    content: Content, sources_dir: Path, also: Iterable[Citation] = ()
) -> list[Problem]:
    """The answers' quotes and `also` (the assessment's) against the sources' captured text."""
    answers = (c for r in content.responses for c in r.citations)
    return sources.check_quotes([*answers, *also], content.sources, sources_dir)
