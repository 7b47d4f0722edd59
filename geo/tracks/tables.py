"""Reading ping tables: CSV (pyarrow, then pandas) and Parquet, in chunks, by role.

CSV is streamed with pyarrow and, when a line is malformed or a byte undecodable, read again
with pandas, which names those lines. Parquet is read row group by row group (GeoParquet goes
to :mod:`geo.tracks.georeaders`). The header decides the layout
(:func:`geo.tracks.layouts.detect_layout`); chunks hold one column per role. Called by
:func:`geo.tracks.readers.read_file`.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from geo.tracks import content as C
from geo.tracks.layouts import Layout, PingError, ReadOptions, quote
from geo.tracks.pings import Chunk

_CHUNK_ROWS = 250_000
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_MAX_COLUMNS = 10_000

Progress = Callable[[int], None]
"""Called with a number of bytes (of input files) just processed."""


# --- CSV ----------------------------------------------------------------------------


def _header_line(path: Path) -> str:
    """The first line, refused past :attr:`geo.tracks.content.Limits.max_line_bytes`."""
    limit = C.LIMITS.max_line_bytes
    with path.open("rb") as handle:
        line = handle.readline(limit + 1)
    if len(line) > limit:
        raise PingError(
            f"not a table: the first line is longer than {limit:,} bytes "
            f"(it starts {quote(line[:80].decode('utf-8', errors='replace'))!r})"
        )
    return line.decode("utf-8-sig", errors="replace")


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def by_role(layout: Layout, column: Callable[[str], object]) -> dict[str, object]:
    """Role -> column values (one file column may serve two roles, e.g. id and callsign)."""
    return {role: column(name) for role, name in layout.columns.items()}


def read_csv(
    path: Path, options: ReadOptions, progress: Progress | None, deadline: C.Deadline
) -> tuple[Layout, list[Chunk]]:
    header_line = _header_line(path)
    sep = _delimiter(header_line)
    if header_line.count(sep) >= _MAX_COLUMNS:
        raise PingError(f"not a table: more than {_MAX_COLUMNS:,} columns in the first line")
    try:
        header = pd.read_csv(
            path, sep=sep, nrows=0, encoding="utf-8-sig", encoding_errors="replace"
        ).columns
    except (pd.errors.EmptyDataError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise PingError(f"not a readable CSV table: {quote(error)}") from None
    layout = options.layout(header)
    chunks = _read_csv_arrow(path, sep, layout, options, progress, deadline)
    if chunks is None:  # malformed lines or bad bytes: the slower reader that locates them
        chunks = _read_csv_pandas(path, sep, layout, progress, deadline)
    return layout, chunks


def _read_csv_arrow(
    path: Path,
    sep: str,
    layout: Layout,
    options: ReadOptions,
    progress: Progress | None,
    deadline: C.Deadline,
) -> list[Chunk] | None:
    """Read with pyarrow's streaming CSV reader; None when any line is malformed.

    Columns are read as text and cast to numbers when every value of a batch is one;
    otherwise the text goes on to :func:`clean`, which counts the bad values.
    """
    import pyarrow as pa
    from pyarrow import csv

    wanted = sorted(set(layout.columns.values()))
    timed = set() if options.time_format else {"time", "position_time"}
    # Unix times as numbers, ISO 8601 times as timestamps (naive: UTC), when a whole batch
    # is one of these; arrow parses in C what pandas would take seconds for.
    casts = {role: [pa.float64()] for role in ("lat", "lon")}
    casts.update(
        {role: [pa.float64(), pa.timestamp("ns"), pa.timestamp("ns", "UTC")] for role in timed}
    )
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
                include_columns=wanted, column_types={column: pa.string() for column in wanted}
            ),
        )
        for batch in reader:
            deadline.check()
            if malformed:
                return None
            columns = {}
            for role, column in layout.columns.items():
                values = batch.column(column)
                if role in casts:
                    values = _cast(values, casts[role])
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


def _cast(values: object, targets: list[object]) -> object:
    """Text cast to the first type every value fits (blanks as nulls), else left as text.

    What is left goes on to :func:`geo.tracks.pings.clean`, which parses what it can and
    counts the rest. The first value picks numbers or times, so that a cast bound to fail
    is not tried on the whole batch.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = pc.equal(pc.utf8_trim_whitespace(values), "")
    values = pc.if_else(blank, pa.scalar(None, pa.string()), values)
    present = values.drop_null()
    if len(present) == 0:
        return values
    number = _NUMBER.fullmatch(str(present[0]).strip()) is not None
    for target in targets:
        if (target == pa.float64()) != number:
            continue
        with contextlib.suppress(pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return pc.cast(values, target)
    return values


def _read_csv_pandas(
    path: Path, sep: str, layout: Layout, progress: Progress | None, deadline: C.Deadline
) -> list[Chunk]:
    """Read with pandas, which names each malformed line and replaces undecodable bytes."""
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
                deadline.check()
                # pandas reports each skipped line as "Skipping line N" (file line numbers).
                skipped = [
                    int(number) - 1
                    for warning in caught
                    for number in re.findall(r"Skipping line (\d+)", str(warning.message))
                ]
                caught.clear()
                chunks.append(
                    (pd.DataFrame(by_role(layout, chunk.__getitem__)), first_row, skipped)
                )
                first_row += len(chunk) + len(skipped)
                if progress is not None:
                    position = handle.tell()
                    progress(position - done)
                    done = position
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
            raise PingError(f"cannot read the CSV: {quote(error)}") from None
    return chunks


# --- Parquet --------------------------------------------------------------------------


def read_parquet(
    path: Path, options: ReadOptions, progress: Progress | None, deadline: C.Deadline
) -> tuple[Layout, list[Chunk]]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError...
        raise PingError(f"not a readable Parquet file: {quote(error)}") from None
    if b"geo" in (parquet.schema_arrow.metadata or {}):  # GeoParquet: geometry, not lat/lon
        from geo.tracks.georeaders import read_geoparquet

        return read_geoparquet(path, options)
    layout = options.layout(parquet.schema_arrow.names)
    wanted = sorted(set(layout.columns.values()))
    size = path.stat().st_size
    groups = parquet.num_row_groups
    chunks = []
    first_row = 1
    for group in range(groups):
        deadline.check()
        table = parquet.read_row_group(group, columns=wanted).to_pandas()
        chunk = pd.DataFrame(by_role(layout, table.__getitem__))
        chunks.append((chunk, first_row, []))
        first_row += len(chunk)
        if progress is not None:  # bytes in proportion to row groups; the last takes the rest
            progress(size // groups if group < groups - 1 else size - size // groups * group)
    return layout, chunks
