"""``diff``: what moved between two dates, per asset, and the strikes in between."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from geo.cli.common import DataOption, PlainConsole, fail, load_checked, out, parse_day, plain
from geo.data.figures import DEPLOYED


def diff_command(
    start: Annotated[str, typer.Option("--from", help="The earlier as-of date (ISO).")],
    end: Annotated[str, typer.Option("--to", help="The later as-of date (ISO).")],
    data: DataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per asset: arrived, departed, moved (geodesic nm, bearing) or stayed; strikes between."""
    from geo.analysis.diff import diff

    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    if first is None or last is None or first > last:
        raise fail(f"--from: {start} is after --to {end}", 2)
    result = diff(load_checked(data), first, last)
    if as_json:
        out.print(json.dumps(result.to_json(), indent=1, ensure_ascii=False), markup=False)
        return
    counts = ", ".join(f"{n} {change}" for change, n in result.counts().items())
    table = Table(title=plain(f"posturemap diff {first} -> {last}: {counts}"))
    for title in ("entity", "name", "change", "moved nm", "range nm", "bearing", "reports"):
        # The reports column wraps; the others keep their words whole.
        justify = "right" if "nm" in title else "left"
        table.add_column(title, justify=justify, no_wrap=title != "reports")
    for row in result.entities.to_dict("records"):
        table.add_row(*(plain(cell) for cell in _cells(row)))
    wide = out if out.is_terminal else PlainConsole(width=200)
    wide.print(table)
    if result.strikes.empty:
        out.print(f"no strikes after {first} up to {last}", markup=False)
    for strike in result.strikes.sort_values("observed").to_dict("records"):
        killed = "unknown" if _missing(strike["killed"]) else f"{int(strike['killed'])}"
        day = strike["observed"].date().isoformat()
        out.print(f"strike {day}  {strike['id']}  {strike['name']}  killed {killed}", markup=False)


def _cells(row: dict) -> list[str]:
    change = row["change"] + (" (within uncertainty)" if row["within_uncertainty"] else "")
    if row["to_status"] not in (None, DEPLOYED) and not _missing(row["to_status"]):
        change += f" ({row['to_status']})"
    moved = between = bearing = ""
    if not _missing(row["moved_nm"]):
        moved = f"{row['moved_nm']:,.0f}"
        between = f"{row['moved_nm_min']:,.0f}-{row['moved_nm_max']:,.0f}"
    if not _missing(row["bearing_deg"]):
        bearing = f"{row['bearing_deg']:03.0f}°"
    reports = " -> ".join(
        f"{row[f'{side}_id']} ({row[f'{side}_observed']})"
        for side in ("from", "to")
        if not _missing(row[f"{side}_id"])
    )
    return [str(row["entity"]), str(row["name"]), change, moved, between, bearing, reports]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or str(value) == "<NA>"
