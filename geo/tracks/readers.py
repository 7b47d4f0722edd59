"""Reading ping files: recognise the kind of file from its content, read it in chunks.

The content is named from its bytes (:mod:`geo.tracks.content`: gzip, bzip2, xz and zip are
opened, each member read by its own content); Parquet (GeoParquet through
:mod:`geo.tracks.georeaders`), GeoPackage, JSON (:mod:`geo.tracks.jsonreaders`), KML and GPX
(:mod:`geo.tracks.xmlreaders`) and AIS NMEA (:mod:`geo.tracks.nmea`) have their readers;
anything else is a CSV table whose delimiter comes from its header line. CSV is streamed
with pyarrow and, when a line is malformed or a byte undecodable, read again with pandas,
which names those lines. Every chunk goes through :func:`geo.tracks.pings.clean`, so the
result is one :class:`geo.tracks.pings.Pings`. Nothing is decided from a file name.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pandas as pd

from geo.tracks import content as C
from geo.tracks.layouts import Layout, PingError, ReadOptions, parameter, quote
from geo.tracks.pings import CATEGORIES, BadPings, Chunk, Pings, clean, empty_frame
from geo.tracks.tables import Progress, read_csv, read_parquet
from geo.tracks.times import day_order

_TABLES = frozenset({"opensky", "ais", "adsb", "fr24", "plain"})  # layouts chosen from a header


# --- any file ---------------------------------------------------------------------------


def _read_content(
    item: C.Content, options: ReadOptions, progress: Progress | None, deadline: C.Deadline
) -> tuple[Layout, Iterable[Chunk]]:
    """The layout and raw chunks of one stream, by its kind."""
    if item.kind == "parquet":
        return read_parquet(item.path, options, progress, deadline)
    if item.kind == "csv":
        return read_csv(item.path, options, progress, deadline)
    if item.kind == "nmea":
        from geo.tracks.nmea import read_nmea

        return read_nmea(item.path, progress, deadline)
    if item.kind == "json":
        from geo.tracks.jsonreaders import read_json

        found = read_json(item.path, options, deadline)
    elif item.kind == "gpkg":
        from geo.tracks.georeaders import read_gpkg

        found = read_gpkg(item.path, options)
    else:
        from geo.tracks.xmlreaders import read_xml

        found = read_xml(item.path)
    if progress is not None:
        progress(item.path.stat().st_size)
    return found


class _Scaled:
    """Progress in bytes of the input file, from progress in bytes of its content streams."""

    def __init__(self, progress: Progress, content_bytes: int, file_bytes: int) -> None:
        self.progress = progress
        self.ratio = file_bytes / max(content_bytes, 1)
        self.total = file_bytes
        self.seen = 0
        self.told = 0

    def __call__(self, count: int) -> None:
        self.seen += count
        target = min(self.total, math.floor(self.seen * self.ratio))
        if target > self.told:
            self.progress(target - self.told)
            self.told = target

    def finish(self) -> None:
        if self.total > self.told:
            self.progress(self.total - self.told)
            self.told = self.total


def read_file(
    path: str | Path,
    id_column: str | None = None,
    category: str | None = None,
    progress: Progress | None = None,
    *,
    time_column: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    time_format: str | None = None,
    max_bytes: int | None = None,
) -> Pings:
    """Read one ping file of any supported layout.

    Parameters
    ----------
    path : path
        CSV, Parquet, GeoParquet, GeoPackage, JSON (tables, readsb traces, aircraft.json,
        OpenSky API, GeoJSON), KML, KMZ, GPX or AIS NMEA, possibly gzip/bzip2/xz-compressed
        or zipped: all recognised from the content, not the name.
    id_column, time_column, lat_column, lon_column : str, optional
        Columns (tables) or properties (GeoJSON, GeoPackage) holding these roles.
    category : str, optional
        ``aircraft`` or ``ship``, overriding the layout's own; layouts without one
        (plain, KML, GPX) default to ``aircraft``.
    progress : callable, optional
        Called with numbers of bytes processed.
    time_format : str, optional
        A ``strptime`` format for every time (e.g. ``%d/%m/%Y %H:%M``).
    max_bytes : int, optional
        Largest file, or content once decompressed (default
        :attr:`geo.tracks.content.Limits.max_bytes`); a larger plain file is refused unread.

    Returns
    -------
    Pings

    Raises
    ------
    PingError
        When the file cannot be read, its layout is not recognised, or it is past the
        limits of :data:`geo.tracks.content.LIMITS` or ``max_bytes`` (the message then
        holds :data:`geo.data.files.TOO_LARGE`).
    """
    options = ReadOptions(id_column, time_column, lat_column, lon_column, time_format, category)
    path = Path(path)
    label = str(path)
    try:
        size = path.stat().st_size
        with C.contents(path, label, max_bytes) as items:
            scaled = None
            if progress is not None:
                scaled = _Scaled(progress, sum(i.path.stat().st_size for i in items), size)
            parts = [_read_one(item, options, scaled) for item in items]
            if scaled is not None:
                scaled.finish()
    except OSError as error:
        raise PingError(f"cannot be read: {quote(error.strerror or error)}") from None
    if len(parts) == 1:
        return parts[0]
    return _combine(parts)


def _read_one(item: C.Content, options: ReadOptions, progress: Progress | None) -> Pings:
    """Read and clean one content stream."""
    deadline = C.Deadline(item.label)
    try:
        layout, chunks = _read_content(item, options, progress, deadline)
    except PingError as error:
        if item.label == str(item.path) or str(error).startswith(item.label):
            raise
        raise PingError(f"{item.label}: {error}") from None
    chosen = options.category or layout.category or "aircraft"
    if chosen not in CATEGORIES:
        raise PingError(f"category {chosen!r} is not one of {', '.join(CATEGORIES)}")
    note = (
        ""
        if options.category or layout.category
        else f" (by default; {parameter('category')} ship for vessels)"
    )
    container = {"csv": "CSV: ", "parquet": "Parquet: ", "json": "JSON: "}.get(item.kind, "")
    described = f"{container}{layout.description}; {chosen}{note}"
    layout = replace(layout, category=chosen, description=described)
    order = None
    if isinstance(chunks, list) and options.time_format is None:
        order = day_order(chunk["time"] for chunk, _, _ in chunks if "time" in chunk)
    frames, bad = [], BadPings()
    rows_read = 0
    for chunk, first_row, malformed in chunks:
        deadline.check()
        frame, chunk_bad = clean(
            chunk, item.label, layout, chosen, first_row, malformed, options.time_format, order
        )
        frames.append(frame)
        bad.merge(chunk_bad)
        rows_read += len(chunk) + len(malformed)
    frame = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    pings = Pings(frame, bad, [(item.label, layout)], rows_read)
    if layout.name in _TABLES or options.id_column:
        _warn_unique_ids(pings, layout)
    return pings


def _warn_unique_ids(pings: Pings, layout: Layout) -> None:
    """Warn when every ping has an id of its own: the id column is probably the wrong one."""
    ids = pings.frame["id"]
    if len(ids) >= 10 and ids.nunique() == len(ids):
        column = layout.columns.get("id", "id")
        pings.warnings.append(
            f"{pings.layouts[0][0]}: every one of the {len(ids):,} pings has its own id in "
            f"column {quote(column)!r}, so no track can be drawn; is it a row or message "
            f"number? name the aircraft/vessel column with {parameter('id_column')}"
        )


def _combine(parts: list[Pings]) -> Pings:
    """One :class:`Pings` of several."""
    bad = BadPings()
    for part in parts:
        bad.merge(part.bad)
    frames = [part.frame for part in parts if len(part.frame)]
    return Pings(
        pd.concat(frames, ignore_index=True) if frames else empty_frame(),
        bad,
        [entry for part in parts for entry in part.layouts],
        sum(part.rows_read for part in parts),
        [text for part in parts for text in part.warnings],
    )


def read_pings(
    paths: Iterable[str | Path],
    id_column: str | None = None,
    category: str | None = None,
    progress: Progress | None = None,
    *,
    time_column: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    time_format: str | None = None,
    max_bytes: int | None = None,
) -> Pings:
    """Read several ping files (any mix of layouts) into one :class:`Pings`.

    Parameters
    ----------
    paths : iterable of path
        The files.
    id_column, category, progress, time_column, lat_column, lon_column, time_format, max_bytes
        As for :func:`read_file`.

    Returns
    -------
    Pings

    Raises
    ------
    PingError
        For the first file that cannot be read, its name prefixed to the message.
    """
    parts = []
    for path in paths:
        try:
            parts.append(
                read_file(
                    path,
                    id_column,
                    category,
                    progress,
                    time_column=time_column,
                    lat_column=lat_column,
                    lon_column=lon_column,
                    time_format=time_format,
                    max_bytes=max_bytes,
                )
            )
        except PingError as error:
            raise PingError(f"{path}: {error}") from None
    return _combine(parts) if parts else Pings(empty_frame(), BadPings(), [], 0)
