"""The working-day calendar is plain Python: the app hands it the database exceptions."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_it_keeps_the_calendar_free_of_django() -> None:
    code = "import sys, kpixa.workdays.calendar\nprint('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_it_refuses_to_build_a_calendar_before_the_app_connects_its_exceptions() -> None:
    code = (
        "import kpixa.workdays.calendar as c\n"
        "try:\n    c.build_calendar()\nexcept RuntimeError:\n    print('refused')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "refused"
