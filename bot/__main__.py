"""`python -m bot` is the same as the `rolebot` console script."""

from bot.cli import main

raise SystemExit(main())
