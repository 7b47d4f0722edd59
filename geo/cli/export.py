"""``export html``, ``export png`` and ``export pdf``: a self-contained map, a briefing slide."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from geo.analysis import overlayspecs
from geo.cli.common import (
    MAX_FILE_MB,
    AsOfOption,
    DataOption,
    MaxFileOption,
    SinceOption,
    err,
    fail,
    load_checked,
    out,
    parse_day,
    worded,
)
from geo.data import selection
from geo.slides import errors, options
from geo.web.contract import MAX_STALE_DAYS, STALE_DAYS

ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]
ZonesOption = Annotated[
    list[str] | None,
    typer.Option("--zones", help="Draw the 12/24/200 nm bands of this state (ISO3, e.g. VEN)."),
]
RingsOption = Annotated[
    list[str] | None,
    typer.Option(
        "--rings",
        help="Range rings around a base or asset: ID (nominal ranges of its type) or ID:KM; "
        "an asset's entity (uss-gravely) follows it from date to date.",
    ),
]
SlideAsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Date, list (2025-09-01,2025-10-01) or range with a step "
        "(2025-09-01..2025-10-23/7d); default the latest date in the data.",
    ),
]
BasemapOption = Annotated[str, typer.Option(help="light, dark, satellite or offline.")]
TitleOption = Annotated[str | None, typer.Option(help="Slide title.")]
SizeOption = Annotated[str, typer.Option(help="WIDTHxHEIGHT in CSS pixels.")]
BoundsOption = Annotated[
    str | None,
    typer.Option(
        help="W,S,E,N in degrees; default: frame the densest group of features shown "
        "(far ones go on a locator inset)."
    ),
]
CaveatOption = Annotated[str, typer.Option(help="Caveat banner text.")]
StaleDaysOption = Annotated[
    int,
    typer.Option(
        "--stale-days",
        min=1,
        max=MAX_STALE_DAYS,
        help="Unit reports this many days older than the as-of date are drawn faded, "
        "'last seen DATE'.",
    ),
]

CompareOption = Annotated[
    str | None,
    typer.Option(
        "--compare",
        metavar="DATE",
        help="Compare mode: show what moved, arrived and departed since DATE "
        "(earlier positions ghosted, arrows with distances, a panel listing them).",
    ),
]


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
    as_of: SlideAsOfOption = None,
    since: SinceOption = None,
    basemap: BasemapOption = "light",
    title: TitleOption = None,
    size: SizeOption = "1920x1080",
    scale: Annotated[
        int,
        typer.Option(help="Device pixels per CSS pixel: 1, or 2 for high-DPI (PNG twice as big)."),
    ] = 1,
    bounds: BoundsOption = None,
    caveat: CaveatOption = options.DEFAULT_CAVEAT,
    rings: RingsOption = None,
    zones: ZonesOption = None,
    stale_days: StaleDaysOption = STALE_DAYS,
    compare: CompareOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Write a briefing slide as PNG: map, title, as-of date, legend, scale, sources, caveat."""
    _export_slides(
        "png",
        out_file,
        data,
        force,
        as_of=as_of,
        since=since,
        basemap=basemap,
        title=title,
        size=size,
        scale=scale,
        bounds=bounds,
        caveat=caveat,
        rings=rings,
        zones=zones,
        stale_days=stale_days,
        max_file_mb=max_file_mb,
        compare=compare,
    )


