"""What is shown at a date: as-of selection, date windows, filters and summary figures.

An as-of date D means the state at the end of day D (UTC): for each asset the
latest report observed on or before D, unless its ``until`` is before D; strikes
and tracks observed on or before D and, with a window, on or after its start.
Bases and places are static and always kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pandas as pd

from geo.data import figures
from geo.data.reading import Dataset


def to_day(value: str | date | datetime | pd.Timestamp) -> date:
    """Turn an ISO string, date, datetime or Timestamp into a calendar date (UTC).

    Raises
    ------
    ValueError
        When a string is not an ISO 8601 date.
    """
    if isinstance(value, str):
        from geo.data.schema import parse_time

        return parse_time(value).date()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return (value.astimezone(timezone.utc) if value.tzinfo else value).date()
    return value


def _start(day: date) -> pd.Timestamp:
    return pd.Timestamp(datetime.combine(day, time.min, tzinfo=timezone.utc))


def dates_in(dataset: Dataset) -> list[date]:
    """Return the sorted distinct dates of every ``observed`` and ``until`` in the data."""
    days: set[date] = set()
    for layer in ("assets", "tracks", "strikes"):
        frame = dataset[layer]
        for column in ("observed", "until"):
            if column in frame and len(frame):
                days.update(ts.date() for ts in frame[column].dropna())
    return sorted(days)


def latest_date(dataset: Dataset) -> date | None:
    """Return the latest ``observed`` date in the data (the default as-of date), or None."""
    observed = [
        dataset[layer]["observed"].max()
        for layer in ("assets", "tracks", "strikes")
        if len(dataset[layer])
    ]
    observed = [ts for ts in observed if pd.notna(ts)]
    return max(observed).date() if observed else None


def as_of(
    dataset: Dataset, when: date | str | None = None, since: date | str | None = None
) -> Dataset:
    """Select the state of the data at the end of day ``when``.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    when : date or str, optional
        The as-of date; default the latest ``observed`` date in the data.
    since : date or str, optional
        Start of the window for strikes and tracks (inclusive); default no start.

    Returns
    -------
    Dataset
        A new Dataset; the input is not changed.
    """
    day = to_day(when) if when is not None else latest_date(dataset)
    if day is None:
        return dataset
    end = _start(day + timedelta(days=1))
    start = _start(to_day(since)) if since is not None else None
    layers = dict(dataset.layers)

    assets = dataset["assets"]
    if len(assets):
        current = assets[(assets["observed"] < end) & ~(assets["until"] < _start(day))]
        entity = current["entity"].where(current["entity"].notna(), current["id"])
        latest = current.assign(_entity=entity).sort_values("observed")
        latest = latest.drop_duplicates("_entity", keep="last").drop(columns="_entity")
        layers["assets"] = latest.sort_index()
    for layer in ("strikes", "tracks"):
        frame = dataset[layer]
        if len(frame):
            keep = frame["observed"] < end
            if start is not None:
                keep &= ~(frame["until"].fillna(frame["observed"]) < start)
            layers[layer] = frame[keep]
    return replace(dataset, layers=layers)


def history(dataset: Dataset, asset_id: str) -> pd.DataFrame:
    """Return every report of the asset ``asset_id`` (same ``entity``), oldest first."""
    assets = dataset["assets"]
    row = assets[assets["id"] == asset_id]
    if row.empty:
        return assets.iloc[0:0]
    entity = row["entity"].iloc[0] if pd.notna(row["entity"].iloc[0]) else asset_id
    same = (assets["entity"] == entity) | (assets["id"] == entity) | (assets["id"] == asset_id)
    return assets[same].sort_values("observed")


def filter_layers(
    dataset: Dataset,
    layers: Iterable[str] | None = None,
    categories: Iterable[str] | None = None,
    affiliations: Iterable[str] | None = None,
    confidences: Iterable[str] | None = None,
) -> Dataset:
    """Keep only the chosen layers, asset categories, affiliations and confidence levels.

    ``None`` for any argument keeps everything for that criterion; layers not
    chosen become empty.
    """
    chosen = set(layers) if layers is not None else None
    out = {}
    for name, frame in dataset.layers.items():
        if chosen is not None and name not in chosen:
            frame = frame.iloc[0:0]
        if confidences is not None:
            frame = frame[frame["confidence"].isin(list(confidences))]
        if name == "assets":
            if categories is not None:
                frame = frame[frame["category"].isin(list(categories))]
            if affiliations is not None:
                frame = frame[frame["affiliation"].isin(list(affiliations))]
        out[name] = frame
    return replace(dataset, layers=out)


def summary(dataset: Dataset) -> dict[str, Any]:
    """Key figures of a (usually as-of selected) data set: :func:`geo.data.figures.summary`."""
    return figures.summary(dataset)
