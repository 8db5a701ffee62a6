"""Slack's limits on a message, and fitting any text into them.

Content may say anything; these keep Slack from rejecting a message for its length: labels are
shortened at a word with an ellipsis, bodies split into sections at paragraph (then line, then
word) boundaries. blocks.py and screens.py build on them.
"""

from __future__ import annotations

import re

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3000
CONTEXT_TEXT_MAX = 3000
HEADER_TEXT_MAX = 150
BUTTON_TEXT_MAX = 75
ACTIONS_ELEMENTS_MAX = 25
FALLBACK_TEXT_MAX = 3000


def fit(text: str, limit: int) -> str:
    """Shorten to `limit` characters at a word boundary, ending with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def split_text(text: str, limit: int = SECTION_TEXT_MAX) -> list[str]:
    """Pieces of at most `limit` chars, split at paragraphs, then lines, then words."""
    return _pack(text.strip(), limit, ("\n\n", "\n", " "))


def _pack(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    if len(text) <= limit:
        return [text] if text.strip() else []
    if not separators:  # one "word" longer than a whole section: nothing better exists
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    sep, finer = separators[0], separators[1:]
    parts = re.split(r"\n[ \t]*\n+", text) if sep == "\n\n" else text.split(sep)
    chunks: list[str] = []
    current = ""
    for part in parts:
        if sep == "\n\n":
            part = part.strip("\n")
        if not part.strip():
            continue
        for piece in _pack(part, limit, finer) if len(part) > limit else [part]:
            joined = f"{current}{sep}{piece}" if current else piece
            if len(joined) <= limit:
                current = joined
            else:
                chunks.append(current)
                current = piece
    if current:
        chunks.append(current)
    return chunks
