"""Where things are on disk: the default data set and the installed front-end files."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_data_dir() -> Path:
    """Return ``data/`` in the working directory if there is one, else the bundled data set."""
    local = Path("data")
    if (local / "sources.json").exists():
        return local
    return REPO_ROOT / "data"
