"""``export html`` and ``export png``: a self-contained map, a briefing slide."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from geo.cli.common import (
    AsOfOption,
    DataOption,
    SinceOption,
    err,
    fail,
    load_checked,
    out,
    parse_day,
    worded,
)
from geo.data import reading, selection
from geo.slides import errors, options

ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]


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
    since: SinceOption = None,
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
    from geo.slides import render

    try:
        dimensions = options.parse_size(size)
        options.check_scale(scale)
        box = options.parse_bounds(bounds) if bounds is not None else None
        options.check_basemap(basemap)
        targets = options.output_paths(out_file, as_of)
    except ValueError as error:
        raise fail(worded(error), 2) from None
    start = parse_day(since, "--since")
    if out_file.suffix.lower() != ".png":
        raise fail(f"{out_file}: the output file name must end in .png", 2)
    try:
        options.check_outputs([path for _, path in targets], force)
    except errors.PngError as error:
        raise fail(worded(error), error.code) from None
    dataset = load_checked(data)

    def written(path: Path, slide: Any) -> None:
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
        raise fail(worded(error), error.code) from None


def export_html(
    out_file: Annotated[Path, typer.Argument(help="Output file, e.g. map.html.")],
    data: DataOption = None,
    as_of: AsOfOption = None,
    since: SinceOption = None,
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
    force: ForceOption = False,
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
    ring_frame = _ring_layer(shown, rings or [])
    zone_frame = _zone_layer(zones or [])
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


def _ring_layer(dataset: reading.Dataset, specs: list[str]) -> Any:
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


def _zone_layer(codes: list[str]) -> Any:
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
