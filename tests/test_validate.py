"""`rolebot validate`: every problem a curator can make, reported at its file:line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.content.validate import check_quotes
from bot.nlu.lint import lint, load_validated
from tests.conftest import WriteTree

SOURCES = """
sources:
  - id: fortium
    title: One simple question
    publisher: Fortium Partners
    kind: advisory article
    url: https://example.com/fortium
    file: fortium.txt
"""


def examples(prefix: str, n: int = 12) -> str:
    return "\n".join(
        f"  - {prefix} question number {word}"
        for word in [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
        ][:n]
    )


def intent(intent_id: str, prefix: str, n: int = 12) -> str:
    return f"id: {intent_id}\ndescription: about {prefix}\nkeywords: [{prefix}]\nexamples:\n{examples(prefix, n)}\n"


def response(intent_id: str, extra: str = "") -> str:
    return (
        f"id: {intent_id}\ntitle: Title\nshort: Short answer.\n"
        "body:\n  - {text: Body text., cites: [1]}\n"
        f'citations:\n  - source: fortium\n    quote: "technology consumer"\n{extra}'
    )


def good_tree(write_tree: WriteTree, **override: str) -> Path:
    files = {
        "responses/sources.yml": SOURCES,
        "intents/alpha.yml": intent("alpha", "alpha"),
        "intents/beta.yml": intent("beta", "beta"),
        "responses/alpha.yml": response("alpha"),
        "responses/beta.yml": response("beta"),
    }
    files.update(override)
    return write_tree(files)


def messages(root: Path) -> list[str]:
    _, problems = load_validated(root, today=dt.date(2026, 1, 1))
    return [str(p) for p in problems]


def test_valid_content_has_no_problems(write_tree: WriteTree) -> None:
    assert messages(good_tree(write_tree)) == []


def test_bad_yaml_is_reported_at_its_line(write_tree: WriteTree) -> None:
    root = good_tree(write_tree, **{"intents/beta.yml": "id: beta\nexamples: [a,\n"})
    assert any(m.startswith("intents/beta.yml:3: invalid YAML") for m in messages(root))


def test_unknown_field_names_the_field_and_line(write_tree: WriteTree) -> None:
    root = good_tree(write_tree, **{"intents/beta.yml": intent("beta", "beta") + "synonyms: [x]\n"})
    assert (
        "intents/beta.yml:17: unknown field 'synonyms' in intent (allowed: id, description, examples, keywords, kind, asked)"
        in messages(root)
    )


def test_missing_field(write_tree: WriteTree) -> None:
    root = good_tree(write_tree, **{"responses/beta.yml": "id: beta\ntitle: T\nbody: b\n"})
    assert "responses/beta.yml:1: response is missing required field 'short'" in messages(root)


def test_duplicate_ids_point_at_both_places(write_tree: WriteTree) -> None:
    root = good_tree(write_tree, **{"intents/gamma.yml": intent("alpha", "gamma")})
    assert (
        "intents/gamma.yml:1: duplicate intent id 'alpha' (first at intents/alpha.yml:1)"
        in messages(root)
    )


def test_intent_without_response_and_response_without_intent(write_tree: WriteTree) -> None:
    root = good_tree(
        write_tree,
        **{"intents/gamma.yml": intent("gamma", "gamma"), "responses/delta.yml": response("delta")},
    )
    found = messages(root)
    assert "intents/gamma.yml:1: intent 'gamma' has no response in responses/" in found
    assert "responses/delta.yml:1: response 'delta' has no intent in intents/" in found


def test_unknown_source_id_lists_the_known_ones(write_tree: WriteTree) -> None:
    root = good_tree(
        write_tree,
        **{"responses/beta.yml": response("beta").replace("source: fortium", "source: gartner")},
    )
    assert "responses/beta.yml:7: unknown source id 'gartner' (known: fortium)" in messages(root)


def test_empty_quote(write_tree: WriteTree) -> None:
    root = good_tree(
        write_tree,
        **{"responses/beta.yml": response("beta").replace('"technology consumer"', '""')},
    )
    assert "responses/beta.yml:8: citation quote is empty" in messages(root)


def test_citations_that_are_not_a_list_are_reported_not_a_traceback(write_tree: WriteTree) -> None:
    text = "id: beta\ntitle: Title\nshort: Short answer.\nbody: b\ncitations: see the sources\n"
    found = messages(good_tree(write_tree, **{"responses/beta.yml": text}))
    assert "responses/beta.yml:5: 'citations' must be a list" in found


def test_same_example_in_two_intents_is_an_error_with_both_places(write_tree: WriteTree) -> None:
    clash = intent("beta", "beta").replace(
        "beta question number one", "Alpha question, number ONE!"
    )
    found = messages(good_tree(write_tree, **{"intents/beta.yml": clash}))
    assert (
        "intents/beta.yml:5: example 'alpha question number one' also appears in intent 'alpha' "
        "at intents/alpha.yml:5"
    ) in found


def test_near_duplicate_across_intents_is_a_warning(write_tree: WriteTree) -> None:
    near = intent("beta", "beta").replace("beta question number two", "alpha question numbers one")
    found = messages(good_tree(write_tree, **{"intents/beta.yml": near}))
    assert any(
        m.startswith(
            "intents/beta.yml:6: warning: example 'alpha question numbers one' (beta) is nearly"
        )
        and "intents/alpha.yml:5" in m
        for m in found
    )


def test_text_over_slacks_section_limit(write_tree: WriteTree) -> None:
    long_body = "id: beta\ntitle: T\nshort: S.\nbody: |\n  " + "word " * 700 + "\n"
    root = good_tree(write_tree, **{"responses/beta.yml": long_body})
    assert (
        "responses/beta.yml:1: body paragraph 1 is 3499 characters; a Slack section holds 3000"
        in messages(root)
    )


def test_too_few_examples(write_tree: WriteTree) -> None:
    root = good_tree(write_tree, **{"intents/beta.yml": intent("beta", "beta", n=5)})
    assert "intents/beta.yml:1: intent 'beta' has 5 examples; at least 12 are needed" in messages(
        root
    )


def test_passed_review_date_is_a_warning(write_tree: WriteTree) -> None:
    root = good_tree(
        write_tree,
        **{"responses/beta.yml": response("beta", "owner: ana\nreview_by: 2025-06-01\n")},
    )
    assert (
        "responses/beta.yml:1: warning: review date 2025-06-01 has passed (owner: ana)"
        in messages(root)
    )


def test_quote_missing_from_its_source(write_tree: WriteTree, tmp_path: Path) -> None:
    root = good_tree(
        write_tree,
        **{"responses/beta.yml": response("beta").replace("technology consumer", "made up words")},
    )
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "fortium.txt").write_text("You are a Technology   Consumer, and need a CIO.")
    content, _ = load_validated(root)
    found = [str(p) for p in check_quotes(content, seeds)]
    assert found == [
        "responses/beta.yml:7: quote not found in source 'fortium': \"made up words...\""
    ]


def test_lint_names_an_example_that_matches_another_intent(write_tree: WriteTree) -> None:
    stray = intent("beta", "beta").replace(
        "beta question number three", "alpha question number seven again"
    )
    content, _ = load_validated(good_tree(write_tree, **{"intents/beta.yml": stray}))
    found = [str(p) for p in lint(content)]
    assert any(
        m.startswith("intents/beta.yml:7: warning: example of 'beta' matches 'alpha' best")
        for m in found
    ), found


# -- domain.yml -------------------------------------------------------------------------------


def test_a_missing_domain_file_is_reported(write_tree: WriteTree) -> None:
    root = good_tree(write_tree)
    (root / "domain.yml").unlink()
    assert "domain.yml:0: missing content file 'domain.yml'" in messages(root)


def test_an_intent_domain_yml_names_must_exist(write_tree: WriteTree) -> None:
    domain = (
        "help_intent: alpha\nfallback:\n  text: Ask me about alpha.\n  topics: [alpha, gamma]\n"
    )
    root = good_tree(write_tree, **{"domain.yml": domain})
    assert messages(root) == [
        "domain.yml:4: fallback.topics names intent 'gamma', which does not exist"
    ]


def test_a_role_holder_pattern_that_does_not_compile_is_reported(write_tree: WriteTree) -> None:
    domain = "fallback:\n  text: Ask me.\nroles: [cio]\nrole_holder: '^who is {role}('\n"
    root = good_tree(write_tree, **{"domain.yml": domain})
    (message,) = messages(root)
    assert message.startswith("domain.yml:4: role_holder is not a valid pattern")


def test_domain_yml_without_fallback_wording_is_refused(write_tree: WriteTree) -> None:
    root = good_tree(write_tree, **{"domain.yml": "help_intent: alpha\n"})
    assert "domain.yml:1: domain.yml is missing required field 'fallback'" in messages(root)


def test_a_broken_out_of_scope_list_is_reported_at_its_line(write_tree: WriteTree) -> None:
    root = write_tree(
        {
            "intents/a.yml": intent("a", "alpha"),
            "responses/a.yml": response("a"),
            "responses/sources.yml": SOURCES,
            "out_of_scope.yml": (
                "description: not ours\nexamples:\n  - what is a tech stack\n  - ''\n"
                "other_roles: cmo\nnotes: x\n"
            ),
        }
    )
    _, problems = load_validated(root)
    shown = [str(p) for p in problems]
    assert "out_of_scope.yml:4: 'examples' item must be non-empty text" in shown
    assert any(s.startswith("out_of_scope.yml:5:") and "list" in s for s in shown)
    assert any(s.startswith("out_of_scope.yml:6:") and "notes" in s for s in shown)


# -- claims tied to evidence (issue 11) ---------------------------------------------------------


def claims(*items: str) -> str:
    """A response whose body is `items` (YAML flow mappings), citing fortium twice and the
    forum once: citations 1 and 2 are fortium, 3 the forum."""
    body = "".join(f"  - {item}\n" for item in items)
    return (
        "id: beta\ntitle: Title\nshort: Short answer.\nbody:\n"
        + body
        + "citations:\n"
        + '  - source: fortium\n    quote: "technology consumer"\n'
        + '  - source: fortium\n    quote: "technology creator"\n'
        + '  - source: forum\n    quote: "the CIO owns it"\n'
    )


WITH_FORUM = (
    SOURCES
    + """  - id: forum
    title: A peer discussion
    publisher: Gartner Peer Community
    kind: peer discussion
    url: https://example.com/forum
    file: forum.txt
