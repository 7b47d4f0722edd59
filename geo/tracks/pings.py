"""The ping table: bad-row accounting, times to UTC, one flat frame of pings.

A ping is one reported position of one aircraft or vessel: an id, a time, a latitude and a
longitude. Tables are recognised from their header (:mod:`geo.tracks.layouts`). Every row that
cannot be used is counted under a reason (:class:`BadPings`), never dropped silently
(:func:`clean`). Times become UTC (:func:`to_utc`). The result is one flat DataFrame
(:class:`Pings`) that :mod:`geo.tracks.legs` turns into tracks. Reading files is
:mod:`geo.tracks.readers`; layouts and rules: ``docs/tracks.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo.tracks.layouts import EXTRA_ROLES, Layout, header_key

CATEGORIES = ("aircraft", "ship")
"""Ping categories; each has its own gap and speed thresholds in :mod:`geo.tracks.legs`."""

# Reasons a row is not used, as shown to the user.
BAD_LINE = "malformed line (wrong number of fields)"
BAD_ID = "missing id"
BAD_NO_TIME = "missing time"
BAD_TIME = "unparseable time"
BAD_TIME_RANGE = "time out of range (before 1980 or after 2100)"
BAD_POSITION = "missing or non-numeric lat/lon"
BAD_LAT = "latitude out of range -90..90"
BAD_LON = "longitude out of range -180..180"

_EPOCH_MIN = 315_532_800  # 1980-01-01T00:00:00Z
_EPOCH_MAX = 4_102_444_800  # 2100-01-01T00:00:00Z


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
    """

    frame: pd.DataFrame
    bad: BadPings
    layouts: list[tuple[str, Layout]]
    rows_read: int


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


# --- values ---------------------------------------------------------------------------


def to_utc(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Parse ping times into UTC.

    Numbers (or numeric text) are Unix seconds, or milliseconds when above 1e11;
    text is ISO 8601, with an offset converted to UTC and none taken as UTC; datetime
    columns (Parquet) are taken as they are, naive ones as UTC.

    Parameters
    ----------
    values : Series
        The raw time column.

    Returns
    -------
    times : Series
        datetime64[ns, UTC], NaT where the value cannot be read or is out of range.
    out_of_range : ndarray of bool
        Rows whose time was read but lies before 1980 or after 2100.
    """
    index = values.index
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        times = values.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        times = values.dt.tz_localize("UTC")
    else:
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
            numbers = values.astype("float64")
            is_number = numbers.notna().to_numpy()
        else:
            text = values.astype("string").str.strip()
            numbers = pd.to_numeric(text, errors="coerce").astype("float64")
            is_number = numbers.notna().to_numpy()
        seconds = numbers.to_numpy(dtype="float64", na_value=np.nan)
        seconds = np.where(np.abs(seconds) > 1e11, seconds / 1000.0, seconds)
        # Clip before converting so absurd numbers give NaT, not an overflow.
        in_epoch = is_number & (seconds >= _EPOCH_MIN - 1) & (seconds <= _EPOCH_MAX + 1)
        nanos = np.where(in_epoch, np.round(seconds * 1e9), 0).astype("int64")
        times = pd.Series(pd.to_datetime(nanos, unit="ns", utc=True), index=index)
        times = times.where(in_epoch)
        if not is_number.all():
            text_rows = ~is_number
            parsed = pd.to_datetime(
                values[text_rows].astype("string"), utc=True, errors="coerce", format="ISO8601"
            )
            times = times.astype("datetime64[ns, UTC]")
            times[text_rows] = parsed.astype("datetime64[ns, UTC]")
        out_of_range_numbers = is_number & ~in_epoch
        times = times.astype("datetime64[ns, UTC]")
        too_far = _outside_years(times)
        return times.where(~too_far), out_of_range_numbers | too_far
    times = times.astype("datetime64[ns, UTC]")
    too_far = _outside_years(times)
    return times.where(~too_far), too_far


def _outside_years(times: pd.Series) -> np.ndarray:
    nanos = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    valid = times.notna().to_numpy()
    return valid & ((nanos < _EPOCH_MIN * 10**9) | (nanos > _EPOCH_MAX * 10**9))


def clean(
    raw: pd.DataFrame,
    file: str,
    layout: Layout,
    category: str,
    first_row: int = 1,
    malformed: Iterable[int] = (),
) -> tuple[pd.DataFrame, BadPings]:
    """Turn raw rows (role-named columns) into usable pings, counting the others by reason.

    Parameters
    ----------
    raw : DataFrame
        Columns named by role: ``id``, ``time``, ``lat``, ``lon`` and any extra roles.
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
    rows = np.arange(first_row, first_row + n, dtype="int64")
    raw_ids = raw["id"]
    if pd.api.types.is_float_dtype(raw_ids.dtype):
        # A numeric id read as float (MMSI in Parquet, or with gaps) must not gain a ".0".
        raw_ids = raw_ids.astype("Int64")
    ids = _text(raw_ids)
    if header_key(layout.columns.get("id", "")) == "icao24":
        ids = ids.str.lower()  # ICAO 24-bit addresses are hex: case carries no meaning
    times, time_range = to_utc(raw["time"])
    lat = pd.to_numeric(raw["lat"], errors="coerce").astype("float64").to_numpy()
    lon = pd.to_numeric(raw["lon"], errors="coerce").astype("float64").to_numpy()

    remaining = np.ones(n, dtype=bool)
    checks = (
        (BAD_ID, ids.isna().to_numpy(), raw["id"]),
        (BAD_NO_TIME, _missing(raw["time"]), raw["time"]),
        (BAD_TIME_RANGE, time_range, raw["time"]),
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
        return repr(value)
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return "empty"
    return str(value)
