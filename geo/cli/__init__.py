"""The ``python -m geo`` / ``posturemap`` command line: a thin front end over the library.

One module per group of commands: :mod:`geo.cli.data` (validate, summary, analyze),
:mod:`geo.cli.export` (export html, export png, export pdf), :mod:`geo.cli.exchange` (export
kml, export gpkg), :mod:`geo.cli.tracks` (tracks import), :mod:`geo.cli.report` (init, report
add/update/retire/delete/new/show, history, undo), :mod:`geo.cli.diff` (diff),
:mod:`geo.cli.imports` (import) and :mod:`geo.cli.serve` (app); what they share is in
:mod:`geo.cli.common`.

Exit codes: 0 success, 1 bad data or a failed operation (one clear line per problem on
stderr or stdout), 2 usage errors (bad arguments). No traceback ever reaches the user:
:func:`main` turns unexpected errors into one line and exit 1.
"""

from __future__ import annotations

import typer

from geo.cli import data, diff, exchange, export, imports, report, serve, tracks
from geo.cli.common import err

app = typer.Typer(
    help="posturemap: map military asset positions from open sources.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(
    help="Export maps (HTML, PNG, PDF) and data (KML for Google Earth, GeoPackage for QGIS).",
    no_args_is_help=True,
)
tracks_app = typer.Typer(
    help="Build tracks from flight and ship tracker pings.", no_args_is_help=True
)
app.command()(data.validate)
app.command()(data.summary)
app.command()(data.analyze)
app.add_typer(export_app, name="export")
export_app.command("png")(export.export_png)
export_app.command("pdf")(export.export_pdf)
export_app.command("html")(export.export_html)
export_app.command("kml")(exchange.export_kml)
export_app.command("gpkg")(exchange.export_gpkg)
app.command("import")(imports.import_command)
app.add_typer(tracks_app, name="tracks")
tracks_app.command("import")(tracks.tracks_import)
app.command("app", context_settings=serve.PASS_THROUGH)(serve.app_command)
report_app = typer.Typer(
    help="Add and edit reports in a working data directory.", no_args_is_help=True
)
app.add_typer(report_app, name="report")
report_app.command("add")(report.report_add)
report_app.command("update")(report.report_update)
report_app.command("retire")(report.report_retire)
report_app.command("delete")(report.report_delete)
report_app.command("new")(report.report_new)
report_app.command("show")(report.report_show)
report_app.command("source")(report.report_source)
app.command("init")(report.init)
app.command("history")(report.history_command)
app.command("undo")(report.undo_command)
app.command("diff")(diff.diff_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code instead of raising.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).
    """
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
