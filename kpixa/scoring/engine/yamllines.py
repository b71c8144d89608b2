"""YAML read with its lines: every mapping and sequence remembers where it and each of its items
start, so a mistake found later is reported at its line. Plain scalars stay text (only ``null``
and merge keys are resolved): a code ``1.10`` stays "1.10" and the reader converts numbers,
dates and booleans itself. No Django here.
"""

from __future__ import annotations

from typing import Any

import yaml

from kpixa.scoring.engine.i18n import _


class YamlProblem(ValueError):
    """A file that is not readable YAML: the line and the reason in Vietnamese."""

    def __init__(self, line: int, reason: str) -> None:
        self.line, self.reason = line, reason
        super().__init__(f"{line}: {reason}")


# A framework file nests a handful of levels (groups → indicators → bands); PyYAML builds
# nested values recursively, so a file nested thousands deep would overflow the stack.
MAX_YAML_DEPTH = 50


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers its line, each key's line, its repeated keys and the keys
    given an empty value (left out of the mapping: an empty value is an absent key)."""

    line = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.duplicates: list[tuple[int, Any]] = []
        self.empty: list[Any] = []

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that remembers its line and each item's line."""

    line = 0
    lines: list[int]


_KEPT_RESOLVERS = {"tag:yaml.org,2002:null", "tag:yaml.org,2002:merge"}


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose plain scalars stay text (only null and merge keys are resolved)."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag in _KEPT_RESOLVERS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
        if key in mapping:
            mapping.duplicates.append((key_node.start_mark.line + 1, key))
        value = loader.construct_object(value_node, deep=True)  # type: ignore[no-untyped-call]
        if value is None or value == "":
            mapping.pop(key, None)
            mapping.empty.append(key)
        else:
            mapping[key] = value
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)  # type: ignore[no-untyped-call]
    items.line = node.start_mark.line + 1
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)  # type: ignore[arg-type]
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)  # type: ignore[arg-type]


def _too_deep(text: str) -> int | None:
    """The line of the first block or sequence nested deeper than MAX_YAML_DEPTH, else None.

    Reads the event stream, which PyYAML produces without recursion."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                return int(mark.line) + 1 if mark is not None else 1
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return None


def read(text: str) -> Any:
    """The YAML document of ``text`` with lines (LineDict, LineList, text and None), or YamlProblem."""
    try:
        deep_at = _too_deep(text)
        if deep_at is not None:
            raise YamlProblem(deep_at, _("tệp lồng nhau quá {max} cấp").format(max=MAX_YAML_DEPTH))
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlProblem(line, _("lỗi cú pháp YAML: {problem}").format(problem=exc.problem)) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(0, _("lỗi cú pháp YAML: {problem}").format(problem=exc)) from exc
