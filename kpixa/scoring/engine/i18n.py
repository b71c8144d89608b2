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


def is_english(language: str | None = None) -> bool:
    """Whether ``language`` ("vi", "en"; None: the active language) is English."""
    return english() if language is None else language.startswith("en")


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


def gettext_noop(message: str) -> str:
    """Mark ``message`` for the catalogue (``makemessages`` collects it) without translating it:
    it is translated when written (``message``)."""
    return message


def message(text: str, language: str | None = None) -> str:
    """Return ``text`` translated into ``language`` ("vi", "en"; None: the active language, as ``_``).

    Inside ``memoized()`` the language is switched only the first time a message is asked for in
    it, so writing every explanation twice (Vietnamese and English) switches a few times per run,
    not twice per indicator."""
    if language is None or _switcher is None:
        return _(text)
    cache: dict[tuple[str | None, str], str] | None = getattr(_local, "cache", None)
    key = (language, text)
    if cache is not None:
        found = cache.get(key)
        if found is not None:
            return found
    with in_language(language):
        translated = _translator(text)
    if cache is not None:
        cache[key] = translated
    return translated


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
