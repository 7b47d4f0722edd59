"""Reading raw position pings (ADS-B, AIS, plain tables, KML, GPX) and detecting their layout.

A ping is one reported position of one aircraft or vessel: an id, a time, a latitude and a
longitude. Tables (CSV or Parquet) are recognised from their header; KML and GPX from their
root element. Every row that cannot be used is counted under a reason (:class:`BadPings`),
never dropped silently. Times become UTC. The result is one flat DataFrame (:class:`Pings`)
that :mod:`geo.tracks` turns into tracks. Layouts and rules: ``docs/tracks.md``.
"""

from __future__ import annotations

import contextlib
import re
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from xml.parsers import expat

import numpy as np
import pandas as pd

CATEGORIES = ("aircraft", "ship")
"""Ping categories; each has its own gap and speed thresholds in :mod:`geo.tracks`."""

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
_CHUNK_ROWS = 250_000

Progress = Callable[[int], None]
"""Called with a number of bytes (of input files) just processed."""


class PingError(Exception):
    """A ping file that cannot be read at all (unknown layout, unsafe XML, not a table)."""


@dataclass(frozen=True)
class Layout:
    """How one ping file is laid out.

    Attributes
    ----------
    name : str
        ``opensky``, ``ais``, ``plain``, ``kml`` or ``gpx``.
    description : str
        What was recognised, for the user.
    category : str or None
        ``aircraft`` or ``ship``: implied by the layout (AIS, ADS-B), or, once a file is
        read, the category its pings were given.
    columns : dict of str to str
        Role (``id``, ``time``, ``lat``, ``lon``, and extras such as ``callsign``,
        ``vessel_name``) to the column name in the file.
    """

    name: str
    description: str
    category: str | None
    columns: dict[str, str] = field(default_factory=dict)


# Each table layout: roles -> accepted header names (compared lower-case, without punctuation).
_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")
_TABLE_LAYOUTS: tuple[tuple[str, str, str | None, dict[str, tuple[str, ...]]], ...] = (
    (
        "ais",
        "AIS position reports (MMSI, BaseDateTime, LAT, LON)",
        "ship",
        {
            "id": ("mmsi",),
            "time": ("basedatetime", "timestamp", "datetime", "time"),
            "lat": _LAT,
            "lon": _LON,
            "vessel_name": ("vesselname", "shipname"),
            "callsign": ("callsign",),
        },
    ),
    (
        "opensky",
        "ADS-B state vectors, OpenSky style (time, icao24, lat, lon)",
        "aircraft",
        {
            "id": ("icao24",),
            "time": ("time", "timestamp", "datetime"),
            "lat": _LAT,
            "lon": _LON,
            "callsign": ("callsign", "flight"),
        },
    ),
    (
        "plain",
        "plain pings (id, time, lat, lon)",
        None,
        {
            "id": ("id", "assetid", "trackid"),
            "time": ("time", "timestamp", "datetime"),
            "lat": _LAT,
            "lon": _LON,
            "name": ("name",),
            "callsign": ("callsign",),
        },
    ),
)
EXTRA_ROLES = ("callsign", "vessel_name", "name")
"""Optional per-ping text kept on the tracks (first non-empty value of a leg)."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def detect_layout(columns: Iterable[str], id_column: str | None = None) -> Layout:
    """Recognise a table layout from its header.

    Parameters
    ----------
    columns : iterable of str
        The header.
    id_column : str, optional
        Column holding the aircraft or vessel id, overriding the layout's own
        (``--asset-id-col``); matched exactly, then ignoring case and punctuation.

    Returns
    -------
    Layout

    Raises
    ------
    PingError
        When no layout fits, naming the columns found and the layouts expected.
    """
    header = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for column in header:
        by_norm.setdefault(_norm(column), column)
    if id_column is not None:
        chosen = id_column if id_column in header else by_norm.get(_norm(id_column))
        if chosen is None:
            raise PingError(
                f"--asset-id-col {id_column!r} is not a column (found: {', '.join(header)})"
            )
        id_column = chosen
    for name, description, category, roles in _TABLE_LAYOUTS:
        found: dict[str, str] = {}
        for role, names in roles.items():
            if role == "id" and id_column is not None:
                found[role] = id_column
                continue
            hit = next((by_norm[n] for n in names if n in by_norm), None)
            if hit is not None:
                found[role] = hit
        if all(role in found for role in ("id", "time", "lat", "lon")):
            if id_column is not None and name == "plain":
                description = f"plain pings ({id_column}, time, lat, lon)"
            return Layout(name, description, category, found)
    expected = "; ".join(description for _, description, _, _ in _TABLE_LAYOUTS)
    shown = ", ".join("".join(c if c.isprintable() else "?" for c in name) for name in header)
    raise PingError(
        f"cannot tell the layout from the header ({shown or 'empty'}); expected one of: "
        f"{expected}; or name the id column with --asset-id-col"
    )


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
    if _norm(layout.columns.get("id", "")) == "icao24":
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


# --- files ------------------------------------------------------------------------------


def _sniff(path: Path) -> str:
    """Return ``parquet``, ``kml``, ``gpx`` or ``csv`` from the file's first bytes."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text: look at it as UTF-8
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        if b"<gpx" in text:
            return "gpx"
        if b"<kml" in text:
            return "kml"
        suffix = path.suffix.lower()
        if suffix in (".kml", ".gpx"):
            return suffix[1:]
        raise PingError("an XML file that is neither KML nor GPX")
    return "csv"


