"""What JSON text can hold that the data cannot: non-finite numbers, lone surrogates, controls.

Python's json reads ``NaN``, ``Infinity`` and ``1e999`` (JSON has none of them) and
``"\\ud800"`` (half of a UTF-16 pair, not Unicode text). :class:`NonFinite` is how such a
number is read, so that each becomes a problem at its feature and field
(:func:`geo.data.properties.check_values`); :data:`SURROGATE` and :data:`SURROGATE_ESCAPE`
find the others. :func:`printable` makes any text from the data safe for a terminal.
"""

from __future__ import annotations

import re
import unicodedata

SURROGATE = re.compile("[\\ud800-\\udfff]")
"""A lone surrogate in a parsed string (a valid pair is read as one character)."""

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""The escape a lone surrogate can only come from, in a file's bytes: without one, no walk."""


class NonFinite:
    """A number literal that JSON does not have, as read: ``NaN``, ``Infinity``, ``1e999``.

    Python's json reads them as floats; posturemap reads them as this, which no field's type
    accepts, so that each is a problem located at its feature and field. Shown as written.
    """

    __slots__ = ("literal",)

    def __init__(self, literal: str) -> None:
        self.literal = literal

    def __repr__(self) -> str:
        return self.literal


# Control characters (C0, DEL, C1), format characters (bidi overrides and isolates, zero
# widths), lone surrogates and the line and paragraph separators: what can move the cursor,
# reorder or hide text, or fail to encode on a terminal.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """Return ``text`` safe to print on one terminal line: unprintable characters escaped.

    Every value from the data that reaches a terminal goes through this one function
    (:class:`Problem` lines, the command line's messages): a newline, an escape sequence, a
    bidi override or a lone surrogate is shown as its Python escape (``\\n``, ``\\x1b``,
    ``\\u202e``, ``\\ud800``) instead of acting on the terminal. Other characters, accented
    letters and scripts included, are kept.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    str
        The same text where it was printable already (the common case, checked at C speed).
    """
    if text.isprintable():
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if unicodedata.category(char) in _UNPRINTABLE_CATEGORIES
        else char
        for char in text
    )
