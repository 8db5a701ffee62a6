"""Replies as Block Kit: `render(reply) -> {"text": ..., "blocks": [...]}` for chat.postMessage.

The Slack twin of terminal.py: it turns the engine's reply values into messages within Slack's
limits (limits.py fits the text), so nothing the content says can make Slack reject a message;
a message never exceeds 50 blocks. The slack_sdk block models validate
each distinct block once; it is then reused as a plain dict (see the block builders). Anything
a person typed is escaped (escape.py) before it is shown; curated content is trusted mrkdwn
and is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, assert_never

from slack_sdk.models.blocks import (
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack import ids
from bot.slack.escape import escape
from bot.slack.limits import (
    ACTIONS_ELEMENTS_MAX,
    BUTTON_TEXT_MAX,
    CONTEXT_TEXT_MAX,
    FALLBACK_TEXT_MAX,
    HEADER_TEXT_MAX,
    MESSAGE_BLOCKS_MAX,
    SECTION_TEXT_MAX,
    fit,
    split_text,
)
from bot.values.assessment import QuoteRef
from bot.values.content import Source
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


@dataclass(frozen=True)
class RenderOptions:
    """What a reply looks like depends a little on where it goes."""

    escalation: bool = False  # fallbacks offer "Ask the experts" (ROLEBOT_ESCALATION_CHANNEL set)
    share: bool = False  # a private copy (/ask, a DM'd result) offers "Share in channel"
    share_channel: str | None = None  # where a DM'd assessment result is shared
    shared_by: str | None = None  # a public copy shared by this user id: say so, no share button


# -- sources -------------------------------------------------------------------------------------


def _link(source: Source) -> str:
    title = escape(source.title)
    url = source.url or ""
    if url.startswith(("https://", "http://")) and not re.search(r"[\s|<>]", url):
        return f"<{url}|{title}>"
    return title


def _grouped(pairs: list[tuple[str, Source]]) -> list[tuple[Source, list[str]]]:
    """Each source once, in the order first cited, with the quotes taken from it."""
    grouped: dict[str, tuple[Source, list[str]]] = {}
    for quote, source in pairs:
        taken = grouped.setdefault(source.id, (source, []))[1]
        if quote:
            taken.append(quote)
    return list(grouped.values())


def source_lines(pairs: list[tuple[str, Source]], quotes: bool = False) -> list[str]:
    """One line per source (title as its link, publisher); its quotes beneath when `quotes`."""
    lines = []
    for number, (source, taken) in enumerate(_grouped(pairs), 1):
        line = f"{number}. {_link(source)} \u00b7 {escape(source.publisher)}"
        if quotes:
            line += "".join(f"\n      _\u201c{escape(quote)}\u201d_" for quote in taken)
        lines.append(fit(line, CONTEXT_TEXT_MAX))
    return lines


# -- block builders ---------------------------------------------------------------------------
#
# Each block is built and validated by its slack_sdk model once, then kept as a plain dict:
# validation costs about 0.07 ms a block and 0.3 ms for a row of buttons, which was most of a
# reply's CPU under load, and the same answer's blocks are rendered again and again. The cached
# dicts are shared between messages, so nothing may change one after it is returned (nothing
# does: messages are only serialised).

Json = dict[str, Any]


def _new_section(text: str) -> Json:
    return SectionBlock(text=MarkdownTextObject(text=fit(text, SECTION_TEXT_MAX))).to_dict()


# Curated text only: a section that quotes what someone typed is built afresh (`echo`), so
# people's words are not kept in memory after their reply has gone.
_section = lru_cache(maxsize=2048)(_new_section)


@lru_cache(maxsize=1024)
def context_block(text: str) -> Json:
    return ContextBlock(elements=[MarkdownTextObject(text=fit(text, CONTEXT_TEXT_MAX))]).to_dict()


@lru_cache(maxsize=512)
def _header(text: str) -> Json:
    return HeaderBlock(text=fit(" ".join(text.split()), HEADER_TEXT_MAX)).to_dict()


@lru_cache(maxsize=2048)
def _button_without_value(label: str, action_id: str, style: str | None) -> Json:
    return ButtonElement(
        text=fit(" ".join(label.split()), BUTTON_TEXT_MAX), action_id=action_id, style=style
    ).to_dict()


def button(label: str, action_id: str, value: str = "", style: str | None = None) -> Json:
    """A button as ButtonElement builds it. Its value (often the question) is new every time,
    and Slack's only rule for it is its length, which is cut here."""
    built = _button_without_value(label, action_id, style)
    value = value[: ids.BUTTON_VALUE_MAX]
    return {**built, "value": value} if value else built


