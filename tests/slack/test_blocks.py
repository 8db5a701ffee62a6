"""blocks.render within Slack's limits: bodies split at words, labels shortened, none rejected."""

from __future__ import annotations

import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import ButtonElement

from bot.slack import ids
from bot.slack.blocks import RenderOptions, button, render
from bot.slack.escape import escape
from bot.slack.limits import fit, split_text
from bot.values.assessment import Option, Question
from bot.values.content import Citation, Origin, Response, Source
from bot.values.match import Match
from bot.values.replies import Answer, Clarify, Fallback, FlowQuestion, Topic

HERE = Origin("test.yml", 1)
WORDS = (
    "strategy",
    "infrastructure",
    "product",
    "revenue",
    "efficiency",
    "a",
    "the",
    "CIO",
    "CTO",
    "operations",
    "customers",
    "\u2022",
    "*bold*",
    "_lean_",
)


def long_body(paragraphs: int, words_per_paragraph: int) -> str:
    out = []
    for p in range(paragraphs):
        out.append(
            " ".join(
                WORDS[(p * 7 + i) % len(WORDS)] + str(i % 10) for i in range(words_per_paragraph)
            )
        )
    return "\n\n".join(out)


def answer(
    body: str,
    title: str = "CIO vs CTO",
    related: int = 3,
    citations: int = 2,
    question: str = "what does a cio do",
) -> Answer:
    source = Source(
        "s1",
        "Harvard Business Review: the CIO role",
        "HBR",
        "article",
        "https://hbr.org/cio",
        None,
        HERE,
    )
    unlinked = Source("s2", "Internal <notes> & memo", "Acme", "book", None, None, HERE)
    response = Response(
        id="cio_vs_cto",
        title=title,
        short="The CIO looks inward; the CTO looks outward.",
        body=body,
        citations=tuple(
            Citation("s1" if n % 2 == 0 else "s2", f"quote number {n}", HERE)
            for n in range(citations)
        ),
        related=(),
        origin=HERE,
    )
    sources = tuple(source if n % 2 == 0 else unlinked for n in range(citations))
    topics = tuple(Topic(f"intent_{n}", f"Related question number {n}") for n in range(related))
    match = Match(
        text=question,
        outcome="answer",
        intent="cio_vs_cto",
        confidence=0.8,
        suggestions=(),
        evidence="what is a cio",
        evidence_origin=HERE,
        best="cio_vs_cto",
        runner_up="cto_role",
        runner_up_score=0.4,
        reason="because",
    )
    return Answer(response, sources, topics, question, match, offer_assessment=True)


def shown(message: dict) -> str:
    """Everything a person can read in a message (button values are never displayed)."""

    def walk(node: object) -> list[str]:
        if isinstance(node, dict):
            return [t for k, v in node.items() if k != "value" for t in walk(v)]
        if isinstance(node, list):
            return [t for v in node for t in walk(v)]
        return [node] if isinstance(node, str) else []

    return "\n".join(walk(message))


def sections(message: dict) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


def test_long_body_is_split_into_sections_of_at_most_3000_chars_never_mid_word() -> None:
    body = long_body(paragraphs=12, words_per_paragraph=400)
    message = render(answer(body))
    texts = sections(message)[1:]  # the first section is the short answer
    assert len(texts) > 1
    assert all(len(t) <= 3000 for t in texts)
    assert len(message["blocks"]) <= 50
    assert " ".join(texts).split() == body.split()  # every word intact, in order


def test_a_single_huge_paragraph_splits_at_spaces() -> None:
    body = long_body(paragraphs=1, words_per_paragraph=2500)
    texts = sections(render(answer(body)))[1:]
    assert all(len(t) <= 3000 for t in texts)
    assert " ".join(texts).split() == body.split()


def test_an_enormous_body_stays_within_50_blocks() -> None:
    body = long_body(paragraphs=400, words_per_paragraph=300)
    message = render(answer(body, related=30, citations=12))
    assert len(message["blocks"]) <= 50
    assert all(len(t) <= 3000 for t in sections(message))
    assert "shortened" in sections(message)[-1]


