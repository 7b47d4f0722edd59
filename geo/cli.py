"""The ``python -m geo`` / ``posturemap`` command line: a thin front end over the library.

Exit codes: 0 success, 1 bad data or a failed operation (one clear line per
problem on stderr or stdout), 2 usage errors (bad arguments). No traceback ever
reaches the user: :func:`main` turns unexpected errors into one line and exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from geo.data import reading as data_reading
from geo.data import selection
from geo.data.paths import default_data_dir
from geo.slides import errors, options, render

app = typer.Typer(
    help="posturemap: map military asset positions from open sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export maps (HTML, PNG).", no_args_is_help=True)
tracks_app = typer.Typer(
    help="Build tracks from flight and ship tracker pings.", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(tracks_app, name="tracks")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Data directory (default: data/).", show_default=False),
]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="ISO date; default the latest date in the data.")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line to stderr and return the Exit to raise."""
    err.print(message, markup=False)
    return typer.Exit(code)


def parse_day(value: str | None, option: str = "--as-of"):
    """Parse a date option; a bad value is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return selection.to_day(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not an ISO date (YYYY-MM-DD)", 2) from None


def load_checked(data: Path | None) -> data_reading.Dataset:
    """Load a data directory; print its problems and exit 1 when there are any."""
    dataset = data_reading.load(data or default_data_dir())
    if dataset.problems:
        for problem in dataset.problems:
            err.print(str(problem), markup=False)
        raise fail(f"{len(dataset.problems)} problem(s); run `python -m geo validate` for details")
    return dataset


@app.command()
def validate(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Data directory or layer files (default: data/).")
    ] = None,
) -> None:
    """Check a data directory or files; one line per problem, exit 1 if any."""
    dataset = data_reading.load(paths or [default_data_dir()])
    for problem in dataset.problems:
        out.print(str(problem), markup=False)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.layers.items())
    if dataset.problems:
        raise fail(f"{len(dataset.problems)} problem(s) in {dataset.label}")
    out.print(
        f"OK: {dataset.label}: {counts}, {len(dataset.sources)} sources; no problems", markup=False
    )


@app.command()
def summary(
    data: DataOption = None,
    as_of: AsOfOption = None,
    since: Annotated[str | None, typer.Option(help="Start of the strike/track window.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by layer and category; ships, aircraft, personnel, strikes and killed as of a date."""
    day, start = parse_day(as_of), parse_day(since, "--since")
    dataset = load_checked(data)
    day = day or selection.latest_date(dataset)
    figures = selection.summary(selection.as_of(dataset, day, start))
    figures = {
        "as_of": day.isoformat() if day else None,
        "since": start.isoformat() if start else None,
        **figures,
    }
    if as_json:
        out.print(json.dumps(figures, indent=2), markup=False)
        return
    table = Table(title=f"posturemap summary as of {figures['as_of']}", show_header=True)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for key in ("ships", "submarines", "aircraft", "personnel", "strikes", "killed"):
        table.add_row(key, f"{figures[key]:,}")
    if figures["strikes_killed_unknown"]:
        table.add_row("strikes with unknown toll", str(figures["strikes_killed_unknown"]))
    for name, count in figures["features"].items():
        table.add_row(f"{name} (features)", str(count))
    for name, count in sorted(figures["assets_by_category"].items()):
        table.add_row(f"assets: {name}", str(count))
    out.print(table)


