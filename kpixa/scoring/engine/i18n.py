"""Translation hook for the engine's Vietnamese messages, without importing Django.

Messages are written in Vietnamese inside ``_()`` so ``makemessages`` collects them. The
engine returns them untranslated unless the Django layer installs a translator at start-up
(``kpixa.frameworks.apps`` installs ``django.utils.translation.gettext``).
"""

from __future__ import annotations

from collections.abc import Callable


def _identity(message: str) -> str:
    return message


_translator: Callable[[str], str] = _identity


def set_translator(translator: Callable[[str], str]) -> None:
    """Install the function that translates the engine's messages (gettext, usually)."""
    global _translator
    _translator = translator


def _(message: str) -> str:
    """Return ``message`` translated by the installed translator (Vietnamese by default)."""
    return _translator(message)
