"""Ping times to UTC: Unix seconds or milliseconds, ISO 8601, d/m/yyyy, yyyymmdd_HHMMSS.

:func:`to_utc` turns a raw time column into ``datetime64[ns, UTC]``; :func:`day_order`
decides, over a whole file, whether slashed dates are day-first or month-first (only when
the file itself says so: some day above 12). The rules are in ``docs/tracks.md``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

_EPOCH_MIN = 315_532_800  # 1980-01-01T00:00:00Z
_EPOCH_MAX = 4_102_444_800  # 2100-01-01T00:00:00Z

# d/m/yyyy or m/d/yyyy, an optional time and an optional UTC offset.
_SLASHED = (
    r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$"
)
_COMPACT = r"^\s*(\d{8})[_T-](\d{6})Z?\s*$"  # yyyymmdd_HHMMSS (file-name style stamps)
DAY_FIRST, MONTH_FIRST = "d/m/y", "m/d/y"


def day_order(columns: Iterable[pd.Series]) -> str | None:
    """Whether slashed dates (``12/10/2025``) are day-first or month-first.

    Parameters
    ----------
    columns : iterable of Series
        The time column of a file, in chunks.

    Returns
    -------
    str or None
        :data:`DAY_FIRST` when some first number is above 12 and no second one is,
        :data:`MONTH_FIRST` the other way round, None when the file does not say (no
        slashed dates, or all ambiguous, or both above 12).
    """
    first_high = second_high = False
    for values in columns:
        if pd.api.types.is_numeric_dtype(values.dtype) or isinstance(
            values.dtype, pd.DatetimeTZDtype
        ):
            continue
        sample = values.dropna().head(100).astype("string")
        if not sample.str.contains("/", regex=False).any():
            continue
        parts = values.astype("string").str.extract(_SLASHED)[[0, 1]].astype("Float64")
        first_high |= bool((parts[0] > 12).any())
        second_high |= bool((parts[1] > 12).any())
    if first_high != second_high:
        return DAY_FIRST if first_high else MONTH_FIRST
    return None


def to_utc(
    values: pd.Series, time_format: str | None = None, order: str | None = None
) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Parse ping times into UTC.

    Numbers (or numeric text) are Unix seconds, or milliseconds when above 1e11; text is
    ISO 8601 (an offset converted to UTC, none taken as UTC), ``yyyymmdd_HHMMSS``, or a
    slashed date in the day order ``order``; datetime columns (Parquet) are taken as they
    are, naive ones as UTC. With ``time_format`` (a ``strptime`` format) every value is
    read with it instead.

    Parameters
    ----------
    values : Series
        The raw time column.
    time_format : str, optional
        ``--time-format``, e.g. ``%d/%m/%Y %H:%M``.
    order : str, optional
        :data:`DAY_FIRST` or :data:`MONTH_FIRST` for slashed dates (see :func:`day_order`).

    Returns
    -------
    times : Series
        datetime64[ns, UTC], NaT where the value cannot be read or is out of range.
    out_of_range : ndarray of bool
        Rows whose time was read but lies before 1980 or after 2100.
    ambiguous : ndarray of bool
        Rows left unread because they are slashed dates in a file that does not say
        which number is the day.
    """
    index = values.index
    ambiguous = np.zeros(len(values), dtype=bool)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        times = values.dt.tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        times = values.dt.tz_localize("UTC")
    elif time_format is not None:
        text = _as_text(values)
        times = pd.to_datetime(text, format=time_format, utc=True, errors="coerce")
    else:
        if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values):
            numbers = values.astype("float64")
        else:
            numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
            numbers = numbers.astype("float64")
        is_number = numbers.notna().to_numpy()
        raw = numbers.to_numpy(dtype="float64", na_value=np.nan)
        millis = np.abs(raw) > 1e11
        seconds = np.where(millis, raw / 1000.0, raw)
        # Clip before converting so absurd numbers give NaT, not an overflow.
        in_epoch = is_number & (seconds >= _EPOCH_MIN - 1) & (seconds <= _EPOCH_MAX + 1)
        nanos = np.where(in_epoch, np.round(seconds * 1e9), 0).astype("int64")
        # Whole milliseconds scaled in integers: no float rounding in the last digits.
        exact = in_epoch & millis
        nanos[exact] = np.round(raw[exact]).astype("int64") * 1_000_000
        times = pd.Series(pd.to_datetime(nanos, unit="ns", utc=True), index=index)
        times = times.where(in_epoch).astype("datetime64[ns, UTC]")
        if not is_number.all():
            text_rows = ~is_number
            parsed, ambiguous[text_rows] = _parse_text(values[text_rows].astype("string"), order)
            times[text_rows] = parsed
        too_far = _outside_years(times)
        return times.where(~too_far), (is_number & ~in_epoch) | too_far, ambiguous
    times = times.astype("datetime64[ns, UTC]")
    too_far = _outside_years(times)
    return times.where(~too_far), too_far, ambiguous


def _as_text(values: pd.Series) -> pd.Series:
    """Text for a strptime format; whole numbers without a ``.0`` (``20251015``)."""
    if pd.api.types.is_float_dtype(values.dtype):
        whole = values.dropna()
        if (whole == np.floor(whole)).all():
            values = values.astype("Int64")
    return values.astype("string").str.strip()


def _parse_text(text: pd.Series, order: str | None) -> tuple[pd.Series, np.ndarray]:
    """ISO 8601, then ``yyyymmdd_HHMMSS``, then slashed dates; returns times and ambiguity."""
    times = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    times = times.astype("datetime64[ns, UTC]")
    ambiguous = np.zeros(len(text), dtype=bool)
    left = times.isna().to_numpy() & text.notna().to_numpy()
    if not left.any():
        return times, ambiguous
    rest = text[left]
    compact = rest.str.extract(_COMPACT)
    is_compact = compact[0].notna()
    if is_compact.any():
        stamps = compact[0][is_compact] + compact[1][is_compact]
        times[stamps.index] = pd.to_datetime(
            stamps, format="%Y%m%d%H%M%S", utc=True, errors="coerce"
        )
    slashed = rest[~is_compact].str.extract(_SLASHED)
    is_slashed = slashed[0].notna()
    if is_slashed.any():
        parts = slashed[is_slashed].fillna({3: "0", 4: "00", 5: "00"})
        if order is None:
            ambiguous[np.flatnonzero(left)[~is_compact.to_numpy()][is_slashed.to_numpy()]] = True
        else:
            day, month = (parts[0], parts[1]) if order == DAY_FIRST else (parts[1], parts[0])
            offset = parts[6].fillna("Z").replace({"UTC": "Z", "GMT": "Z"})
            seconds = parts[5].str.zfill(2)
            iso = (
                parts[2]
                + "-"
                + month.str.zfill(2)
                + "-"
                + day.str.zfill(2)
                + "T"
                + parts[3].str.zfill(2)
                + ":"
                + parts[4]
                + ":"
                + seconds
                + offset
            )
            times[iso.index] = pd.to_datetime(iso, utc=True, errors="coerce", format="ISO8601")
    return times, ambiguous


def _outside_years(times: pd.Series) -> np.ndarray:
    nanos = times.to_numpy(dtype="datetime64[ns]").astype("int64")
    valid = times.notna().to_numpy()
    return valid & ((nanos < _EPOCH_MIN * 10**9) | (nanos > _EPOCH_MAX * 10**9))
