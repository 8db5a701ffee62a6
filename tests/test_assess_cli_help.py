"""`rolebot assess`: its help lists every answer it takes, and the assessment's content problems
name their files relative to the content root, as the intents' do."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.rolefit.load import load_rolefit
from tests.conftest import REPO


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for folder in ("intents", "responses", "assessment"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def test_assess_help_lists_every_question_key_with_its_allowed_values(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rolefit, _ = load_rolefit(
        REPO / "assessment" / "rolefit.yml", REPO / "responses" / "sources.yml"
    )
    assert rolefit is not None
    assert main(["assess", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "--answer KEY=VALUE" in shown
    for question in rolefit.questions:
        line = next(line for line in shown.splitlines() if line.strip().startswith(question.id))
        assert line.split(None, 1)[1] == " | ".join(question.values), line


def test_assess_help_reads_the_assessment_of_the_content_given(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = content / "assessment" / "rolefit.yml"
    text = path.read_text(encoding="utf-8")
    changed = text.replace("What role does technology play", "How much does technology count", 1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")
    assert main(["--content", str(content), "assess", "--help"]) == 0
    shown = capsys.readouterr().out
    assert "How much does technology count in how your organisation" in shown


def test_assessment_problems_name_files_relative_to_the_content_root(
    content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = content / "assessment" / "rolefit.yml"
    path.write_text(path.read_text(encoding="utf-8") + "unknown_field: 1\n", encoding="utf-8")
    sources = content / "responses" / "sources.yml"
    sources.write_text(sources.read_text(encoding="utf-8") + "  - 3\n", encoding="utf-8")
    for args in (["validate"], ["assess", "--answer", "tech_role=creator"], ["ask", "hi"]):
        assert main(["--content", str(content), *args]) == 1
        err = capsys.readouterr().err
        problems = [line for line in err.splitlines() if re.match(r"^\S+:\d+: ", line)]
        assert any(line.startswith("assessment/rolefit.yml:") for line in problems), (args, err)
        assert all(not line.startswith("/") for line in problems), (args, err)
        assert str(content) not in err, (args, err)
