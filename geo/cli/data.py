"""The commands about the data itself: ``validate``, ``summary`` and ``analyze``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from geo.cli.common import (
    MAX_FILE_MB,
    AsOfOption,
    DataOption,
    MaxFileOption,
    PlainConsole,
    SinceOption,
    fail,
    file_bytes,
    load_checked,
    out,
    parse_day,
    plain,
    problem_line,
)
from geo.data import reading, selection
from geo.data.figures import UNATTRIBUTED, personnel_text, qualified
from geo.data.paths import default_data_dir

SUMMARY_FIGURES = ("ships", "submarines", "aircraft", "personnel", "strikes", "killed")
ANALYSIS_HEADERS = (
    ("id", "left"),
    ("layer", "left"),
    ("where (zones the uncertainty circle touches)", "left"),
    ("coast", "right"),
    ("nearest base, same side", "left"),
    ("nearest hostile base", "left"),
    ("to {to}", "right"),
)


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Data directory or layer files (default: the bundled data set)."),
    ] = None,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Check a data directory or files; one line per problem, exit 1 if any."""
    for path in paths or []:
        if not path.exists():  # a typo, not bad data: a usage error
            raise fail(f"{path}: no such file or directory", 2)
    dataset = reading.load(paths or [default_data_dir()], max_file_bytes=file_bytes(max_file_mb))
    for problem in dataset.problems:
        out.print(problem_line(problem), markup=False)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.layers.items())
    if dataset.problems:
        raise fail(f"{dataset.problem_count} problem(s) in {dataset.label}")
    _warn_undeclared_crossings(dataset)
    out.print(
        f"OK: {dataset.label}: {counts}, {len(dataset.sources)} sources; no problems", markup=False
    )


def summary(
    data: DataOption = None,
    as_of: AsOfOption = None,
    since: SinceOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Counts by layer and category; ships, aircraft, personnel, strikes and killed as of a date."""
    day, start = parse_day(as_of), parse_day(since, "--since")
    dataset = load_checked(data, max_file_mb)
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
    for key in SUMMARY_FIGURES:
        text = figures["texts"][key]
        if key == "personnel":
            text = personnel_text(figures)
        table.add_row(key, text)
    if figures["strikes_killed_unknown"]:
        table.add_row("strikes with unknown toll", str(figures["strikes_killed_unknown"]))
    if len(figures["strikes_by_actor"]) > 1 or any(
        actor != UNATTRIBUTED for actor in figures["strikes_by_actor"]
    ):
        for actor, numbers in figures["strikes_by_actor"].items():
            table.add_row(
                plain(f"strikes by {actor}"),
                f"{numbers['strikes']:,} ({numbers['killed_text']} killed)",
            )
    for name, count in figures["features"].items():
        table.add_row(f"{name} (features)", str(count))
    for name, count in sorted(figures["assets_by_category"].items()):
        qualifier = figures["category_qualifiers"].get(name)
        table.add_row(f"assets: {name}", qualified(count, qualifier))
    for status in ("en_route", "departed"):
        for asset in figures[status]:
            table.add_row(plain(f"{status.replace('_', ' ')}: {asset['name']}"), "not counted")
    out.print(table)


def analyze(
    data: DataOption = None,
    as_of: AsOfOption = None,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Id of the place to measure distances to (default: the data's capital).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records.")] = False,
    max_file_mb: MaxFileOption = MAX_FILE_MB,
) -> None:
    """Zones, nearest bases and distances (geodesic) for every point, as ranges over its circle.

    Tracks follow with the states whose land and territorial sea they cross.
    """
    from geo.analysis import joins, territory, zones

    day = parse_day(as_of)
    dataset = load_checked(data, max_file_mb)
    day = day or selection.latest_date(dataset)
    chosen = selection.as_of(dataset, day)
    try:
        result = joins.analyze(chosen, to=to)
    except KeyError as error:
        raise fail(f"--to: {error.args[0]}") from None
    if len(result) == 0:
        raise fail(f"no point features in {dataset.label}")
    records = result.drop(columns="geometry")
    crossed = territory.crossings(chosen["tracks"])
    to = to or joins.default_target(chosen)
    if as_json:
        tracks = crossed.drop(columns="step_km").assign(layer="tracks")
        rows = [
            *json.loads(records.to_json(orient="records", double_precision=6)),
            *json.loads(tracks.to_json(orient="records")),
        ]
        out.print(json.dumps(rows, indent=2, ensure_ascii=False), markup=False)
        return
    # A pipe or file gets the full width; a terminal keeps its own.
    wide = out if out.is_terminal else PlainConsole(width=220)
    wide.print(_points_table(records, day, to))
    if len(crossed):
        wide.print(_tracks_table(crossed))
    out.print(zones.EEZ_CAVEAT, markup=False)


def _points_table(records: pd.DataFrame, day: object, to: str | None) -> Table:
    from geo.analysis import uncertainty

    title = f"posturemap analysis as of {day}"
    title += f" (distances to {to}, geodesic)" if to else " (geodesic)"
    title += "; ranges over each position's uncertainty circle"
    table = Table(title=plain(title))
    has_hostile = records["nearest_hostile_base"].notna().any()
    shown = [
        (name, justify)
        for name, justify in ANALYSIS_HEADERS
        if (to or not name.startswith("to ")) and (has_hostile or "hostile" not in name)
    ]
    where = ANALYSIS_HEADERS[2][0]
    for name, justify in shown:
        table.add_column(plain(name.format(to=to)), justify=justify, no_wrap=name != where)
    for record in records.to_dict("records"):
        cells = {
            "id": record["id"],
            "layer": record["layer"],
            where: uncertainty.describe_where(
                record["zones_possible"],
                record["states_possible"],
                record["uncertainty_km"],
                first=record["coastal_state"],
            ),
            "coast": _range(record, "coast_nm"),
            "nearest base, same side": _base(record, "nearest_base"),
            "nearest hostile base": _base(record, "nearest_hostile_base"),
            "to {to}": _range(record, "to_nm"),
        }
        table.add_row(*(plain(cells[name] or "") for name, _ in shown))
    return table


def _tracks_table(crossed: pd.DataFrame) -> Table:
    table = Table(title="tracks: national airspace crossed (land and 12 nm territorial sea)")
    for name in ("id", "land of", "territorial sea of"):
        table.add_column(name)
    for row in crossed.itertuples(index=False):
        table.add_row(
            plain(row.id),
            plain(", ".join(row.land_crossed) or "none"),
            plain(", ".join(row.territorial_sea_crossed) or "none"),
        )
    return table


def _range(record: dict, key: str) -> str:
    from geo.analysis import uncertainty

    return uncertainty.describe_range(record[key], record[f"{key}_min"], record[f"{key}_max"])


def _base(record: dict, key: str) -> str:
    if not record[key]:
        return ""
    return f"{record[key]} ({_range(record, key + '_nm')})"


def _warn_undeclared_crossings(dataset: reading.Dataset) -> None:
    """Warn (exit 0) about reconstructed tracks drawn through territory their notes don't name."""
    from geo.analysis import territory

    tracks = dataset["tracks"]
    for position, track_id, states in territory.undeclared(tracks):
        folder = Path(dataset.label)
        file = folder / "tracks.geojson" if folder.is_dir() else "tracks.geojson"
        out.print(
            f"warning: {file}: feature {position} ({track_id}): geometry: the reconstructed "
            f"route crosses the land or territorial sea of {', '.join(states)}, which its "
            "notes don't name; redraw it or say so in notes",
            markup=False,
        )
