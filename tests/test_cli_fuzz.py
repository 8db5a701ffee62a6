"""Every `rolebot` command, driven with arbitrary arguments, stdin and small files, answers with
an exit code the README documents (0, 1 or 2) and never a traceback.

In-process (`bot.cli.main(argv)`), as a subprocess per example would take minutes; still a few
seconds per command, so marked slow (`make test-all` runs it).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from tests.conftest import REPO

pytestmark = pytest.mark.slow

QUESTION_IDS = ["tech_role", "size", "priority", "compliance", "current_leader", "nope", ""]
VALUES = ["small", "large", "creator", "none", "both", "x", ""]

text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
durations = st.one_of(
    st.from_regex(r"-?[0-9]{0,9}[smhdwy]?", fullmatch=True),
    st.sampled_from(["7d", "800000d", "0d", "1m", "99999999999999999999d", "d", ""]),
)
answers = st.builds(
    lambda k, v, sep: f"{k}{sep}{v}",
    st.sampled_from(QUESTION_IDS),
    st.sampled_from(VALUES),
    st.sampled_from(["=", "", "=="]),
)
ports = st.one_of(st.integers(-5, 70000).map(str), text)

paths = st.sampled_from(["FILE", "DIR", "/nonexistent", "DIR/out.html"])
# an option's values by its name; any other option taking a value gets arbitrary text
VALUES: dict[str, st.SearchStrategy[str]] = {
    "--answer": answers,
    "--since": durations,
    "--port": ports,
    "--sources-dir": paths,
    "--html": paths,
    "--content": paths,
}


def _options() -> dict[str, dict[str, st.SearchStrategy[str] | None]]:
    """Per command, the options its parser knows (None: a flag), so a new option is fuzzed
    as soon as it exists."""
    import argparse

    from bot.cli import build_parser

    found: dict[str, dict[str, st.SearchStrategy[str] | None]] = {}
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = {
                    option: None if act.nargs == 0 else VALUES.get(option, text)
                    for act in sub._actions
                    for option in act.option_strings
                    if option not in ("-h", "--help")
                }
    return found


OPTIONS = _options()
POSITIONAL = {"ask", "match", "eval", "preview"}


@st.composite
def argvs(draw: st.DrawFn, command: str) -> list[str]:
    argv = [command]
    options = OPTIONS[command]
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["option", "word", "option", "junk"]))
        if kind == "option" and options:
            name = draw(st.sampled_from(sorted(options)))
            argv.append(name)
            if options[name] is not None:
                argv.append(draw(options[name]))  # type: ignore[arg-type]
        elif kind == "word" or command in POSITIONAL:
            argv.append(draw(st.one_of(text, st.just("FILE"))))
        else:
            argv.append(draw(st.sampled_from(["-", "--", "--nope", "-h", "--content"])))
    return argv


# eval files: shapes near the real one, and plain arbitrary bytes
eval_files = st.one_of(
    st.binary(max_size=200),
    st.builds(
        lambda items: ("items:\n" + "".join(items)).encode(),
        st.lists(
            st.builds(
                lambda t, i: f"  - text: {t}\n    intent: {i}\n",
                st.sampled_from(["what does a cio do", "2027-02-30", "[1, 2]", "", "&a x", "*a"]),
                st.sampled_from(["cio_role", "[cio_role]", "null", "nope", "[1]", "{a: 1}", ""]),
            ),
            max_size=3,
        ),
    ),
    st.sampled_from([b"items: []\n", b"items: 5\n", b"[]", b"\xff\xfe", b"items:\n  - 3\n"]),
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a question log (so report and suggest get past opening it)."""
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "dir").mkdir()
    for sub in ("intents", "responses", "assessment"):
        shutil.copytree(REPO / sub, folder / "content" / sub)
    for extra in ("domain.yml", "out_of_scope.yml"):
        if (REPO / extra).exists():
            shutil.copy(REPO / extra, folder / "content" / extra)
    with _environment(folder):
        assert main(["--content", str(REPO), "chat"]) == 0
    return folder


