"""`rolebot report --html FILE`: one self-contained page with charts, escaped, and checked in a
real headless browser (Debian's chromium, through tests/support/browser.py)."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.reportbench import generate_log
from bot.cli import main
from bot.curation.page import render
from bot.curation.report import build_report
from bot.store.base import Feedback, LoggedQuestion
from tests.support.browser import headless_chromium, load, screenshot
from tests.test_curation import asked, write_log

HOSTILE = '<img src=x onerror="alert(1)"> & </td></table><script>alert(2)</script>'


@pytest.fixture
def log_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "rolebot.db"
    monkeypatch.setenv("ROLEBOT_DB", str(path))
    monkeypatch.delenv("ROLEBOT_REDIS_URL", raising=False)
    monkeypatch.delenv("ROLEBOT_RETENTION_DAYS", raising=False)
    return path


def hostile_log() -> tuple[list[LoggedQuestion], list[Feedback]]:
    questions = [
        asked("what does a cio do", "answer", "cio_role", user="a"),
        asked("what does a cio do", "answer", "cio_role", user="b", ago_s=2 * 86400),
        asked(HOSTILE, "fallback", "<b>cio_role</b>", user="c"),
        asked(HOSTILE, "fallback", "<b>cio_role</b>", user="d"),
        asked("cio plus cto", "clarify", "cio_vs_cto", user="e"),
    ]
    now = time.time()
    votes = [
        Feedback("T1", "a", "cio_role", "q", True, now - 30, "", "a/what does a cio do"),
        Feedback("T1", "b", "<i>$x$</i>", "q", False, now - 20, HOSTILE, "b/x", changed=True),
    ]
    return questions, votes


def test_report_html_writes_one_self_contained_page_with_three_charts(
    log_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    questions, votes = hostile_log()
    write_log(log_db, questions, votes)
    page = tmp_path / "report.html"
    assert main(["report", "--since", "7d", "--html", str(page)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {page}: 5 questions")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert len(re.findall(r"<svg\b", text)) == 3
    # nothing to fetch: no script, no stylesheet link, no external image or font
    assert not re.search(r"<script|<link|<img|@import|url\((?!#)|https?://(?!www\.w3\.org/)", text)
    # every piece of text from the log escaped, including intent ids and what went into a chart
    assert HOSTILE not in text and "<b>cio_role</b>" not in text and "<i>" not in text
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;/td&gt;" in text
    assert "&lt;b&gt;cio_role&lt;/b&gt;" in text


def test_report_html_to_a_folder_that_does_not_exist_is_a_usage_error(
    log_db: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_log(log_db, [])
    assert main(["report", "--html", str(tmp_path / "missing" / "r.html")]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_an_empty_report_still_makes_a_page() -> None:
    page = render(build_report([], [], time.time() - 86400, time.time()))
    assert "No questions in this period." in page and "No votes in this period." in page


def test_every_day_of_the_window_has_a_row_even_without_questions() -> None:
    now = time.time()
    questions = [asked("cio plus cto", ago_s=3 * 86400), asked("cio plus cto", ago_s=60)]
    days = build_report(questions, [], now - 7 * 86400, now).days
    assert len(days) == 8 and sum(d.fallback for d in days) == 2
    assert [d.date for d in days] == sorted(d.date for d in days)


def test_a_window_longer_than_the_log_is_kept_spans_the_days_asked() -> None:
    questions = [asked("cio plus cto", ago_s=3 * 86400), asked("cio plus cto", ago_s=60)]
    assert len(build_report(questions, [], 0, 1e12).days) in (4, 5)
    assert build_report([], [], 0, 1e12).days == ()


@pytest.mark.slow
def test_a_5000_question_report_loads_in_chromium_with_its_charts_and_no_errors(
    tmp_path: Path,
) -> None:
    questions, votes, since, until = generate_log(5000)
    extra, hostile_votes = hostile_log()
    # asked often enough to be among the largest gaps shown
    questions += [replace(extra[2], at=until - 3600, user_hash=f"h{n}") for n in range(300)]
    votes += [replace(v, at=until - 60) for v in hostile_votes]
    start = time.perf_counter()
    html = render(build_report(questions, votes, since, until))
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    built = time.perf_counter() - start
    with headless_chromium() as driver:
        loaded = load(driver, page)
        charts = driver.execute_script(
            "return [...document.querySelectorAll('figure.chart svg')].map(svg => {"
            "  const box = svg.getBoundingClientRect();"
            "  return {id: svg.parentElement.id, width: box.width, height: box.height,"
            "          bars: svg.querySelectorAll('path, rect').length,"
            "          texts: svg.querySelectorAll('text').length};"
            "});"
        )
        shown = driver.execute_script("return document.body.innerText;")
        injected = driver.execute_script(
            "return document.querySelectorAll('img, script, table b, svg i').length;"
        )
        screenshot(driver, tmp_path / "report.png")
    print(
        f"\nreport of {len(questions):,} questions: built and rendered in {built * 1000:.0f} ms, "
        f"loaded by chromium in {loaded.seconds * 1000:.0f} ms; screenshot {tmp_path}/report.png"
    )
    assert loaded.errors == [] and loaded.resources == []
    assert [c["id"] for c in charts] == ["daily", "mix", "feedback"]
    for chart in charts:
        assert chart["width"] > 300 and chart["height"] > 100, chart
        assert chart["bars"] > 20 and chart["texts"] > 5, chart
    assert HOSTILE in shown and injected == 0  # shown as text, never run as markup
    assert (tmp_path / "report.png").stat().st_size > 20_000
