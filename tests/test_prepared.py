"""The results shipped for a fresh install's first page (geo.app.prepare) are current."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from geo.app import prepare
from geo.data.cache import prepared_dir


def _kind(name: str) -> str:
    return name.rsplit("-", 1)[0]


def test_the_shipped_first_page_results_are_what_the_page_makes_now(tmp_path: Path) -> None:
    """Fails when a cached function's code or the default data changed without
    ``python -m geo.app.prepare``. Kinds made from other package versions than this
    install's are not compared: they are not read here either (their names differ)."""
    shipped = prepare.shipped_manifest()
    prepare.prepare(tmp_path)
    fresh = json.loads((tmp_path / prepare.MANIFEST).read_text(encoding="utf-8"))
    other_versions = sorted(
        kind for kind, made in shipped["made_from"].items() if fresh["made_from"].get(kind) != made
    )
    compared = [name for name in fresh["files"] if _kind(name) not in other_versions]
    assert compared, "the first page made nothing to ship"
    assert [n for n in shipped["files"] if _kind(n) not in other_versions] == compared
    for name in compared:
        made_now = gzip.decompress((tmp_path / name).read_bytes())
        assert gzip.decompress((prepared_dir() / name).read_bytes()) == made_now, name
    if other_versions:
        pytest.skip(f"shipped results made from other versions: {', '.join(other_versions)}")
