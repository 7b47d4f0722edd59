"""The architecture holds: each stage of geo imports only the stages before it.

data -> analysis, tracks -> web -> slides -> app, cli. Checked on the source (every import
statement, including those inside functions), so a shortcut can't sneak in lazily.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parent.parent / "geo"
ALLOWED = {
    "data": {"data"},
    "analysis": {"data", "analysis"},
    "tracks": {"data", "analysis", "tracks"},
    "web": {"data", "analysis", "web"},
    "slides": {"data", "analysis", "web", "slides"},
    "app": {"data", "analysis", "tracks", "web", "slides", "app"},
}
NO_PAGE_LIBRARIES = ("data", "analysis", "tracks")
PAGE_LIBRARIES = {"folium", "branca", "streamlit", "streamlit_folium", "playwright"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "geo":
                names.update(f"geo.{alias.name}" for alias in node.names)
    return names


def _modules(stage: str) -> list[Path]:
    return sorted((GEO / stage).rglob("*.py"))


@pytest.mark.parametrize("stage", sorted(ALLOWED))
def test_stage_imports_only_earlier_stages(stage: str) -> None:
    for path in _modules(stage):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] == "geo" and len(parts) > 1 and parts[1] in ALLOWED | {"cli": None}:
                assert parts[1] in ALLOWED[stage], f"{path.relative_to(GEO)} imports {name}"


@pytest.mark.parametrize("stage", NO_PAGE_LIBRARIES)
def test_data_code_never_imports_page_libraries(stage: str) -> None:
    for path in _modules(stage):
        found = {n.split(".")[0] for n in _imports(path)} & PAGE_LIBRARIES
        assert not found, f"{path.relative_to(GEO)} imports {sorted(found)}"


def test_import_geo_is_light() -> None:
    code = (
        "import sys, geo; print(sorted({m.split('.')[0] for m in sys.modules} & "
        f"set({sorted(PAGE_LIBRARIES)!r})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_public_name_resolves() -> None:
    import geo

    for name in geo.__all__:
        assert getattr(geo, name) is not None, name


def test_every_package_is_installed() -> None:
    """A subpackage missing from pyproject.toml would be missing from the wheel."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    config = tomllib.loads((GEO.parent / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(GEO.parent).parts) for p in GEO.rglob("__init__.py")}
    assert found | {"geo.default_data"} == listed
    assert (GEO / "default_data" / "sources.json").is_file()
