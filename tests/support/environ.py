"""Settings as a given environment would give them, for tests and benchmarks.

bot/settings.py reads only the process environment (and `.env`). Here that environment is
replaced, for the length of one `load_settings` call, by exactly the variables given, so a
developer's own SLACK_* or ROLEBOT_* variables never leak into a test.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from unittest import mock

from bot.settings import Mode, Settings, load_settings


def settings_from(
    environ: Mapping[str, str],
    slack: bool = False,
    mode: Mode | None = None,
    dotenv: Path | None = None,
) -> Settings:
    with mock.patch.dict(os.environ, environ, clear=True):
        return load_settings(slack=slack, mode=mode, dotenv=dotenv)
