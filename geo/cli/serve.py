"""``app``: the Streamlit app, from any folder, for an installed package too."""

from __future__ import annotations

import subprocess

import typer

from geo.cli.common import fail

PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}
"""Click settings for :func:`app_command`: every argument it does not know goes to Streamlit."""


def app_command(ctx: typer.Context) -> None:
    """Open the app in the browser (Streamlit).

    Arguments after -- go to `streamlit run`, e.g. posturemap app -- --server.port 8600.
    """
    from geo.app import launch

    try:
        script = launch.prepare(launch.app_dir())
    except OSError as error:
        raise fail(f"cannot prepare the app in {launch.app_dir()}: {error}") from None
    code = subprocess.call(launch.streamlit_command(script, ctx.args))
    raise typer.Exit(code)
