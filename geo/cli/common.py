"""What the commands share: the two consoles, failing with an exit code, options, loading data.

Exit codes: 0 success, 1 bad data or a failed operation, 2 bad arguments (usage errors).

Text from the data (ids, names, file names in a zip, values quoted in messages) is printed
literally: the consoles read no markup or emoji codes, and the strings they print are made
printable (:func:`geo.data.jsontext.printable`: newlines, escape sequences, bidi overrides and
lone surrogates escaped). A table cell from the data is :func:`plain`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from geo.data import reading, selection
from geo.data.files import TOO_LARGE
from geo.data.jsontext import printable
from geo.data.paths import default_data_dir
from geo.data.schema import MAX_FILE_BYTES, Problem
from geo.slides import errors


def plain(value: object) -> Text:
    """A value from the data as rich text: printable, never read as markup or emoji.

    Parameters
    ----------
    value : object
        Any value (``str()`` of it is shown); e.g. an id in a table cell.

    Returns
    -------
    rich.text.Text
        One line: newlines and other control characters escaped (``\\n``, ``\\x1b``).
    """
    return Text(printable(str(value)))


def lines(text: str) -> str:
    """Make each line of a message printable; the message's own line breaks are kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


class PlainConsole(Console):
    """A console that prints strings literally: no markup, no emoji codes, no highlighting.

    Strings given to :meth:`print` are made printable line by line (:func:`lines`);
    renderables (tables) are printed as they are, so their cells from the data are
    :func:`plain`. Takes :class:`rich.console.Console`'s arguments.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs = {"markup": False, "emoji": False, "highlight": False, **kwargs}
        super().__init__(**kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print like :meth:`rich.console.Console.print`, strings made printable."""
        objects = tuple(lines(o) if isinstance(o, str) else o for o in objects)
        super().print(*objects, **kwargs)


out = PlainConsole(soft_wrap=True)
err = PlainConsole(stderr=True, soft_wrap=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data", help="Data directory (default: the bundled data set).", show_default=False
    ),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="ISO date; default the latest date in the data.")
]
SinceOption = Annotated[str | None, typer.Option(help="Start of the strike/track window.")]
MaxFileOption = Annotated[
    float,
    typer.Option(
        "--max-file-mb",
        min=0.001,
        help="Largest data file read, in MB (a safety bound; GeoParquet layers may need more).",
    ),
]
MAX_FILE_MB = MAX_FILE_BYTES / 2**20
"""The default of ``--max-file-mb``: :data:`geo.data.schema.MAX_FILE_BYTES` in MB."""


def file_bytes(max_file_mb: float) -> int:
    """The ``max_file_bytes`` of the library for a ``--max-file-mb`` (MB of 2**20 bytes)."""
    return round(max_file_mb * 2**20)


def problem_line(problem: Problem | str) -> str:
    """A data problem (or error) as printed: a size-limit message says which flag raises it."""
    text = str(problem)
    message = problem.message if isinstance(problem, Problem) else text
    return f"{text}: raise it with --max-file-mb" if TOO_LARGE in message else text


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise.

    Parameters
    ----------
    message : str
        What went wrong, for the user (printed literally, made printable).
    code : int
        1 for bad data or a failed operation, 2 for bad arguments.
    """
    err.print(message, markup=False)
    return typer.Exit(code)


def flag(option: str) -> str:
    """The command-line flag of a library argument: ``as_of`` -> ``--as-of``."""
    return "--" + option.replace("_", "-")


def worded(error: BaseException | str) -> str:
    """A library error or warning in the command line's words: its flags and what to type.

    The library's typed errors and notices carry the facts (``option`` and ``reason``, as
    :class:`geo.slides.errors.BadOption`, :class:`geo.slides.errors.Notice`,
    :class:`geo.analysis.overlayspecs.BadSpec`; the paths of
    :class:`geo.slides.errors.OutputExists`) and name no flag; this names them.
    """
    option, reason = getattr(error, "option", ""), getattr(error, "reason", None)
    if option and reason is not None:
        text = f"{flag(option)}: {reason}"
        return f"warning: {text}" if isinstance(error, str) else text
    if isinstance(error, errors.OutputExists):
        return f"{error}; use --force to overwrite"
    return str(error)


def parse_day(value: str | None, option: str = "--as-of") -> date | None:
    """Parse a date option; a bad value is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return selection.to_day(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not an ISO date (YYYY-MM-DD)", 2) from None


def load_checked(data: Path | None, max_file_mb: float = MAX_FILE_MB) -> reading.Dataset:
    """Load a data directory (default the bundled set); print its problems and exit 1 if any.

    A ``--data`` that does not exist is a bad argument (exit 2). ``max_file_mb`` is the
    ``--max-file-mb`` option.
    """
    if data is not None and not data.exists():
        raise fail(f"--data: {data}: no such file or directory", 2)
    dataset = reading.load(data or default_data_dir(), max_file_bytes=file_bytes(max_file_mb))
    if dataset.problems:
        for problem in dataset.problems:
            err.print(problem_line(problem), markup=False)
        raise fail(f"{dataset.problem_count} problem(s); run `python -m geo validate` for details")
    return dataset