"""
)


def beta(write_tree: WriteTree, *items: str) -> list[str]:
    files = {"responses/beta.yml": claims(*items), "responses/sources.yml": WITH_FORUM}
    return messages(good_tree(write_tree, **files))


def test_claims_that_name_their_citations_are_valid(write_tree: WriteTree) -> None:
    assert (
        beta(
            write_tree,
            "{text: Fortium sorts organisations., cites: [1, 2]}",
            "{text: • a CIO in finance writes that the CIO owns it., cites: [3]}",
            "{text: Both sources put it with the CIO., cites: [1, 3]}",
        )
        == []
    )


def test_a_claim_that_names_no_citation_is_refused_at_its_line(write_tree: WriteTree) -> None:
    found = beta(
        write_tree, "{text: Fortium sorts organisations., cites: [1]}", "{text: Unbacked.}"
    )
    assert (
        "responses/beta.yml:6: this claim names no citation: add cites: [n], the numbers (from 1)"
        " of the citations below that say it" in found
    )


def test_a_citation_number_the_answer_does_not_have(write_tree: WriteTree) -> None:
    found = beta(write_tree, "{text: Fortium sorts organisations., cites: [1, 4]}")
    assert "responses/beta.yml:5: cites 4: this answer has 3 citation(s), numbered 1 to 3" in found


def test_a_plain_text_body_is_refused_in_an_answer_that_cites(write_tree: WriteTree) -> None:
    text = claims("{text: x, cites: [1]}").replace(
        "body:\n  - {text: x, cites: [1]}\n", "body: b\n"
    )
    files = {"responses/beta.yml": text, "responses/sources.yml": WITH_FORUM}
    found = messages(good_tree(write_tree, **files))
    assert any(
        m.startswith("responses/beta.yml:1: an answer that cites sources gives its body as a list")
        for m in found
    )


def test_the_sources_on_one_source_is_refused(write_tree: WriteTree) -> None:
    for text, named in (
        ("The sources say it is the CIO.", "The sources"),
        ("Sources agree it is the CIO.", "Sources agree"),
        ("Most sources put it with the CIO.", "Most sources"),
        ("All our sources put it with the CIO.", "All our sources"),
    ):
        found = beta(write_tree, f"{{text: {text}, cites: [1, 2]}}")  # two quotes, one source
        assert (
            f"responses/beta.yml:5: \u201c{named}\u201d, but this claim rests on one source"
            " (fortium): name it, or cite the others that say it" in found
        ), (text, found)


def test_a_claim_on_forum_comments_alone_must_say_whose_view(write_tree: WriteTree) -> None:
    found = beta(write_tree, "{text: The CIO owns outsourcing., cites: [3]}")
    assert (
        "responses/beta.yml:5: this claim rests only on a peer discussion: say whose view it is"
        " in its own text (\u201ca CIO in finance writes\u201d, \u201cone practitioner says\u201d)"
        in found
    )
    for attributed in (
        "One practitioner says the CIO owns outsourcing.",
        "A CIO in finance (non-banking) thinks the CIO owns it.",
        "A commenter writes that the CIO owns it.",
    ):
        assert beta(write_tree, f"{{text: {attributed}, cites: [3]}}") == [], attributed
    # the same words with a non-forum source beside them need no attribution
    assert beta(write_tree, "{text: The CIO owns outsourcing., cites: [1, 3]}") == []


def test_content_is_read_again_when_a_file_changes_and_only_then(write_tree: WriteTree) -> None:
    from bot.content.load import load_content

    root = good_tree(write_tree)
    first, _ = load_content(root)
    assert load_content(root)[0] is first  # the same files: parsed once per process
    path = root / "intents" / "beta.yml"
    path.write_text(path.read_text(encoding="utf-8") + '  - "a brand new beta phrasing"\n')
    changed, _ = load_content(root)
    assert changed is not first
    beta = changed.intent("beta")
    assert beta is not None and beta.examples[-1].text == "a brand new beta phrasing"