def _delimiter(path: Path) -> str:
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        header = handle.readline()
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _read_csv(
    path: Path, id_column: str | None, progress: Progress | None
) -> tuple[Layout, list[tuple[pd.DataFrame, int, list[int]]]]:
    sep = _delimiter(path)
    try:
        header = pd.read_csv(
            path, sep=sep, nrows=0, encoding="utf-8-sig", encoding_errors="replace"
        ).columns
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise PingError(f"not a readable CSV table: {error}") from None
    layout = detect_layout(header, id_column)
    capped = _capped(progress, path.stat().st_size) if progress is not None else None
    chunks = _read_csv_arrow(path, sep, layout, capped)
    if chunks is None:  # malformed lines or bad bytes: the slower reader that locates them
        chunks = _read_csv_pandas(path, sep, layout, capped)
    return layout, chunks


def _capped(progress: Progress, size: int) -> Progress:
    """Report at most ``size`` bytes in all, so that a second reading does not count twice."""
    reported = 0

    def report(count: int) -> None:
        nonlocal reported
        step = min(count, size - reported)
        if step > 0:
            reported += step
            progress(step)

    return report


def _read_csv_arrow(
    path: Path, sep: str, layout: Layout, progress: Progress | None
) -> list[tuple[pd.DataFrame, int, list[int]]] | None:
    """Read with pyarrow's streaming CSV reader; None when any line is malformed.

    Columns are read as text and cast to numbers when every value of a batch is one;
    otherwise the text goes on to :func:`clean`, which counts the bad values.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv

    wanted = {column: role for role, column in layout.columns.items()}
    malformed: list[int] = []

    def on_invalid(row: object) -> str:
        malformed.append(1)
        return "skip"

    size = path.stat().st_size
    with path.open("rb") as handle:
        sample = handle.read(1 << 20)
    bytes_per_row = len(sample) / max(1, sample.count(b"\n"))
    chunks: list[tuple[pd.DataFrame, int, list[int]]] = []
    first_row = 1
    done = 0
    try:
        reader = csv.open_csv(
            path,
            read_options=csv.ReadOptions(block_size=16 << 20),
            parse_options=csv.ParseOptions(delimiter=sep, invalid_row_handler=on_invalid),
            convert_options=csv.ConvertOptions(
                include_columns=list(wanted),
                column_types={column: pa.string() for column in wanted},
            ),
        )
        for batch in reader:
            if malformed:
                return None
            columns = {}
            for column, role in wanted.items():
                values = batch.column(column)
                if role in ("lat", "lon", "time"):
                    # Numbers when every value of the batch is one; otherwise the text goes
                    # on to clean(), which parses what it can and counts the rest.
                    with contextlib.suppress(pa.ArrowInvalid, pa.ArrowNotImplementedError):
                        values = pc.cast(values, pa.float64())
                columns[role] = values
            chunk = pa.table(columns).to_pandas()
            chunks.append((chunk, first_row, []))
            first_row += len(chunk)
            if progress is not None:
                position = min(size, int(first_row * bytes_per_row))
                progress(position - done)
                done = position
    except (pa.ArrowInvalid, pa.ArrowKeyError, UnicodeDecodeError, KeyError):
        return None
    if malformed:
        return None
    if progress is not None and size > done:
        progress(size - done)
    return chunks


def _read_csv_pandas(
    path: Path, sep: str, layout: Layout, progress: Progress | None
) -> list[tuple[pd.DataFrame, int, list[int]]]:
    """Read with pandas, which names each malformed line and replaces undecodable bytes."""
    wanted = {column: role for role, column in layout.columns.items()}
    chunks: list[tuple[pd.DataFrame, int, list[int]]] = []
    done = 0
    first_row = 1
    with (
        path.open("rb") as handle,
        warnings.catch_warnings(record=True) as caught,
    ):
        warnings.simplefilter("always", pd.errors.ParserWarning)
        reader = pd.read_csv(
            handle,
            sep=sep,
            # Every column is read (no usecols): only then does pandas notice a line with
            # too many fields, which usually means a shifted row.
            dtype={layout.columns["id"]: str},
            encoding="utf-8-sig",
            encoding_errors="replace",
            on_bad_lines="warn",
            chunksize=_CHUNK_ROWS,
            low_memory=False,
        )
        try:
            for chunk in reader:
                # pandas reports each skipped line as "Skipping line N" (file line numbers).
                skipped = [
                    int(number) - 1
                    for warning in caught
                    for number in re.findall(r"Skipping line (\d+)", str(warning.message))
                ]
                caught.clear()
                chunk = chunk[list(wanted)].rename(columns=wanted)
                chunks.append((chunk, first_row, skipped))
                first_row += len(chunk) + len(skipped)
                if progress is not None:
                    position = handle.tell()
                    progress(position - done)
                    done = position
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
            raise PingError(f"cannot read the CSV: {error}") from None
    return chunks


def _read_parquet(
    path: Path, id_column: str | None, progress: Progress | None
) -> tuple[Layout, list[tuple[pd.DataFrame, int, list[int]]]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError...
        raise PingError(f"not a readable Parquet file: {error}") from None
    layout = detect_layout(parquet.schema_arrow.names, id_column)
    wanted = {column: role for role, column in layout.columns.items()}
    size = path.stat().st_size
    groups = parquet.num_row_groups
    chunks = []
    first_row = 1
    for group in range(groups):
        table = parquet.read_row_group(group, columns=list(wanted))
        chunk = table.to_pandas().rename(columns=wanted)
        chunks.append((chunk, first_row, []))
        first_row += len(chunk)
        if progress is not None:  # bytes in proportion to row groups; the last takes the rest
            progress(size // groups if group < groups - 1 else size - size // groups * group)
    if progress is not None and groups == 0:
        progress(size)
    return layout, chunks


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse_xml(path: Path) -> ET.Element:
    """Parse KML/GPX with the standard library's expat, refusing any DOCTYPE.

    The refusal is a handler on expat's own DOCTYPE and ENTITY events, so it holds in
    any encoding and is not fooled by the text ``<!DOCTYPE`` inside CDATA (KML
    descriptions often hold HTML). Without a DOCTYPE no entity can be declared, so
    none is ever expanded or fetched.
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args: object) -> None:
        raise PingError("XML with a DOCTYPE or ENTITY declaration is refused (unsafe entities)")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag, attrs)
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(path.read_bytes(), True)
    except expat.ExpatError as error:
        raise PingError(
            f"not well-formed XML: {expat.ErrorString(error.code)} (line {error.lineno})"
        ) from None
    return builder.close()


