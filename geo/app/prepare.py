"""The results shipped for the default data set's first page: ``python -m geo.app.prepare``.

A fresh install starts with an empty cache (:mod:`geo.data.cache`), and making the first
page's results (the big cities, the milsymbol symbols, the land of the map's extent, the
states near the data) took ~2 s of its first page. This runs the app's page once, with
Streamlit's test runner and an empty cache folder, in a process of its own (so nothing is
already made in memory), and keeps every result it made, gzipped, in
:func:`geo.data.cache.prepared_dir`, with a manifest of what each kind was made from.

Run it after changing the code of a cached function or the default data set;
``tests/test_prepared.py`` says when it is due.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from geo.app.launch import LAUNCHER, LAUNCHER_NAME
from geo.data.cache import prepared_dir

MANIFEST = "manifest.json"
_RUN_PAGE = """
import json, sys
from streamlit.testing.v1 import AppTest
from geo.data.cache import made_from_now
AppTest.from_file(sys.argv[1], default_timeout=600).run()
print(json.dumps(made_from_now()))
"""


def prepare(out: Path) -> list[str]:
    """Run the first page with an empty cache; write what it made into ``out``.

    Parameters
    ----------
    out : Path
        The folder to fill; its former ``*.json.gz`` files and manifest are replaced.

    Returns
    -------
    list of str
        The names of the files written, manifest last.
    """
    with tempfile.TemporaryDirectory(prefix="posturemap-prepare-") as work:
        cache, page = Path(work) / "cache", Path(work) / LAUNCHER_NAME
        page.write_text(LAUNCHER, encoding="utf-8")
        ran = subprocess.run(
            [sys.executable, "-c", _RUN_PAGE, str(page)],
            # Nothing read from the shipped results (their names could be current): all made.
            env={**os.environ, "POSTUREMAP_CACHE_DIR": str(cache), "POSTUREMAP_PREPARED_DIR": work},
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        made_from = json.loads(ran.stdout.strip().splitlines()[-1])
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.json.gz"):
            old.unlink()
        names = []
        for made in sorted(cache.glob("*.json")):
            # mtime=0: the same results make the same bytes, so a diff shows real changes.
            (out / f"{made.name}.gz").write_bytes(gzip.compress(made.read_bytes(), mtime=0))
            names.append(f"{made.name}.gz")
    kinds = sorted({name.rsplit("-", 1)[0] for name in names})
    manifest = {"made_from": {kind: made_from[kind] for kind in kinds}, "files": names}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return [*names, MANIFEST]


def shipped_manifest() -> dict[str, object]:
    """The manifest of the shipped results (empty when there are none)."""
    try:
        return json.loads((prepared_dir() / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


if __name__ == "__main__":
    written = prepare(prepared_dir())
    print(f"{len(written)} files in {prepared_dir()}")
