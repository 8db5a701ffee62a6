"""The package stands alone: it never imports tests/ or benchmarks/, and installed by itself
(no checkout around it) it runs every command on the content in the working directory."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

OUTSIDE = ("tests", "benchmarks")


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_the_package_never_imports_tests_or_benchmarks() -> None:
    offending = {
        str(path.relative_to(REPO)): sorted(
            m for m in imported_modules(path) if m.split(".")[0] in OUTSIDE
        )
        for path in (REPO / "bot").rglob("*.py")
    }
    assert {where: found for where, found in offending.items() if found} == {}


@pytest.mark.slow
def test_bench_prints_every_figure_from_outside_the_package(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks.bench import main

    assert main(["--quick"]) == 0
    shown = capsys.readouterr().out
    for figure in ("content load + index build", "shipped content", "hostile text", "synthetic"):
        assert figure in shown


@pytest.mark.slow
def test_the_package_alone_runs_every_command_on_the_content_where_it_runs(
    tmp_path: Path,
) -> None:
    """What a non-editable install holds: bot/ and nothing around it (no checkout to fall back
    on), run from a folder that holds the content."""
    site = tmp_path / "site"
    shutil.copytree(REPO / "bot", site / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    work = tmp_path / "work"
    for folder in ("intents", "responses", "assessment"):
        shutil.copytree(REPO / folder, work / folder)
    shutil.copy(REPO / "domain.yml", work / "domain.yml")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ROLEBOT_"))},
        "PYTHONPATH": str(site),
        "ROLEBOT_DB": str(tmp_path / "rolebot.db"),
    }

    def rolebot(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        # -P: the working directory is not put on sys.path, so only the copy can be imported
        return subprocess.run(
            [sys.executable, "-P", "-m", "bot", *args],
            input=stdin,
            capture_output=True,
            text=True,
            cwd=work,
            env=env,
            timeout=120,
        )

    where = subprocess.run(
        [sys.executable, "-P", "-c", "import bot; print(bot.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert where.stdout.startswith(str(site)), where
    labeled = str(REPO / "tests" / "data" / "labeled_questions.yml")
    ok = [
        ("--help",),
        ("validate", "--lint"),
        ("ask", "what does a cio do"),
        ("match", "--json", "cio vs cto"),
        ("content", "--json"),
        ("assess", "--json", *(f"--answer={a}" for a in CREATOR_SMALL)),
        ("eval", labeled),
        ("preview", "what does a cto do"),
        ("chat",),
        ("report",),
        ("suggest",),
    ]
    for args in ok:
        result = rolebot(*args, stdin="what does a cio do\nquit\n")
        assert result.returncode == 0, (args, result.stderr)
    serve = rolebot("serve")
    assert (serve.returncode, serve.stderr) == (
        2,
        "rolebot: SLACK_BOT_TOKEN is not set (the Bot User OAuth Token, xoxb-...)\n",
    )


CREATOR_SMALL = (
    "tech_role=creator",
    "size=small",
    "priority=build_products",
    "compliance=low",
    "industry=other",
    "current_leader=none",
)


def test_the_image_carries_every_content_file_the_bot_reads() -> None:
    """The Docker image bakes the content in: a file left out (out_of_scope.yml once was) would
    run the bot with less than it was measured with, in silence."""
    from bot.content.domain import DOMAIN_FILE
    from bot.content.load import OUT_OF_SCOPE_FILE
    from bot.nlu.semantic import VECTORS_FILE

    copied: set[str] = set()
    for line in (REPO / "deploy" / "Dockerfile").read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words[:1] == ["COPY"] and not any(w.startswith("--from") for w in words):
            copied.update(w.rstrip("/") for w in words[1:-1])
    needed = {"intents", "responses", "assessment", DOMAIN_FILE, OUT_OF_SCOPE_FILE, VECTORS_FILE}
    assert needed <= copied, sorted(needed - copied)
    assert all((REPO / name).exists() for name in needed)
