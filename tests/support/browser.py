"""A real headless browser for tests and benchmarks: Debian's chromium, driven by selenium
through Debian's chromium-driver (.ci/run installs both). Nothing is downloaded: the driver is
given by path, so selenium never looks for one of its own.

`headless_chromium()` skips the calling test with a reason where they are missing, and fails
it in CI (CI=true), where they must be present.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Loaded:
    seconds: float  # from navigation start to the end of the load event, as the browser timed it
    errors: list[dict[str, Any]]  # the console's entries of level SEVERE (errors)
    resources: list[str]  # everything the page fetched besides itself


def chromium_missing() -> str | None:
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    return (
        f"no {' or '.join(missing)} on PATH (apt-get install chromium chromium-driver)"
        if (missing)
        else None
    )


@contextmanager
def headless_chromium(width: int = 1280, height: int = 900) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    missing = chromium_missing()
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Debian's chromium and chromium-driver: {missing}")
        pytest.skip(f"{missing}; CI runs this")
    options = Options()
    options.binary_location = str(shutil.which("chromium"))
    for arg in (
        "--headless=new",
        "--no-sandbox",  # root in a container has no user namespace for the sandbox
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--no-first-run",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(
        service=Service(executable_path=str(shutil.which("chromedriver"))), options=options
    )
    try:
        yield driver
    finally:
        driver.quit()


def load(driver: Any, page: Path) -> Loaded:
    """Open a file and wait for its load event; what the browser measured and complained of."""
    driver.get(page.resolve().as_uri())
    for _ in range(100):
        done = driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return n && n.loadEventEnd > 0 ? n.loadEventEnd - n.startTime : null;"
        )
        if done is not None:
            break
        time.sleep(0.05)
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    return Loaded((done or 0.0) / 1000, errors, list(resources))


def screenshot(driver: Any, path: Path, width: int = 1280) -> None:
    """The whole page, not just the window."""
    height = int(driver.execute_script("return document.documentElement.scrollHeight;"))
    driver.set_window_size(width, height + 100)
    driver.save_screenshot(str(path))
