"""The decision: a question's ranked candidates (matcher.py scores them) in, one of three
outcomes out, with its reason in words. The thresholds live in `Thresholds`, and only there;
tuned with `rolebot eval` on tests/data/labeled_questions.yml, then checked on the dev set.

    answer    confidence >= `answer_at`, ahead of the runner-up intent by >= `margin` (or
              >= `lead_answer_at` and ahead by >= `lead_margin`: one intent clearly stands
              out, so a "did you mean" would only cost a click), and, for
              a knowledge intent, the question names the domain (a keyword of some
              knowledge intent: cio, cto, outsourcing, vendor ...). Without a domain word,
              "what does a CMO do" shares only "what does a ... do" with us and falls back.
              Small talk (greeting, thanks, help ...) needs no domain word, but without one it
              must explain at least `small_talk_covered_at` of the question.
    clarify   confidence >= `clarify_at` but not an answer: offer the top 2-3 intents. A question
              with no domain word is offered its best intent only when nearly verbatim
              (>= `undomained_clarify_at`, and explaining >= `undomained_covered_at` of the
              question: "do we need both roles", never "who owns the marketing budget").
    fallback  otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.values.content import Origin
from bot.values.match import Match, Outcome


@dataclass(frozen=True)
class Thresholds:
    answer_at: float = 0.45
    clarify_at: float = 0.3
    margin: float = 0.01
    beta: float = 0.6
    # a question with no domain word is never answered; offered as "did you mean" only above this
    undomained_clarify_at: float = 0.7
    undomained_covered_at: float = 0.8
    small_talk_covered_at: float = 0.5
    # an example naming only other roles than the question does (cio vs cto) is scored down
    role_mismatch: float = 0.6
    max_suggestions: int = 3
    # ... or a lower score that leads the runner-up clearly: with one candidate standing out,
    # "did you mean X?" costs a click and tells nothing (tuned on tests/data, see README)
    lead_answer_at: float = 0.35
    lead_margin: float = 0.08
    # a suggestion must be within this of the best score to be offered beside it
    suggestion_window: float = 0.2
    # a word used by this share of an intent's examples counts fully in them (see _salience)
    salient_share: float = 0.05
    # rapidfuzz ratio (0-100) a misspelt word needs to be corrected to a known word
    typo_cutoff: float = 80.0
    # ... and words of five letters or fewer this much ("stack" must not become "track")
    short_typo_cutoff: float = 88.0
    min_typo_length: int = 4


DEFAULT_THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class Candidate:
    intent: str
    score: float
    example: str
    origin: Origin
    covered: float = 0.0  # the share of the question's weight this example explains


def decide(
    text: str,
    normalized: str,
    candidates: list[Candidate],
    corrections: tuple[tuple[str, str], ...],
    *,
    thresholds: Thresholds,
    in_domain: bool,
    kind: Callable[[str], str],
    role_holder: re.Pattern[str] | None,
) -> Match:
    """The outcome for ranked `candidates` (best first), with the reason in words."""
    t = thresholds
    if not candidates:
        return Match(
            text=text,
            outcome="fallback",
            intent=None,
            confidence=0.0,
            suggestions=(),
            evidence=None,
            evidence_origin=None,
            best=None,
            runner_up=None,
            runner_up_score=0.0,
            reason="no word of the question is known",
            normalized=normalized,
            corrections=corrections,
            in_domain=in_domain,
        )
    top = candidates[0]
    runner = candidates[1] if len(candidates) > 1 else None
    runner_score = runner.score if runner else 0.0

    def allowed(c: Candidate) -> bool:
        return in_domain or kind(c.intent) == "conversation"

    def result(
        outcome: Outcome,
        reason: str,
        intent: str | None = None,
        suggestions: tuple[str, ...] = (),
    ) -> Match:
        return Match(
            text=text,
            outcome=outcome,
            intent=intent,
            confidence=top.score,
            suggestions=suggestions,
            evidence=top.example,
            evidence_origin=top.origin,
            best=top.intent,
            runner_up=runner.intent if runner else None,
            runner_up_score=runner_score,
            reason=reason,
            normalized=normalized,
            corrections=corrections,
            refused=holder,
            in_domain=in_domain,
        )

    holder = role_holder is not None and bool(role_holder.match(normalized))
    if holder:
        return result("fallback", "it asks who holds a role, which I cannot know")
    if top.score < t.clarify_at:
        return result("fallback", f"best score {top.score:.2f} is below {t.clarify_at}")
    if not allowed(top):
        # Without a domain word we never answer. An example that explains nearly all the question
        # ("do we need both roles") may still be offered; one that leaves a word unexplained
        # ("who owns the *marketing* budget") may not.
        if top.score >= t.undomained_clarify_at and top.covered >= t.undomained_covered_at:
            return result(
                "clarify",
                "the question names no technology-leadership term",
                suggestions=(top.intent,),
            )
        return result("fallback", "the question names no technology-leadership term")
    # Small talk needs no domain word, but it must explain at least half the question:
    # "can you help me write an email" is not a request for the help topic.
    small_talk_unexplained = (
        not in_domain
        and kind(top.intent) == "conversation"
        and top.covered < t.small_talk_covered_at
    )
    lead = top.score - runner_score
    confident = (top.score >= t.answer_at and lead >= t.margin) or (
        top.score >= t.lead_answer_at and lead >= t.lead_margin
    )
    if confident and not small_talk_unexplained:
        return result(
            "answer", f"score {top.score:.2f}, {lead:.2f} ahead of the runner-up", top.intent
        )
    offered = tuple(
        c.intent
        for c in candidates[: t.max_suggestions]
        if c.score >= t.clarify_at and top.score - c.score <= t.suggestion_window and allowed(c)
    )
    if small_talk_unexplained and top.score - runner_score >= t.margin:
        reason = (
            f"small talk explains only {top.covered:.0%} of the question "
            f"(needs {t.small_talk_covered_at:.0%})"
        )
    elif top.score >= t.answer_at:
        reason = (
            f"runner-up {runner.intent if runner else '-'} is within {t.margin} of {top.intent}"
        )
    elif top.score >= t.lead_answer_at:
        reason = (
            f"best score {top.score:.2f} is below {t.answer_at} and leads the runner-up "
            f"by only {lead:.2f} (needs {t.lead_margin})"
        )
    else:
        reason = f"best score {top.score:.2f} is below {t.lead_answer_at}"
    return result("clarify", reason, suggestions=offered)
