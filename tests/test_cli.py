"""The command line as people use it: real subprocesses, real exit codes, real output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, WriteTree


def rolebot(
    *args: str, stdin: str = "", cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {
        **os.environ,
        "ROLEBOT_DB": str((cwd or REPO) / "data" / "cli-test.db"),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        env=full_env,
        timeout=120,
    )


def test_match_reads_one_question_per_line_and_answers_in_order() -> None:
    result = rolebot(
        "match", "--json", stdin="what does a cto do\nwhere is the parking garage\nhello\n"
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["text"] for r in rows] == [
        "what does a cto do",
        "where is the parking garage",
        "hello",
    ]
    assert set(rows[0]) == {
        "text",
        "outcome",
        "intent",
        "confidence",
        "suggestions",
        "reason",
        "semantic",
    }
    assert (rows[0]["outcome"], rows[0]["intent"]) == ("answer", "cto_role")
    assert rows[1]["outcome"] == "fallback" and rows[1]["intent"] is None


def test_ask_prints_the_answer_with_numbered_sources() -> None:
    result = rolebot("ask", "who owns outsourcing, the cio or the cto?")
    assert result.returncode == 0, result.stderr
    assert "Sources:" in result.stdout and "[1]" in result.stdout
    assert "gartner.com" in result.stdout


def test_content_json_has_the_documented_shape() -> None:
    result = rolebot("content", "--json")
    model = json.loads(result.stdout)
    assert {"intents", "responses", "sources"} <= set(model)
    assert {"id", "description", "examples"} <= set(model["intents"][0])
    assert {"id", "title", "short", "body", "citations", "related"} <= set(model["responses"][0])
    assert {"id", "title", "publisher", "url"} <= set(model["sources"][0])


def test_unknown_subcommand_is_a_usage_error() -> None:
    result = rolebot("frobnicate")
    assert result.returncode == 2


def test_unreadable_eval_file_is_one_line_and_exit_2() -> None:
    result = rolebot("eval", "/nonexistent/questions.yml")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "cannot read" in result.stderr and "Traceback" not in result.stderr


def test_validate_reports_broken_content_at_file_line_and_exits_1(write_tree: WriteTree) -> None:
    root = write_tree(
        {"intents/a.yml": "id: a\nexamples: [x,\n", "responses/sources.yml": "sources: []\n"}
    )
    result = rolebot("--content", str(root), "validate")
    assert result.returncode == 1
    assert "intents/a.yml:3: invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_commands_refuse_to_start_on_invalid_content_with_the_same_messages(
    write_tree: WriteTree,
) -> None:
    root = write_tree(
        {"intents/a.yml": "id: a\nexamples: [x,\n", "responses/sources.yml": "sources: []\n"}
    )
    result = rolebot("--content", str(root), "ask", "hello")
    assert result.returncode == 1
    assert "intents/a.yml:3: invalid YAML" in result.stderr
    assert "Traceback" not in result.stderr


def test_chat_answers_and_picks_a_suggestion_by_number(tmp_path: Path) -> None:
    result = rolebot(
        "chat",
        stdin="what does a cio do\nthanks\nquit\n",
        env={"ROLEBOT_DB": str(tmp_path / "c.db")},
    )
    assert result.returncode == 0, result.stderr
    assert "Sources:" in result.stdout


def test_a_malformed_setting_is_one_line_naming_it_and_exit_2(tmp_path: Path) -> None:
    result = rolebot(
        "chat",
        stdin="quit\n",
        env={"ROLEBOT_RETENTION_DAYS": "ninety", "ROLEBOT_DB": str(tmp_path / "c.db")},
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "rolebot: ROLEBOT_RETENTION_DAYS must be a positive number of days, not 'ninety'"
    )


def test_settings_in_dotenv_reach_every_reader(tmp_path: Path) -> None:
    """.env is applied beneath the environment, so the question log's settings see it too."""
    (tmp_path / ".env").write_text("ROLEBOT_RETENTION_DAYS=ninety\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--content", str(REPO), "chat"],
        input="quit\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "ROLEBOT_RETENTION_DAYS"},
        timeout=120,
    )
    assert result.returncode == 2
    assert "ROLEBOT_RETENTION_DAYS must be a positive number of days" in result.stderr


def test_a_missing_or_altered_sentence_model_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = rolebot("ask", "what does a CIO do", env={"ROLEBOT_MODEL": str(tmp_path / "no.onnx")})
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0 and "not found" in missing.stderr
    altered = tmp_path / "model.onnx"
    altered.write_bytes(b"not a model")
    wrong = rolebot(
        "eval",
        str(REPO / "tests" / "data" / "labeled_questions.yml"),
        env={"ROLEBOT_MODEL": str(altered)},
    )
    assert wrong.returncode == 2 and "sha256" in wrong.stderr and "Traceback" not in wrong.stderr


def test_the_model_can_be_switched_off_and_a_bad_switch_is_named() -> None:
    off = rolebot(
        "match", "--json", "is having two tech chiefs wasteful", env={"ROLEBOT_SEMANTIC": "off"}
    )
    assert off.returncode == 0
    bad = rolebot("ask", "hi", env={"ROLEBOT_SEMANTIC": "maybe"})
    assert bad.returncode == 2 and "ROLEBOT_SEMANTIC" in bad.stderr