@contextlib.contextmanager
def _environment(folder: Path, stdin: str = "quit\n") -> io.StringIO:  # type: ignore[misc]
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("ROLEBOT_DB", str(folder / "rolebot.db"))
        mp.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # closed: nothing reaches Slack
        for name in ("ROLEBOT_CONTENT", "ROLEBOT_REDIS_URL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"):
            mp.delenv(name, raising=False)
        mp.setenv("SLACK_SIGNING_SECRET", "")
        err = io.StringIO()
        mp.setattr(sys, "stdin", io.StringIO(stdin))
        mp.setattr(sys, "stdout", io.StringIO())
        mp.setattr(sys, "stderr", err)
        yield err


def run_in_process(folder: Path, argv: list[str], stdin: str) -> tuple[int, str]:
    """In `folder`, over its own copy of the content (`suggest --apply` may write into it)."""
    with _environment(folder, stdin) as err:
        try:
            code = main(["--content", str(folder / "content"), *argv])
        except SystemExit as exc:  # argparse: --help is 0, a usage error 2
            code = exc.code if isinstance(exc.code, int) else 2
        return code, err.getvalue()


FUZZ = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("command", sorted(OPTIONS))
@FUZZ
@given(data=st.data(), stdin=text, file_bytes=eval_files)
def test_no_command_answers_arbitrary_input_with_a_traceback(
    workdir: Path, command: str, data: st.DataObject, stdin: str, file_bytes: bytes
) -> None:
    (workdir / "input.yml").write_bytes(file_bytes)
    argv = data.draw(argvs(command))
    where = {"FILE": workdir / "input.yml", "DIR": workdir / "dir"}
    argv = [str(where[a]) if a in where else a.replace("DIR/", f"{workdir}/dir/") for a in argv]
    code, err = run_in_process(workdir, argv, stdin)
    assert code in (0, 1, 2), (argv, code, err)
    assert "Traceback" not in err, (argv, err)


@pytest.fixture(scope="module")
def content_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("content")
    for sub in ("intents", "responses", "assessment"):
        shutil.copytree(REPO / sub, root / sub)
    if (REPO / "domain.yml").exists():
        shutil.copy(REPO / "domain.yml", root / "domain.yml")
    return root


yaml_fragments = st.sampled_from(
    [
        "id: x\n",
        "description: d\n",
        "examples:\n",
        "  - hello\n",
        "  - 2027-02-30\n",
        "keywords: [cio]\n",
        "kind: conversation\n",
        "kind: [1]\n",
        "&a ",
        "*a",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "\n",
        "  ",
        "'",
        '"',
        "!!binary x",
        "!!python/object:os.system x",
        "? ",
        "<<: ",
        "1e999",
        "~",
        "é",
        "\t",
        "%YAML 1.1\n",
        "---\n",
        "...\n",
    ]
)


@pytest.mark.parametrize(
    "rel",
    [
        "intents/zz_fuzz.yml",
        "responses/cio_role.yml",
        "responses/sources.yml",
        "assessment/rolefit.yml",
    ],
)
@FUZZ
@given(parts=st.lists(yaml_fragments, max_size=25))
def test_arbitrary_content_files_are_reported_not_raised(
    workdir: Path, content_copy: Path, rel: str, parts: list[str]
) -> None:
    path = content_copy / rel
    original = (REPO / rel).read_text() if (REPO / rel).exists() else ""
    try:
        path.write_text(("id: zz_fuzz\n" if "zz" in rel else "") + "".join(parts))
        with _environment(workdir) as err:
            code = main(["--content", str(content_copy), "validate"])
        assert code in (0, 1), err.getvalue()
        assert "Traceback" not in err.getvalue()
    finally:
        if original:
            path.write_text(original)
        else:
            path.unlink()
