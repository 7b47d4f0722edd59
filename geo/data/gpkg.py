"""A data set for QGIS: one GeoPackage, one table per layer, and binary files written whole.

:func:`write_gpkg` writes each non-empty layer as a table of the same name (pyogrio), the
format's fields as columns (lists such as ``sources`` and ``times`` as JSON text, dates as
ISO 8601 text, as in the layer files), plus a ``sources`` table without geometry.
:func:`publish_file` is how it, and the KMZ writer, put a file in place: written under a
temporary name in the target's folder, then linked in, so a reader never sees half a file
and an existing file is never replaced unless asked.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.data.reading import CRS, Dataset
from geo.data.schema import LAYERS, fields
from geo.data.writing import to_feature_collection


def publish_file(
    write: Callable[[Path], None], target: str | os.PathLike[str], overwrite: bool
) -> Path:
    """Write a file through ``write(temporary_path)``, then give it its name in one step.

    Parameters
    ----------
    write : callable
        Writes the whole file at the path it is given (in the target's folder).
    target : path
        The file's name.
    overwrite : bool
        Replace an existing ``target``; without it an existing file is never touched.

    Returns
    -------
    Path

    Raises
    ------
    FileExistsError
        When ``target`` exists and ``overwrite`` is False (also when it appeared meanwhile).
    """
    target = Path(target)
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = target.with_name(
        f".{target.stem}.{os.getpid()}.{uuid.uuid4().hex[:8]}{target.suffix}"
    )
    try:
        write(scratch)
        with open(scratch, "rb") as handle:
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(scratch, target)
        else:
            os.link(scratch, target)  # fails when target exists: nothing is replaced
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(scratch)
    return target


def write_gpkg(dataset: Dataset, out: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Write every non-empty layer and the sources to one GeoPackage, atomically.

    Parameters
    ----------
    dataset : Dataset
        The loaded data (any selection of it).
    out : path
        The ``.gpkg`` file.
    overwrite : bool
        Replace an existing file.

    Returns
    -------
    Path

    Raises
    ------
    FileExistsError
        When ``out`` exists and ``overwrite`` is False.
    """
    import pyogrio

    tables = {layer: _table(layer, dataset[layer]) for layer in LAYERS if len(dataset[layer])}
    sources = dataset.sources.reset_index()

    def write(path: Path) -> None:
        for layer, table in tables.items():
            # One geometry type per table where the layer has one: QGIS styles them simply.
            kinds = set(table.geom_type)
            geometry_type = kinds.pop() if len(kinds) == 1 else "Unknown"
            pyogrio.write_dataframe(
                table, path, layer=layer, driver="GPKG", geometry_type=geometry_type, append=False
            )
        if len(sources):
            frame = sources.map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else v)
            pyogrio.write_dataframe(frame, path, layer="sources", driver="GPKG")

    return publish_file(write, out, overwrite)


def _table(layer: str, frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A layer as the layer file has it: same properties, lists as JSON text, dates as text."""
    features = to_feature_collection(frame)["features"]
    rows = [
        {k: json.dumps(v) if isinstance(v, (list, dict)) else v for k, v in f["properties"].items()}
        for f in features
    ]
    table = pd.DataFrame(rows)
    for spec in fields(layer):  # whole numbers stay whole where some are missing
        if spec.is_integer and spec.name in table:
            table[spec.name] = table[spec.name].astype("Int64")
    return gpd.GeoDataFrame(table, geometry=list(frame.geometry), crs=frame.crs or CRS)
