"""Question -> intent, with the three outcomes the bot needs: answer, clarify, or fall back.

How a question is scored
------------------------
Both the question and every curated example are normalised (normalize.py) and stemmed. Each
word gets a weight that says how much it tells intents apart: `ln(1 + N / df)`, where N is
the number of intents and df the number of intents whose examples use the word. "cio" is in
most intents and weighs little; "outsourc" is in one and weighs a lot. A word no example
uses weighs as much as the rarest known word: an unknown word ("coo", "london") is
information the bot has no answer for, and it must pull confidence down. Filler words
("ok", "please", "quick question") weigh almost nothing, wherever they appear. Words the question
misspells are first corrected to the nearest known word with rapidfuzz (only words of four
letters or more, so "coo" never becomes "cio").

Within an intent, a word counts in proportion to how characteristic it is of that intent:
fully if at least `salient_share` of the intent's examples use it, less if only one example
happens to ("in plain english"), so an incidental word cannot steer a question alone.

For each example, with `shared` the weight of the words it has in common with the question:
    covered   = shared / weight of the question's words   (how much of the question it explains)
    specific  = shared / weight of the example's words    (how much of the example was asked)
    score     = F-beta of the two, beta = `beta` (< 1: explaining the question matters more)
and, when the question names a role (`roles` in domain.yml: cio, cto, ciso) and the example
names only other roles, the score is multiplied by `role_mismatch`: "what makes a good cto"
must not borrow the answer of "what makes a good cio" because the rest of the sentence is the
same. A question asking who holds a role (`role_holder` in domain.yml) always falls back.

What confidence means
---------------------
`confidence` is the score of the best example of the best intent: a number in [0, 1] that
is 1 when the question and an example carry the same words, and falls as either has
informative words the other lacks. It is a similarity, not a probability; `rolebot eval`
prints what it is worth ("confidence of answers given -> how often they were right"). On
our own labeled set, our hold-out and the dev set together (strict: examples identical to a
question left out), answers at 0.60 or above were right 139 times in 140, and those below
0.60 (down to `lead_answer_at`) 18 times in 19.

The decision (answer, clarify or fall back, and the thresholds that tune it) is decision.py's.

A message that falls back as a whole is tried again sentence by sentence, each sentence that
asks something under the same rules (see `match`): context written before a question no
longer drowns it, and context never answers for it.
"""

from __future__ import annotations

import functools
import math
import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.nlu.decision import DEFAULT_THRESHOLDS, Candidate, Thresholds, decide
from bot.nlu.normalize import FILLER, sentences, stem, words
from bot.values.content import Content, Intent, Origin
from bot.values.match import Match

FILLER_WEIGHT = 0.05  # "ok", "please", "quick question": present, but saying nothing


# a message's sentences matched on their own, at most (the last ones: the question tends to end it)
MAX_SENTENCES = 6
_RANK = {"fallback": 0, "clarify": 1, "answer": 2}


@dataclass(frozen=True)
class _Example:
    intent: str
    text: str
    origin: Origin
    weight: float  # total weight of its distinct stems


