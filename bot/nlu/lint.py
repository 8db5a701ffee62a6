"""The curated examples as the matcher reads them: checks that need normalisation or matching.

Two examples of different intents that normalise to the same words are an error (the matcher
cannot tell them apart); nearly the same, a warning; `lint` runs the real matcher leave-one-out
over every example (`rolebot validate --lint`). They live here, not in content/, because
content/ sits below nlu/: it checks files and ids and knows nothing of normalisation.
`load_validated` runs both, which is what every command that loads content calls.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.content.problems import Problem
from bot.content.validate import validate_content
from bot.nlu.matcher import Matcher
from bot.nlu.normalize import normalize, stem, words
from bot.values.content import Content

NEAR_DUPLICATE = 92.0  # rapidfuzz ratio of two normalised examples, in different intents


def load_validated(root: Path, today: dt.date | None = None) -> tuple[Content, list[Problem]]:
    """The content under `root` and every problem `rolebot validate` reports in it (the
    assessment aside): the files and ids (content/), then the examples as the matcher reads them."""
    content, problems = validate_content(root, today)
    return content, problems + check_examples(content)


def check_examples(content: Content) -> list[Problem]:
    """Examples that normalise alike: in two intents an error, within one a warning; and
    examples of different intents that read nearly the same, a warning."""
    return _example_collisions(content)


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


# -- lint: the real matcher over the content itself ------------------------------------------


def lint(content: Content) -> list[Problem]:
    """Leave-one-out: each example matched against all the others; report ones that go astray."""
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
