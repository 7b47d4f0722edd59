"""``tracks import --append``: new legs added to a ``tracks.geojson``, nothing there lost.

:func:`append_tracks` builds the legs of each input file on its own, citing that file's
source (``--source`` for all, else ``pings-<file name>``: found again in ``sources.json``
when the file was imported before, else added to it), and adds to the existing file only
the legs it does not hold yet (:func:`geo.data.rowfeatures.content_key`: the same file
appended twice adds nothing). The features already in the file, hand-made tracks too, are
kept as they were (their JSON is not rewritten). Both files are replaced atomically; when
the second cannot be written the first is put back.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.data import locking, reading, writing
from geo.data.files import too_large
from geo.data.importing import record_adds
from geo.data.paths import default_data_dir
from geo.data.rowfeatures import content_key
from geo.data.schema import MAX_FILE_BYTES
from geo.tracks.features import slug
from geo.tracks.importer import ImportResult, SourceError, TargetError, new_source_record
from geo.tracks.layouts import parameter
from geo.tracks.legs import DEFAULT_TOLERANCE_M, Stage, Thresholds, TrackReport, build_tracks
from geo.tracks.pings import BadPings, Pings


def append_tracks(
    pings: Pings,
    out: Path,
    *,
    source: str | None,
    dataset: reading.Dataset | None,
    thresholds: dict[str, Thresholds] | None = None,
    tolerance_m: float = DEFAULT_TOLERANCE_M,
    stage: Stage | None = None,
    max_bytes: int = MAX_FILE_BYTES,
) -> ImportResult:
    """Build the legs of each ping file and append the new ones to ``out``.

    Parameters
    ----------
    pings : Pings
        The pings read (their ``file`` column says which file each came from).
    out : Path
        ``DIR/tracks.geojson``; created when missing.
    source : str or None
        ``--source``: a record of ``DIR/sources.json`` all files cite.
    dataset : Dataset or None
        The directory's other layers and sources, as read.
    thresholds, tolerance_m, stage
        As for :func:`geo.tracks.legs.build_tracks`.
    max_bytes : int
        Largest ``out`` or ``sources.json`` read (they are read whole).

    Returns
    -------
    ImportResult

    Raises
    ------
    SourceError
        ``source`` is not in ``sources.json``, ``out`` or ``sources.json`` is unreadable, or
        ``out`` is in the bundled default data set.
    TargetError
        ``out`` or ``sources.json`` is past ``max_bytes``.
    geo.data.locking.Busy
        When another writer holds the directory's lock too long.
    """
    if out.parent.resolve() == default_data_dir().resolve():
        raise SourceError(
            f"{out.parent}: the bundled default data set is never written; copy it first "
            "(python -m geo init DIR) and append to the copy"
        )
    if not out.parent.is_dir():  # a new directory: no other writer to wait for
        return _append(pings, out, source, dataset, thresholds, tolerance_m, stage, max_bytes)
    with locking.locked(out.parent):  # one writer at a time, as the editing commands
        return _append(pings, out, source, dataset, thresholds, tolerance_m, stage, max_bytes)


def _append(
    pings: Pings,
    out: Path,
    source: str | None,
    dataset: reading.Dataset | None,
    thresholds: dict[str, Thresholds] | None,
    tolerance_m: float,
    stage: Stage | None,
    max_bytes: int,
) -> ImportResult:
    sources_file = out.parent / "sources.json"
    old_tracks = _read_json(out, dict, max_bytes)
    old_sources = _read_json(sources_file, list, max_bytes)
    existing = list(old_tracks.get("features") or []) if old_tracks else []
    records = list(old_sources or [])
    known = {r.get("id") for r in records if isinstance(r, dict)}
    if source is not None and source not in known:
        raise SourceError(f"{parameter('source')} {source!r} is not in {sources_file}")
    taken = _taken_ids(dataset, existing)
    seen = {content_key("tracks", f) for f in existing}
    frames, reports, added_records, already = [], [], [], 0
    for file, group in pings.frame.groupby("file", sort=False):
        source_id = source or "pings-" + slug(pd.Series([Path(str(file)).stem])).iloc[0]
        if source_id not in known:
            added_records.append(new_source_record(source_id, group, [str(file)]))
            known.add(source_id)
        tracks, report = build_tracks(
            group,
            source_id,
            assets=dataset.layers["assets"] if dataset is not None else None,
            thresholds=thresholds,
            tolerance_m=tolerance_m,
            taken_ids=taken,
            stage=stage,
        )
        keys = [content_key("tracks", f) for f in writing.to_feature_collection(tracks)["features"]]
        fresh = [key not in seen for key in keys]
        seen.update(keys)
        already += len(keys) - sum(fresh)
        taken.update(str(i) for i in tracks["id"])
        frames.append(tracks[fresh])
        reports.append(report)
    tracks = _concat(frames)
    report = _sum(reports, tolerance_m)
    bad = BadPings()
    bad.merge(pings.bad)
    bad.merge(report.bad)
    cited = {s for sources in tracks["sources"] for s in sources} if len(tracks) else set()
    added_records = [r for r in added_records if r["id"] in cited]
    result = ImportResult(
        tracks,
        report,
        pings,
        bad,
        source or ", ".join(sorted(cited)),
        sources_file if added_records else None,
        len(dataset.problems) if dataset is not None else 0,
        written=len(tracks) > 0,
        kept=len(existing),
        already_there=already,
    )
    if not len(tracks):
        return result
    if stage is not None:
        stage("writing")
    body = dict(old_tracks or {"type": "FeatureCollection"})
    body["features"] = existing + writing.to_feature_collection(tracks)["features"]
    _write_both(out, body, sources_file, records + added_records if added_records else None)
    # In history.jsonl as the editing commands record their changes (undo takes them back).
    record_adds(out.parent, "sources", added_records)
    new = body["features"][len(existing) :]
    record_adds(out.parent, "tracks", [f["properties"] for f in new], new)
    return result


def _read_json(path: Path, kind: type, max_bytes: int) -> Any:
    if not path.exists():
        return None
    size = path.stat().st_size
    if size > max_bytes:
        raise TargetError(f"{path}: {too_large(size, max_bytes)}")
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise SourceError(f"{path}: cannot be read ({error}); fix it before appending") from None
    if not isinstance(document, kind):
        raise SourceError(f"{path}: not a {kind.__name__} of the format; fix it before appending")
    return document


def _taken_ids(dataset: reading.Dataset | None, existing: list[Any]) -> set[str]:
    taken = {
        str(f["properties"]["id"])
        for f in existing
        if isinstance(f, dict) and isinstance(f.get("properties"), dict) and "id" in f["properties"]
    }
    if dataset is not None:
        for layer in ("bases", "assets", "strikes", "places"):
            taken.update(str(i) for i in dataset.layers[layer]["id"])
    return taken


def _concat(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return reading.empty_layer("tracks")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def _sum(reports: list[TrackReport], tolerance_m: float) -> TrackReport:
    total = TrackReport(tolerance_m=tolerance_m)
    for report in reports:
        total.bad.merge(report.bad)
        for spec in fields(TrackReport):
            if spec.name not in ("bad", "tolerance_m"):
                setattr(total, spec.name, getattr(total, spec.name) + getattr(report, spec.name))
    return total


def _write_both(out: Path, body: dict[str, Any], sources: Path, records: list | None) -> None:
    """Sources first (new records only add), then the tracks; on failure the sources go back."""
    before = sources.read_bytes() if sources.exists() else None
    if records is not None:
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
        writing.atomic_write_text(sources, text, overwrite=True)
    try:
        indent = 1 if len(body["features"]) <= 2000 else None  # as writing.write_geojson
        text = json.dumps(body, ensure_ascii=False, indent=indent) + "\n"
        writing.atomic_write_text(out, text, overwrite=True)
    except BaseException:
        if records is not None:
            if before is None:
                sources.unlink(missing_ok=True)
            else:
                writing.atomic_write_text(sources, before.decode("utf-8"), overwrite=True)
        raise
