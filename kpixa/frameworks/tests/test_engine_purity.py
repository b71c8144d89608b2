import subprocess
import sys
from pathlib import Path

KPIXA = Path(__file__).resolve().parents[2]
ENGINE = KPIXA / "scoring" / "engine"
RULES = KPIXA / "rules"


def _imports_django(modules: list[str]) -> bool:
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('django' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=KPIXA.parent
    )
    return out.stdout.strip() == "True"


def test_it_keeps_the_engine_free_of_django() -> None:
    modules = sorted(f"kpixa.scoring.engine.{p.stem}" for p in ENGINE.glob("*.py") if p.stem != "__init__")
    assert not _imports_django(modules)


def test_it_keeps_the_rules_free_of_django() -> None:
    modules = sorted(f"kpixa.rules.{p.stem}" for p in RULES.glob("*.py") if p.stem != "__init__")
    assert "kpixa.rules.outcome" in modules
    assert not _imports_django(modules)