def test_answer_has_title_sources_related_feedback_and_why_buttons() -> None:
    message = render(answer("One paragraph.\n\nAnother one."), RenderOptions(share=True))
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds[0] == "header"
    sources = [
        b
        for b in message["blocks"]
        if b["type"] == "context" and "*Sources*" in b["elements"][0]["text"]
    ]
    assert sources, kinds
    text = sources[0]["elements"][0]["text"]
    assert "1. <https://hbr.org/cio|Harvard Business Review: the CIO role> \u00b7 HBR" in text
    assert "2. Internal &lt;notes&gt; &amp; memo \u00b7 Acme" in text  # no url: plain title
    assert "quote number" not in text  # the quotes are one click away, not inline
    action_ids = [
        e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert len(action_ids) == len(set(action_ids))
    for wanted in (
        "show_intent:intent_0",
        ids.FLOW_START,
        ids.FEEDBACK_UP,
        ids.FEEDBACK_DOWN,
        ids.WHY_ANSWER,
        ids.SHARE,
        ids.SHOW_QUOTES,
    ):
        assert wanted in action_ids
    assert message["text"].startswith("CIO vs CTO")


def test_sources_block_has_one_line_per_source_however_often_it_is_cited() -> None:
    message = render(answer("Body.", citations=6))  # s1, s2, s1, s2, s1, s2
    (block,) = [
        b
        for b in message["blocks"]
        if b["type"] == "context" and "*Sources*" in b["elements"][0]["text"]
    ]
    lines = block["elements"][0]["text"].splitlines()
    assert lines == [
        "*Sources*",
        "1. <https://hbr.org/cio|Harvard Business Review: the CIO role> \u00b7 HBR",
        "2. Internal &lt;notes&gt; &amp; memo \u00b7 Acme",
    ]
    (quotes_button,) = [
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.SHOW_QUOTES
    ]
    assert ids.unpack(quotes_button["value"]) == {"i": "cio_vs_cto"}


def test_show_quotes_groups_every_quote_under_its_source_verbatim() -> None:
    from bot.slack.messages import quotes

    reply = answer("Body.", citations=4)
    pairs = [(c.quote, s) for c, s in zip(reply.response.citations, reply.sources)]
    text = "\n".join(sections(quotes("CIO vs CTO", pairs)))
    first, second = text.index("1. <https://hbr.org/cio|"), text.index("2. Internal")
    for n in (0, 2):
        assert first < text.index(f"\u201cquote number {n}\u201d") < second
    for n in (1, 3):
        assert second < text.index(f"\u201cquote number {n}\u201d")


def test_feedback_value_carries_intent_and_question_within_2000_chars() -> None:
    question = "why " * 1500
    message = render(answer("Body.", question=question))
    values = [
        e["value"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.FEEDBACK_UP
    ]
    assert len(values[0]) <= 2000
    data = ids.unpack(values[0])
    assert data["i"] == "cio_vs_cto" and question.startswith(data["q"]) and data["q"]


def test_long_labels_and_titles_are_shortened_at_a_word_with_an_ellipsis() -> None:
    title = "A very long title " * 20
    reply = answer("Body.", title=title)
    reply = Answer(
        reply.response,
        reply.sources,
        (Topic("x", "How should the CIO and the CTO share the budget " * 4),),
        reply.question,
        reply.match,
        True,
    )
    message = render(reply)
    header = message["blocks"][0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("\u2026")
    label = next(
        e["text"]["text"]
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "show_intent:x"
    )
    assert len(label) <= 75 and label.endswith("\u2026")
    assert label[:-1].rstrip() in ("How should the CIO and the CTO share the budget " * 4)


def test_clarify_and_fallback_escape_the_question() -> None:
    match = Match(
        text="<!channel> hi",
        outcome="clarify",
        intent=None,
        confidence=0.4,
        suggestions=("a", "b"),
        evidence=None,
        evidence_origin=None,
        best=None,
        runner_up=None,
        runner_up_score=0.0,
        reason="",
    )
    clarify = render(Clarify("<!channel> & <@U123> hi", (Topic("a", "A"), Topic("b", "B")), match))
    fallback = render(
        Fallback("<!here> <#C1> ping", (Topic("a", "A"),), None, "I can help with A."),
        RenderOptions(escalation=True),
    )
    for message in (clarify, fallback):
        raw = shown(message)
        assert "<!channel>" not in raw and "<!here>" not in raw and "<@U123>" not in raw
        assert "<#C1>" not in raw
    assert "&lt;!channel&gt; &amp; &lt;@U123&gt; hi" in shown(clarify)
    action_ids = [
        e["action_id"] for b in clarify["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert action_ids == ["show_intent:a", "show_intent:b", ids.NONE_OF_THESE]
    fallback_ids = [
        e["action_id"] for b in fallback["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert ids.ESCALATE in fallback_ids and ids.FLOW_START in fallback_ids


def test_flow_question_has_one_button_per_option_and_the_controls() -> None:
    size = Question(
        "size",
        "How many people work there?",
        (Option("small", "Under 50"), Option("large", "50 or more", "incl. contractors")),
        why="Size decides whether one person can do both.",
    )
    earlier = Question(
        "tech_role",
        "Do you sell technology?",
        (Option("creator", "We sell technology"), Option("consumer", "We use it")),
        why="",
    )
    message = render(FlowQuestion(size, 2, 6, ((earlier, "creator"),), notice="Going back."))
    raw = json.dumps(message)
    assert "Question 2 of 6" in raw and "We sell technology" in raw and "Going back." in raw
    buttons = {
        e["action_id"]: e.get("value")
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }
    assert buttons["flow_answer:size:small"] == "size=small"
    assert buttons["flow_answer:size:large"] == "size=large"
    assert {ids.FLOW_BACK, ids.FLOW_RESTART, ids.FLOW_CANCEL, ids.FLOW_WHY} <= set(buttons)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12000))
def test_any_text_splits_within_the_limit_and_keeps_every_word(text: str) -> None:
    pieces = split_text(text, 3000)
    assert all(0 < len(p) <= 3000 for p in pieces)
    assert " ".join(pieces).split() == text.split() or any(len(w) > 3000 for w in text.split())


@given(st.text(max_size=400), st.integers(min_value=2, max_value=200))
def test_fit_never_exceeds_the_limit(text: str, limit: int) -> None:
    shortened = fit(text, limit)
    assert len(shortened) <= limit
    if len(text) <= limit:
        assert shortened == text


@given(st.text(max_size=300))
def test_escaped_text_cannot_contain_slack_markup(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert not re.search(r"&(?!amp;|lt;|gt;)", escaped)


@settings(max_examples=200)
@given(
    label=st.text(min_size=1, max_size=120).filter(str.strip),
    action_id=st.from_regex(r"[a-z_:]{1,40}", fullmatch=True),
    value=st.text(max_size=2100),
    style=st.sampled_from([None, "primary", "danger"]),
)
def test_a_button_is_exactly_what_slack_sdk_builds_with_the_value_cut_to_2000(
    label: str, action_id: str, value: str, style: str | None
) -> None:
    built = button(label, action_id, value, style)
    expected = ButtonElement(
        text=fit(" ".join(label.split()), 75),
        action_id=action_id,
        value=value[:2000] or None,
        style=style,
    ).to_dict()
    assert built == expected


def test_what_someone_typed_is_not_kept_in_the_block_cache() -> None:
    from bot.slack.blocks import _section

    _section.cache_clear()
    question = "zebra crossing budget for the cio?"
    render(Fallback(question, (), None, "I can help with A."))  # type: ignore[arg-type]
    render(Clarify(question, (Topic("cio_role", "What does a CIO do?"),), None))  # type: ignore[arg-type]
    assert _section.cache_info().currsize == 0
