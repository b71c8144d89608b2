import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "scoring" / "engine"


def test_it_keeps_the_engine_free_of_django() -> None:
    modules = sorted(f"kpixa.scoring.engine.{p.stem}" for p in ENGINE.glob("*.py") if p.stem != "__init__")
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ENGINE.parents[2]
    )
    assert out.stdout.strip() == "False"
