"""Texts stored in Vietnamese shown in the active language.

Some texts kpixa writes were stored in Vietnamese only, as one formatted string: a consequence's
reason, a notification written before notifications kept an English text. Each was made from a
message in the catalogue (its msgid, Vietnamese) and values. ``Retranslator`` finds which of the
messages it is given a stored text was made from, reads the values back, and formats the
message as translated in the active language; values that are themselves such messages (a
period's label inside a reason, several reasons joined by "; ") are translated the same way.
A text made from no known message is returned as stored, so nothing is ever lost or guessed.

Messages use ``{name}`` (``str.format``) or ``%(name)s`` placeholders.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from django.utils import translation
from django.utils.translation import gettext

_PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sd]")
_SEPARATORS = ("; ", ", ")


class Retranslator:
    """Translate stored texts made from ``messages`` (msgids) into the active language."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = tuple(dict.fromkeys(messages))

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str, list[str]]]:
        out = []
        for message in self.messages:
            if len(_PLACEHOLDER.sub("", message).strip()) < 3:  # too little text to recognise it by
                continue
            percent = "%(" in message  # a %-style message writes a literal "%" as "%%"
            names: list[str] = []
            pattern, last = [], 0
            for found in _PLACEHOLDER.finditer(message):
                name = found.group(1) or found.group(2)
                literal = message[last : found.start()]
                pattern.append(re.escape(literal.replace("%%", "%") if percent else literal))
                if name in names:  # the same value twice: must be equal
                    pattern.append(f"(?P={name})")
                else:
                    number = found.group(0).endswith(")d")
                    pattern.append(f"(?P<{name}>-?\\d+)" if number else f"(?P<{name}>.+?)")
                    names.append(name)
                last = found.end()
            pattern.append(re.escape(message[last:].replace("%%", "%") if percent else message[last:]))
            out.append((re.compile("".join(pattern), re.DOTALL), message, names))
        # longest literal text first: the most specific message wins
        out.sort(key=lambda item: -len(_PLACEHOLDER.sub("", item[1])))
        return out

    def shown(self, text: str) -> str:
        """``text`` in the active language; as stored when Vietnamese is active or no message fits."""
        if not text or not (translation.get_language() or "vi").startswith("en"):
            return text
        return self._translate(text, depth=0)

    def _translate(self, text: str, depth: int) -> str:
        for pattern, message, names in self._patterns:
            found = pattern.fullmatch(text)
            if found is None:
                continue
            values: dict[str, object] = {name: self._value(found.group(name), depth) for name in names}
            translated = gettext(message)
            if not names:
                return translated
            try:
                if "%(" not in message:
                    return translated.format(**values)
                numbers = {n for n in names if f"%({n})d" in message}
                return translated % {k: int(str(v)) if k in numbers else v for k, v in values.items()}
            except (KeyError, ValueError, TypeError, IndexError):  # a catalogue entry that does not fit
                return text
        return text

    def _value(self, value: str, depth: int) -> str:
        if depth >= 3:
            return value
        whole = self._translate(value, depth + 1)
        if whole != value:
            return whole
        for separator in _SEPARATORS:
            if separator in value:
                parts = value.split(separator)
                translated = [self._translate(part, depth + 1) for part in parts]
                if translated != parts:
                    return separator.join(translated)
        return value
