"""Small builders shared by the framework and engine tests."""

from __future__ import annotations

from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.model import Framework

HEADER = """\
code: t
version: "1"
name: {vi: Thử, en: Test}
valid_from: 2025-01-01
total: %(total)s
groups:
"""


def framework_from(groups_yaml: str, total: int = 100, extra: str = "") -> Framework:
    """Load a test framework made of a fixed header, ``groups_yaml`` and ``extra`` top-level keys."""
    return load_framework(HEADER % {"total": total} + groups_yaml + extra, "test.yaml")


ON_TIME_ONLY = """\
  - code: "2"
    name: Tiến độ
    max: 100
    indicators:
      - code: "2.1"
        name: Đúng hạn
        numerator: dossiers.on_time
        denominator: dossiers.total
        unit_label: hồ sơ đúng hạn
        max_points: 100
"""