def _sources_blocks(pairs: list[tuple[str, Source]], quotes: bool = False) -> list[Json]:
    """The Sources block: one compact line per source; the quotes only when `quotes` (a short
    notice), otherwise one click away ("Show quotes", see `quotes`)."""
    if not pairs:
        return []
    lines = ["*Sources*"] + source_lines(pairs, quotes)
    return [context_block(chunk) for chunk in split_text("\n".join(lines), CONTEXT_TEXT_MAX)]


class Buttons:
    """Collects buttons for one message, keeping action ids unique and blocks within limits."""

    def __init__(self) -> None:
        self.rows: list[list[Json]] = []
        self._used: set[str] = set()

    def row(self) -> list[Json]:
        self.rows.append([])
        return self.rows[-1]

    def add(
        self,
        row: list[Json],
        label: str,
        action_id: str,
        value: str = "",
        style: str | None = None,
    ) -> None:
        action_id = action_id[: ids.ACTION_ID_MAX]
        base, n = action_id, 2
        while action_id in self._used:
            suffix = f":{n}"
            action_id = base[: ids.ACTION_ID_MAX - len(suffix)] + suffix
            n += 1
        self._used.add(action_id)
        row.append(button(label, action_id, value, style))

    def has(self, action_id: str) -> bool:
        return action_id in self._used

    def blocks(self) -> list[Json]:
        """Actions blocks of at most 25 buttons each (ActionsBlock's one rule beyond its
        elements, which `button` validated)."""
        out: list[Json] = []
        for row in filter(None, self.rows):
            for start in range(0, len(row), ACTIONS_ELEMENTS_MAX):
                out.append(
                    {"type": "actions", "elements": row[start : start + ACTIONS_ELEMENTS_MAX]}
                )
        return out


def topic_buttons(buttons: Buttons, topics: tuple[Topic, ...]) -> None:
    row = buttons.row()
    for topic in topics:
        if topic.starts_assessment:
            buttons.add(row, topic.title, ids.FLOW_START, style="primary")
        else:
            buttons.add(row, topic.title, f"{ids.SHOW_INTENT}:{topic.intent}", topic.intent)


def flow_controls(buttons: Buttons, can_go_back: bool) -> None:
    row = buttons.row()
    if can_go_back:
        buttons.add(row, "\u2190 Back", ids.FLOW_BACK)
    buttons.add(row, "Restart", ids.FLOW_RESTART)
    buttons.add(row, "Cancel", ids.FLOW_CANCEL)
    buttons.add(row, "Why do you ask?", ids.FLOW_WHY)


def compose(
    text: str, head: list[Json], body: list[str], tail: list[Json], echo: bool = False
) -> Json:
    """Assemble within 50 blocks: the body gives way (shortened at a section) if it must.
    `echo`: the body quotes what someone typed (not cached, see _section)."""
    room = MESSAGE_BLOCKS_MAX - len(head) - len(tail)
    if len(body) > room:
        body = body[: max(room - 1, 0)] + ["_\u2026 (shortened to fit in one Slack message)_"]
    section = _new_section if echo else _section
    blocks = head + [section(piece) for piece in body] + tail
    return {"text": fit(text, FALLBACK_TEXT_MAX), "blocks": blocks[:MESSAGE_BLOCKS_MAX]}


# -- the replies --------------------------------------------------------------------------------