def _read_kml(path: Path) -> tuple[Layout, list[tuple[pd.DataFrame, int, list[int]]]]:
    root = _parse_xml(path)
    if _local(root.tag) != "kml":
        raise PingError(f"root element is <{_local(root.tag)}>, not <kml>")
    records: list[tuple[str | None, str | None, str | None, str | None, str | None]] = []
    for number, placemark in enumerate(el for el in root.iter() if _local(el.tag) == "Placemark"):
        name = next((el.text for el in placemark if _local(el.tag) == "name"), None)
        track_id = (name or "").strip() or placemark.get("id") or f"placemark-{number + 1}"
        for element in placemark.iter():
            tag = _local(element.tag)
            if tag == "Track":  # gx:Track: <when> and <gx:coord> lists in step
                whens = [el.text for el in element if _local(el.tag) == "when"]
                coords = [el.text for el in element if _local(el.tag) == "coord"]
                for index in range(max(len(whens), len(coords))):
                    when = whens[index] if index < len(whens) else None
                    parts = (coords[index] or "").split() if index < len(coords) else []
                    lon = parts[0] if len(parts) > 0 else None
                    lat = parts[1] if len(parts) > 1 else None
                    records.append((track_id, when, lat, lon, name))
            elif tag == "Point":
                stamp = next(
                    (
                        when.text
                        for stamp_el in placemark.iter()
                        if _local(stamp_el.tag) == "TimeStamp"
                        for when in stamp_el
                        if _local(when.tag) == "when"
                    ),
                    None,
                )
                coord = next((el.text for el in element if _local(el.tag) == "coordinates"), "")
                parts = (coord or "").strip().split(",")
                lon = parts[0] if len(parts) > 0 else None
                lat = parts[1] if len(parts) > 1 else None
                records.append((track_id, stamp, lat, lon, name))
            elif tag == "LineString":
                # A plain line has no times: each vertex is counted as a ping without a time.
                coord = next((el.text for el in element if _local(el.tag) == "coordinates"), "")
                for position in (coord or "").split():
                    parts = position.split(",")
                    records.append(
                        (track_id, None, parts[1] if len(parts) > 1 else None, parts[0], name)
                    )
    frame = pd.DataFrame(records, columns=["id", "time", "lat", "lon", "name"], dtype=object)
    layout = Layout("kml", "KML placemarks (gx:Track, timestamped Points)", None, {"name": "name"})
    return layout, [(frame, 1, [])]


