"""Loading assessment/rolefit.yml: every mistake a curator can make is reported at file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content.problems import Problem
from bot.content.sources import check_quotes, default_sources_path, load_sources
from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import RoleFit

SHIPPED = default_rolefit_path().read_text(encoding="utf-8")


def verify_quotes(
    rolefit: RoleFit, sources_dir: Path, sources_file: Path | None = None
) -> list[Problem]:
    """The assessment's quotes against the sources' text, checked the way `rolebot validate` does."""
    sources, _ = load_sources(sources_file or default_sources_path(), "responses/sources.yml")
    return check_quotes(rolefit.citations, sources, sources_dir)


SOURCE_IDS = {
    "gartner_outsourcing",
    "fortium",
    "difference_explainer",
    "airfocus",
    "gartner_breakdown",
}
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SMALL_CTO_QUOTE = (
    "        quote: When a company is small, the CTO may do all the work that falls "
    "into both roles.\n"
)


def edited(tmp_path: Path, old: str, new: str, at: str | None = None) -> tuple[Path, int]:
    """The shipped file with one edit, saved in tmp_path, and the line where `at` (or `new`) is."""
    assert old in SHIPPED, f"the shipped file no longer contains {old!r}"
    text = SHIPPED.replace(old, new, 1)
    path = tmp_path / "rolefit.yml"
    path.write_text(text, encoding="utf-8")
    marker = at if at is not None else new
    return path, text[: text.index(marker)].count("\n") + 1


def line_of(text: str) -> int:
    return SHIPPED[: SHIPPED.index(text)].count("\n") + 1


def problems_for(path: Path) -> list[Problem]:
    rolefit, problems = load_rolefit(path, SOURCE_IDS)
    assert rolefit is None, "an assessment with errors must not load"
    return problems


def assert_reported(problems: list[Problem], path: Path, line: int, words: str) -> None:
    wanted = f"{path}:{line}: "
    assert any(str(p).startswith(wanted) and words in p.message for p in problems), (
        f"expected {wanted}...{words}; got:\n" + "\n".join(map(str, problems))
    )


def test_the_shipped_assessment_loads_without_problems() -> None:
    rolefit, problems = load_rolefit(default_rolefit_path())
    assert problems == []
    assert rolefit is not None
    assert [q.id for q in rolefit.questions] == [
        "tech_role",
        "size",
        "priority",
        "compliance",
        "industry",
        "current_leader",
    ]
    assert rolefit.file == "assessment/rolefit.yml"


def test_invalid_yaml_is_reported_at_its_line(tmp_path: Path) -> None:
    path, line = edited(
        tmp_path,
        "    text: How big is your organisation?\n",
        "    text: How big is your organisation?\n      oops: here\n",
        at="      oops",
    )
    problems = problems_for(path)
    assert_reported(problems, path, line, "invalid YAML")


def test_a_duplicate_key_is_reported(tmp_path: Path) -> None:
    path, line = edited(
        tmp_path, "  - id: size\n", "  - id: size\n    id: size\n", at="    id: size"
    )
    assert_reported(problems_for(path), path, line, "duplicate key 'id'")


def test_an_empty_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "rolefit.yml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert_reported(problems_for(path), path, 1, "file is empty")


def test_an_unknown_field_is_reported_with_the_allowed_ones(tmp_path: Path) -> None:
    path, line = edited(
        tmp_path, "  - id: size\n", "  - id: size\n    colour: blue\n", at="    colour"
    )
    assert_reported(
        problems_for(path), path, line, "unknown field 'colour' in question (allowed: id,"
    )


def test_a_missing_field_is_reported_at_its_item(tmp_path: Path) -> None:
    when = (
        "    when: {size: small, tech_role: creator, priority: build_products, compliance: low}\n"
    )
    path, _ = edited(tmp_path, when + "    recommend: cto\n", when)
    line = line_of("  - id: small_creator_building")
    assert_reported(problems_for(path), path, line, "rule is missing required field 'recommend'")


def test_a_question_id_must_be_one_of_the_fixed_ones(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "  - id: size\n", "  - id: headcount\n")
    problems = problems_for(path)
    assert_reported(problems, path, line, "unknown question id 'headcount'")
    assert_reported(problems, path, line_of("questions:"), "question 'size' is missing")


def test_an_option_value_must_be_one_of_the_fixed_ones(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "      - value: midsize\n", "      - value: medium\n")
    problems = problems_for(path)
    assert_reported(
        problems, path, line, "unknown option 'medium' for size (allowed: small, midsize, large)"
    )
    assert any("size is missing option 'midsize'" in p.message for p in problems)


def test_a_rule_naming_an_unknown_question_is_reported(tmp_path: Path) -> None:
    old = "    when: {size: small, tech_role: creator, priority: build_products, compliance: low}"
    path, line = edited(tmp_path, old, old.replace("compliance:", "regulation:"))
    assert_reported(problems_for(path), path, line, "'when' names unknown question 'regulation'")


def test_a_rule_naming_an_unknown_value_lists_the_allowed_ones(tmp_path: Path) -> None:
    old = "    when: {size: small, tech_role: creator, priority: build_products, compliance: low}"
    path, line = edited(tmp_path, old, old.replace("size: small", "size: tiny"))
    assert_reported(
        problems_for(path),
        path,
        line,
        "unknown value for size 'tiny' (allowed: small, midsize, large)",
    )


def test_a_rule_with_an_unknown_recommendation_kind_is_reported(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    recommend: cto\n", "    recommend: cxo\n")
    assert_reported(problems_for(path), path, line, "unknown recommendation kind 'cxo'")


def test_a_rule_recommending_both_for_small_organisations_is_refused(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    recommend: cto\n", "    recommend: both\n")
    assert_reported(
        problems_for(path),
        path,
        line,
        "recommends both roles for a small organisation: the sources favour one technical "
        "decision maker there (recommend another kind)",
    )


def test_a_never_rule_curators_add_is_enforced_on_every_rule(tmp_path: Path) -> None:
    never = (
        "never:\n"
        "  - id: no_cio_for_builders\n"
        "    when: {tech_role: creator, priority: build_products}\n"
        "    recommend: [cio, cio_first]\n"
        "    says: a CIO first to a company building its product\n"
        "    because: a test says so\n"
    )
    path, _ = edited(tmp_path, "never:\n", never + "  # the shipped ones follow\n", at="never:")
    problems = problems_for(path)
    assert any(
        "recommends a CIO first to a company building its product" in p.message for p in problems
    )


def test_a_never_rule_naming_an_unknown_kind_is_reported(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "    recommend: [both]\n", "    recommend: [cxo]\n")
    assert_reported(problems_for(path), path, line, "unknown recommendation kind 'cxo'")


def test_a_missing_catch_all_rule_is_reported(tmp_path: Path) -> None:
    start = SHIPPED.index("  # -- catch-all")
    end = SHIPPED.index("\nnotes:")
    path, _ = edited(tmp_path, SHIPPED[start:end], "")
    assert_reported(problems_for(path), path, line_of("rules:"), "no catch-all rule")


def test_a_rule_after_the_catch_all_is_reported_as_unreachable(tmp_path: Path) -> None:
    extra = (
        "  - id: too_late\n    recommend: cio\n    summary: Never reached.\n"
        "    rationale: [tech_role, priority]\n\n"
    )
    path, line = edited(tmp_path, "\nnotes:\n", "\n" + extra + "notes:\n", at="  - id: too_late")
    assert_reported(problems_for(path), path, line, "rule 'too_late' can never match")


def test_an_unknown_source_id_is_reported_with_the_known_ones(tmp_path: Path) -> None:
    path, line = edited(tmp_path, "      - source: fortium\n", "      - source: forbes\n")
    assert_reported(problems_for(path), path, line, "unknown source id 'forbes' (known: airfocus,")


def test_source_ids_come_from_the_sources_file(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yml"
    sources.write_text(
        "sources:\n  - id: fortium\n    title: t\n    publisher: p\n    kind: k\n    url: null\n",
        encoding="utf-8",
    )
    path = tmp_path / "rolefit.yml"
    path.write_text(SHIPPED, encoding="utf-8")
    rolefit, problems = load_rolefit(path, sources)
    assert rolefit is None
    assert_reported(
        problems,
        path,
        line_of("      - source: difference_explainer"),
        "unknown source id 'difference_explainer' (known: fortium)",
    )


def test_an_empty_quote_is_reported(tmp_path: Path) -> None:
    old = SMALL_CTO_QUOTE
    path, line = edited(tmp_path, old, '        quote: ""\n')
    assert_reported(problems_for(path), path, line, "citation quote is empty")


def test_an_over_long_quote_is_reported(tmp_path: Path) -> None:
    old = SMALL_CTO_QUOTE
    path, line = edited(tmp_path, old, "        quote: " + "word " * 70 + "\n")
    assert_reported(problems_for(path), path, line, "keep it under 300")


def test_an_unknown_placeholder_is_reported(tmp_path: Path) -> None:
    old = "    text: You already have a CTO, the role you need; nothing to add now.\n"
    path, line = edited(tmp_path, old, "    text: You already have a {leader}.\n")
    assert_reported(problems_for(path), path, line, "unknown placeholder '{leader}'")


def test_a_note_for_an_unknown_recommendation_kind_is_reported(tmp_path: Path) -> None:
    old = "    when: {current_leader: cto, recommend: cto}\n"
    path, line = edited(tmp_path, old, "    when: {current_leader: cto, recommend: cxo}\n")
    assert_reported(problems_for(path), path, line, "unknown recommendation kind 'cxo'")


def test_a_missing_reason_bullet_is_reported(tmp_path: Path) -> None:
    start = SHIPPED.index("    midsize:\n      text: >-\n        You are mid-sized.")
    end = SHIPPED.index("    large:\n      text: >-\n        You are large.")
    path, _ = edited(tmp_path, SHIPPED[start:end], "")
    assert_reported(
        problems_for(path),
        path,
        line_of("  size:\n    small:"),
        "reasons.size has no bullet for 'midsize'",
    )


def test_every_problem_is_reported_in_one_pass(tmp_path: Path) -> None:
    text = SHIPPED.replace("  - id: size\n", "  - id: size\n    colour: blue\n", 1)
    text = text.replace("      - source: fortium\n", "      - source: forbes\n", 1)
    text = text.replace("    recommend: cto\n", "    recommend: cxo\n", 1)
    path = tmp_path / "rolefit.yml"
    path.write_text(text, encoding="utf-8")
    messages = " | ".join(p.message for p in problems_for(path))
    assert "colour" in messages and "forbes" in messages and "cxo" in messages


# -- quotes against the sources' captured text -----------------------------------------------


def sources_fixture(tmp_path: Path) -> tuple[Path, Path]:
    if not SEEDS.is_dir():
        pytest.skip(f"source texts not available at {SEEDS}")
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    for seed in seeds.iterdir():
        seed.chmod(0o644)
    return seeds, default_sources_path()


def test_a_quote_missing_from_its_source_is_reported_at_its_line(tmp_path: Path) -> None:
    seeds, sources = sources_fixture(tmp_path)
    target = seeds / "002_9dd175f20a502b39.txt"
    target.write_text(
        target.read_text(encoding="utf-8").replace(
            "When a company is small, the CTO may do all the work",
            "When small, a CTO does the work",
        ),
        encoding="utf-8",
    )
    rolefit, problems = load_rolefit(default_rolefit_path())
    assert rolefit is not None and problems == []
    found = verify_quotes(rolefit, seeds, sources)
    quote_line = line_of("        quote: When a company is small, the CTO may do all the work")
    assert [str(p) for p in found] == [
        (
            f"assessment/rolefit.yml:{quote_line}: quote not found in source 'difference_explainer': "
            '"When a company is small, the CTO may do all the work that fa..."'
        )
    ]


def test_quotes_match_despite_case_spacing_and_curly_apostrophes(tmp_path: Path) -> None:
    seeds, sources = sources_fixture(tmp_path)
    rolefit, _ = load_rolefit(default_rolefit_path())
    assert rolefit is not None
    # the YAML writes "don't" where the captured text has a curly apostrophe
    assert "don\u2019t" in (seeds / "002_9dd175f20a502b39.txt").read_text(encoding="utf-8")
    assert verify_quotes(rolefit, seeds, sources) == []


def test_a_missing_source_text_is_reported_at_the_source_entry(tmp_path: Path) -> None:
    seeds, sources = sources_fixture(tmp_path)
    (seeds / "001_c1f660296b73f038.txt").unlink()
    rolefit, _ = load_rolefit(default_rolefit_path())
    assert rolefit is not None
    found = verify_quotes(rolefit, seeds, sources)
    assert len(found) == 1
    assert found[0].file == "responses/sources.yml"
    assert "cannot read source text" in found[0].message


@pytest.mark.parametrize("field", ["rules", "notes"])
def test_a_list_field_holding_something_else_is_reported_at_its_line(
    tmp_path: Path, field: str
) -> None:
    path, line = edited(
        tmp_path,
        f"\n{field}:\n",
        f"\n{field}: see the wiki\nunused_{field}:\n",
        at=f"{field}: see the wiki",
    )
    assert_reported(problems_for(path), path, line, f"'{field}' must be a list")


# -- directions and evidence (issue 11) ---------------------------------------------------------


def test_a_result_showing_a_shared_bullet_that_points_against_it_is_refused(
    tmp_path: Path,
) -> None:
    # consumer_operations_light no longer takes every light-compliance case, so its sibling
    # below, recommending a CIO, would show "light needs do not call for a CIO yet"
    path, _ = edited(
        tmp_path,
        "when: {tech_role: consumer, priority: run_operations, compliance: low}",
        "when: {tech_role: consumer, priority: run_operations, compliance: low, size: large}",
    )
    line = line_of("  - id: consumer_operations\n") + 6  # its `rationale:` line
    assert_reported(
        problems_for(path),
        path,
        line,
        "rule 'consumer_operations' recommends cio but, for compliance=low, shows that answer's"
        " bullet, which points not_cio",
    )


def test_a_rule_bullet_pointing_against_its_result_needs_a_but_framing(tmp_path: Path) -> None:
    old = "not on them.\n        points: neutral\n"  # mixed_operations_light, a cio_first rule
    path, _ = edited(tmp_path, old, "not on them.\n        points: not_cio\n")
    line = SHIPPED[: SHIPPED.index(old)].rindex("- about: compliance")
    line = SHIPPED[:line].count("\n") + 1
    assert_reported(
        problems_for(path),
        path,
        line,
        "bullet about compliance points not_cio, against the rule's result (cio_first): reword"
        " it, or frame it as a \u201cbut\u201d and mark it but: true",
    )
    marked, _ = edited(tmp_path, old, "not on them.\n        points: not_cio\n        but: true\n")
    assert_reported(problems_for(marked), marked, line, "is marked but: true, but its text")


def test_a_rule_bullet_must_say_what_it_rests_on(tmp_path: Path) -> None:
    old = "not on them.\n        points: neutral\n        cites: answers\n"
    path, _ = edited(tmp_path, old, "not on them.\n        points: neutral\n")
    line = SHIPPED[: SHIPPED[: SHIPPED.index(old)].rindex("- about: compliance")].count("\n") + 1
    assert_reported(problems_for(path), path, line, "missing required field 'cites'")


def test_a_note_without_citations_must_say_it_rests_on_the_answers(tmp_path: Path) -> None:
    old = (
        "text: You already have a CTO, the role you need; nothing to add now.\n    cites: answers\n"
    )
    path, line = edited(
        tmp_path, old, "text: You already have a CTO, the role you need; nothing to add now.\n"
    )
    assert_reported(
        problems_for(path), path, line, "note has_cto_needs_cto names no citation: cite the quotes"
    )
    sourced, line = edited(
        tmp_path,
        old,
        "text: Fortium says you already have the CTO you need.\n    cites: answers\n",
    )
    assert_reported(
        problems_for(sourced),
        sourced,
        line,
        "note has_cto_needs_cto rests on the answers alone (cites: answers) but names"
        " \u201cFortium\u201d: cite what it says",
    )


def test_the_sources_on_one_source_is_refused_in_the_assessment(tmp_path: Path) -> None:
    old = "You are small or early stage. The explainer says one technical decision maker"
    path, line = edited(
        tmp_path, old, "You are small or early stage. The sources say one technical decision maker"
    )
    assert_reported(
        problems_for(path),
        path,
        line - 1,  # its `text:` key
        "reason size=small: \u201cThe sources\u201d, but this claim rests on one source"
        " (difference_explainer)",
    )


def test_a_forum_comment_stated_as_fact_is_refused_in_the_assessment(tmp_path: Path) -> None:
    old = "work: a CTO at a services firm writes in a Gartner peer discussion that the CIO focuses"
    path, line = edited(tmp_path, old, "work: the CIO focuses")
    rolefit, problems = load_rolefit(path)  # with responses/sources.yml: the sources' kinds
    assert rolefit is None
    assert_reported(
        problems,
        path,
        line - 2,  # its `text:` key
        "reason priority=run_operations: this claim rests only on a peer discussion",
    )
