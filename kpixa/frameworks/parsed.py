"""Installed framework versions as the engine reads them: parsed once per process and version."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from kpixa.frameworks.models import FrameworkVersion
from kpixa.scoring.engine.loader import load_framework
from kpixa.scoring.engine.model import Framework

PARSED_KEEP = 64  # parsed frameworks kept per process (a few versions are in use at a time)


@dataclass(frozen=True)
class VersionRef:
    """A FrameworkVersion row without its source text: what the pages need to name and key a version.

    ``framework_of`` reads the text (one query) only when the version is not parsed yet in this
    process, so a page view does not fetch the whole framework file every time.
    """

    pk: int
    code: str
    version: str
    sha256: str
    source_name: str
    valid_from: date
    valid_to: date | None
    loaded_at: datetime

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    @property
    def source_text(self) -> str:
        """The framework file's text (one query)."""
        return str(FrameworkVersion.objects.values_list("source_text", flat=True).get(pk=self.pk))


_frameworks: OrderedDict[tuple[int | None, str], Framework] = OrderedDict()
_frameworks_lock = threading.Lock()


def parsed_frameworks() -> list[Framework]:
    """The framework versions parsed in this process so far (no query)."""
    with _frameworks_lock:
        return list(_frameworks.values())


def framework_of(version: FrameworkVersion | VersionRef) -> Framework:
    """Return the parsed engine Framework of a FrameworkVersion row or a VersionRef.

    Parsed once per process and version (keyed by the row's id and its text's SHA-256): a known
    version's text is not read at all, so it may be a deferred field or a ``VersionRef``.
    """
    key = (version.pk, version.sha256)
    found = _frameworks.get(key)
    if found is None:
        found = _parsed(version.sha256, version.source_text, version.source_name or str(version))
        with _frameworks_lock:
            _frameworks[key] = found
            while len(_frameworks) > PARSED_KEEP:
                _frameworks.popitem(last=False)
    return found


@lru_cache(maxsize=PARSED_KEEP)
def _parsed(sha256: str, text: str, source_name: str) -> Framework:
    # Keyed by the text's hash: a Framework is immutable, so sharing it is safe.
    return load_framework(text, source_name)
