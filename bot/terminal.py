"""Replies as terminal text, and the interactive chat loop (`rolebot chat`).

The Slack renderer's twin: same reply values, plain text instead of Block Kit. Slack mrkdwn
in bodies (*bold*, _italic_, <url|label>) is turned into readable plain text.
"""

from __future__ import annotations

import re
import sys
import textwrap
from typing import TextIO

from bot.dialogue.engine import Engine
from bot.values.content import Source
from bot.values.conversation import ConversationKey
from bot.values.replies import (
    Answer,
    Clarify,
    Fallback,
    FlowQuestion,
    FlowResult,
    Notice,
    Reply,
    Topic,
)
from bot.values.turn import Action, Turn

_LINK = re.compile(r"<(https?://[^>|]+)\|([^>]+)>")
WIDTH = 88


def plain(mrkdwn: str) -> str:
    text = _LINK.sub(r"\2 (\1)", mrkdwn)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _wrap(text: str, indent: str = "") -> str:
    lines = []
    for line in plain(text).splitlines():
        if not line.strip():
            lines.append("")
            continue
        lead = re.match(r"\s*(?:[•\-*]|\d+\.)\s+", line)
        hang = " " * len(lead.group(0)) if lead else ""
        lines.append(
            textwrap.fill(line, WIDTH, initial_indent=indent, subsequent_indent=indent + hang) or ""
        )
    return "\n".join(lines)


def _topics(topics: tuple[Topic, ...], heading: str) -> list[str]:
    if not topics:
        return []
    return ["", heading] + [f"  {n}. {t.title}" for n, t in enumerate(topics, 1)]


def _grouped(quotes: list[str], sources: tuple[Source, ...]) -> list[tuple[Source, list[str]]]:
    """Each source once, in the order first cited, with the quotes taken from it."""
    grouped: dict[str, tuple[Source, list[str]]] = {}
    for quote, source in zip(quotes, sources):
        grouped.setdefault(source.id, (source, []))[1].append(quote)
    return list(grouped.values())


def _source_line(n: int, source: Source) -> str:
    """One line, never wrapped: a link broken across lines cannot be opened or copied."""
    where = f", {source.url}" if source.url else ""  # no known address: the title alone
    return plain(f"  [{n}] {source.title} ({source.publisher}){where}")


def _sources(quotes: list[str], sources: tuple[Source, ...], hint: str) -> list[str]:
    """Numbered sources, each once and on one line; the quotes are shown on request."""
    if not quotes:
        return []
    out = ["", "Sources:"]
    out += [_source_line(n, source) for n, (source, _) in enumerate(_grouped(quotes, sources), 1)]
    return out + ([f"  ({hint})"] if hint else [])


def _cited(reply: Reply) -> tuple[list[str], tuple[Source, ...]]:
    if isinstance(reply, Answer):
        return [c.quote for c in reply.response.citations], reply.sources
    if isinstance(reply, FlowResult):
        return [q.quote for q in reply.recommendation.citations], reply.sources
    return [], ()


def render_quotes(reply: Reply) -> str:
    """The quotes behind an answer or a result, under the same numbered sources."""
    quotes, sources = _cited(reply)
    if not quotes:
        return "There are no quotes to show: ask a question first."
    out = ["Quotes:"]
    for n, (source, taken) in enumerate(_grouped(quotes, sources), 1):
        out.append(_source_line(n, source))
        out += [_wrap(f"\u201c{quote}\u201d", "      ") for quote in taken]
    return "\n".join(out)


CHAT_QUOTES_HINT = "type 'quotes' to read what each source says"
QUOTES_COMMANDS = {"quotes", "show quotes", "quote"}


