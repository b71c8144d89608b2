"""Names in flow mappings: an unquoted comma must not silently cut a name short."""

import pytest

from kpixa.frameworks.services import shipped_files
from kpixa.scoring.engine.loader import FrameworkError, load_framework


def test_it_refuses_a_name_mapping_with_extra_keys() -> None:
    text = next(p for p in shipped_files() if p.name == "dvc766.yaml").read_text("utf-8")
    broken = text.replace(
        '{vi: "Công bố, công khai TTHC đúng hạn", en:', "{vi: Công bố, công khai TTHC đúng hạn, en:"
    )
    assert broken != text
    with pytest.raises(FrameworkError) as info:
        load_framework(broken, "dvc766.yaml")
    assert any("thừa" in reason and "công khai TTHC đúng hạn" in reason for _, reason in info.value.errors)


def test_it_keeps_full_names_in_the_shipped_frameworks() -> None:
    for path in shipped_files():
        framework = load_framework(path.read_text("utf-8"), path.name)
        for group in framework.groups:
            for indicator in group.indicators:
                assert indicator.name.vi and indicator.name.en, (path.name, indicator.code)
    dvc = next(p for p in shipped_files() if p.name == "dvc766.yaml")
    names = {
        i.code: i.name.vi for g in load_framework(dvc.read_text("utf-8"), "x").groups for i in g.indicators
    }
    assert names["1.1"] == "Công bố, công khai TTHC đúng hạn"
