"""The ping table: bad-row accounting, times to UTC, one flat frame of pings.

A ping is one reported position of one aircraft or vessel: an id, a time, a latitude and a
longitude. Tables are recognised from their header (:mod:`geo.tracks.layouts`). Every row that
cannot be used is counted under a reason (:class:`BadPings`), never dropped silently
(:func:`clean`). Times become UTC (:func:`geo.tracks.times.to_utc`). The result is one flat
DataFrame (:class:`Pings`) that :mod:`geo.tracks.legs` turns into tracks. Reading files is
:mod:`geo.tracks.readers`; layouts and rules: ``docs/tracks.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo.tracks.layouts import EXTRA_ROLES, ICAO_LAYOUTS, Layout, parameter, quote
from geo.tracks.times import to_utc

__all__ = ["BadPings", "Pings", "clean", "empty_frame", "to_utc"]

CATEGORIES = ("aircraft", "ship")
"""Ping categories; each has its own gap and speed thresholds in :mod:`geo.tracks.legs`."""

# Reasons a row is not used, as shown to the user.
BAD_LINE = "malformed line (wrong number of fields)"
BAD_ID = "missing id"
BAD_NO_TIME = "missing time"
BAD_TIME = "unparseable time"
BAD_TIME_RANGE = "time out of range (before 1980 or after 2100)"
BAD_AMBIGUOUS = (
    f"ambiguous d/m/yyyy or m/d/yyyy date (no day above 12): give {parameter('time_format')}"
)
BAD_POSITION = "missing or non-numeric lat/lon"
BAD_LAT = "latitude out of range -90..90"
BAD_LON = "longitude out of range -180..180"


# --- bad rows ---------------------------------------------------------------------


@dataclass
class BadPings:
    """Rows not used, counted by reason, with the first example of each reason.

    Attributes
    ----------
    counts : dict of str to int
        Reason to number of rows.
    examples : dict of str to str
        Reason to ``FILE row N: value`` for the first such row.
    """

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Number of rows not used."""
        return sum(self.counts.values())

    def add(self, reason: str, count: int, example: str | None = None) -> None:
        """Count ``count`` rows under ``reason``, keeping the first example."""
        if count <= 0:
            return
        self.counts[reason] = self.counts.get(reason, 0) + int(count)
        if example is not None:
            self.examples.setdefault(reason, example)

    def merge(self, other: BadPings) -> None:
        """Add the counts and examples of ``other``."""
        for reason, count in other.counts.items():
            self.add(reason, count, other.examples.get(reason))

    def lines(self) -> list[str]:
        """One line per reason, most frequent first: ``N reason (first: example)``."""
        out = []
        for reason, count in sorted(self.counts.items(), key=lambda item: (-item[1], item[0])):
            example = self.examples.get(reason)
            out.append(f"{count:,} {reason}" + (f" (first: {example})" if example else ""))
        return out


@dataclass
class Pings:
    """Usable pings from one or more files, and what was not usable.

    Attributes
    ----------
    frame : DataFrame
        One row per usable ping: ``id`` (str), ``time`` (datetime64[ns, UTC]), ``lat``,
        ``lon`` (float64), ``category``, ``layout``, ``file``, ``row`` (1-based data
        row or element number in its file) and the extra roles (``callsign``,
        ``vessel_name``, ``name``) as text or missing. Not sorted.
    bad : BadPings
        Rows not used, by reason.
    layouts : list of (str, Layout)
        Each file and the layout found in it.
    rows_read : int
        Rows (or timed points) read over all files, usable or not.
    warnings : list of str
        Things the user should check (e.g. an id column with a different id on every row).
    """

    frame: pd.DataFrame
    bad: BadPings
    layouts: list[tuple[str, Layout]]
    rows_read: int
    warnings: list[str] = field(default_factory=list)


COLUMNS = ("id", "time", "lat", "lon", "category", "layout", "file", "row", *EXTRA_ROLES)


def empty_frame() -> pd.DataFrame:
    """An empty ping frame with the columns and types of :attr:`Pings.frame`."""
    return pd.DataFrame(
        {
            "id": pd.Series([], dtype="str"),
            "time": pd.Series([], dtype="datetime64[ns, UTC]"),
            "lat": pd.Series([], dtype="float64"),
            "lon": pd.Series([], dtype="float64"),
            "category": pd.Series([], dtype=object),
            "layout": pd.Series([], dtype=object),
            "file": pd.Series([], dtype=object),
            "row": pd.Series([], dtype="int64"),
            **{role: pd.Series([], dtype="str") for role in EXTRA_ROLES},
        }
    )


Chunk = tuple[pd.DataFrame, int, list[int]]
"""Raw rows as a reader hands them to :func:`clean`: role-named columns, the row number of
the first row, and the row numbers of malformed lines skipped."""
PROBLEM_SEP = "\x00"
"""Joins a reason and the quoted line in a raw ``problem`` column (see :func:`clean`)."""


# --- rows ------------------------------------------------------------------------------


