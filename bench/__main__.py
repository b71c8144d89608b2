"""Entry point: ``python -m bench --profile tiny|small|national [--only NAME] [--database-url URL]``."""

from bench import suites  # noqa: F401  (registers the benchmarks, in run order)
from bench.cli import main

raise SystemExit(main())
