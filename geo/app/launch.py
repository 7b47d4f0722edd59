"""Starting the app from an installed package: ``posturemap app``.

Streamlit runs a script and serves the ``static/`` folder beside it, where the map's Leaflet
files must be (:func:`geo.app.served.publish_assets`). An installed package may not be
writable, so ``posturemap app`` writes a two-line script (:data:`LAUNCHER`) and that folder
into a folder of its own in the user's cache (:func:`app_dir`), and runs Streamlit on it with
the settings of the repository's ``.streamlit/config.toml`` (:data:`STREAMLIT_OPTIONS`),
which only ``streamlit run app.py`` in the repository would read. No Streamlit here.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

LAUNCHER_NAME = "posturemap_app.py"
LAUNCHER = '''"""posturemap's Streamlit page, started by `posturemap app` (which rewrites it)."""

from pathlib import Path

from geo.app.page import main

main(Path(__file__).resolve().parent / "static")
'''
STREAMLIT_OPTIONS = {
    # The same settings as .streamlit/config.toml (tests/test_cli_app.py checks they agree).
    "server.enableStaticServing": "true",
    "server.maxUploadSize": "200",
    "browser.gatherUsageStats": "false",
    "client.toolbarMode": "minimal",
    "client.showErrorDetails": "type",
    "theme.base": "light",
    "theme.primaryColor": "#1f4e79",
}


def app_dir() -> Path:
    """The folder ``posturemap app`` runs from: ``app/`` in the cache folder.

    The same cache folder as the coast index (:func:`geo.data.cache.cache_dir`):
    ``$POSTUREMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/posturemap`` or ``~/.cache/posturemap``.
    Everything in it is written again when missing.
    """
    from geo.data.cache import cache_dir

    return cache_dir() / "app"


def prepare(directory: Path) -> Path:
    """Write the launcher script and publish the map's files beside it; return the script.

    Parameters
    ----------
    directory : Path
        Where to put ``posturemap_app.py`` and ``static/`` (created if missing).

    Returns
    -------
    Path
        The script to give ``streamlit run``.
    """
    from geo.app.served import publish_assets

    directory.mkdir(parents=True, exist_ok=True)
    script = directory / LAUNCHER_NAME
    if not script.is_file() or script.read_text(encoding="utf-8") != LAUNCHER:
        # Written aside and renamed: two starts at once never run half a script.
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".launcher-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(LAUNCHER)
        os.replace(temporary, script)
    publish_assets(directory / "static")  # before the server starts: its first page is ready
    return script


def streamlit_command(script: Path, extra: Sequence[str] = ()) -> list[str]:
    """The ``streamlit run`` command line: our settings, then ``extra`` (which win).

    Parameters
    ----------
    script : Path
        The launcher (:func:`prepare`).
    extra : sequence of str
        Further ``streamlit run`` arguments, e.g. ``["--server.port", "8600"]``; the page's
        own ``--data DIR`` (the working directory to open) goes to the page.
    """
    settings = [f"--{name}={value}" for name, value in STREAMLIT_OPTIONS.items()]
    own, theirs = _page_arguments(extra)
    command = [sys.executable, "-m", "streamlit", "run", str(script), *settings, *theirs]
    return [*command, "--", *own] if own else command


def _page_arguments(extra: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split the page's own ``--data DIR`` (after ``--`` for Streamlit) from Streamlit's."""
    own: list[str] = []
    theirs: list[str] = []
    items = iter(extra)
    for item in items:
        if item == "--data":
            own += [item, os.path.abspath(next(items, ""))]
        elif item.startswith("--data="):
            own += ["--data", os.path.abspath(item.removeprefix("--data="))]
        else:
            theirs.append(item)
    return own, theirs