def _read_gpx(path: Path) -> tuple[Layout, list[tuple[pd.DataFrame, int, list[int]]]]:
    import gpxpy
    import gpxpy.gpx

    _parse_xml(path)  # the same DOCTYPE refusal and well-formedness check as KML
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
            document = gpxpy.parse(handle)
    except gpxpy.gpx.GPXException as error:
        raise PingError(f"not a readable GPX file: {error}") from None
    records: list[tuple[Any, ...]] = []
    for number, track in enumerate(document.tracks):
        track_id = (track.name or "").strip() or f"{path.stem}-track-{number + 1}"
        for segment in track.segments:
            for point in segment.points:
                records.append(
                    (
                        track_id,
                        point.time.isoformat() if point.time else None,
                        point.latitude,
                        point.longitude,
                        track.name,
                    )
                )
    for number, route in enumerate(document.routes):
        route_id = (route.name or "").strip() or f"{path.stem}-route-{number + 1}"
        for point in route.points:
            records.append(
                (
                    route_id,
                    point.time.isoformat() if point.time else None,
                    point.latitude,
                    point.longitude,
                    route.name,
                )
            )
    for point in document.waypoints:
        records.append(
            (
                (point.name or "").strip() or f"{path.stem}-waypoints",
                point.time.isoformat() if point.time else None,
                point.latitude,
                point.longitude,
                point.name,
            )
        )
    frame = pd.DataFrame(records, columns=["id", "time", "lat", "lon", "name"], dtype=object)
    layout = Layout("gpx", "GPX tracks, routes and waypoints", None, {"name": "name"})
    return layout, [(frame, 1, [])]


