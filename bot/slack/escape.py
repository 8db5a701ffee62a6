"""Making text safe to echo into Slack mrkdwn: the one place user text is neutralised.

Slack reads `<...>` as a link, a mention (`<@U123>`), a channel (`<#C123>`) or a broadcast
(`<!channel>`, `<!here>`, `<!everyone>`), and `&` starts an entity. Escaping `&`, `<` and `>`
turns all of these into plain text, so nothing a person typed can ping anyone when the bot
repeats it. Every place that echoes input (clarify, fallback, escalation, "why this answer?",
flow answers) goes through `escape`; curated content is trusted and is not escaped.
"""

from __future__ import annotations


def escape(text: str) -> str:
    """Escape &, < and > (in that order, so entities are not escaped twice)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
