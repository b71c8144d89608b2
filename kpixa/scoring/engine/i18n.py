"""Translation hook for the engine's Vietnamese messages, without importing Django.

Messages are written in Vietnamese inside ``_()`` so ``makemessages`` collects them. The
engine returns them untranslated unless the Django layer installs a translator at start-up
(``kpixa.frameworks.apps`` installs ``django.utils.translation.gettext``).

Scoring a province asks for the same few messages thousands of times; inside ``memoized()``
each message is translated once per block (per thread: the language must not change inside).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _identity(message: str) -> str:
    return message


def _vietnamese() -> str:
    return "vi"


_translator: Callable[[str], str] = _identity
_language: Callable[[], str | None] = _vietnamese
_local = threading.local()


def set_language_getter(getter: Callable[[], str | None]) -> None:
    """Install the function that names the active language ("vi", "en"; Django's get_language)."""
    global _language
    _language = getter


def english() -> bool:
    """Whether the active language is English (names from framework files are then shown in
    English where the file gives an English name)."""
    return (_language() or "vi").startswith("en")


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
    cache: dict[str, str] | None = getattr(_local, "cache", None)
    if cache is None:
        return _translator(message)
    text = cache.get(message)
    if text is None:
        text = cache[message] = _translator(message)
    return text
