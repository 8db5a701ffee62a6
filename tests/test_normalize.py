"""Normalisation: two ways of typing one question must come out the same."""

import pytest

from bot.nlu.normalize import normalize, stems


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("<@U0123ABC> CIO vs CTO?", "cio vs cto"),
        ("Chief Information Officer versus Chief Tech Officer", "cio vs cto"),
        ("chief technology officers", "cto"),
        ("chief information security officer", "ciso"),
        ("diff b/w cio and cto", "difference between cio and cto"),
        ("cio v cto", "cio vs cto"),
        (
            "see <#C024BE7LR|general> and <https://example.com/x|this page>",
            "see general and this page",
        ),
        ("what's the org's plan :thinking_face:", "what the organization plan"),
        ("who runs IT here", "who runs itdept here"),
        ("organisation prioritise", "organization prioritize"),
        ("CIO's role", "cio role"),
        ("&lt;b&gt; &amp;", "b"),
        ("<!channel> <!here|here> hello", "hello"),
    ],
)
def test_canonical_form(typed: str, canonical: str) -> None:
    assert normalize(typed) == canonical


def test_british_and_american_spellings_stem_alike() -> None:
    assert stems("organisation prioritised") == stems("organization prioritized")


def test_inflections_share_a_stem() -> None:
    assert len(set(stems("outsourcing outsource outsourced"))) == 1


@pytest.mark.parametrize("text", ["", "   ", "\u200b", "🎉🎉🎉", "!!!???", "\x00\x07"])
def test_texts_without_words_normalise_to_nothing(text: str) -> None:
    assert normalize(text) == ""


def test_long_input_is_cut_before_work() -> None:
    assert len(normalize("cio " * 20_000)) <= 2000


def test_sentences_split_at_end_marks_and_lines_and_know_which_ones_ask() -> None:
    from bot.nlu.normalize import sentences

    text = "<@U0BOT0001> We sell software, e.g. a 2.5 release.\nWho owns vendors? thanks!"
    assert sentences(text) == [
        ("We sell software, e.g. a 2.5 release.", False),
        ("Who owns vendors?", True),
        ("thanks!", False),
    ]
    assert sentences("") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "We haul freight. Is a C.T.O. or a C.I.O. better for us?",
            [("We haul freight.", False), ("Is a C.T.O. or a C.I.O. better for us?", True)],
        ),
        (
            "Will is our CTO. Who owns vendors\uff1f",
            [("Will is our CTO.", False), ("Who owns vendors\uff1f", True)],
        ),
        ("Will the CIO own vendors?", [("Will the CIO own vendors?", True)]),
    ],
)
def test_titles_with_dots_names_and_full_width_marks_split_where_a_reader_would(
    text: str, expected: list[tuple[str, bool]]
) -> None:
    from bot.nlu.normalize import sentences

    assert sentences(text) == expected
