"""Where the bundled default data set is: package data, found the same way installed or not."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from geo.data.schema import SOURCES_FILE

DEFAULT_DATA_PACKAGE = "geo.default_data"
"""The top-level ``data/`` folder, installed under this name (see ``pyproject.toml``)."""


def default_data_dir() -> Path:
    """Return the directory of the bundled default data set (the Caribbean, October 2025).

    Read through :mod:`importlib.resources`, so it is found from any working directory,
    from a source checkout, an editable install or a wheel.
    """
    # A namespace package: files() is a multiplexed path, whose files are real paths.
    sources = resources.files(DEFAULT_DATA_PACKAGE).joinpath(SOURCES_FILE)
    return Path(str(sources)).parent
