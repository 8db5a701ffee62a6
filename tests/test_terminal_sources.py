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