def render(reply: Reply, options: RenderOptions = RenderOptions()) -> dict[str, Any]:
    """A message for chat.postMessage / respond: {"text": fallback, "blocks": [...]}.

    Every kind of reply is named: a new kind fails mypy here instead of rendering as a notice.
    """
    if isinstance(reply, Answer | Notice) and reply.then is not None:
        # the assessment's pending question, asked again beneath the aside
        first = render(replace(reply, then=None), options)
        pending = _flow_question(reply.then)
        room = MESSAGE_BLOCKS_MAX - 1 - len(pending["blocks"])  # the question stays whole
        return {
            "text": fit(f"{first['text']}\n{pending['text']}", FALLBACK_TEXT_MAX),
            "blocks": [*first["blocks"][:room], {"type": "divider"}, *pending["blocks"]],
        }
    match reply:
        case Answer():
            return _answer(reply, options)
        case Clarify():
            return _clarify(reply)
        case Fallback():
            return _fallback(reply, options)
        case FlowQuestion():
            return _flow_question(reply)
        case FlowResult():
            return _flow_result(reply, options)
        case Notice():
            return _notice(reply)
        case _:
            assert_never(reply)


def _shared_by(options: RenderOptions) -> list[Json]:
    if options.shared_by and re.fullmatch(r"[UW][A-Z0-9]+", options.shared_by):
        return [context_block(f"Shared by <@{options.shared_by}>")]
    return []


def _answer(reply: Answer, options: RenderOptions) -> dict[str, Any]:
    response = reply.response
    head: list[Json] = [_header(response.title), _section(f"*{response.short}*")]
    if reply.small_talk:  # said once: the body alone
        head = []
    body = split_text(response.body)
    pairs = [(c.quote, s) for c, s in zip(response.citations, reply.sources, strict=False)]
    tail: list[Json] = _sources_blocks(pairs)
    buttons = Buttons()
    if reply.related:
        topic_buttons(buttons, reply.related)
    if reply.offer_assessment and not buttons.has(ids.FLOW_START):
        buttons.add(buttons.row(), "Start the assessment", ids.FLOW_START, style="primary")
    row = buttons.row()
    if pairs:
        buttons.add(row, "Show quotes", ids.SHOW_QUOTES, ids.pack({"i": response.id}))
    if not options.shared_by:
        packed = ids.pack({"i": response.id, "q": reply.question}, shrink="q")
        buttons.add(row, "\U0001f44d", ids.FEEDBACK_UP, packed)
        buttons.add(row, "\U0001f44e", ids.FEEDBACK_DOWN, packed)
        if reply.match is not None:
            buttons.add(
                row, "Why this answer?", ids.WHY_ANSWER, ids.pack({"q": reply.question}, shrink="q")
            )
        if options.share:
            buttons.add(row, "Share in channel", ids.SHARE, packed, style="primary")
    tail = tail + buttons.blocks() + _shared_by(options)
    return compose(f"{response.title}: {response.short}", head, body, tail)


def _clarify(reply: Clarify) -> dict[str, Any]:
    asked = escape(" ".join(reply.question.split()))
    text = (
        f"I'm not sure which of these you mean by \u201c{fit(asked, 500)}\u201d. Did you mean\u2026"
    )
    buttons = Buttons()
    row = buttons.row()
    for topic in reply.suggestions:
        buttons.add(row, topic.title, f"{ids.SHOW_INTENT}:{topic.intent}", topic.intent)
    buttons.add(row, "None of these", ids.NONE_OF_THESE)
    return compose("Did you mean\u2026?", [], [text], buttons.blocks(), echo=True)


def _fallback(reply: Fallback, options: RenderOptions) -> dict[str, Any]:
    lines = []
    if reply.question.strip():
        asked = escape(" ".join(reply.question.split()))
        lines.append(f"I don't have a curated answer for \u201c{fit(asked, 500)}\u201d.")
    lines.append(reply.text)
    buttons = Buttons()
    if reply.topics:
        topic_buttons(buttons, reply.topics)
    row = buttons.row()
    if not buttons.has(ids.FLOW_START):
        buttons.add(row, "Start the assessment", ids.FLOW_START, style="primary")
    if options.escalation and reply.question.strip():
        buttons.add(
            row, "Ask the experts", ids.ESCALATE, ids.pack({"q": reply.question}, shrink="q")
        )
    return compose(
        "Here is what I can help with.", [], ["\n".join(lines)], buttons.blocks(), echo=True
    )


