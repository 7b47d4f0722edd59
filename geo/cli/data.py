"""The commands about the data itself: ``validate``, ``summary`` and ``analyze``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from geo.cli.common import (
    AsOfOption,
    DataOption,
    SinceOption,
    fail,
    load_checked,
    out,
    parse_day,
)
from geo.data import reading, selection
from geo.data.paths import default_data_dir

SUMMARY_FIGURES = ("ships", "submarines", "aircraft", "personnel", "strikes", "killed")
ANALYSIS_HEADERS = (
    ("id", "id", "left"),
    ("layer", "layer", "left"),
    ("country", "country", "left"),
    ("zone", "zone", "left"),
    ("coastal_state", "coastal state", "left"),
    ("coast_nm", "coast nm", "right"),
    ("nearest_base", "nearest base", "left"),
    ("nearest_base_nm", "base nm", "right"),
    ("to_nm", "to {to} nm", "right"),
)


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Data directory or layer files (default: the bundled data set)."),
    ] = None,
) -> None:
    """Check a data directory or files; one line per problem, exit 1 if any."""
    dataset = reading.load(paths or [default_data_dir()])
    for problem in dataset.problems:
        out.print(str(problem), markup=False)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.layers.items())
    if dataset.problems:
        raise fail(f"{len(dataset.problems)} problem(s) in {dataset.label}")
    out.print(
        f"OK: {dataset.label}: {counts}, {len(dataset.sources)} sources; no problems", markup=False
    )


def summary(
    data: DataOption = None,
    as_of: AsOfOption = None,
    since: SinceOption = None,
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
    for key in SUMMARY_FIGURES:
        table.add_row(key, f"{figures[key]:,}")
    if figures["strikes_killed_unknown"]:
        table.add_row("strikes with unknown toll", str(figures["strikes_killed_unknown"]))
    for name, count in figures["features"].items():
        table.add_row(f"{name} (features)", str(count))
    for name, count in sorted(figures["assets_by_category"].items()):
        table.add_row(f"assets: {name}", str(count))
    out.print(table)


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
    for _, title, justify in ANALYSIS_HEADERS:
        table.add_column(title.format(to=to), justify=justify, no_wrap=True)
    for row in records.itertuples(index=False):
        cells = []
        for key, _, justify in ANALYSIS_HEADERS:
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
