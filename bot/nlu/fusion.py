"""One decision from two opinions: the lexical matcher and the sentence model.

Why two
-------
The lexical matcher (matcher.py) is precise on the words curators wrote and blind to
paraphrase: "is having two tech chiefs wasteful" shares no topic word with "do we need both".
The sentence model (semantic.py) sees the paraphrase but cannot tell "CTO vs VP of
engineering" from "CIO vs CTO": alone it answers fewer questions right first time. Measured on
our labeled sets, the two are wrong in different places, so their agreement is strong evidence
and their disagreement is a reason to ask rather than answer.

The semantic opinion
--------------------
A topic classifier over the model's vectors (classifier.py), trained at content load on every
curated example and on `out_of_scope.yml`'s near-topic questions ("CTO vs VP of engineering",
"what does a fractional CTO do") as a class of their own, gives each topic a probability and
"not ours" one too. Beside it, cruder but independent, the nearest single example (cosine).

The decision (the thresholds live in `FusionThresholds`, and only there; swept on the tune sets
only: the dev set, tests/data's labeled, holdout and second to ninth batches and the tune halves
of both real-question harvests; the final sets were measured once; see the README)
    0. "who is our CTO", or a title not ours: refused, as decided before the model is asked.
    1. The lexical matcher answers with confidence >= trust_lexical_at, ahead of its runner-up
       by trust_lexical_margin: answered, the model is not asked (a quarter of questions skip
       its cost).
    2. Not ours: the classifier's out-of-scope class is at least out_of_scope_at likely and
       likelier than any topic, or an out-of-scope example is at least out_of_scope_similar_at
       near and nearer than every curated example: fall back.
    3. The lexical matcher answers: the answer stands when the classifier gives its topic at
       least agree_ratio of its own first choice's probability; a classifier at least
       overrule_at sure of another topic answers that one; one at least disagree_at sure of
       another asks ("did you mean" both); otherwise the answer stands.
    4. No lexical answer: the classifier answers when at least answer_at sure (a question with
       no technology-leadership word: undomained_answer_at) and its topic also holds the
       nearest example (or it is answer_alone_at sure). Otherwise "did you mean" its likeliest
       topics with the lexical suggestions, or fall back when neither has any.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.nlu.classifier import TopicClassifier
from bot.nlu.decision import Candidate
from bot.nlu.matcher import Matcher
from bot.nlu.normalize import normalize
from bot.nlu.semantic import (
    DIMENSIONS,
    Encoder,
    ModelFiles,
    Vectors,
    default_tokenizer,
    vector_key,
)
from bot.values.content import Example, Intent, Origin
from bot.values.match import Match, Outcome, SemanticOpinion

logger = logging.getLogger("bot.nlu")
# our two titles as the normaliser writes them: an other role containing one is a variant of ours
_OUR_TITLES = frozenset({"cio", "cto"})
# a question that sets one role against another ("cto vs vp", "is the cto higher than a vp")
_COMPARES = re.compile(
    r"\b(vs|versus|difference between|differences between|differ from|compared (to|with)|"
    r"comparison|higher than|lower than|above|below|more senior|outranks?)\b"
)


@dataclass(frozen=True)
class FusionThresholds:
    # a lexical answer this confident, and this far ahead of its runner-up, is given without
    # asking the model: measured on the tune sets, the model never overturned one for the
    # better, and a quarter of questions skip its cost
    trust_lexical_at: float = 0.8
    trust_lexical_margin: float = 0.1
    # "not ours": the classifier's out-of-scope class at least this likely (and likelier than
    # any topic), or an out-of-scope example this near and nearer than any curated example
    out_of_scope_at: float = 0.3
    out_of_scope_similar_at: float = 0.6
    out_of_scope_margin: float = 0.0
    # the lexical answer stands when the classifier gives its topic at least this share of
    # the probability of its own first choice
    agree_ratio: float = 0.9
    # ... is overruled by a classifier this sure of another topic, else questioned ("did you
    # mean" both) when the classifier is at least this sure of another
    overrule_at: float = 0.95
    disagree_at: float = 0.3
    # no lexical answer: the classifier answers alone at this probability, with its topic also
    # holding the nearest example or scoring `answer_alone_at`; a question naming no
    # technology-leadership word needs `undomained_answer_at`
    answer_at: float = 0.9
    answer_alone_at: float = 0.98
    undomained_answer_at: float = 0.98
    # "did you mean": the classifier's first topic from this probability, its second from
    # `second_suggest_at`, the nearest example's topic from cosine `nearest_suggest_at`
    suggest_at: float = 0.1
    second_suggest_at: float = 0.05
    nearest_suggest_at: float = 0.5
    # ... for a question naming no technology-leadership word, both from this ("who looks
    # after the toaster fleet" falls back rather than offering a topic of ours)
    undomained_suggest_at: float = 0.6
    max_suggestions: int = 3


DEFAULT_FUSION = FusionThresholds()


class SemanticIndex:
    """Every curated example and out-of-scope question as a unit vector, and the topic
    classifier trained on them (nlu/classifier.py), built once per content version (and on
    reload), never per question."""

    def __init__(
        self,
        encoder: Encoder,
        intents: Sequence[Intent],
        out_of_scope: Sequence[str] = (),
        cache: Path | None = None,
        out_of_scope_asked: Sequence[Example] = (),
    ) -> None:
        self.encoder = encoder
        self._intent_ids = [i.id for i in intents]
        rows = [(n, e) for n, i in enumerate(intents) for e in i.examples]
        self._intent_of = np.array([n for n, _ in rows], dtype=np.int64)
        self._texts = [e.text for _, e in rows]
        self._origins = [e.origin for _, e in rows]
        counts = np.bincount(self._intent_of, minlength=len(intents))
        ends = np.cumsum(counts)
        self._span = [(int(e - c), int(e)) for c, e in zip(counts, ends)]
        # questions people asked (intents' and out_of_scope.yml's `asked`): classifier only
        asked = [(n, e) for n, i in enumerate(intents) for e in i.asked]
        asked += [(len(intents), e) for e in out_of_scope_asked]
        texts = [*self._texts, *out_of_scope, *(e.text for _, e in asked)]
        vectors = _encode_cached(encoder, texts, cache)
        first_asked = len(rows) + len(out_of_scope)
        self._vectors = vectors[: len(rows)]
        self._oos_texts = list(out_of_scope)
        self._oos = vectors[len(rows) : first_asked]
        # the last class is "not ours", learned from out_of_scope.yml
        labels = np.concatenate(
            [
                self._intent_of,
                np.full(len(self._oos), len(intents), dtype=np.int64),
                np.array([n for n, _ in asked], dtype=np.int64),
            ]
        )
        self._asked = [(e.text, e.origin) for _, e in asked]
        # where each curated example and asked question sits among the classifier's rows (the
        # examples come first, so an example's row is also its place in self._vectors)
        self._training_row = {o: p for p, o in enumerate(self._origins)}
        self._training_row.update({e.origin: first_asked + k for k, (_, e) in enumerate(asked)})
        self.classifier = TopicClassifier(vectors, labels, len(intents) + 1)

    def asked(self) -> list[tuple[str, Origin]]:
        """Every question the classifier learnt from beyond the curated examples."""
        return list(self._asked)

    def without(self, exclude: Collection[Origin]) -> SemanticIndex:
        """This index with its classifier trained without these examples and asked questions."""
        rows = [r for r in (self._training_row.get(o) for o in exclude) if r is not None]
        other = copy.copy(self)
        other.classifier = self.classifier.without(rows)
        return other

    def encode(self, text: str) -> Vectors:
        return self.encoder.encode_one(text)

    def opinion(
        self, vector: Vectors, exclude: Collection[Origin] = (), lexical_best: str | None = None
    ) -> tuple[SemanticOpinion, dict[str, float]]:
        """The model's view of one question vector, and every topic's probability."""
        sims = self._vectors @ vector
        rows = [r for r in (self._training_row.get(o) for o in exclude) if r is not None]
        sims[[r for r in rows if r < len(sims)]] = -1.0
        probabilities = self.classifier.probabilities(vector, rows)
        topics = probabilities[: len(self._intent_ids)]
        order = np.argsort(-topics)[:2]
        first, second = int(order[0]), int(order[1]) if len(order) > 1 else -1
        nearest_of_first = -1
        if self._span[first][1] > self._span[first][0]:
            run = sims[self._span[first][0] : self._span[first][1]]
            nearest_of_first = self._span[first][0] + int(np.argmax(run))
        nearest = int(np.argmax(sims)) if len(sims) else -1
        oos_score, oos_example = -1.0, None
        if len(self._oos):
            oos_sims = self._oos @ vector
            k = int(np.argmax(oos_sims))
            oos_score, oos_example = float(oos_sims[k]), self._oos_texts[k]
        intent = self._intent_ids[first]
        found = SemanticOpinion(
            intent=intent,
            score=round(float(topics[first]), 4),
            example=self._texts[nearest_of_first] if nearest_of_first >= 0 else None,
            similarity=round(float(sims[nearest_of_first]), 4) if nearest_of_first >= 0 else -1.0,
            runner_up=self._intent_ids[second] if second >= 0 else None,
            runner_up_score=round(float(topics[second]), 4) if second >= 0 else 0.0,
            nearest=self._intent_ids[self._intent_of[nearest]] if nearest >= 0 else None,
            nearest_score=round(float(sims[nearest]), 4) if nearest >= 0 else -1.0,
            out_of_scope=round(oos_score, 4),
            out_of_scope_example=oos_example,
            out_of_scope_probability=round(float(probabilities[-1]), 4),
            agrees=intent == lexical_best,
        )
        return found, {i: float(p) for i, p in zip(self._intent_ids, topics)}


# vectors already computed in this process, by key: a reload or a second engine (tests build
# many) encodes only the examples it has never seen
_MEMO: dict[str, Vectors] = {}


def _encode_cached(encoder: Encoder, texts: list[str], cache: Path | None) -> Vectors:
    """Encode texts, reusing vectors of unchanged texts from `cache` (an .npz next to the
    database): a restart or a reload re-encodes only what curators changed, so start-up stays
    well under the three seconds that encoding a thousand examples would take."""
    keys = [vector_key(t) for t in texts]
    known: dict[str, Vectors] = _MEMO
    if cache is not None and cache.is_file() and not all(k in known for k in keys):
        try:
            with np.load(cache) as stored:
                known.update(zip(stored["keys"].tolist(), stored["vectors"]))
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("sentence vector cache %s unreadable (%s); encoding afresh", cache, exc)
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in known}.items())
    if missing:
        fresh = encoder.encode([t for _, t in missing])
        known.update({k: v for (k, _), v in zip(missing, fresh)})
        if cache is not None:
            try:
                cache.parent.mkdir(parents=True, exist_ok=True)
                partial = cache.with_suffix(".tmp.npz")
                np.savez(partial, keys=np.array(keys), vectors=np.stack([known[k] for k in keys]))
                partial.replace(cache)
            except OSError as exc:
                logger.warning("sentence vector cache %s not written (%s)", cache, exc)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


class Understanding:
    """The lexical matcher with the sentence model as a second opinion: `match` has the
    Matcher's signature, so the engine, eval and lint use either.

    Without an index (the model is off, or could not be loaded) it is the lexical matcher
    alone, and says why in `status`. A model that fails on a question is logged once and the
    question is answered lexically: a broken model never costs a person their answer.
    """

    def __init__(
        self,
        lexical: Matcher,
        index: SemanticIndex | None,
        thresholds: FusionThresholds = DEFAULT_FUSION,
        status: str = "ok",
        other_roles: Collection[str] = (),
    ) -> None:
        self.lexical = lexical
        # "what does a CMO do": a title that is not ours, in a question naming none of ours.
        # Normalised as questions are ("IT director" is read as "itdept director").
        names = sorted({normalize(r) for r in other_roles if r.strip()}, key=len, reverse=True)
        pattern = "|".join(re.escape(n) for n in names if n)
        self._other_role = re.compile(rf"\b({pattern})\b") if pattern else None
        self.index = index
        self.thresholds = thresholds
        self.status = status if index is None else "ok"
        # One thread for the model: it runs beside the event loop, never on it, and never takes
        # both cores from the loop and the store.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sentence-model")
        self._vector = lru_cache(maxsize=4096)(self._encode)

    # -- the Matcher's interface ------------------------------------------------------------

    @property
    def semantic_available(self) -> bool:
        return self.index is not None

    def normalized(self, text: str) -> str:
        return self.lexical.normalized(text)

    def examples(self) -> list[tuple[str, Origin]]:
        """The curated examples, and the asked questions the model learnt from: what `rolebot
        eval --strict` leaves out when a question is identical to one."""
        asked = self.index.asked() if self.index is not None else []
        return self.lexical.examples() + asked

    def without(self, exclude: Collection[Origin]) -> Understanding:
        """This matcher with the model trained without these examples and asked questions
        (`rolebot eval --strict`, once per question set; the word matcher leaves its own
        examples out question by question)."""
        if self.index is None or not exclude:
            return self
        other = copy.copy(self)
        other.index = self.index.without(exclude)
        return other

    def kind(self, intent_id: str) -> str:
        return self.lexical.kind(intent_id)

    def rank(self, text: str, limit: int = 5) -> list[Candidate]:
        return self.lexical.rank(text, limit)

    def match(self, text: str, exclude: Collection[Origin] = ()) -> Match:
        """The fused decision, computed on the calling thread (eval, lint, the terminal)."""
        lexical = self._refuse_other_roles(self.lexical.match(text, exclude))
        if not self._needs_model(lexical):
            return lexical
        vector = self._vector_or_none(text)
        return lexical if vector is None else self.decide(lexical, vector, exclude)

    async def match_async(self, text: str) -> Match:
        """The fused decision without holding the event loop: the model runs on its thread."""
        lexical = self._refuse_other_roles(self.lexical.match(text))
        if not self._needs_model(lexical):
            return lexical
        loop = asyncio.get_running_loop()
        vector = await loop.run_in_executor(self._executor, self._vector_or_none, text)
        return lexical if vector is None else self.decide(lexical, vector)

    # -- deciding ---------------------------------------------------------------------------

    def _refuse_other_roles(self, lexical: Match) -> Match:
        """Another title, named where only ours could answer: "what does a CMO do" (none of
        ours named), "CIO vs CDO" (ours compared with one our sources never describe), or a
        variant of ours that is another job ("what does a virtual CIO do", "fractional CTO
        pricing": our title inside theirs). Each is refused whatever either opinion says; "does
        the CIO report to the CFO" is not."""
        if self._other_role is None or lexical.refused:
            return lexical
        asked = normalize(lexical.text)
        found = self._other_role.search(asked)
        if found is None:
            return lexical
        both_ours = _OUR_TITLES <= set(asked.split())
        variant = bool(_OUR_TITLES & set(found.group(1).split()))
        if variant or not lexical.in_domain or (_COMPARES.search(asked) and not both_ours):
            return replace(
                lexical,
                outcome="fallback",
                intent=None,
                suggestions=(),
                reason=f"it asks about another role ({found.group(1)}), which our sources do not cover",
                refused=True,  # no second opinion can answer it
            )
        return lexical

    def _needs_model(self, lexical: Match) -> bool:
        if self.index is None or lexical.refused:
            return False
        t = self.thresholds
        return not (
            lexical.outcome == "answer"
            and lexical.confidence >= t.trust_lexical_at
            and lexical.confidence - lexical.runner_up_score >= t.trust_lexical_margin
        )

    def _encode(self, text: str) -> Vectors:
        assert self.index is not None
        return self.index.encode(text)

    def _vector_or_none(self, text: str) -> Vectors | None:
        try:
            return self._vector(text)
        except Exception as exc:  # onnxruntime's errors are untyped; any of them means "no model"
            self.status = f"lexical only: the sentence model failed ({type(exc).__name__}: {exc})"
            logger.error("sentence model failed, answering with the lexical matcher: %s", exc)
            self.index = None
            return None

    def decide(self, lexical: Match, vector: Vectors, exclude: Collection[Origin] = ()) -> Match:
        index = self.index  # read once: a failure on the model's thread may drop it meanwhile
        if index is None:
            return lexical
        t = self.thresholds
        opinion, probability = index.opinion(vector, exclude, lexical.best)
        first, sure = opinion.intent, opinion.score

        def fused(
            outcome: Outcome, reason: str, intent: str | None = None, offer: Sequence[str] = ()
        ) -> Match:
            return replace(
                lexical,
                outcome=outcome,
                intent=intent,
                suggestions=tuple(o for o in dict.fromkeys(offer) if o)[: t.max_suggestions],
                reason=reason,
                semantic=opinion,
            )

        if opinion.out_of_scope_probability >= max(t.out_of_scope_at, sure):
            return fused(
                "fallback",
                f"the model finds it none of ours ({opinion.out_of_scope_probability:.2f};"
                f" nearest such question \u201c{opinion.out_of_scope_example}\u201d)",
            )
        if opinion.out_of_scope >= t.out_of_scope_similar_at and (
            opinion.out_of_scope >= opinion.nearest_score + t.out_of_scope_margin
        ):
            return fused(
                "fallback",
                f"closest to a question we do not answer (\u201c{opinion.out_of_scope_example}"
                f"\u201d, {opinion.out_of_scope:.2f} vs {opinion.nearest_score:.2f})",
            )
        if lexical.outcome == "answer" and lexical.intent:
            mine = probability.get(lexical.intent, 0.0)
            if first == lexical.intent or mine >= sure * t.agree_ratio:
                return fused("answer", f"{lexical.reason}; the model agrees", lexical.intent)
            if sure >= t.overrule_at:
                return fused(
                    "answer",
                    f"{lexical.reason}, but the model is sure of {first} ({sure:.2f})",
                    first,
                )
            if sure >= t.disagree_at:
                return fused(
                    "clarify",
                    f"{lexical.reason}, but the model prefers {first} ({sure:.2f} vs {mine:.2f})",
                    offer=(lexical.intent, first or ""),
                )
            return fused(
                "answer", f"{lexical.reason}; the model has no strong view", lexical.intent
            )
        needed = t.answer_at if lexical.in_domain else t.undomained_answer_at
        if first and sure >= needed and (opinion.nearest == first or sure >= t.answer_alone_at):
            return fused(
                "answer", f"{lexical.reason}; the model is sure of {first} ({sure:.2f})", first
            )
        offer: list[str] = []
        suggest_at = t.suggest_at if lexical.in_domain else t.undomained_suggest_at
        nearest_at = t.nearest_suggest_at if lexical.in_domain else t.undomained_suggest_at
        if first and sure >= suggest_at:
            offer.append(first)
            if opinion.runner_up and opinion.runner_up_score >= t.second_suggest_at:
                offer.append(opinion.runner_up)
        if lexical.outcome == "clarify":
            offer += lexical.suggestions
        elif opinion.nearest and opinion.nearest_score >= nearest_at:
            offer.append(opinion.nearest)
        if offer:
            return fused(
                "clarify", f"{lexical.reason}; the model suggests {first} ({sure:.2f})", offer=offer
            )
        return fused("fallback", lexical.reason)


def build_understanding(
    lexical: Matcher,
    intents: Sequence[Intent],
    out_of_scope: Sequence[str],
    *,
    semantic: bool = True,
    cache: Path | None = None,
    encoder: Encoder | None = None,
    thresholds: FusionThresholds = DEFAULT_FUSION,
    other_roles: Collection[str] = (),
    verify_again: bool = False,
    model: Path | None = None,
    out_of_scope_asked: Sequence[Example] = (),
) -> Understanding:
    """The matcher a process serves with. Raises ModelUnavailable when the model is wanted but
    cannot be verified or loaded: at start-up that is a setting to fix, not a state to run in.
    `verify_again` (a reload): check the files anew rather than reuse the process's encoder,
    so a model file changed or damaged since start-up is noticed."""
    if not semantic:
        return Understanding(
            lexical, None, thresholds, "lexical only: the model is off", other_roles
        )
    from bot.nlu.semantic import shared_encoder

    if encoder is None and model is not None:
        encoder = Encoder(ModelFiles(model, default_tokenizer()))
    if encoder is None:
        encoder = Encoder() if verify_again else shared_encoder()
    index = SemanticIndex(encoder, intents, out_of_scope, cache, out_of_scope_asked)
    return Understanding(lexical, index, thresholds, other_roles=other_roles)
