"""The PNG export's arguments and output files: size, scale, bounds, basemap, dates, paths.

Parsers of the ``export png`` options raise :class:`~geo.slides.errors.BadOption` (a
ValueError) naming the argument and what is wrong with it; the command line words it with
its flag (exit code 2), the app its own way. Output files are checked before
any rendering and written without overwriting a file unless asked (:func:`write_output`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from geo.data import selection
from geo.slides.errors import BadOption, OutputExists, PngError
from geo.web.basemaps import BASEMAPS as BASEMAP_NAMES
from geo.web.contract import STALE_DAYS

MIN_SIDE, MAX_SIDE = 320, 7680
SCALES = (1, 2)
MAX_DATES = 400
DEFAULT_SIZE = (1920, 1080)
DEFAULT_CAVEAT = "UNCLASSIFIED - OPEN SOURCES - POSITIONS APPROXIMATE"


@dataclass
class SlideOptions:
    """What a slide shows; the same things the ``export png`` and ``export pdf`` commands take.

    ``as_of`` is one date here; lists and ranges are for :func:`geo.slides.render.render_png`.
    ``bounds`` replaces the automatic frame (:mod:`geo.web.framing`). ``rings`` are
    ``ID`` or ``ID:KM`` specs (or (id, km) pairs) and ``zones`` ISO A3 codes
    (:mod:`geo.analysis.overlayspecs`); ``uncertainty`` draws the uncertainty circles;
    unit reports ``stale_days`` older than ``as_of`` are drawn faded; ``compare`` (a date)
    adds compare mode, what moved since then (:mod:`geo.web.compare`).
    """

    as_of: date | str | None = None
    since: date | str | None = None
    basemap: str = "light"
    title: str | None = None
    size: tuple[int, int] = DEFAULT_SIZE
    scale: int = 1
    bounds: tuple[float, float, float, float] | None = None
    caveat: str = DEFAULT_CAVEAT
    rings: tuple[str | tuple[str, float | None], ...] = ()
    zones: tuple[str, ...] = ()
    uncertainty: bool = True
    stale_days: int = STALE_DAYS
    compare: date | str | None = None


# --- arguments ----------------------------------------------------------------


def parse_size(text: str) -> tuple[int, int]:
    """Parse ``WIDTHxHEIGHT`` (CSS pixels) into two integers.

    Raises
    ------
    BadOption
        (a ValueError) When the text is not two whole numbers joined by ``x`` or a side is
        outside 320..7680.
    """
    match = re.fullmatch(r"\s*(\d{1,5})\s*[xX×]\s*(\d{1,5})\s*", text or "")
    if not match:
        raise BadOption("size", f"{text!r} is not WIDTHxHEIGHT, e.g. 1920x1080", text)
    width, height = int(match.group(1)), int(match.group(2))
    for side in (width, height):
        if not MIN_SIDE <= side <= MAX_SIDE:
            raise BadOption(
                "size", f"{side} is out of range; each side must be {MIN_SIDE}..{MAX_SIDE}", text
            )
    return width, height


def check_scale(scale: int) -> int:
    """Return ``scale`` if it is 1 or 2 (device pixels per CSS pixel), else raise BadOption."""
    if scale not in SCALES:
        raise BadOption("scale", f"{scale!r} must be 1 or 2", scale)
    return scale


def parse_bounds(text: str) -> tuple[float, float, float, float]:
    """Parse ``W,S,E,N`` in degrees (west, south, east, north).

    Raises
    ------
    BadOption
        (a ValueError) On anything but four numbers with -180 <= W < E <= 180 and -85 <= S < N <= 85
        (the map is Web Mercator; the antimeridian is not crossed).
    """
    parts = (text or "").split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadOption("bounds", f"{text!r} is not W,S,E,N, e.g. -75,8,-58,20", text)
    west, south, east, north = values
    if not (-180 <= west < east <= 180):
        raise BadOption("bounds", f"need -180 <= W < E <= 180, got W={west:g} E={east:g}", text)
    if not (-85 <= south < north <= 85):
        raise BadOption("bounds", f"need -85 <= S < N <= 85, got S={south:g} N={north:g}", text)
    return west, south, east, north


_STEP = re.compile(r"(\d{1,4})([dw])")


def is_date_list(text: str) -> bool:
    """True when an ``--as-of`` value is a list or a range (one output per date)."""
    return "," in text or ".." in text


def parse_dates(text: str) -> list[date]:
    """Parse an ``--as-of`` value: a date, a list, a range with a step, or a mix.

    ``2025-09-01``, ``2025-09-01,2025-10-01``, ``2025-09-01..2025-10-23/7d``
    (every 7 days from the start, up to and including the end when a step lands
    on it; steps in days ``d`` or weeks ``w``, default ``1d``). The result is
    sorted, without repeats.

    Raises
    ------
    BadOption
        (a ValueError) On a bad date, a bad step, an end before the start, or more than 400 dates.
    """
    days: set[date] = set()
    for item in (text or "").split(","):
        item = item.strip()
        if not item:
            raise BadOption("as_of", f"{text!r} has an empty item", text)
        if ".." not in item:
            days.add(_day(item))
            continue
        first, _, rest = item.partition("..")
        last, _, step_text = rest.partition("/")
        start, end = _day(first.strip()), _day(last.strip())
        step_match = _STEP.fullmatch(step_text.strip() or "1d")
        if not step_match or int(step_match.group(1)) == 0:
            raise BadOption("as_of", f"step {step_text!r} is not like 7d or 2w", text)
        step = timedelta(days=int(step_match.group(1)) * (7 if step_match.group(2) == "w" else 1))
        if end < start:
            raise BadOption("as_of", f"range {item!r} ends before it starts", text)
        if (end - start) // step >= MAX_DATES:
            raise BadOption("as_of", f"range {item!r} gives more than {MAX_DATES} dates", text)
        day = start
        while day <= end:
            days.add(day)
            day += step
    if len(days) > MAX_DATES:
        raise BadOption("as_of", f"more than {MAX_DATES} dates", text)
    return sorted(days)


def _day(text: str) -> date:
    try:
        return selection.to_day(text)
    except ValueError:
        raise BadOption("as_of", f"{text!r} is not an ISO date (YYYY-MM-DD)", text) from None


def dated_path(out: Path, day: date) -> Path:
    """Return ``out`` with the date before the suffix: ``out.png`` -> ``out_2025-09-01.png``."""
    return out.with_name(f"{out.stem}_{day.isoformat()}{out.suffix}")


def check_basemap(name: str) -> str:
    """Return ``name`` if it is a known basemap; raise BadOption otherwise."""
    known = BASEMAP_NAMES
    if name not in known:
        raise BadOption("basemap", f"{name!r} is not one of {', '.join(known)}", name)
    return name


# --- output files -------------------------------------------------------------


def output_paths(out: Path, as_of: Any) -> list[tuple[date | None, Path]]:
    """Pair each date of ``as_of`` with its output file (dated names for lists and ranges)."""
    if isinstance(as_of, str) and is_date_list(as_of):
        return [(day, dated_path(out, day)) for day in parse_dates(as_of)]
    if isinstance(as_of, Sequence) and not isinstance(as_of, str):
        days = [_day(d) if isinstance(d, str) else selection.to_day(d) for d in as_of]
        return [(day, dated_path(out, day)) for day in days]
    if isinstance(as_of, str):
        return [(_day(as_of), out)]
    return [(selection.to_day(as_of) if as_of is not None else None, out)]


def check_outputs(paths: Sequence[Path], force: bool = False) -> None:
    """Check that every output can be written: its folder exists and it does not (or ``force``).

    Raises
    ------
    OutputExists
        When a file exists and ``force`` is false.
    PngError
        When a folder is missing.
    """
    for path in paths:
        if not path.parent.is_dir():
            raise PngError(f"{path.parent}: no such directory")
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        raise OutputExists(existing)


def write_output(path: Path, data: bytes, force: bool) -> None:
    """Write ``data`` to ``path``; without ``force``, only if the file does not exist.

    Raises
    ------
    OutputExists
        When the file exists and ``force`` is false.
    PngError
        When the file cannot be written.
    """
    # Exclusive creation without force: a file that appeared meanwhile is not clobbered.
    try:
        with open(path, "wb" if force else "xb") as handle:
            handle.write(data)
    except FileExistsError:
        raise OutputExists([path]) from None
    except OSError as error:
        raise PngError(f"{path}: cannot write: {error.strerror or error}") from None