def export_pdf(
    out_file: Annotated[
        Path,
        typer.Argument(
            metavar="OUT.pdf",
            help="PDF to write; with a list or range of dates, one file per date "
            "(out_2025-09-01.pdf).",
        ),
    ],
    data: DataOption = None,
    as_of: SlideAsOfOption = None,
    since: SinceOption = None,
    basemap: BasemapOption = "light",
    title: TitleOption = None,
    size: Annotated[
        str, typer.Option(help="WIDTHxHEIGHT in CSS pixels (96 to the inch: the page size).")
    ] = "1920x1080",
    scale: Annotated[
        int,
        typer.Option(help="Pixels per CSS pixel of the map's drawn layers: 2 (sharp in print), 1."),
    ] = 2,
    bounds: BoundsOption = None,
    caveat: CaveatOption = options.DEFAULT_CAVEAT,
    rings: RingsOption = None,
    zones: ZonesOption = None,
    stale_days: StaleDaysOption = STALE_DAYS,
    compare: CompareOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Write the briefing slide as a one-page PDF for print: text stays text."""
    _export_slides(
        "pdf",
        out_file,
        data,
        force,
        as_of=as_of,
        since=since,
        basemap=basemap,
        title=title,
        size=size,
        scale=scale,
        bounds=bounds,
        caveat=caveat,
        rings=rings,
        zones=zones,
        stale_days=stale_days,
        max_file_mb=max_file_mb,
        compare=compare,
    )


def _export_slides(
    fmt: str,
    out_file: Path,
    data: Path | None,
    force: bool,
    *,
    as_of: str | None,
    since: str | None,
    basemap: str,
    title: str | None,
    size: str,
    scale: int,
    bounds: str | None,
    caveat: str,
    rings: list[str] | None,
    zones: list[str] | None,
    stale_days: int = STALE_DAYS,
    max_file_mb: float = MAX_FILE_MB,
    compare: str | None = None,
) -> None:
    """``export png`` and ``export pdf``: check the arguments, then render one file per date."""
    from geo.slides import render

    try:
        dimensions = options.parse_size(size)
        options.check_scale(scale)
        box = options.parse_bounds(bounds) if bounds is not None else None
        options.check_basemap(basemap)
        targets = options.output_paths(out_file, as_of)
        for spec in rings or []:
            overlayspecs.parse_ring_spec(spec)
    except ValueError as error:
        raise fail(worded(error), 2) from None
    start = parse_day(since, "--since")
    compare_from = parse_day(compare, "--compare")
    if out_file.suffix.lower() != f".{fmt}":
        raise fail(f"{out_file}: the output file name must end in .{fmt}", 2)
    try:
        options.check_outputs([path for _, path in targets], force)
    except errors.PngError as error:
        raise fail(worded(error), error.code) from None
    dataset = load_checked(data, max_file_mb)
    if compare_from is not None:
        latest = selection.latest_date(dataset)
        first = min((day or latest or compare_from) for day, _ in targets)
        if compare_from > first:
            raise fail(f"--compare: {compare_from} is after the slide's date {first}", 2)

    def written(path: Path, slide: Any) -> None:
        pixels = f"{dimensions[0] * scale}x{dimensions[1] * scale} px"
        if fmt == "pdf":
            pixels = f"{dimensions[0] * 0.75:g}x{dimensions[1] * 0.75:g} pt"
        out.print(
            f"wrote {path} ({pixels}, as of {slide.as_of}, {slide.basemap} basemap)",
            markup=False,
        )

    try:
        (render.render_pdf if fmt == "pdf" else render.render_png)(
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
            rings=tuple(rings or ()),
            zones=tuple(zones or ()),
            stale_days=stale_days,
            compare=compare_from,
            force=force,
            warn=lambda message: err.print(worded(message), markup=False),
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
    zones: ZonesOption = None,
    rings: RingsOption = None,
    stale_days: StaleDaysOption = STALE_DAYS,
    compare: CompareOption = None,
    force: ForceOption = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Write a self-contained HTML map that opens anywhere, with no network."""
    from geo.web import basemaps, export, maps

    day, start = parse_day(as_of), parse_day(since, "--since")
    compare_from = parse_day(compare, "--compare")
    if basemap not in basemaps.BASEMAPS:
        raise fail(f"--basemap: {basemap!r} is not one of {', '.join(basemaps.BASEMAPS)}", 2)
    if out_file.exists() and not force:
        raise fail(f"{out_file} exists; use --force to replace it")
    dataset = load_checked(data, max_file_mb)
    day = day or selection.latest_date(dataset)
    if compare_from and day and compare_from > day:
        raise fail(f"--compare: {compare_from} is after the map's date {day}", 2)
    shown = dataset if timeline else selection.as_of(dataset, day, start)
    try:
        ring_frame = overlayspecs.rings_layer(shown, rings or [])
        zone_frame = overlayspecs.zones_layer(zones or [])
    except overlayspecs.UnknownOrigin as error:
        raise fail(worded(error)) from None
    except ValueError as error:
        raise fail(worded(error), 2) from None
    if ring_frame is not None and ring_frame.empty:
        err.print("--rings: no nominal range is known for those types; give ID:KM", markup=False)
    fmap = maps.build_map(
        shown,
        as_of=day,
        since=start,
        title=title,
        basemap=basemap,
        timeline=timeline,
        rings=ring_frame,
        zones=zone_frame,
        stale_days=stale_days,
        compare_from=compare_from,
        history=dataset,
    )
    path = export.write_html(fmap, out_file, overwrite=force)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in shown.layers.items())
    out.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB; {counts})", markup=False)
