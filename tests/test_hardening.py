"""Bad input gets one line and a documented exit code: never a traceback, never a silent "ok".

The CLI runs in-process here (`bot.cli.main(argv)`), with the environment and the working
directory of a fresh folder, so each case is fast and sees no `.env` of the checkout.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import REPO, WriteTree

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """`rolebot ARGS` in-process: (exit code, stdout, stderr); ROLEBOT_DB in a tmp folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ROLEBOT_DB", str(tmp_path / "rolebot.db"))
    monkeypatch.delenv("ROLEBOT_CONTENT", raising=False)
    monkeypatch.delenv("ROLEBOT_REDIS_URL", raising=False)

    def call(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        import io
        import sys

        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        try:
            code = main(["--content", str(REPO), *argv] if "--content" not in argv else argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsys.readouterr()
        return code, out, err

    return call


def one_line_error(err: str) -> bool:
    return "Traceback" not in err and len(err.strip().splitlines()) == 1


def copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    for sub in ("intents", "responses", "assessment"):
        shutil.copytree(REPO / sub, root / sub)
    return root


# -- tracebacks that became one line ----------------------------------------------------------


def test_eval_on_a_file_that_is_not_utf8_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yml"
    bad.write_bytes(b"items:\n  - text: caf\xe9\n    intent: cio_role\n")
    code, _, err = run("eval", str(bad))
    assert code == 2 and one_line_error(err)
    assert "latin1.yml: not UTF-8" in err


def test_an_impossible_review_date_is_a_file_line_error_for_every_command(
    run: Run, tmp_path: Path
) -> None:
    root = copy_content(tmp_path)
    path = root / "responses" / "cio_role.yml"
    path.write_text(path.read_text() + "review_by: 2027-02-30\n")
    line = len(path.read_text().splitlines())
    for argv in (["validate"], ["ask", "what does a cio do"], ["content"], ["match", "cio"]):
        code, _, err = run("--content", str(root), *argv)
        assert code == 1, argv
        assert "Traceback" not in err
        assert f"responses/cio_role.yml:{line}: '2027-02-30' is not a real date" in err


def test_an_example_yaml_reads_as_an_impossible_date_is_a_file_line_error(
    run: Run, write_tree: WriteTree
) -> None:
    root = write_tree(
        {
            "intents/a.yml": "id: a\ndescription: d\nexamples:\n  - hello\n  - 2027-02-31\n",
            "responses/sources.yml": "sources: []\n",
        }
    )
    code, _, err = run("--content", str(root), "validate")
    assert code == 1 and "Traceback" not in err
    assert "intents/a.yml:5: '2027-02-31' is not a real date" in err


def test_a_since_further_back_than_dates_go_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    assert run("chat", stdin="quit\n")[0] == 0  # a question log to report on
    code, _, err = run("report", "--since", "800000d")
    assert code == 2 and one_line_error(err)
    assert "--since '800000d'" in err


def test_serve_refuses_a_port_that_does_not_exist_before_calling_slack(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a closed port for the API: anything reaching Slack would fail differently, and slowly
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    code, _, err = run("serve", "--http", "--port", "99999")
    assert code == 2 and "Traceback" not in err
    assert "99999 is not a port" in err


def test_billion_laughs_is_refused_at_once_with_its_line(run: Run, write_tree: WriteTree) -> None:
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    root = write_tree(
        {
            "intents/a.yml": "id: a\ndescription: d\nexamples: [x]\n" + "\n".join(levels) + "\n",
            "responses/sources.yml": "sources: []\n",
        }
    )
    started = time.monotonic()
    code, _, err = run("--content", str(root), "validate")
    assert time.monotonic() - started < 5
    assert code == 1 and "Traceback" not in err
    assert "intents/a.yml:4: invalid YAML: anchors and aliases" in err


# -- silent successes that became errors ------------------------------------------------------


def test_eval_on_a_set_with_no_items_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.yml"
    empty.write_text("items: []\n")
    code, out, err = run("eval", str(empty))
    assert code == 2 and one_line_error(err)
    assert "empty.yml: no items to evaluate" in err and "accuracy" not in out


def test_eval_refuses_a_label_naming_no_intent(run: Run, tmp_path: Path) -> None:
    labeled = tmp_path / "labeled.yml"
    labeled.write_text(
        "items:\n  - text: what does a cio do\n    intent: cio_role\n"
        "  - text: who owns security\n    intent: [security_owner_typo]\n"
    )
    code, _, err = run("eval", str(labeled))
    assert code == 2 and one_line_error(err)
    assert "labeled.yml: item 2 ('who owns security'): no intent named security_owner_typo" in err


def test_a_source_url_that_is_not_an_address_is_a_validate_error(run: Run, tmp_path: Path) -> None:
    root = copy_content(tmp_path)
    path = root / "responses" / "sources.yml"
    text = path.read_text()
    first_url = next(line for line in text.splitlines() if line.strip().startswith("url: http"))
    path.write_text(text.replace(first_url, "    url: [1, 2]", 1))
    line = path.read_text().splitlines().index("    url: [1, 2]") + 1
    code, _, err = run("--content", str(root), "validate")
    assert code == 1
    assert f"responses/sources.yml:{line}: url of source must be an address" in err


@pytest.mark.parametrize("kind", ["text", "empty", "other_sqlite"])
def test_rolebot_db_pointing_at_a_file_that_is_not_ours_is_refused(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    import sqlite3

    foreign = tmp_path / "notes.db"
    if kind == "text":
        foreign.write_text("my notes\n" * 20)
    elif kind == "empty":
        foreign.write_bytes(b"")
    else:
        with sqlite3.connect(foreign) as conn:
            conn.execute("CREATE TABLE recipes (name TEXT)")
        conn.close()
    before = foreign.read_bytes()
    monkeypatch.setenv("ROLEBOT_DB", str(foreign))
    code, _, err = run("report")
    assert code == 2 and one_line_error(err)
    assert err.startswith("rolebot: ROLEBOT_DB: ") and "refusing to write into it" in err
    assert foreign.read_bytes() == before


def test_assess_refuses_the_same_key_twice(run: Run) -> None:
    code, out, err = run(
        "assess", "--answer", "org_size=small", "--answer", "org_size=large", "--json"
    )
    assert code == 2 and one_line_error(err) and not out
    assert "--answer org_size is given twice" in err


def test_assess_json_without_answers_is_a_usage_error(run: Run) -> None:
    code, out, err = run("assess", "--json")
    assert code == 2 and one_line_error(err) and not out
    assert "--json needs the answers" in err


def test_guided_assess_ending_mid_way_is_not_a_success(run: Run) -> None:
    code, out, err = run("assess", stdin="1\n")
    assert "Question 2 of" in out
    assert code == 1 and "input ended before the assessment finished" in err


def test_ask_takes_the_rest_of_the_line_as_the_question(run: Run) -> None:
    code, out, err = run("ask", "what", "does", "a", "CIO", "do")
    assert code == 0, err
    assert "Sources:" in out and "[1]" in out


def test_a_yaml_tag_that_cannot_be_built_is_a_file_line_error(
    run: Run, write_tree: WriteTree
) -> None:
    """Found by tests/test_cli_fuzz.py: a stray merge key `<<:` raised ConstructorError."""
    root = write_tree(
        {
            "intents/a.yml": "id: a\ndescription: d\nexamples: [x]\n<<: \n",
            "responses/sources.yml": "sources: []\n",
        }
    )
    code, _, err = run("--content", str(root), "validate")
    assert code == 1 and "Traceback" not in err
    assert "intents/a.yml:4: invalid YAML: could not determine a constructor" in err


def test_chat_says_where_it_keeps_what_you_type(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("chat", stdin="what does a cio do\nquit\n")
    assert code == 0
    first = out.splitlines()[0]
    assert f"what you type is kept in {tmp_path / 'rolebot.db'}" in first
    assert "--no-log" in first
    assert (tmp_path / "rolebot.db").exists()


def test_chat_no_log_keeps_nothing(run: Run, tmp_path: Path) -> None:
    code, out, _ = run("chat", "--no-log", stdin="what does a cio do\nquit\n")
    assert code == 0 and "Sources:" in out and "kept in" not in out
    assert not (tmp_path / "rolebot.db").exists()


def test_yaml_nested_thousands_deep_is_a_problem_not_a_recursion_error(
    run: Run, write_tree: WriteTree
) -> None:
    root = write_tree(
        {
            "intents/a.yml": "id: a\ndescription: d\nexamples: " + "[" * 5000 + "]" * 5000 + "\n",
            "responses/sources.yml": "sources: []\n",
        }
    )
    code, _, err = run("--content", str(root), "validate")
    assert code == 1 and "Traceback" not in err
    assert "intents/a.yml:1: invalid YAML: nested too deeply" in err


def test_match_and_preview_take_unquoted_words_as_one_question(run: Run) -> None:
    code, out, err = run("match", "--json", "what", "does", "a", "cto", "do")
    assert code == 0, err
    assert '"text": "what does a cto do"' in out and '"intent": "cto_role"' in out
    code, out, err = run("preview", "what", "does", "a", "cto", "do")
    assert code == 0, err
    assert "Block Kit Builder" in out
