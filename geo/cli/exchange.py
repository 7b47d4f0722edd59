"""``export kml`` and ``export gpkg``: the data set for Google Earth and for QGIS."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from geo.cli.common import (
    MAX_FILE_MB,
    AsOfOption,
    DataOption,
    MaxFileOption,
    err,
    fail,
    load_checked,
    out,
    parse_day,
)
from geo.data.reading import Dataset

ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]


def export_kml(
    out_file: Annotated[
        Path, typer.Argument(help="OUT.kml, or OUT.kmz with icons.", show_default=False)
    ],
    data: DataOption = None,
    as_of: AsOfOption = None,
    force: ForceOption = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Google Earth: folders per layer and category, a time slider playing the build-up.

    A KMZ's icons are the map's symbols, drawn by Chromium; without one, coloured shapes.
    """
    from geo.analysis.kml import write_kml

    if out_file.suffix.lower() not in (".kml", ".kmz"):
        raise fail(f"{out_file}: the file name must end in .kml or .kmz", 2)
    day = parse_day(as_of)
    dataset = load_checked(data, max_file_mb)
    if out_file.exists() and not force:  # before drawing any icon
        raise fail(f"{out_file} exists; use --force to replace it")
    icons, styles = _map_icons(dataset) if out_file.suffix.lower() == ".kmz" else ({}, {})
    try:
        write_kml(dataset, out_file, as_of=day, overwrite=force, icons=icons, styles=styles)
    except FileExistsError:
        raise fail(f"{out_file} exists; use --force to replace it") from None
    except OSError as error:
        raise fail(f"{out_file}: cannot write: {error.strerror or error}") from None
    out.print(f"wrote {out_file}", markup=False)


def export_gpkg(
    out_file: Annotated[Path, typer.Argument(help="OUT.gpkg.", show_default=False)],
    data: DataOption = None,
    as_of: AsOfOption = None,
    force: ForceOption = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """QGIS: one GeoPackage, a table per layer and one of sources (as of a date if given)."""
    from geo.data import selection
    from geo.data.gpkg import write_gpkg

    if out_file.suffix.lower() != ".gpkg":
        raise fail(f"{out_file}: the file name must end in .gpkg", 2)
    day = parse_day(as_of)
    dataset = load_checked(data, max_file_mb)
    if day is not None:
        dataset = selection.as_of(dataset, day)
    try:
        write_gpkg(dataset, out_file, overwrite=force)
    except FileExistsError:
        raise fail(f"{out_file} exists; use --force to replace it") from None
    except OSError as error:
        raise fail(f"{out_file}: cannot write: {error.strerror or error}") from None
    out.print(f"wrote {out_file}", markup=False)


def _map_icons(dataset: Dataset) -> tuple[dict[str, bytes], dict[str, str]]:
    """The map's symbols as icons; without a working Chromium, none (and one warning line)."""
    from geo.slides.errors import PngError
    from geo.slides.icons import kmz_icons

    try:
        return kmz_icons(dataset)
    except PngError as error:
        err.print(f"warning: KMZ icons drawn as coloured shapes, not map symbols: {error}")
        return {}, {}
