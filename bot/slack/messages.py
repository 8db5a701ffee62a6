"""Short messages the listeners send (thanks, quotes, "Why this answer?", an answered flow
question): Block Kit built with the same pieces as the replies in blocks.py."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import compose, context_block, source_lines
from bot.slack.escape import escape
from bot.slack.limits import MESSAGE_BLOCKS_MAX, fit, split_text
from bot.values.content import Source
from bot.values.match import SemanticOpinion


def plain(text: str) -> dict[str, Any]:
    """A one-section message (thanks, apologies, confirmations)."""
    return compose(text, [], [text], [])


def quotes(title: str, pairs: list[tuple[str, Source]]) -> dict[str, Any]:
    """ "Show quotes": what each source of an answer or result says, verbatim, grouped by source
    as in its Sources block (same numbers)."""
    if not pairs:
        return plain("This answer quotes no sources.")
    lines = [f"*Quotes behind \u201c{escape(title)}\u201d*"] + source_lines(pairs, quotes=True)
    return compose(f"Quotes behind: {title}", [], split_text("\n".join(lines)), [])


def why_this_answer(
    question: str,
    evidence: str | None,
    confidence: float,
    runner_up: str | None,
    runner_up_score: float,
    reason: str,
    semantic: SemanticOpinion | None = None,
) -> dict[str, Any]:
    """Both opinions behind a decision: the lexical matcher's evidence and the sentence model's."""
    lines = [
        f"*Why this answer?* You asked: \u201c{fit(escape(' '.join(question.split())), 500)}\u201d"
    ]
    if evidence:
        lines.append(f"\u2022 Closest curated example: \u201c{escape(evidence)}\u201d")
    lines.append(f"\u2022 Match score: {confidence:.2f} (1.00 means the same words)")
    if runner_up:
        lines.append(f"\u2022 Runner-up topic: `{escape(runner_up)}` at {runner_up_score:.2f}")
    if semantic is not None and semantic.intent:
        view = "agrees" if semantic.agrees else "differs"
        lines.append(
            f"\u2022 Sentence model: likeliest topic `{escape(semantic.intent)}`,"
            f" probability {semantic.score:.2f} ({view}); its nearest example"
            f" \u201c{escape(semantic.example or '')}\u201d at {semantic.similarity:.2f}"
        )
    if reason:
        lines.append(f"\u2022 {escape(reason)}")
    return compose("Why this answer?", [], ["\n".join(lines)], [], echo=True)


def answered(message_blocks: list[dict[str, Any]], note: str) -> list[dict[str, Any]]:
    """The clicked flow question without its buttons, plus what was chosen, for chat.update."""
    kept = [b for b in message_blocks if b.get("type") != "actions"]
    kept.append(context_block(note))
    return kept[:MESSAGE_BLOCKS_MAX]
