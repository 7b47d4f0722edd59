"""``import``: features from Google Earth, spreadsheets and GIS files into a layer."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from geo.cli.common import MAX_FILE_MB, MaxFileOption, err, fail, file_bytes, out, problem_line


def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="Files, told by content: KML/KMZ placemarks, CSV/TSV spreadsheets, GeoJSON, "
            "GeoPackage.",
            show_default=False,
        ),
    ],
    layer: Annotated[
        str, typer.Option("--layer", help="bases, assets, tracks, strikes or places.")
    ],
    data: Annotated[
        Path,
        typer.Option("--data", help="Data directory to add the features to.", show_default=False),
    ],
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Source id in DIR/sources.json; without it a source per file is created.",
        ),
    ] = None,
    settings: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE for every row without a value (e.g. --set confidence=reported "
            "--set uncertainty_km=5); repeat it.",
        ),
    ] = None,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Import features: every row checked, nothing written if any is wrong, nothing twice."""
    from geo.data import importing, locking

    for path in files:
        if not path.is_file():
            raise fail(f"{path}: no such file", 2)
    try:
        values = importing.parse_settings(settings or [], layer)
        result = importing.import_features(
            files,
            layer,
            data,
            source=source,
            settings=values,
            max_file_bytes=file_bytes(max_file_mb),
        )
    except importing.ImportOptionError as error:
        code = 2 if str(error).startswith("--") else 1
        raise fail(problem_line(str(error)), code) from None
    except locking.Busy as error:
        raise fail(str(error)) from None
    except OSError as error:  # the directory cannot be written: nothing was changed
        raise fail(f"{error.filename or data}: cannot write: {error.strerror or error}") from None
    if result.problems:
        for problem in result.problems:
            err.print(problem_line(problem), markup=False)
        raise fail(f"{len(result.problems)} problem(s); nothing was written to {data}")
    if result.other_layers:
        out.print(
            f"skipped {result.other_layers} placemark(s) filed under other layers", markup=False
        )
    for source_id in result.created_sources:
        out.print(
            f"added source {source_id!r} to {data / 'sources.json'}: edit its title and publisher",
            markup=False,
        )
    out.print(
        f"added {len(result.added)} feature(s) to {data / (layer + '.geojson')}; "
        f"{result.already_there} already there",
        markup=False,
    )
