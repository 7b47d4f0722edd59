"""The files the app serves itself: the map page's scripts and styles, and the offline land.

Streamlit serves the ``static/`` folder beside ``app.py`` at ``/app/static/``
(``server.enableStaticServing``). :func:`publish_assets` copies the map page's files there
once per process (:func:`geo.web.assets.vendor_files`), and :func:`land_publisher` writes
the offline land of a map there (~1 MB that each map would otherwise carry, sent again at
every rerun). Streamlit sends these files with no ``Cache-Control``; the browser then keeps a
file for a tenth of its age, so each file is dated long ago, and its URL changes with its
content (a version or a digest): the map component, rebuilt for every new map, finds them in
the browser's cache. No Streamlit here.
"""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.data.writing import atomic_write_text
from geo.web import assets

VENDOR = "vendor"
LAND_FILES_KEPT = 64
"""How many offline land files the app keeps served, the most recently written (well above
the maps kept, :data:`geo.app.mapcache.KEEP`, which link to theirs)."""
_LONG_AGO = 946_684_800  # 2000-01-01: see the module's docstring


def publish_assets(static_dir: Path, base_url_path: str = "") -> str:
    """Copy the map's JavaScript and CSS files into ``static_dir/vendor`` (idempotent).

    Also the page's scripts as one file (:data:`geo.web.assets.BUNDLE`), which the app's
    maps link to: the first map loads one script instead of eleven, one after the other.

    Files that are already there and identical are left alone, so this is cheap
    on every start-up. ``static/vendor/`` is generated (and git-ignored).

    Streamlit serves these files with no ``Cache-Control``; the browser then keeps a file
    for a tenth of its age, so each file is dated long ago: the map component, rebuilt at
    every new map, finds them in the browser's cache instead of asking for each in turn.
    The links carry the file's version (:func:`geo.web.assets.use_local_assets`), so a
    changed file is a new URL.

    Parameters
    ----------
    static_dir : Path
        The ``static/`` folder beside ``app.py``.
    base_url_path : str
        Streamlit's ``server.baseUrlPath`` (empty when the app is served at ``/``).

    Returns
    -------
    str
        The URL under which the files are served, e.g. ``/app/static/vendor``.
    """
    target = static_dir / VENDOR
    for relative, source in assets.vendor_files().items():
        destination = target / relative
        if destination.exists() and filecmp.cmp(source, destination, shallow=False):
            if destination.stat().st_mtime != _LONG_AGO:  # copied by an earlier version
                os.utime(destination, (_LONG_AGO, _LONG_AGO))
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
        os.utime(destination, (_LONG_AGO, _LONG_AGO))
    bundle = target / assets.BUNDLE
    text = assets.bundle_text()
    if not bundle.exists() or bundle.read_text(encoding="utf-8") != text:
        write_static(bundle, text)
    prefix = "/" + base_url_path.strip("/") if base_url_path.strip("/") else ""
    return f"{prefix}/app/static/{VENDOR}"


def land_publisher(static_dir: Path) -> Callable[[dict[str, Any]], tuple[str, str]]:
    """A ``land_link`` for :func:`geo.web.maps.build_map` that serves the land from ``static_dir``.

    The offline land (~1 MB of GeoJSON) is written once per distinct land, as
    ``vendor/land-KEY.js`` (``KEY`` a digest of its content), and the map links to it
    instead of carrying it: every rerun of the app would send it again otherwise.
    """
    keys: dict[int, tuple[dict[str, Any], str]] = {}  # the land dicts are cached, hence id()

    def link(land: dict[str, Any]) -> tuple[str, str]:
        known = keys.get(id(land))
        if known is None or known[0] is not land:
            text = json.dumps(land, separators=(",", ":"))
            key = hashlib.sha256(text.encode()).hexdigest()[:16]
            path = static_dir / VENDOR / f"land-{key}.js"
            if not path.exists():
                lands = "(window.posturemap = window.posturemap || {}).lands"
                entry = f"{{{json.dumps(key)}: {text}}}"
                write_static(path, f"{lands} = Object.assign({lands} || {{}}, {entry});\n")
            if len(keys) > 8:  # a long session of uploads: forget, do not grow
                keys.clear()
            known = keys[id(land)] = (land, key)
        return known[1], f"land-{known[1]}.js"

    return link


def write_static(path: Path, text: str) -> None:
    """Write a file served by the app: whole or not at all, dated long ago (see the module).

    Land files beyond the newest :data:`LAND_FILES_KEPT` are removed (each upload with
    another extent has its own land), so the folder does not grow without end.
    """
    atomic_write_text(path, text)
    os.utime(path, (_LONG_AGO, _LONG_AGO))
    lands = sorted(path.parent.glob("land-*.js"), key=lambda p: p.stat().st_ctime, reverse=True)
    for old in lands[LAND_FILES_KEPT:]:
        old.unlink(missing_ok=True)
