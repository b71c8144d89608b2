"""Translation hook for the engine's Vietnamese messages, without importing Django.

Messages are written in Vietnamese inside ``_()`` so ``makemessages`` collects them. The
engine returns them untranslated unless the Django layer installs a translator at start-up
(``kpixa.frameworks.apps`` installs ``django.utils.translation.gettext``).

Scoring a province asks for the same few messages thousands of times; inside ``memoized()``
each message is translated once per block (per thread: the language must not change inside,
except through ``in_language``, which keeps its own entries).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any


def _identity(message: str) -> str:
    return message


def _vietnamese() -> str:
    return "vi"


_translator: Callable[[str], str] = _identity
_language: Callable[[], str | None] = _vietnamese
_switcher: Callable[[str], AbstractContextManager[Any]] | None = None
_local = threading.local()


def set_language_getter(getter: Callable[[], str | None]) -> None:
    """Install the function that names the active language ("vi", "en"; Django's get_language)."""
    global _language
    _language = getter


def english() -> bool:
    """Whether the active language is English (names from framework files are then shown in
    English where the file gives an English name)."""
    return (_language() or "vi").startswith("en")


def set_language_switcher(switcher: Callable[[str], AbstractContextManager[Any]]) -> None:
    """Install the function that makes a language active inside a block (Django's override)."""
    global _switcher
    _switcher = switcher


def can_switch() -> bool:
    """Whether ``in_language`` can change the messages' language (a switcher is installed)."""
    return _switcher is not None


@contextmanager
def in_language(code: str) -> Iterator[None]:
    """Within the block, messages and names are in ``code`` ("vi", "en"), memoized apart from the
    outer language's. Without an installed switcher the block changes nothing."""
    if _switcher is None:
        yield
        return
    outer = getattr(_local, "language", None)
    _local.language = code
    try:
        with _switcher(code):
            yield
    finally:
        _local.language = outer


def set_translator(translator: Callable[[str], str]) -> None:
    """Install the function that translates the engine's messages (gettext, usually)."""
    global _translator
    _translator = translator


@contextmanager
def memoized() -> Iterator[None]:
    """Within the block, translate each message once in this thread (keep the language fixed)."""
    outer = getattr(_local, "cache", None)
    _local.cache = {} if outer is None else outer
    try:
        yield
    finally:
        _local.cache = outer


def _(message: str) -> str:
    """Return ``message`` translated by the installed translator (Vietnamese by default)."""
    cache: dict[tuple[str | None, str], str] | None = getattr(_local, "cache", None)
    if cache is None:
        return _translator(message)
    key = (getattr(_local, "language", None), message)
    text = cache.get(key)
    if text is None:
        text = cache[key] = _translator(message)
    return text
