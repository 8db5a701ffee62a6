"""Content reload without a restart: `/ask reload` by an admin (SIGHUP is in test_serve_process).

The bot serves a copy of the shipped content in a tmp folder, which the tests change: a valid
change is answered the new way at once; broken YAML is refused, the admin is shown every
`file:line`, and the old content keeps answering.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.settings import Settings
from bot.store.sqlite import SqliteStore
from tests.ops.conftest import Replica, copy_content, sender
from tests.slack.conftest import ALICE, BOB, SlackSender, make_settings
from tests.support.standin import SlackStandIn

NEW_QUESTION = "who looks after the toaster fleet"


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return copy_content(tmp_path / "content")


@pytest.fixture
def settings(standin: SlackStandIn, tmp_path: Path) -> Settings:
    return make_settings(standin, tmp_path / "x.sqlite3", ROLEBOT_ADMINS=ALICE)


@pytest.fixture
async def bot(settings: Settings, content: Path, tmp_path: Path) -> AsyncIterator[Replica]:
    async def open_store() -> SqliteStore:
        return await SqliteStore.open(tmp_path / "bot.sqlite3")

    replica = Replica(settings, open_store, content)
    await replica.start()
    yield replica
    await replica.stop()


@pytest.fixture
def slack(bot: Replica, standin: SlackStandIn, http: aiohttp.ClientSession) -> SlackSender:
    return sender(bot, standin, http)


def teach_toaster_fleet(content: Path) -> None:
    """One new example (and its topic word) for vendor management."""
    path = content / "intents" / "vendor_management.yml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("keywords: [", "keywords: [toaster, ", 1)
    text = text.replace("examples:\n", f'examples:\n  - "{NEW_QUESTION}"\n', 1)
    path.write_text(text, encoding="utf-8")


async def ask(slack: SlackSender, standin: SlackStandIn, text: str, user: str = ALICE) -> str:
    """/ask TEXT; the title (or text) of the private reply."""
    before = len(standin.calls_to("response_url"))
    await slack.command("/ask", text, user=user)
    reply = (await standin.wait_for("response_url", count=before + 1))[-1]
    blocks = reply.body.get("blocks") or []
    return str(blocks[0]["text"]["text"] if blocks else reply.body["text"])


async def test_reload_by_an_admin_answers_the_new_way_at_once(
    bot: Replica, slack: SlackSender, standin: SlackStandIn, content: Path
) -> None:
    assert bot.engine.match(NEW_QUESTION).outcome == "fallback"
    teach_toaster_fleet(content)
    report = await ask(slack, standin, "reload")
    assert report.startswith("Content reloaded:") and "intents" in report
    assert bot.engine.match(NEW_QUESTION).intent == "vendor_management"
    title = await ask(slack, standin, NEW_QUESTION)
    assert title == bot.engine.answer_for("vendor_management").response.title


async def test_broken_yaml_is_refused_with_file_and_line_and_old_answers_keep_coming(
    bot: Replica, slack: SlackSender, standin: SlackStandIn, content: Path
) -> None:
    serving = bot.engine
    before = await ask(slack, standin, "what does a cio do")
    (content / "intents" / "cio_role.yml").write_text(
        'id: cio_role\ndescription: x\nexamples:\n  - "a"\n   - "b"\n', encoding="utf-8"
    )
    report = await ask(slack, standin, "reload")
    assert report.startswith("Reload refused")
    assert "intents/cio_role.yml:5: invalid YAML" in report
    assert bot.engine is serving
    assert await ask(slack, standin, "what does a cio do") == before


async def test_only_admins_can_reload(
    bot: Replica, slack: SlackSender, standin: SlackStandIn, content: Path
) -> None:
    serving = bot.engine
    teach_toaster_fleet(content)
    assert await ask(slack, standin, "reload", user=BOB) == "Only admins can reload content."
    assert bot.engine is serving


async def test_a_model_damaged_at_reload_leaves_the_lexical_matcher_answering(
    bot: Replica,
    slack: SlackSender,
    standin: SlackStandIn,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The bot keeps answering, says why in /readyz and a metric, and logs one line."""
    import json
    import logging

    from bot.nlu import semantic

    status, body = await bot.get("/readyz")
    assert json.loads(body)["understanding"] == "ok"
    real = semantic.default_files()
    damaged = tmp_path / "model.onnx"
    damaged.write_bytes(real.model.read_bytes()[:4096])  # a truncated download, say
    monkeypatch.setattr(
        semantic, "default_files", lambda: semantic.ModelFiles(damaged, real.tokenizer)
    )
    with caplog.at_level(logging.ERROR, logger="bot.runtime"):
        report = await ask(slack, standin, "reload")
    assert report.startswith("Content reloaded:")
    assert [r for r in caplog.records if "sentence model unavailable" in r.getMessage()]
    status, body = await bot.get("/readyz")
    ready = json.loads(body)
    assert status == 200 and ready["understanding"].startswith("lexical only")
    assert "sha256" in ready["understanding"]
    _, metrics = await bot.get("/metrics")
    assert "rolebot_semantic_model_available 0.0" in metrics
    title = await ask(slack, standin, "what does a CIO do?")
    assert title == bot.engine.answer_for("cio_role").response.title
