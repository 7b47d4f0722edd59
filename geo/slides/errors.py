"""What can go wrong making a slide, as typed errors: the command line and the app word them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class PngError(Exception):
    """A slide could not be made; ``code`` is the exit code for the command line."""

    code = 1


class BadOption(PngError, ValueError):
    """An argument the slide cannot use (a bad size, an unknown zone code): a usage error.

    Attributes
    ----------
    option : str
        The argument, by its parameter name (``size``, ``scale``, ``bounds``, ``as_of``,
        ``basemap``); empty when the message says it.
    reason : str
        What is wrong, in words that name no command-line flag: the command line and the
        app each name the argument their own way.
    value : object
        What was given.
    """

    code = 2

    def __init__(self, option: str, reason: str | None = None, value: object = None) -> None:
        if reason is None:  # one message that names the option itself
            option, reason = "", option
        super().__init__(f"{option}: {reason}" if option else reason)
        self.option, self.reason, self.value = option, reason, value


class UnknownRingOrigin(PngError):
    """A ring origin that is no base or asset of the data at any date (bad data: code 1).

    Attributes
    ----------
    option : str
        ``rings``.
    origin : str
        The id asked for.
    reason : str
        The same in words, naming no command-line flag.
    """

    def __init__(self, origin: str) -> None:
        self.option, self.origin, self.value = "rings", origin, origin
        self.reason = f"no base or asset with id {origin!r} in the data"
        super().__init__(f"{self.option}: {self.reason}")


class Notice(str):
    """A warning about an argument, as given to a ``warn`` callback: text and the facts.

    The text (``warning: rings: ...``) names no command-line flag; ``option`` and
    ``reason`` let the command line and the app word it their own way.
    """

    option: str
    reason: str

    def __new__(cls, option: str, reason: str) -> Notice:
        notice = super().__new__(cls, f"warning: {option}: {reason}")
        notice.option, notice.reason = option, reason
        return notice


class BrowserNotFound(PngError):
    """No Chromium to render with."""


class OutputExists(PngError):
    """Output files exist and overwriting was not asked for.

    Attributes
    ----------
    paths : tuple of Path
        The files that exist.
    """

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = tuple(paths)
        more = f" (and {len(self.paths) - 1} more)" if len(self.paths) > 1 else ""
        super().__init__(f"{self.paths[0]} exists{more}")


class MapNotReady(PngError):
    """The map page never said it had drawn everything (``window.posturemap.ready``)."""