class Matcher:
    """Built once per content version; `match` is pure and safe to call concurrently."""

    def __init__(
        self,
        intents: Sequence[Intent],
        domain_terms: frozenset[str] | set[str] = frozenset(),
        thresholds: Thresholds = DEFAULT_THRESHOLDS,
        roles: Collection[str] = (),
        role_holder: str | None = None,
    ) -> None:
        """`roles` and `role_holder` come from domain.yml (see `for_content`): the titles a
        question turns on, and the pattern of a question asking who holds one."""
        self.thresholds = thresholds
        self._role_stems = frozenset(stem(w) for role in roles for w in words(role))
        # "who is our cto", "who is the cio of acme": a person's name, which no curated answer
        # holds. Matched on the normalised question, so "who's" and "chief technology officer"
        # count too.
        self._role_holder = re.compile(role_holder) if role_holder else None
        self._kinds = {i.id: i.kind for i in intents}
        self._vocabulary: set[str] = set()
        example_stems: list[set[str]] = []
        examples: list[tuple[Intent, int]] = []
        df: dict[str, set[str]] = defaultdict(set)
        for intent in intents:
            for index, example in enumerate(intent.examples):
                surface = words(example.text)
                self._vocabulary.update(surface)
                stems_ = {stem(w) for w in surface}
                example_stems.append(stems_)
                examples.append((intent, index))
                for s in stems_:
                    df[s].add(intent.id)
            for keyword in intent.keywords:
                self._vocabulary.update(words(keyword))
        n = max(len(intents), 1)
        self._weights = {s: math.log(1 + n / len(ids)) for s, ids in df.items()}
        for filler in FILLER:
            self._weights[stem(filler)] = FILLER_WEIGHT
        self._unknown_weight = math.log(1 + n)
        self._domain = {stem(w) for term in domain_terms for w in words(term)}
        self._examples: list[_Example] = []
        self._stem_sets: list[frozenset[str]] = [frozenset(x) for x in example_stems]
        # How characteristic a word is of an intent: the share of the intent's examples using it,
        # relative to `salient_share`. A topic word ("outsourc" in most outsourcing examples)
        # counts fully; a word that one example of forty happens to use ("plain english") counts
        # for little there, so it cannot pull a question to that intent on its own.
        per_intent: dict[str, int] = defaultdict(int)
        uses: dict[tuple[str, str], int] = defaultdict(int)
        for (intent, _), stems_ in zip(examples, example_stems):
            per_intent[intent.id] += 1
            for s in stems_:
                uses[(intent.id, s)] += 1
        self._salience = {
            key: min(1.0, count / per_intent[key[0]] / thresholds.salient_share)
            for key, count in uses.items()
        }
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        # Words in more examples than this are too common to find candidates with: walking their
        # posting lists would touch most of a large corpus. They still count, by set lookup, in
        # the score of every candidate found through the other words. No list of the shipped
        # content is this long, so there every example sharing a word is scored.
        self._common_at = max(1000, len(example_stems) // 10)
        for position, ((intent, index), stems_) in enumerate(zip(examples, example_stems)):
            example = intent.examples[index]
            weight = 0.0
            for s in stems_:
                w = self._weights[s] * self._salience[(intent.id, s)]
                self._postings[s].append((position, w))
                weight += w
            self._examples.append(_Example(intent.id, example.text, example.origin, weight))
        self._vocabulary_list = sorted(self._vocabulary)
        # the same postings as {position: weight}, so _rank starts from a copy made in C
        self._posting_maps = {s: dict(entries) for s, entries in self._postings.items()}
        # parallel lists by example position, for the hot loop in _rank
        self._intent_ids = [i.id for i in intents]
        index_of = {intent_id: n for n, intent_id in enumerate(self._intent_ids)}
        self._intent_of = [index_of[e.intent] for e in self._examples]
        # beta^2 times each example's weight: the scoring loop's denominator, computed once
        self._scaled_weight = [self.thresholds.beta**2 * e.weight for e in self._examples]
        self._roles = [stems_ & self._role_stems for stems_ in self._stem_sets]
        # Per matcher (the vocabulary is this content's), bounded, and safe across threads.
        self._nearest_known = functools.lru_cache(maxsize=100_000)(self._nearest_known_word)

    @classmethod
    def for_content(cls, content: Content, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> Matcher:
        """The matcher for loaded content: its intents, domain terms, roles and role-holder rule."""
        return cls(
            content.intents,
            content.domain_terms,
            thresholds,
            content.domain.roles,
            content.domain.role_holder,
        )

    # -- public -----------------------------------------------------------------------------

    def match(self, text: str, exclude: Collection[Origin] = ()) -> Match:
        """Match one question. `exclude` leaves examples out (lint's leave-one-out, strict eval).

        The whole message first. When that finds nothing to offer and the message has several
        sentences, each sentence that asks something is matched on its own too ("we're a
        300-person logistics firm, very ops heavy. Which one do we need, CIO or CTO?"). A
        sentence obeys the same rules as a whole message, so one that names no domain term
        ("what does that even mean?") is not answered on the strength of the one before it.
        Statements are never matched alone, so context ("our CIO left last month.") cannot
        answer for the question after it. A whole message that earned a "did you mean" keeps
        it: there the context around a short question ("we're a hospital, no software
        product. cio or cto?") is what a sentence alone would lose.
        """
        whole = self._match_one(text, exclude)
        if whole.outcome != "fallback":
            return whole
        parts = sentences(text)
        if len(parts) < 2:
            return whole
        asked = [part for part, asks in parts if asks]
        best, best_part = whole, ""
        for part in asked[-MAX_SENTENCES:]:
            found = self._match_one(part, exclude)
            better = _RANK[found.outcome] > _RANK[best.outcome] or (
                best is not whole
                and found.outcome == best.outcome
                and found.confidence > best.confidence
            )
            if better and found.outcome != "fallback":
                best, best_part = found, part
        if best is whole:
            return whole
        shown = " ".join(best_part.split())
        return replace(
            best,
            text=text,
            normalized=whole.normalized,
            reason=f"{best.reason}; from the sentence \u201c{shown[:120]}\u201d",
        )

    async def match_async(self, text: str) -> Match:
        """`match` for the event loop: the lexical matcher is fast enough to run on it."""
        return self.match(text)

    def _match_one(self, text: str, exclude: Collection[Origin]) -> Match:
        surface, corrections = self._correct(words(text))
        normalized = " ".join(surface)
        candidates = self._rank(surface, exclude, limit=self.thresholds.max_suggestions + 1)
        return self._decide(text, normalized, surface, candidates, tuple(corrections))

    def normalized(self, text: str) -> str:
        """The question as `match` reads it (normalised, misspellings corrected), unscored:
        what the question log keys on."""
        surface, _ = self._correct(words(text))
        return " ".join(surface)

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        surface, _ = self._correct(words(text))
        return self._rank(surface, (), limit)

    def without(self, exclude: Collection[Origin]) -> Matcher:
        """Itself: the word matcher leaves examples out question by question (`match`'s
        `exclude`); the sentence model's classifier, trained on all of them at once, is what
        `Understanding.without` retrains."""
        return self

    def examples(self) -> list[tuple[str, Origin]]:
        return [(e.text, e.origin) for e in self._examples]

    def kind(self, intent_id: str) -> str:
        return self._kinds.get(intent_id, "knowledge")

    # -- scoring ----------------------------------------------------------------------------

    def _correct(self, surface: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        out: list[str] = []
        corrections: list[tuple[str, str]] = []
        for word in surface:
            if (
                word in self._vocabulary
                or len(word) < self.thresholds.min_typo_length
                or word.isdigit()
            ):
                out.append(word)
                continue
            fixed = self._nearest_known(word)
            if fixed is None:
                out.append(word)
            else:
                out.append(fixed)
                corrections.append((word, fixed))
        return out, corrections

    def _nearest_known_word(self, word: str) -> str | None:
        """The known word a misspelling most likely means, or None if none is close enough."""
        cutoff = (
            self.thresholds.short_typo_cutoff if len(word) <= 5 else self.thresholds.typo_cutoff
        )
        found = process.extractOne(
            word, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=cutoff
        )
        return found[0] if found else None

    def _rank(
        self, surface: list[str], exclude: Collection[Origin], limit: int = 0
    ) -> list[Candidate]:
        """Intents by the score of their best example, best first (`limit` > 0: only that many).

        The hot path of every question: plain lists indexed by example position, no objects
        until the few candidates a decision reads.
        """
        query = {stem(w) for w in surface}
        if not query:
            return []
        weights, postings = self._weights, self._postings
        query_weight = sum(weights.get(s, self._unknown_weight) for s in query)
        known = [s for s in query if s in weights]
        rare = [s for s in known if len(postings[s]) <= self._common_at]
        frequent = [s for s in known if len(postings[s]) > self._common_at] if rare else []
        walked = sorted(rare or known, key=lambda s: -len(postings[s]))
        shared: dict[int, float] = dict(self._posting_maps.get(walked[0], {})) if walked else {}
        add = shared.get
        for s in walked[1:]:  # the longest list was copied whole; the shorter ones are added
            for position, weight in postings[s]:
                shared[position] = add(position, 0.0) + weight
        if frequent:
            salience, intent_ids, intent_of = self._salience, self._intent_ids, self._intent_of
            for position in shared:
                stems_ = self._stem_sets[position]
                intent = intent_ids[intent_of[position]]
                shared[position] += sum(
                    weights[s] * salience[(intent, s)] for s in frequent if s in stems_
                )
        if exclude:
            for position in [p for p in shared if self._examples[p].origin in exclude]:
                del shared[position]

        # The F-score of covered = C/Q and specific = C/W (C the weight in common, Q the
        # question's, W the example's) is (1 + b2) * C / (b2 * W + Q): one division each.
        gain = 1 + self.thresholds.beta**2
        inverse_query = 1 / query_weight
        scaled_weight, intent_of, roles = self._scaled_weight, self._intent_of, self._roles
        asked_roles = query & self._role_stems
        mismatch = self.thresholds.role_mismatch
        best_score = [-1.0] * len(self._intent_ids)
        best_position = [-1] * len(self._intent_ids)
        for position, common in shared.items():
            if not common:
                continue
            score = gain * common / (scaled_weight[position] + query_weight)
            if asked_roles:
                named = roles[position]
                if named and not named & asked_roles:
                    score *= mismatch
            index = intent_of[position]
            if score > best_score[index]:
                best_score[index] = score
                best_position[index] = position
        order = sorted(
            (i for i, p in enumerate(best_position) if p >= 0),
            key=lambda i: (-best_score[i], self._intent_ids[i]),
        )
        if limit > 0:
            order = order[:limit]
        out = []
        for i in order:
            example = self._examples[best_position[i]]
            covered = shared[best_position[i]] * inverse_query
            out.append(
                Candidate(
                    self._intent_ids[i],
                    round(best_score[i], 4),
                    example.text,
                    example.origin,
                    round(covered, 4),
                )
            )
        return out

    # -- deciding ---------------------------------------------------------------------------

    def _decide(
        self,
        text: str,
        normalized: str,
        surface: list[str],
        candidates: list[Candidate],
        corrections: tuple[tuple[str, str], ...],
    ) -> Match:
        return decide(
            text,
            normalized,
            candidates,
            corrections,
            thresholds=self.thresholds,
            in_domain=bool(self._domain & {stem(w) for w in surface}),
            kind=self.kind,
            role_holder=self._role_holder,
        )