@export_app.command("png")
def export_png(
    out_file: Annotated[
        Path,
        typer.Argument(
            metavar="OUT.png",
            help="PNG to write; with a list or range of dates, one file per date "
            "(out_2025-09-01.png).",
        ),
    ],
    data: DataOption = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date, list (2025-09-01,2025-10-01) or range with a step "
            "(2025-09-01..2025-10-23/7d); default the latest date in the data.",
        ),
    ] = None,
    since: Annotated[str | None, typer.Option(help="Start of the strike/track window.")] = None,
    basemap: Annotated[str, typer.Option(help="light, dark, satellite or offline.")] = "light",
    title: Annotated[str | None, typer.Option(help="Slide title.")] = None,
    size: Annotated[str, typer.Option(help="WIDTHxHEIGHT in CSS pixels.")] = "1920x1080",
    scale: Annotated[
        int,
        typer.Option(help="Device pixels per CSS pixel: 1, or 2 for high-DPI (PNG twice as big)."),
    ] = 1,
    bounds: Annotated[
        str | None,
        typer.Option(help="W,S,E,N in degrees; default: fit the features shown."),
    ] = None,
    caveat: Annotated[str, typer.Option(help="Caveat banner text.")] = options.DEFAULT_CAVEAT,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
) -> None:
    """Write a briefing slide as PNG: map, title, as-of date, legend, scale, sources, caveat."""
    try:
        dimensions = options.parse_size(size)
        options.check_scale(scale)
        box = options.parse_bounds(bounds) if bounds is not None else None
        options.check_basemap(basemap)
        targets = options.output_paths(out_file, as_of)
    except ValueError as error:
        raise fail(str(error), 2) from None
    start = parse_day(since, "--since")
    if out_file.suffix.lower() != ".png":
        raise fail(f"{out_file}: the output file name must end in .png", 2)
    try:
        options.check_outputs([path for _, path in targets], force)
    except errors.PngError as error:
        raise fail(str(error), error.code) from None
    dataset = load_checked(data)

    def written(path: Path, slide: render.Slide) -> None:
        pixels = f"{dimensions[0] * scale}x{dimensions[1] * scale}"
        out.print(
            f"wrote {path} ({pixels} px, as of {slide.as_of}, {slide.basemap} basemap)",
            markup=False,
        )

    try:
        render.render_png(
            dataset,
            out_file,
            as_of=as_of,
            since=start,
            basemap=basemap,
            title=title,
            size=dimensions,
            scale=scale,
            bounds=box,
            caveat=caveat,
            force=force,
            warn=lambda message: err.print(message, markup=False),
            on_written=written,
        )
    except errors.PngError as error:
        raise fail(str(error), error.code) from None


