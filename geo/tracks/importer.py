"""The ``tracks import`` command as a function: ping files in, ``DIR/tracks.geojson`` out.

:func:`import_tracks` reads the ping files (:func:`geo.tracks.readers.read_pings`), decides the
source the tracks cite (:func:`source_for_import`: a record of the directory's
``sources.json``, or a new ``sources.json`` when there is none), builds the tracks against
the directory's assets and ids (:func:`geo.tracks.legs.build_tracks`) and writes them. Input
files are only read; an existing file is never overwritten without ``force``, and an
existing ``sources.json`` never.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.data import reading, writing
from geo.data.files import TOO_LARGE, columnar_layer, columnar_refusal
from geo.data.schema import MAX_FILE_BYTES
from geo.tracks.features import slug
from geo.tracks.layouts import parameter
from geo.tracks.legs import DEFAULT_TOLERANCE_M, Stage, Thresholds, TrackReport, build_tracks
from geo.tracks.pings import BadPings, Pings
from geo.tracks.readers import read_pings


class SourceError(ValueError):
    """The ``--source`` given cannot be used (the message says what to do)."""


class TargetError(ValueError):
    """The output cannot be written as asked (the message names the file and what to do)."""


def source_for_import(
    sources: pd.DataFrame | None,
    source_id: str | None,
    pings: pd.DataFrame,
    files: list[str],
) -> tuple[str, dict[str, str] | None]:
    """Decide which source record imported tracks cite.

    With ``source_id``, it must be a record of the data directory's ``sources.json``.
    Without one, a record is proposed (``pings-<first file name>``, kind
    ``flight-tracker`` or ``ship-tracker``, published on the date of the last ping) to be
    written as a new ``sources.json``; an existing ``sources.json`` is never modified, so
    then ``source_id`` is required.

    Parameters
    ----------
    sources : DataFrame or None
        The directory's sources (indexed by id), or None when it has no ``sources.json``.
    source_id : str or None
        The ``--source`` option.
    pings : DataFrame
        The usable pings (for the kind and the date of a new record).
    files : list of str
        Ping file names (for a new record's id and title).

    Returns
    -------
    source_id : str
    new_record : dict or None
        The record to write as ``sources.json`` when there was none.

    Raises
    ------
    SourceError
        When ``source_id`` is not in an existing ``sources.json``, or is missing while
        one exists.
    """
    if sources is not None:
        if source_id is not None and source_id in sources.index:
            return source_id, None
        trackers = [
            str(i)
            for i, kind in sources["kind"].items()
            if kind in ("flight-tracker", "ship-tracker")
        ]
        hint = f" (tracker sources there: {', '.join(trackers)})" if trackers else ""
        example = json.dumps(new_source_record(source_id or "my-tracker", pings, files))
        option = parameter("source")
        what = (
            f"{option} {source_id!r} is not" if source_id else f"{option} is required: no id given"
        )
        raise SourceError(
            f"{what} in sources.json{hint}; add a record such as {example} "
            f"and pass its id with {option}"
        )
    if source_id is None:
        stem = Path(files[0]).stem if files else "pings"
        source_id = "pings-" + slug(pd.Series([stem])).iloc[0]
    return source_id, new_source_record(source_id, pings, files)


def new_source_record(source_id: str, pings: pd.DataFrame, files: list[str]) -> dict[str, str]:
    """A source record for ping files: kind and date from the pings, title from the files.

    Parameters
    ----------
    source_id : str
        Its id.
    pings : DataFrame
        The usable pings (ships or aircraft; the date of the last one is ``published``).
    files : list of str
        The ping files.

    Returns
    -------
    dict
    """
    ships = len(pings) > 0 and (pings["category"] == "ship").mean() > 0.5
    last = pings["time"].max() if len(pings) else None
    published = last.date().isoformat() if last is not None and pd.notna(last) else "1970-01-01"
    names = ", ".join(Path(f).name for f in files)
    return {
        "id": source_id,
        "title": f"Position pings imported from {names}",
        "publisher": "unknown (imported ping files)",
        "published": published,
        "kind": "ship-tracker" if ships else "flight-tracker",
        "notes": "Created by `python -m geo tracks import`; replace title and publisher with "
        "the real origin of the pings (and add its url).",
    }


# --- the whole import, files in and out ---------------------------------------------------------


@dataclass
class ImportResult:
    """What :func:`import_tracks` read, built and wrote.

    Attributes
    ----------
    tracks : GeoDataFrame
        The tracks layer written.
    report : TrackReport
        Splitting and simplification figures.
    pings : Pings
        The pings read, their layouts and the rows not used while reading.
    bad : BadPings
        Every row not used, reading and building together.
    source_id : str
        The source the tracks cite.
    created_sources : Path or None
        ``sources.json`` when it was created (the directory had none).
    directory_problems : int
        Problems already in the data directory (other layers or sources).
    written : bool
        False when no leg could be built (then nothing was written).
    kept : int
        With ``append``: features of the existing ``tracks.geojson``, all kept as they were.
    already_there : int
        With ``append``: legs built that the file already had (the same file appended again).
    """

    tracks: gpd.GeoDataFrame
    report: TrackReport
    pings: Pings
    bad: BadPings
    source_id: str
    created_sources: Path | None
    directory_problems: int
    written: bool
    kept: int = 0
    already_there: int = 0


def import_tracks(
    paths: list[str | Path],
    out: str | Path,
    *,
    source: str | None = None,
    id_column: str | None = None,
    category: str | None = None,
    time_column: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
    time_format: str | None = None,
    thresholds: dict[str, Thresholds] | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    force: bool = False,
    append: bool = False,
    on_bytes: Callable[[int], None] | None = None,
    stage: Stage | None = None,
    max_bytes: int | None = None,
    layer_max_bytes: int | None = None,
) -> ImportResult:
    """Read ping files, build tracks and write ``DIR/tracks.geojson`` (the ``tracks import``).

    The data directory ``DIR`` is the folder of ``out``: its assets are matched, its
    ``sources.json`` must hold ``source`` (or, when it has none, one is created; see
    :func:`source_for_import`). Input files are only read; nothing is written when an
    error is raised.

    Parameters
    ----------
    paths : list of path
        Ping files of any layout :func:`geo.tracks.readers.read_file` reads (CSV,
        Parquet, JSON, NMEA, KML/KMZ, GPX, GeoJSON, GeoPackage...; compressed or zipped).
    out : path
        Output file; must be named ``tracks.geojson``.
    source, id_column, category
        The ``--source``, ``--asset-id-col`` and ``--category`` options.
    time_column, lat_column, lon_column, time_format
        The ``--time-col``, ``--lat-col``, ``--lon-col`` and ``--time-format`` options.
    thresholds : dict, optional
        Per category; default :data:`geo.tracks.legs.THRESHOLDS`.
    tolerance_m : float
        Simplification tolerance in metres.
    force : bool
        Replace an existing ``out``.
    append : bool
        Add the legs to an existing ``out``, keeping every feature in it (hand-made tracks
        too); see :func:`append_tracks`.
    on_bytes, stage : callable, optional
        Progress: bytes of input read; name of each building stage.
    max_bytes : int, optional
        Largest ping file, or content once decompressed (see
        :func:`geo.tracks.readers.read_file`).
    layer_max_bytes : int, optional
        Largest file of ``DIR`` read (default :data:`~geo.data.schema.MAX_FILE_BYTES`): its
        layers, its ``sources.json`` and, to append, ``out``. One past it is refused
        (:class:`TargetError`): the new tracks' ids could clash with ids in it.

    Returns
    -------
    ImportResult

    Raises
    ------
    PingError
        A file cannot be read or its layout is not recognised.
    SourceError
        ``source`` is not usable.
    TargetError
        The directory's tracks layer is GeoParquet or FlatGeobuf (never rewritten), or one
        of its layers is past ``layer_max_bytes``.
    FileExistsError
        ``out`` exists and ``force`` is False.
    """
    out = Path(out)
    directory = out.parent
    columnar = columnar_layer(directory, "tracks")
    if columnar is not None:  # tracks.geojson beside it would be a second tracks layer
        raise TargetError(columnar_refusal(columnar, "tracks import"))
    if out.exists() and not force and not append:
        raise FileExistsError(str(out))
    sources_file = directory / "sources.json"
    others = [
        columnar_layer(directory, layer) or directory / f"{layer}.geojson"
        for layer in ("bases", "assets", "strikes", "places")
    ]
    present = [path for path in [*others, sources_file] if path.exists()]
    dataset = reading.load(present, max_file_bytes=layer_max_bytes) if present else None
    unread = [p for p in (dataset.problems if dataset else []) if TOO_LARGE in p.message]
    if unread:  # its ids are unknown, and a new track's id could be one of them
        raise TargetError(f"cannot check the new tracks' ids against {unread[0]}")

    pings = read_pings(
        paths,
        id_column,
        category,
        on_bytes,
        time_column=time_column,
        lat_column=lat_column,
        lon_column=lon_column,
        time_format=time_format,
        max_bytes=max_bytes,
    )
    if append:
        from geo.tracks.appending import append_tracks

        return append_tracks(
            pings,
            out,
            source=source,
            dataset=dataset,
            thresholds=thresholds,
            tolerance_m=tolerance_m,
            stage=stage,
            max_bytes=layer_max_bytes or MAX_FILE_BYTES,
        )
    try:
        source_id, record = source_for_import(
            dataset.sources if dataset is not None and sources_file.exists() else None,
            source,
            pings.frame,
            [str(path) for path in paths],
        )
    except SourceError as error:
        broken = [p for p in (dataset.problems if dataset else []) if p.file == str(sources_file)]
        if broken:  # the id may be there, in a record that could not be read
            raise SourceError(f"{error}; note: {broken[0]}") from None
        raise
    taken = set()
    if dataset is not None:
        for layer in ("bases", "assets", "strikes", "places"):
            taken.update(str(i) for i in dataset.layers[layer]["id"])
    tracks, report = build_tracks(
        pings.frame,
        source_id,
        assets=dataset.layers["assets"] if dataset is not None else None,
        thresholds=thresholds,
        tolerance_m=tolerance_m,
        taken_ids=taken,
        stage=stage,
    )
    bad = BadPings()
    bad.merge(pings.bad)
    bad.merge(report.bad)
    problems = len(dataset.problems) if dataset is not None else 0
    if report.legs == 0:  # nothing to write: the caller shows why (the bad pings)
        return ImportResult(tracks, report, pings, bad, source_id, None, problems, written=False)
    if stage is not None:
        stage("writing")
    created = None
    if record is not None:
        # First, and never over a sources.json that appeared meanwhile: if it cannot be
        # written, the tracks file is still as it was.
        writing.atomic_write_text(
            sources_file, json.dumps([record], indent=2) + "\n", overwrite=False
        )
        created = sources_file
    try:
        writing.write_geojson(tracks, out, overwrite=force)
    except BaseException:
        if created is not None:  # leave the directory as it was
            created.unlink(missing_ok=True)
        raise
    return ImportResult(tracks, report, pings, bad, source_id, created, problems, written=True)
