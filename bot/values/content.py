"""The content model: what curators write in intents/, responses/ and domain.yml, as frozen values.

Every value remembers where it came from (`Origin`), so validation and lint can point a
curator at `file:line` instead of at an id they then have to grep for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Origin:
    """A place in a content file, 1-based line, as editors show it."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Example:
    text: str
    origin: Origin


@dataclass(frozen=True)
class Intent:
    id: str
    description: str
    examples: tuple[Example, ...]
    keywords: tuple[str, ...]
    origin: Origin
    # "knowledge" intents need a domain term in the question to be answered; "conversation"
    # intents (greeting, thanks, help ...) are small talk and need none.
    kind: str = "knowledge"
    # questions people really asked about this topic (from the tune sets), as written: read by
    # the sentence model's topic classifier only, too long and noisy for the word matcher
    asked: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Citation:
    source: str
    quote: str
    origin: Origin


@dataclass(frozen=True)
class Claim:
    """One paragraph or bullet of an answer's body, and the citations it rests on: numbers of
    the answer's `citations`, from 1 (validate checks the numbers, and what the text may say
    about how many sources it rests on)."""

    text: str
    cites: tuple[int, ...]
    origin: Origin


@dataclass(frozen=True)
class Response:
    id: str
    title: str
    short: str
    body: str
    citations: tuple[Citation, ...]
    related: tuple[str, ...]
    origin: Origin
    owner: str | None = None
    review_by: date | None = None
    # the body item by item (`body` is their text, as shown); empty for a plain-text body
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    kind: str
    url: str | None
    file: str | None
    origin: Origin


@dataclass(frozen=True)
class Domain:
    """domain.yml: the intent ids, role titles and wording the code relies on.

    Kept as content so that renaming an intent, adding a role title or rewording the fallback
    needs no code change. (Not to be confused with `Content.domain_terms`, the keywords that
    show a question is about technology leadership at all.)
    """

    fallback_text: str = ""  # what the bot says when no curated answer fits
    fallback_topics: tuple[str, ...] = ()  # intents offered beside it, in order
    assessment_intent: str | None = None  # asking it (or clicking its topic) starts the flow
    offer_assessment_after: tuple[str, ...] = ()  # answers that end with "take the assessment"
    help_intent: str | None = None  # what an empty mention or a bare /ask shows
    roles: tuple[str, ...] = ()  # titles a question turns on: cio, cto, ciso
    # A question asking who holds a role ("who is our cto") falls back: no curated answer names
    # a person. A regular expression over the normalised question, roles already filled in.
    role_holder: str | None = None
    origin: Origin = Origin("domain.yml", 1)
    key_lines: tuple[tuple[str, int], ...] = ()  # where each field is, for file:line problems

    def origin_of(self, key: str) -> Origin:
        line = dict(self.key_lines).get(key, self.origin.line)
        return Origin(self.origin.file, line)


@dataclass(frozen=True)
class Content:
    """Everything the bot knows. Built once at start (or on reload) and never mutated."""

    intents: tuple[Intent, ...]
    responses: tuple[Response, ...]
    sources: tuple[Source, ...]
    domain_terms: frozenset[str] = field(default_factory=frozenset)
    domain: Domain = field(default_factory=Domain)
    # near-topic questions our sources cannot answer (out_of_scope.yml): the sentence model
    # falls back on a question closer to one of these than to any curated example
    out_of_scope: tuple[Example, ...] = ()
    # executive titles that are not ours (cmo, coo ...): naming one and none of ours is not ours
    other_roles: frozenset[str] = field(default_factory=frozenset)
    # near-topic questions people really asked (out_of_scope.yml's `asked`): classifier only
    out_of_scope_asked: tuple[Example, ...] = ()

    def intent(self, intent_id: str) -> Intent | None:
        return next((i for i in self.intents if i.id == intent_id), None)

    def response(self, intent_id: str) -> Response | None:
        return next((r for r in self.responses if r.id == intent_id), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)
