"""``tracks import``: flight and ship tracker pings into tracks, one feature per leg."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from geo.cli.common import MAX_FILE_MB, err, fail, file_bytes, out, problem_line
from geo.tracks.content import LIMITS
from geo.tracks.layouts import PARAMETERS, parameter

PING_FILE_MB = LIMITS.max_bytes / 2**20
"""The default ``--max-file-mb`` of ``tracks import`` for ping files: big, and streamed."""
FLAGS = {
    "source": "--source",
    "id_column": "--asset-id-col",
    "category": "--category",
    "time_column": "--time-col",
    "lat_column": "--lat-col",
    "lon_column": "--lon-col",
    "time_format": "--time-format",
}
"""The flag of each reading option the library's messages name (:data:`PARAMETERS`)."""


def worded(text: str) -> str:
    """A tracks library message in the command line's words: its flags for the options named."""
    for name in PARAMETERS:
        text = text.replace(parameter(name), FLAGS[name])
    return text


def tracks_import(
    pings: Annotated[
        list[Path],
        typer.Argument(
            help="Ping files, told by content: CSV, Parquet, JSON (traffic, readsb, "
            "aircraft.json, GeoJSON), AIS NMEA, KML/KMZ, GPX, GeoPackage; gzip or zip too."
        ),
    ],
    out_file: Annotated[
        Path, typer.Option("--out", help="Output file, DIR/tracks.geojson.", show_default=False)
    ],
    asset_id_col: Annotated[
        str | None, typer.Option("--asset-id-col", help="Column holding the aircraft/vessel id.")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Source id in DIR/sources.json (created when DIR has none)."),
    ] = None,
    category: Annotated[
        str | None,
        typer.Option(help="aircraft or ship, for layouts that do not say (default aircraft)."),
    ] = None,
    time_col: Annotated[
        str | None, typer.Option("--time-col", help="Column holding the time of each ping.")
    ] = None,
    lat_col: Annotated[
        str | None, typer.Option("--lat-col", help="Column holding the latitude.")
    ] = None,
    lon_col: Annotated[
        str | None, typer.Option("--lon-col", help="Column holding the longitude.")
    ] = None,
    time_format: Annotated[
        str | None,
        typer.Option("--time-format", help='strptime format of the times, e.g. "%d/%m/%Y %H:%M".'),
    ] = None,
    gap_minutes: Annotated[
        float | None, typer.Option(help="Split at silences longer than this (default 30 / 360).")
    ] = None,
    max_speed_kmh: Annotated[
        float | None, typer.Option(help="Split at jumps faster than this (default 2520 / 144).")
    ] = None,
    tolerance_m: Annotated[
        float, typer.Option(help="Simplification tolerance in metres (0 keeps every ping).")
    ] = 100.0,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing output.")] = False,
    append: Annotated[
        bool,
        typer.Option(
            "--append",
            help="Add the legs to an existing output, keeping what is there; each file cites "
            "its own source; legs already there are not added again.",
        ),
    ] = False,
    max_file_mb: Annotated[
        float | None,
        typer.Option(
            "--max-file-mb",
            min=0.001,
            show_default=False,
            help=f"Largest file read, in MB (a safety bound): ping files (default "
            f"{PING_FILE_MB:,.0f}) and DIR's own files, read whole (default {MAX_FILE_MB:g}).",
        ),
    ] = None,
) -> None:
    """Turn flight/ship tracker pings into tracks (one feature per leg) in DIR/tracks.geojson."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from geo.tracks import importer, legs
    from geo.tracks import pings as ping_files
    from geo.tracks.layouts import PingError

    if append and force:
        raise fail("--append and --force exclude each other", 2)
    if out_file.name != "tracks.geojson":
        raise fail(f"--out must be a file named tracks.geojson (got {out_file.name})", 2)
    if category is not None and category not in ping_files.CATEGORIES:
        raise fail(f"--category must be one of {', '.join(ping_files.CATEGORIES)}", 2)
    limits = [value for value in (gap_minutes, max_speed_kmh) if value is not None]
    finite = all(math.isfinite(value) for value in (tolerance_m, *limits))
    if not (finite and tolerance_m >= 0 and all(value > 0 for value in limits)):  # NaN fails
        raise fail("--tolerance-m must be a number >= 0, --gap-minutes and --max-speed-kmh > 0", 2)
    for path in pings:
        if not path.exists():
            raise fail(f"{path}: no such file", 2)
        if not path.is_file():  # a FIFO or a device would block or never end
            raise fail(f"{path}: not a regular file; refused", 2)
        if path.resolve() == out_file.resolve():
            raise fail(f"{path}: the output would overwrite an input", 2)
    rules = {
        name: legs.Thresholds(
            gap_s=rule.gap_s if gap_minutes is None else gap_minutes * 60,
            max_speed_ms=rule.max_speed_ms if max_speed_kmh is None else max_speed_kmh / 3.6,
        )
        for name, rule in legs.THRESHOLDS.items()
    }
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        reading = bar.add_task("reading pings", total=sum(p.stat().st_size for p in pings))
        building = bar.add_task("building tracks", total=len(legs.STAGES), start=False)

        def stage(name: str) -> None:
            bar.start_task(building)
            bar.update(building, description=name, advance=1)

        try:
            result = importer.import_tracks(
                pings,
                out_file,
                source=source,
                id_column=asset_id_col,
                category=category,
                time_column=time_col,
                lat_column=lat_col,
                lon_column=lon_col,
                time_format=time_format,
                thresholds=rules,
                tolerance_m=tolerance_m,
                force=force,
                append=append,
                on_bytes=lambda n: bar.advance(reading, n),
                stage=stage,
                max_bytes=file_bytes(max_file_mb or PING_FILE_MB),
                layer_max_bytes=file_bytes(max_file_mb) if max_file_mb else None,
            )
        except PingError as error:
            raise fail(problem_line(worded(str(error)))) from None
        except importer.SourceError as error:
            raise fail(worded(str(error)), 2) from None
        except importer.TargetError as error:
            raise fail(problem_line(str(error))) from None
        except FileExistsError:
            raise fail(f"{out_file} exists; use --force to replace it") from None
    for name, layout in result.pings.layouts:
        out.print(f"{name}: {layout.name}: {worded(layout.description)}", markup=False)
    out.print(f"read {result.pings.rows_read:,} rows; {result.bad.total:,} not used", markup=False)
    for line in result.bad.lines():
        out.print(f"  {worded(line)}", markup=False)
    for warning in result.pings.warnings:
        err.print(f"warning: {worded(warning)}", markup=False)
    out.print(legs.describe(result.report), markup=False)
    if result.directory_problems:
        err.print(
            f"warning: {out_file.parent} already has {result.directory_problems} "
            "problem(s); see `python -m geo validate`",
            markup=False,
        )
    if not result.written and not result.already_there:
        raise fail("no track written: no aircraft or vessel has two usable pings in a leg")
    if append:
        if result.created_sources is not None:
            out.print(f"added source records to {result.created_sources}", markup=False)
        out.print(
            f"appended {len(result.tracks):,} legs to {out_file}: {result.already_there:,} "
            f"already there, {result.kept:,} features kept",
            markup=False,
        )
        return
    if result.created_sources is not None:
        out.print(
            f"created {result.created_sources} with source {result.source_id!r}: "
            "edit its title and publisher",
            markup=False,
        )
    out.print(
        f"wrote {result.report.legs:,} legs to {out_file} (source {result.source_id!r})",
        markup=False,
    )