@tracks_app.command("import")
def tracks_import(
    pings: Annotated[
        list[Path],
        typer.Argument(help="Ping files: CSV or Parquet (OpenSky, AIS, plain), KML, GPX."),
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
) -> None:
    """Turn flight/ship tracker pings into tracks (one feature per leg) in DIR/tracks.geojson."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from geo.tracks import importer, legs
    from geo.tracks import pings as ping_files
    from geo.tracks.layouts import PingError

    if out_file.name != "tracks.geojson":
        raise fail(f"--out must be a file named tracks.geojson (got {out_file.name})", 2)
    if category is not None and category not in ping_files.CATEGORIES:
        raise fail(f"--category must be one of {', '.join(ping_files.CATEGORIES)}", 2)
    limits = [value for value in (gap_minutes, max_speed_kmh) if value is not None]
    if not tolerance_m >= 0 or not all(value > 0 for value in limits):  # NaN fails too
        raise fail("--tolerance-m must be >= 0, --gap-minutes and --max-speed-kmh > 0", 2)
    for path in pings:
        if not path.is_file():
            raise fail(f"{path}: no such file", 2)
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
                thresholds=rules,
                tolerance_m=tolerance_m,
                force=force,
                on_bytes=lambda n: bar.advance(reading, n),
                stage=stage,
            )
        except PingError as error:
            raise fail(str(error)) from None
        except importer.SourceError as error:
            raise fail(str(error), 2) from None
        except FileExistsError:
            raise fail(f"{out_file} exists; use --force to replace it") from None
    for name, layout in result.pings.layouts:
        out.print(f"{name}: {layout.name}: {layout.description}", markup=False)
    out.print(f"read {result.pings.rows_read:,} rows; {result.bad.total:,} not used", markup=False)
    for line in result.bad.lines():
        out.print(f"  {line}", markup=False)
    out.print(legs.describe(result.report), markup=False)
    if result.directory_problems:
        err.print(
            f"warning: {out_file.parent} already has {result.directory_problems} "
            "problem(s); see `python -m geo validate`",
            markup=False,
        )
    if not result.written:
        raise fail("no track written: no aircraft or vessel has two usable pings in a leg")
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


@app.command()
def analyze(
    data: DataOption = None,
    as_of: AsOfOption = None,
    to: Annotated[
        str, typer.Option("--to", help="Id of the place to measure distances to.")
    ] = "caracas",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
) -> None:
    """Country, maritime zone, nearest base and distances (geodesic) for every point feature."""
    from geo.analysis import joins, zones

    day = parse_day(as_of)
    dataset = load_checked(data)
    day = day or selection.latest_date(dataset)
    chosen = selection.as_of(dataset, day)
    try:
        result = joins.analyze(chosen, to=to)
    except KeyError as error:
        raise fail(f"--to: {error.args[0]}") from None
    if len(result) == 0:
        raise fail(f"no point features in {dataset.label}")
    records = result.drop(columns="geometry")
    if as_json:
        text = records.to_json(orient="records", double_precision=6, force_ascii=False)
        out.print(json.dumps(json.loads(text), indent=2, ensure_ascii=False), markup=False)
        return
    table = Table(title=f"posturemap analysis as of {day} (distances to {to}, geodesic)")
    headers = [
        ("id", "id", "left"),
        ("layer", "layer", "left"),
        ("country", "country", "left"),
        ("zone", "zone", "left"),
        ("coastal_state", "coastal state", "left"),
        ("coast_nm", "coast nm", "right"),
        ("nearest_base", "nearest base", "left"),
        ("nearest_base_nm", "base nm", "right"),
        ("to_nm", f"to {to} nm", "right"),
    ]
    for _, title, justify in headers:
        table.add_column(title, justify=justify, no_wrap=True)
    for row in records.itertuples(index=False):
        cells = []
        for key, _, justify in headers:
            value = getattr(row, key)
            if value is None or (isinstance(value, float) and value != value):
                cells.append("")
            else:
                cells.append(f"{value:,.1f}" if justify == "right" else str(value))
        table.add_row(*cells)
    # A pipe or file gets the full width; a terminal keeps its own.
    wide = out if out.is_terminal else Console(highlight=False, width=220)
    wide.print(table)
    out.print(zones.EEZ_CAVEAT, markup=False)


def ring_layer(dataset: data_reading.Dataset, specs: list[str]):
    """Range rings for ``ID`` (nominal ranges) or ``ID:KM`` specs; unknown ids exit 1."""
    import pandas as pd

    from geo.analysis.rings import range_rings

    if not specs:
        return None
    centres = pd.concat([dataset["bases"], dataset["assets"]], ignore_index=True)
    frames = []
    for spec in specs:
        fid, _, km = spec.partition(":")
        centre = centres[centres["id"] == fid]
        if centre.empty:
            raise fail(f"--rings: no base or asset with id {fid!r} in the data shown")
        try:
            radius = float(km) if km else None
        except ValueError:
            raise fail(f"--rings: {km!r} is not a distance in km", 2) from None
        frames.append(range_rings(centre, radius_km=radius))
    rings = pd.concat(frames, ignore_index=True)
    if rings.empty:
        err.print("--rings: no nominal range is known for those types; give ID:KM", markup=False)
    return rings


def zone_layer(codes: list[str]):
    """Maritime zone bands of the given states; an unknown code exits 2."""
    import pandas as pd

    from geo.analysis import zonebands

    if not codes:
        return None
    frames = []
    for code in codes:
        try:
            frames.append(zonebands.zone_bands(code))
        except ValueError as error:
            raise fail(f"--zones: {error}", 2) from None
    return pd.concat(frames, ignore_index=True)


@export_app.command("html")
def export_html(
    out_file: Annotated[Path, typer.Argument(help="Output file, e.g. map.html.")],
    data: DataOption = None,
    as_of: AsOfOption = None,
    since: Annotated[str | None, typer.Option(help="Start of the strike/track window.")] = None,
    basemap: Annotated[
        str, typer.Option(help="light, dark, satellite (online tiles) or offline.")
    ] = "light",
    title: Annotated[str | None, typer.Option(help="Title shown on the map.")] = None,
    timeline: Annotated[
        bool, typer.Option("--timeline", help="Add a time slider with a play button.")
    ] = False,
    zones: Annotated[
        list[str] | None,
        typer.Option("--zones", help="Draw the 12/24/200 nm bands of this state (ISO3, e.g. VEN)."),
    ] = None,
    rings: Annotated[
        list[str] | None,
        typer.Option(
            "--rings",
            help="Range rings around a base or asset: ID (nominal ranges of its type) or ID:KM.",
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write a self-contained HTML map that opens anywhere, with no network."""
    from geo.web import basemaps, export, maps

    day, start = parse_day(as_of), parse_day(since, "--since")
    if basemap not in basemaps.BASEMAPS:
        raise fail(f"--basemap: {basemap!r} is not one of {', '.join(basemaps.BASEMAPS)}", 2)
    if out_file.exists() and not force:
        raise fail(f"{out_file} exists; use --force to replace it")
    dataset = load_checked(data)
    day = day or selection.latest_date(dataset)
    shown = dataset if timeline else selection.as_of(dataset, day, start)
    ring_frame = ring_layer(shown, rings or [])
    zone_frame = zone_layer(zones or [])
    fmap = maps.build_map(
        shown,
        as_of=day,
        since=start,
        title=title,
        basemap=basemap,
        timeline=timeline,
        rings=ring_frame,
        zones=zone_frame,
    )
    path = export.write_html(fmap, out_file, overwrite=force)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in shown.layers.items())
    out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB; {counts})", markup=False)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising."""
    try:
        app(args=argv, prog_name="posturemap", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        err.print("interrupted")
        return 130
    except Exception as error:  # the last line of defence: never a traceback
        err.print(f"error: {type(error).__name__}: {error}", markup=False)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
