"""The ``python -m geo`` / ``posturemap`` command line: a thin front end over the library.

Exit codes: 0 success, 1 bad data or a failed operation (one clear line per
problem on stderr or stdout), 2 usage errors (bad arguments). No traceback ever
reaches the user: :func:`main` turns unexpected errors into one line and exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from geo import io, selection
from geo.paths import default_data_dir

app = typer.Typer(
    help="posturemap: map military asset positions from open sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export maps (HTML, PNG).", no_args_is_help=True)
tracks_app = typer.Typer(help="Build tracks from flight and ship tracker pings.", no_args_is_help=True)
app.add_typer(export_app, name="export")
app.add_typer(tracks_app, name="tracks")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

DataOption = Annotated[
    Optional[Path], typer.Option("--data", help="Data directory (default: data/).", show_default=False)
]
AsOfOption = Annotated[
    Optional[str], typer.Option("--as-of", help="ISO date; default the latest date in the data.")
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


def load_checked(data: Path | None) -> io.Dataset:
    """Load a data directory; print its problems and exit 1 when there are any."""
    dataset = io.load(data or default_data_dir())
    if dataset.problems:
        for problem in dataset.problems:
            err.print(str(problem), markup=False)
        raise fail(f"{len(dataset.problems)} problem(s); run `python -m geo validate` for details")
    return dataset


@app.command()
def validate(
    paths: Annotated[
        Optional[list[Path]], typer.Argument(help="Data directory or layer files (default: data/).")
    ] = None,
) -> None:
    """Check a data directory or files; one line per problem, exit 1 if any."""
    dataset = io.load(paths or [default_data_dir()])
    for problem in dataset.problems:
        out.print(str(problem), markup=False)
    counts = ", ".join(f"{len(frame)} {name}" for name, frame in dataset.layers.items())
    if dataset.problems:
        raise fail(f"{len(dataset.problems)} problem(s) in {dataset.label}")
    out.print(f"OK: {dataset.label}: {counts}, {len(dataset.sources)} sources; no problems", markup=False)


@app.command()
def summary(
    data: DataOption = None,
    as_of: AsOfOption = None,
    since: Annotated[Optional[str], typer.Option(help="Start of the strike/track window.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Counts by layer and category; ships, aircraft, personnel, strikes and killed as of a date."""
    day, start = parse_day(as_of), parse_day(since, "--since")
    dataset = load_checked(data)
    day = day or selection.latest_date(dataset)
    figures = selection.summary(selection.as_of(dataset, day, start))
    figures = {"as_of": day.isoformat() if day else None, "since": start.isoformat() if start else None,
               **figures}
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