def _flow_question(reply: FlowQuestion) -> dict[str, Any]:
    question = reply.question
    head: list[Json] = [
        context_block(f"Role-fit assessment \u00b7 Question {reply.number} of {reply.total}")
    ]
    body: list[str] = []
    if reply.notice:
        body += split_text(escape(reply.notice))
    body.append(f"*{question.text}*" + (f"\n{question.help}" if question.help else ""))
    hints = [f"\u2022 *{o.label}*: {o.hint}" for o in question.options if o.hint]
    if hints:
        body += split_text("\n".join(hints))
    tail: list[Json] = []
    if reply.answered:
        so_far = []
        for asked, value in reply.answered:
            option = asked.option(value)
            so_far.append(f"{asked.text} \u2192 *{option.label if option else escape(value)}*")
        tail += [
            context_block(chunk)
            for chunk in split_text("Answered so far:\n" + "\n".join(so_far), CONTEXT_TEXT_MAX)
        ]
    buttons = Buttons()
    row = buttons.row()
    for option in question.options:
        buttons.add(
            row,
            option.label,
            f"{ids.FLOW_ANSWER}:{question.id}:{option.value}",
            f"{question.id}={option.value}",
        )
    flow_controls(buttons, can_go_back=bool(reply.answered))
    tail += buttons.blocks()
    return compose(
        f"Question {reply.number} of {reply.total}: {question.text}",
        head,
        body,
        tail,
        echo=reply.notice is not None,  # "There is no option 7." quotes the person
    )


def _flow_result(reply: FlowResult, options: RenderOptions) -> dict[str, Any]:
    rec = reply.recommendation
    head: list[Json] = [_header(f"Recommendation: {rec.title}")]
    body = split_text(rec.summary)
    if rec.rationale:
        body += split_text("*Why*\n" + "\n".join(f"\u2022 {r.text}" for r in rec.rationale))
    if rec.notes:
        body += split_text("*Worth knowing*\n" + "\n".join(f"\u2022 {n}" for n in rec.notes))
    pairs = [(q.quote, s) for q, s in zip(rec.citations, reply.sources, strict=False)]
    tail = _sources_blocks(pairs)
    buttons = Buttons()
    if reply.related:
        topic_buttons(buttons, reply.related)
    row = buttons.row()
    if pairs:
        buttons.add(row, "Show quotes", ids.SHOW_QUOTES, ids.pack({"a": dict(rec.answers)}))
    if options.shared_by:
        if not buttons.has(ids.FLOW_START):
            buttons.add(row, "Take the assessment", ids.FLOW_START, style="primary")
    else:
        buttons.add(row, "Take it again", ids.FLOW_RESTART)
    if options.share and not options.shared_by:
        value: dict[str, Any] = {"a": dict(rec.answers)}
        if options.share_channel:
            value["c"] = options.share_channel
        buttons.add(row, "Share in channel", ids.SHARE, ids.pack(value), style="primary")
    tail = tail + buttons.blocks() + _shared_by(options)
    return compose(f"Recommendation: {rec.title}. {rec.summary}", head, body, tail)


def _notice(reply: Notice) -> dict[str, Any]:
    body = split_text(reply.text)
    # a notice is short and asked for ("Why do you ask?"): its quotes stay with it
    tail = _sources_blocks(_quote_pairs(reply.citations, reply.sources), quotes=True)
    buttons = Buttons()
    if reply.followups:
        topic_buttons(buttons, reply.followups)
    if reply.flow_active and reply.then is None:  # else the question beneath has them
        flow_controls(buttons, can_go_back=True)
    return compose(reply.text, [], body, tail + buttons.blocks())


def _quote_pairs(
    quotes: tuple[QuoteRef, ...], sources: tuple[Source, ...]
) -> list[tuple[str, Source]]:
    return [(q.quote, s) for q, s in zip(quotes, sources, strict=False)]
