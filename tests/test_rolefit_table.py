"""The saved decision table, and `rolebot assess` on the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.rolefit.assess_cli import run_assess
from bot.rolefit.load import default_rolefit_path, load_rolefit
from bot.rolefit.model import RoleFit
from bot.rolefit.table import decision_table, render_markdown

SAVED = Path(__file__).resolve().parents[1] / "assessment" / "decision_table.md"
CREATOR_SMALL = [
    "tech_role=creator",
    "size=small",
    "priority=build_products",
    "compliance=low",
    "industry=other",
    "current_leader=none",
]


@pytest.fixture(scope="module")
def rolefit() -> RoleFit:
    loaded, problems = load_rolefit(default_rolefit_path())
    assert loaded is not None, "\n".join(map(str, problems))
    return loaded


def test_the_saved_decision_table_matches_the_rules(rolefit: RoleFit) -> None:
    fresh = render_markdown(decision_table(rolefit))
    assert SAVED.read_text(encoding="utf-8") == fresh, (
        "assessment/decision_table.md is stale: run "
        "`python -m bot.rolefit.table > assessment/decision_table.md` and review the diff"
    )


def test_the_table_covers_all_432_combinations_each_explained(rolefit: RoleFit) -> None:
    rows = decision_table(rolefit)
    assert len(rows) == 3 * 3 * 3 * 2 * 2 * 4
    assert len({tuple(r["answers"].values()) for r in rows}) == len(rows)
    for row in rows:
        assert row["recommendation"]
        assert row["rationale_bullets"] >= 2
        assert not (row["answers"]["size"] == "small" and row["recommendation"] == "both")


def test_assess_prints_json_with_the_reasoning(rolefit: RoleFit) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_assess(CREATOR_SMALL, True, out, err, rolefit=rolefit) == 0
    payload = json.loads(out.getvalue())
    assert payload["recommendation"] == "cto"
    assert set(payload) == {
        "recommendation",
        "summary",
        "rationale",
        "citations",
        "notes",
        "answers",
    }
    assert len(payload["rationale"]) >= 2 and all(isinstance(r, str) for r in payload["rationale"])
    assert all(set(c) == {"source", "quote"} for c in payload["citations"])
    assert payload["answers"]["size"] == "small"
    assert err.getvalue() == ""


def test_assess_prints_a_readable_result(rolefit: RoleFit) -> None:
    out = io.StringIO()
    assert run_assess(CREATOR_SMALL, False, out, io.StringIO(), rolefit=rolefit) == 0
    text = out.getvalue()
    assert text.startswith("Recommendation: Hire a CTO (cto)")
    assert "Why:" in text and "Sources:" in text


def test_assess_names_missing_answers_on_one_line(rolefit: RoleFit) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert run_assess(["tech_role=creator"], True, out, err, rolefit=rolefit) == 2
    assert err.getvalue().count("\n") == 1
    assert "size, priority, compliance, industry, current_leader" in err.getvalue()
    assert out.getvalue() == ""


def test_assess_lists_allowed_values_for_a_wrong_one(rolefit: RoleFit) -> None:
    err = io.StringIO()
    args = [a if not a.startswith("size=") else "size=huge" for a in CREATOR_SMALL]
    assert run_assess(args, False, io.StringIO(), err, rolefit=rolefit) == 2
    assert "small, midsize, large" in err.getvalue()


def test_assess_refuses_an_unknown_key(rolefit: RoleFit) -> None:
    err = io.StringIO()
    args = [*CREATOR_SMALL, "budget=big"]
    assert run_assess(args, False, io.StringIO(), err, rolefit=rolefit) == 2
    assert "budget" in err.getvalue()


@pytest.mark.parametrize("bad", ["tech_role", "=creator", "tech_role="])
def test_assess_refuses_a_malformed_answer(rolefit: RoleFit, bad: str) -> None:
    err = io.StringIO()
    assert run_assess([bad], False, io.StringIO(), err, rolefit=rolefit) == 2
    assert "KEY=VALUE" in err.getvalue()


def test_assess_loads_the_shipped_assessment_by_default() -> None:
    out = io.StringIO()
    assert run_assess(CREATOR_SMALL, True, out, io.StringIO()) == 0
    assert json.loads(out.getvalue())["recommendation"] == "cto"
