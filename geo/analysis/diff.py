"""What moved between two dates: per asset (entity), arrived, departed, moved or stayed.

The state at each date is :func:`geo.data.selection.as_of`'s (the latest report of each
entity up to the end of that day, unless retired), so the comparison follows the asset, not
one report. A report whose ``status`` is ``departed`` counts as the asset gone; ``en route``
is on the map, so present (the status of each side is in the result). A move is the
geodesic between the two reports' positions (:data:`GEOD`, WGS 84), with its forward
azimuth as the bearing.

Positions are uncertain, so a move is honest about it: the true distance lies between
``moved_nm_min`` (the centre distance less both uncertainty radii, at least 0) and
``moved_nm_max`` (plus both radii). Only when even the least distance is above zero is the
asset said to have ``moved``; a shift smaller than the two radii together is ``stayed``
with ``within_uncertainty`` true.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.analysis.geodesy import GEOD, KM_PER_NM
from geo.data.figures import DEPLOYED
from geo.data.reading import Dataset
from geo.data.selection import as_of, to_day

CHANGES = ("arrived", "departed", "moved", "stayed")
"""What can happen to an entity between two dates."""

_SIDE_FIELDS = ("id", "observed", "status", "lat", "lon", "uncertainty_km")
_GONE = "departed"  # the assets status (schema.json) of a report that the asset has left


@dataclass
class Diff:
    """The changes between two dates.

    Attributes
    ----------
    start, end : date
        The two as-of dates (end of day UTC).
    entities : DataFrame
        One row per entity shown at either date: ``entity``, ``name``, ``category``,
        ``change`` (:data:`CHANGES`), ``within_uncertainty``, ``moved_nm``,
        ``moved_nm_min``, ``moved_nm_max``, ``bearing_deg`` (0-360, clockwise from north;
        NaN without a move), and for each side (``from_``, ``to_``) the report's ``id``,
        ``observed``, ``status``, ``lat``, ``lon`` and ``uncertainty_km`` (None/NaN where
        absent). Entities departed at both dates are left out.
    strikes : GeoDataFrame
        The strikes observed after ``start`` and up to ``end``.
    """

    start: date
    end: date
    entities: pd.DataFrame
    strikes: gpd.GeoDataFrame

    def counts(self) -> dict[str, int]:
        """How many entities arrived, departed, moved and stayed."""
        found = self.entities["change"].value_counts() if len(self.entities) else {}
        return {change: int(found.get(change, 0)) for change in CHANGES}

    def to_json(self) -> dict[str, Any]:
        """The diff as plain JSON values (NaN as null, dates as ISO strings)."""
        entities = [
            {key: _plain(value) for key, value in row.items()}
            for row in self.entities.to_dict("records")
        ]
        strikes = [
            {
                "id": row["id"],
                "name": row["name"],
                "observed": _plain(row["observed"]),
                "killed": _plain(row["killed"]),
                "lat": _plain(row["geometry"].y),
                "lon": _plain(row["geometry"].x),
            }
            for row in self.strikes.to_dict("records")
        ]
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "counts": self.counts(),
            "entities": entities,
            "strikes": strikes,
        }


def diff(dataset: Dataset, start: date | str, end: date | str) -> Diff:
    """Compare the assets shown at ``start`` with those shown at ``end``, per entity.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    start, end : date or str
        The two as-of dates; ``start`` must not be after ``end``.

    Returns
    -------
    Diff

    Raises
    ------
    ValueError
        When ``start`` is after ``end``.
    """
    first, last = to_day(start), to_day(end)
    if first > last:
        raise ValueError(f"the start date {first} is after the end date {last}")
    before = _sides(as_of(dataset, first)["assets"])
    after = _sides(as_of(dataset, last)["assets"])
    frame = before.add_suffix("_from").join(after.add_suffix("_to"), how="outer")
    order = list(after.index) + [key for key in before.index if key not in after.index]
    frame = frame.loc[order]
    rows = pd.DataFrame(
        {
            "entity": frame.index,
            "name": frame["name_to"].fillna(frame["name_from"]).to_numpy(),
            "category": frame["category_to"].fillna(frame["category_from"]).to_numpy(),
        }
    )
    for side, suffix in (("from", "_from"), ("to", "_to")):
        for field in _SIDE_FIELDS:
            rows[f"{side}_{field}"] = frame[field + suffix].to_numpy()
    rows = _measure(rows)
    strikes = as_of(dataset, last, since=first + timedelta(days=1))["strikes"]
    return Diff(first, last, rows, strikes)


def _sides(assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per entity: the report shown, with its position (indexed by entity)."""
    if assets.empty:
        columns = ["name", "category", *_SIDE_FIELDS]
        return pd.DataFrame(columns=columns, index=pd.Index([], name="entity"))
    entity = assets["entity"].where(assets["entity"].notna(), assets["id"])
    points = assets.geometry.representative_point()
    observed = assets["observed"].map(lambda ts: ts.date().isoformat() if pd.notna(ts) else None)
    status = assets["status"] if "status" in assets else pd.Series(None, index=assets.index)
    return pd.DataFrame(
        {
            "name": assets["name"].to_numpy(),
            "category": assets["category"].to_numpy(),
            "id": assets["id"].to_numpy(),
            "observed": observed.to_numpy(),
            "status": status.where(status.notna(), DEPLOYED).to_numpy(),
            "lat": points.y.to_numpy(),
            "lon": points.x.to_numpy(),
            "uncertainty_km": pd.to_numeric(assets["uncertainty_km"]).to_numpy(dtype=float),
        },
        index=pd.Index(entity.to_numpy(), name="entity"),
    )


def _measure(rows: pd.DataFrame) -> pd.DataFrame:
    """Distance, bearing, the bounds the uncertainties allow, and the word for the change."""

    def present(side: str) -> pd.Series:
        return rows[f"{side}_id"].notna() & (rows[f"{side}_status"] != _GONE)

    rows = rows[present("from") | present("to")].reset_index(drop=True)
    present_from, present_to = present("from"), present("to")
    both = present_from & present_to
    lon1, lat1, lon2, lat2 = (
        rows[name].where(both, 0.0).to_numpy(dtype=float)
        for name in ("from_lon", "from_lat", "to_lon", "to_lat")
    )
    azimuth, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    moved = np.where(both, np.asarray(metres) / (KM_PER_NM * 1000.0), np.nan)
    slack = (
        rows["from_uncertainty_km"].to_numpy(float) + rows["to_uncertainty_km"].to_numpy(float)
    ) / KM_PER_NM
    rows["moved_nm"] = moved
    rows["moved_nm_min"] = np.where(both, np.maximum(moved - slack, 0.0), np.nan)
    rows["moved_nm_max"] = moved + slack
    rows["bearing_deg"] = np.where(both & (moved > 0), np.mod(azimuth, 360.0), np.nan)
    change = np.select(
        [~present_from, ~present_to, rows["moved_nm_min"].to_numpy() > 0],
        ["arrived", "departed", "moved"],
        "stayed",
    )
    rows["change"] = change
    rows["within_uncertainty"] = (change == "stayed") & (moved > 0)
    ordered = ["entity", "name", "category", "change", "within_uncertainty"]
    ordered += ["moved_nm", "moved_nm_min", "moved_nm_max", "bearing_deg"]
    return rows[ordered + [c for c in rows.columns if c not in ordered]]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else round(float(value), 3)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if value is pd.NA:
        return None
    return value
