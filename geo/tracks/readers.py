"""Reading ping files: recognise the kind of file from its content, read it in chunks.

Parquet is recognised by its magic bytes, KML and GPX by their root element (read by
:mod:`geo.tracks.xmlreaders`); anything else is a CSV table whose delimiter comes from its header
line. CSV is streamed with pyarrow and, when a line is malformed or a byte undecodable,
read again with pandas, which names those lines. Every chunk goes through
:func:`geo.tracks.pings.clean`, so the result is one :class:`geo.tracks.pings.Pings`. The
layout comes
from the content; the file name only tells KML from GPX when the first 4 KB do not.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from geo.tracks.layouts import Layout, PingError, detect_layout
from geo.tracks.pings import CATEGORIES, BadPings, Chunk, Pings, clean, empty_frame
from geo.tracks.xmlreaders import read_gpx, read_kml

_CHUNK_ROWS = 250_000

Progress = Callable[[int], None]
"""Called with a number of bytes (of input files) just processed."""


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
) -> tuple[Layout, list[Chunk]]:
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
) -> list[Chunk] | None:
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
    chunks: list[Chunk] = []
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
) -> list[Chunk]:
    """Read with pandas, which names each malformed line and replaces undecodable bytes."""
    wanted = {column: role for role, column in layout.columns.items()}
    chunks: list[Chunk] = []
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
) -> tuple[Layout, list[Chunk]]:
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
        layout, chunks = read_kml(path)
    elif kind == "gpx":
        layout, chunks = read_gpx(path)
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