def render(reply: Reply, quotes_hint: str = CHAT_QUOTES_HINT) -> str:
    """The reply as text; `quotes_hint` says how to see the quotes behind it (render_quotes)."""
    out: list[str] = []
    if isinstance(reply, Answer):
        r = reply.response
        out += [r.title, "\u2500" * min(len(r.title), WIDTH), _wrap(r.short), "", _wrap(r.body)]
        out += _sources([c.quote for c in r.citations], reply.sources, quotes_hint)
        out += _topics(reply.related, "Related (type the title, or ask anything):")
        if reply.offer_assessment:
            out += ["", "Type 'start assessment' for the six-question CIO-or-CTO assessment."]
    elif isinstance(reply, Clarify):
        out.append("I'm not sure which of these you mean:")
        out += [f"  {n}. {t.title}" for n, t in enumerate(reply.suggestions, 1)]
        out.append("Type a number to pick one, or rephrase your question.")
    elif isinstance(reply, Fallback):
        out.append(_wrap(reply.text))
        out += _topics(reply.topics, "Topics:")
        out += ["", "Type 'help' for everything I know, or 'start assessment'."]
    elif isinstance(reply, FlowQuestion):
        if reply.notice:
            out += [_wrap(reply.notice), ""]
        q = reply.question
        out.append(f"Question {reply.number} of {reply.total}: {q.text}")
        if q.help:
            out.append(_wrap(q.help, "  "))
        for n, option in enumerate(q.options, 1):
            hint = f" ({option.hint})" if option.hint else ""
            out.append(f"  {n}. {option.label}{hint}")
        out.append(
            "Answer with a number or in your own words; 'back', 'restart', 'cancel', 'why?'."
        )
    elif isinstance(reply, FlowResult):
        rec = reply.recommendation
        heading = f"Recommendation: {rec.title}"
        out += [heading, "\u2500" * min(len(heading), WIDTH), _wrap(rec.summary), "", "Why:"]
        out += [_wrap(f"• {reason.text}", "  ") for reason in rec.rationale]
        if rec.notes:
            out += ["", "Notes:"] + [_wrap(f"• {note}", "  ") for note in rec.notes]
        out += _sources([q.quote for q in rec.citations], reply.sources, quotes_hint)
        out += _topics(reply.related, "Next:")
    elif isinstance(reply, Notice):
        out.append(_wrap(reply.text))
        for n, (quote, source) in enumerate(zip(reply.citations, reply.sources), 1):
            out.append(_wrap(f"[{n}] {source.title}: \u201c{quote.quote}\u201d", "  "))
        out += _topics(reply.followups, "You can:")
    return "\n".join(out)


def _topic_action(text: str, offered: tuple[Topic, ...]) -> Action | None:
    """In the terminal, a number or a title picks one of the topics just offered."""
    stripped = text.strip()
    for n, topic in enumerate(offered, 1):
        if stripped == str(n) or stripped.casefold() == topic.title.casefold():
            return Action("show_intent", topic.intent)
    return None


async def chat(engine: Engine, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    """The terminal conversation: same engine, same state handling as Slack."""
    key = ConversationKey("local", "terminal", "you")
    print("rolebot: ask me about CIOs and CTOs ('quit' or Ctrl-D to leave).", file=stdout)
    offered: tuple[Topic, ...] = ()
    last: Reply = Notice("info", "")  # the last answer or result, for 'quotes'
    while True:
        print("\nyou> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in {"quit", "exit"}:
            print("", file=stdout)
            return 0
        if not line.strip():
            continue
        if line.strip().casefold() in QUOTES_COMMANDS and _cited(last)[0]:
            print(render_quotes(last), file=stdout, flush=True)
            continue
        # Numbers after a "did you mean" or a flow question go to the engine as text, which
        # knows what they pick; after an answer or a fallback they pick a topic shown here.
        reply = await engine.handle(Turn(key, line.strip(), _topic_action(line, offered)))
        offered = _offered(reply)
        if _cited(reply)[0]:
            last = reply
        print(render(reply), file=stdout, flush=True)


def _offered(reply: Reply) -> tuple[Topic, ...]:
    """Topics the terminal numbered in this reply, so a number or title picks one next turn."""
    if isinstance(reply, Answer | FlowResult):
        return reply.related
    if isinstance(reply, Fallback):
        return reply.topics
    if isinstance(reply, Notice):
        return reply.followups
    return ()
