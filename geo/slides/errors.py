"""What can go wrong making a slide, as typed errors: the command line and the app word them."""

from __future__ import annotations


class PngError(Exception):
    """A slide could not be made; ``code`` is the exit code for the command line."""

    code = 1


class BadOption(PngError):
    """An option the slide cannot use (an unknown zone code, a bad ring radius): a usage error."""

    code = 2


class BrowserNotFound(PngError):
    """No Chromium to render with."""


class OutputExists(PngError):
    """An output file exists and overwriting was not asked for."""


class MapNotReady(PngError):
    """The map page never said it had drawn everything (``window.posturemap.ready``)."""