def clean(
    raw: pd.DataFrame,
    file: str,
    layout: Layout,
    category: str,
    first_row: int = 1,
    malformed: Iterable[int] = (),
    time_format: str | None = None,
    order: str | None = None,
) -> tuple[pd.DataFrame, BadPings]:
    """Turn raw rows (role-named columns) into usable pings, counting the others by reason.

    Parameters
    ----------
    raw : DataFrame
        Columns named by role: ``id``, ``time``, ``lat``, ``lon`` and any extra roles;
        ``position_time`` (the time of the position, when the row's own time is when it
        was repeated: OpenSky ``lastposupdate``) wins over ``time`` where it is valid;
        ``position`` (``"lat,lon"`` text, Flightradar24) stands for ``lat`` and ``lon``;
        ``row`` gives row (line) numbers when they are not consecutive; ``problem``
        (``reason`` + :data:`PROBLEM_SEP` + quoted text) marks rows a reader could not
        use, counted under that reason.
    file : str
        File name for examples.
    layout : Layout
        Layout the rows come from.
    category : str
        ``aircraft`` or ``ship``.
    first_row : int
        Row number of the first row of ``raw`` (1-based, data rows).
    malformed : iterable of int
        Row numbers already skipped by the reader as malformed lines.
    time_format, order
        As for :func:`geo.tracks.times.to_utc`.

    Returns
    -------
    frame : DataFrame
        Usable pings (see :attr:`Pings.frame`).
    bad : BadPings
    """
    bad = BadPings()
    malformed = list(malformed)
    if malformed:
        bad.add(BAD_LINE, len(malformed), f"{file} row {malformed[0]}")
    n = len(raw)
    if "row" in raw:
        rows = raw["row"].to_numpy(dtype="int64")
    else:
        rows = np.arange(first_row, first_row + n, dtype="int64")
    remaining = np.ones(n, dtype=bool)
    if "problem" in raw and raw["problem"].notna().any():
        split = raw["problem"].astype("string").str.partition(PROBLEM_SEP)
        for reason in split[0].dropna().unique():
            hit = (split[0] == reason).to_numpy(dtype=bool, na_value=False)
            first = int(np.flatnonzero(hit)[0])
            example = f"{file} line {rows[first]}: {split[2].iloc[first]}"
            bad.add(str(reason), int(hit.sum()), example)
            remaining &= ~hit
    raw_ids = raw["id"]
    if pd.api.types.is_float_dtype(raw_ids.dtype):
        # A numeric id read as float (MMSI in Parquet, or with gaps) must not gain a ".0".
        raw_ids = raw_ids.astype("Int64")
    ids = _text(raw_ids)
    if layout.name in ICAO_LAYOUTS:
        ids = ids.str.lower()  # ICAO 24-bit addresses are hex: case carries no meaning
    times, time_range, ambiguous = to_utc(raw["time"], time_format, order)
    if "position_time" in raw:
        # The position's own time: a state vector repeats the last position with a new time.
        at, at_range, _ = to_utc(raw["position_time"], time_format, order)
        valid = at.notna().to_numpy()
        times = at.where(valid, times)
        time_range = np.where(valid, at_range, time_range)
    if "position" in raw and "lat" not in raw:
        parts = raw["position"].astype("string").str.split(",", n=1, expand=True)
        raw = raw.assign(lat=parts[0], lon=parts[1] if parts.shape[1] > 1 else None)
    lat = pd.to_numeric(raw["lat"], errors="coerce").astype("float64").to_numpy()
    lon = pd.to_numeric(raw["lon"], errors="coerce").astype("float64").to_numpy()

    checks = (
        (BAD_ID, ids.isna().to_numpy(), raw["id"]),
        (BAD_NO_TIME, _missing(raw["time"]), raw["time"]),
        (BAD_TIME_RANGE, time_range, raw["time"]),
        (BAD_AMBIGUOUS, ambiguous, raw["time"]),
        (BAD_TIME, times.isna().to_numpy(), raw["time"]),
        (BAD_POSITION, ~(np.isfinite(lat) & np.isfinite(lon)), None),
        (BAD_LAT, np.abs(lat) > 90, raw["lat"]),
        (BAD_LON, np.abs(lon) > 180, raw["lon"]),
    )
    for reason, mask, source in checks:
        hit = remaining & mask
        count = int(hit.sum())
        if count:
            first = int(np.flatnonzero(hit)[0])
            if source is None:
                value = f"{_show(raw['lat'].iloc[first])}, {_show(raw['lon'].iloc[first])}"
            else:
                value = _show(source.iloc[first])
            bad.add(reason, count, f"{file} row {rows[first]}: {value}")
            remaining &= ~mask
    keep = remaining
    frame = pd.DataFrame(
        {
            "id": ids[keep].reset_index(drop=True),
            "time": times[keep].reset_index(drop=True),
            "lat": lat[keep],
            "lon": lon[keep],
            "category": category,
            "layout": layout.name,
            "file": file,
            "row": rows[keep],
        }
    )
    for role in EXTRA_ROLES:
        if role in raw:
            frame[role] = _text(raw[role])[keep].reset_index(drop=True)
        else:
            frame[role] = pd.Series(np.nan, index=frame.index, dtype="str")
    return frame, bad


def _missing(values: pd.Series) -> np.ndarray:
    """Rows with no value at all (null, NaN or blank text)."""
    missing = values.isna().to_numpy()
    if values.dtype == object or isinstance(values.dtype, pd.StringDtype):
        missing = missing | (values.astype("str").str.strip() == "").to_numpy(
            dtype=bool, na_value=True
        )
    return missing


def _text(values: pd.Series) -> pd.Series:
    """Stripped text (pandas string dtype); empty strings become missing."""
    text = values if isinstance(values.dtype, pd.StringDtype) else values.astype("str")
    text = text.str.strip()
    return text.where(text != "")


def _show(value: Any) -> str:
    """A raw value for a message: text quoted, numbers and missing values plain."""
    if isinstance(value, str):
        return repr(quote(value))
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "empty"
    return quote(value)
