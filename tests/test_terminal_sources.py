"""The terminal's Sources list shows people a reference they can use, never a curator's note."""

from __future__ import annotations

from bot.terminal import render
from bot.values.content import Citation, Origin, Response, Source
from bot.values.replies import Answer

HERE = Origin("test", 1)
LINKED = Source(
    "s1",
    "CIO vs CTO",
    "airfocus",
    "glossary entry",
    "https://airfocus.com/glossary/cio-vs-cto/",
    None,
    HERE,
)
UNLINKED = Source(
    "s2",
    "What's the Difference Between a CTO and a CIO?",
    "publisher not stated",
    "explainer article",
    None,
    None,
    HERE,
)


def _answer() -> Answer:
    response = Response(
        id="cio_vs_cto",
        title="CIO vs CTO",
        short="The CIO looks inward; the CTO outward.",
        body="Body.",
        related=(),
        origin=HERE,
        citations=(Citation("s1", "quote one", HERE), Citation("s2", "quote two", HERE)),
    )
    return Answer(response, (LINKED, UNLINKED), (), "cio vs cto", None)


def test_a_source_without_an_address_is_shown_by_its_title_alone() -> None:
    text = render(_answer())
    line = next(line for line in text.splitlines() if line.strip().startswith("[2]"))
    assert (
        line.strip() == "[2] What's the Difference Between a CTO and a CIO? (publisher not stated)"
    )
    assert "address" not in text and "cite by title" not in text


def test_a_source_with_an_address_still_shows_it() -> None:
    text = render(_answer())
    assert "[1] CIO vs CTO (airfocus), https://airfocus.com/glossary/cio-vs-cto/" in text


def test_the_shipped_explainer_source_reads_as_a_reference() -> None:
    from bot.content.load import load_content
    from tests.conftest import REPO

    content, _ = load_content(REPO)
    explainer = next(s for s in content.sources if s.id == "difference_explainer")
    assert explainer.url is None
    assert explainer.publisher == "publisher not stated"


def _six_quotes_two_sources() -> Answer:
    citations = tuple(Citation("s1" if n % 2 == 0 else "s2", f"quote {n}", HERE) for n in range(6))
    response = Response(
        id="cio_vs_cto",
        title="CIO vs CTO",
        short="Short.",
        body="Body.",
        related=(),
        origin=HERE,
        citations=citations,
    )
    sources = tuple(LINKED if n % 2 == 0 else UNLINKED for n in range(6))
    return Answer(response, sources, (), "cio vs cto", None)


def test_each_source_is_one_line_and_the_quotes_are_shown_on_request() -> None:
    from bot.terminal import render_quotes

    text = render(_six_quotes_two_sources())
    listed = [line for line in text.splitlines() if line.strip().startswith("[")]
    assert [line.strip()[:3] for line in listed] == ["[1]", "[2]"]  # six citations, two sources
    assert "quote 0" not in text and "'quotes'" in text
    quotes = render_quotes(_six_quotes_two_sources())
    first, second = quotes.index("[1] CIO vs CTO"), quotes.index("[2] What's")
    assert all(first < quotes.index(f"\u201cquote {n}\u201d") < second for n in (0, 2, 4))
    assert all(second < quotes.index(f"\u201cquote {n}\u201d") for n in (1, 3, 5))


async def test_typing_quotes_in_the_chat_shows_the_last_answers_quotes() -> None:
    import io

    from bot.runtime import build_engine
    from bot.store.memory import MemoryStore
    from bot.terminal import chat

    engine = build_engine(MemoryStore())
    out = io.StringIO()
    await chat(engine, io.StringIO("quotes\nwho owns outsourcing, cio or cto\nquotes\n"), out)
    text = out.getvalue()
    assert text.count("[1] Who's more responsible") == 2  # in Sources, and above its quotes
    assert "\u201cI think it is the CEO or CFO to cut costs\u201d" in text
    assert "no quotes to show" not in text  # 'quotes' before any answer goes to the engine