def read_file(
    path: str | Path,
    id_column: str | None = None,
    category: str | None = None,
    progress: Progress | None = None,
) -> Pings:
    """Read one ping file of any supported layout.

    Parameters
    ----------
    path : path
        A CSV, Parquet, KML or GPX file (recognised from its content, not its name).
    id_column : str, optional
        Column holding the aircraft or vessel id (tables only).
    category : str, optional
        ``aircraft`` or ``ship``, overriding the layout's own; layouts without one
        (plain, KML, GPX) default to ``aircraft``.
    progress : callable, optional
        Called with numbers of bytes processed.

    Returns
    -------
    Pings

    Raises
    ------
    PingError
        When the file cannot be read or its layout is not recognised.
    """
    path = Path(path)
    label = str(path)
    try:
        kind = _sniff(path)
    except OSError as error:
        raise PingError(f"cannot be read: {error.strerror or error}") from None
    if kind == "parquet":
        layout, chunks = _read_parquet(path, id_column, progress)
    elif kind == "kml":
        layout, chunks = _read_kml(path)
    elif kind == "gpx":
        layout, chunks = _read_gpx(path)
    else:
        layout, chunks = _read_csv(path, id_column, progress)
    if kind in ("kml", "gpx") and progress is not None:
        progress(path.stat().st_size)
    chosen = category or layout.category or "aircraft"
    if chosen not in CATEGORIES:
        raise PingError(f"category {chosen!r} is not one of {', '.join(CATEGORIES)}")
    note = "" if category or layout.category else " (by default; --category ship for vessels)"
    table = {"csv": "CSV: ", "parquet": "Parquet: "}.get(kind, "")
    described = f"{table}{layout.description}; {chosen}{note}"
    layout = replace(layout, category=chosen, description=described)
    frames, bad = [], BadPings()
    rows_read = 0
    for chunk, first_row, malformed in chunks:
        frame, chunk_bad = clean(chunk, label, layout, chosen, first_row, malformed)
        frames.append(frame)
        bad.merge(chunk_bad)
        rows_read += len(chunk) + len(malformed)
    frame = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    return Pings(frame, bad, [(label, layout)], rows_read)


def read_pings(
    paths: Iterable[str | Path],
    id_column: str | None = None,
    category: str | None = None,
    progress: Progress | None = None,
) -> Pings:
    """Read several ping files (any mix of layouts) into one :class:`Pings`.

    Parameters
    ----------
    paths : iterable of path
        The files.
    id_column, category, progress
        As for :func:`read_file`.

    Returns
    -------
    Pings

    Raises
    ------
    PingError
        For the first file that cannot be read, its name prefixed to the message.
    """
    frames, layouts, bad, rows_read = [], [], BadPings(), 0
    for path in paths:
        try:
            pings = read_file(path, id_column, category, progress)
        except PingError as error:
            raise PingError(f"{path}: {error}") from None
        frames.append(pings.frame)
        layouts.extend(pings.layouts)
        bad.merge(pings.bad)
        rows_read += pings.rows_read
    frames = [frame for frame in frames if len(frame)]
    frame = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    return Pings(frame, bad, layouts, rows_read)
