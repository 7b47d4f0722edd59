"""What the Streamlit app shows of the data: what is in view, its key figures and table.

The page's content worked out from the data, without Streamlit (testable with
plain data frames): the selection a :class:`~geo.app.state.ViewState` makes (what
the map, the figures and the table show), the figures above the map and the rows
of the "features in view" table. One feature's details are in :mod:`geo.app.details`,
analysis, rings and zones in :mod:`geo.app.overlays`, uploads and downloads in
:mod:`geo.app.uploads`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.app.state import ViewState, window_start
from geo.data import figures as data_figures
from geo.data import reading, schema, selection
from geo.data.reading import Dataset

# --- what is in view -----------------------------------------------------------------


def effective_date(state: ViewState, dataset: Dataset) -> date | None:
    """The as-of date in force: the chosen one, else the latest date in the data."""
    return state.as_of if state.as_of is not None else selection.latest_date(dataset)


def filtered(dataset: Dataset, state: ViewState) -> Dataset:
    """Apply the layer, category, affiliation, confidence and group filters (not the date)."""
    out = selection.filter_layers(
        dataset,
        layers=state.layers,
        categories=state.categories,
        affiliations=state.affiliations,
        confidences=state.confidences,
    )
    if state.groups is None:
        return out
    assets = out["assets"]
    members = assets["group"].isin(state.groups) if "group" in assets else False
    return replace(out, layers={**out.layers, "assets": assets[members]})


def group_names(dataset: Dataset) -> list[str]:
    """The ``group``s of the data's assets (the group filter's options), sorted."""
    assets = dataset["assets"]
    if "group" not in assets:
        return []
    return sorted({str(g) for g in assets["group"].dropna() if str(g).strip()})


def in_view(dataset: Dataset, state: ViewState) -> Dataset:
    """What the map shows: the filters, then the as-of date and window."""
    day = effective_date(state, dataset)
    return selection.as_of(filtered(dataset, state), day, window_start(day, state.window))


def on_map(dataset: Dataset, state: ViewState, view: Dataset) -> Dataset:
    """What the map is given: ``view`` (:func:`in_view`), or with the timeline the filtered data.

    With ``state.timeline`` the page's time slider selects by date itself (the same rule as
    :func:`geo.data.selection.as_of`), so the map needs every report, not one date's; the
    figures, table and details still follow ``view``.
    """
    return filtered(dataset, state) if state.timeline else view


def all_features(dataset: Dataset) -> gpd.GeoDataFrame:
    """Every feature of every layer in one GeoDataFrame (EPSG:4326), ``layer`` column kept."""
    frames = [frame for frame in dataset.layers.values() if len(frame)]
    if not frames:
        return gpd.GeoDataFrame({"layer": [], "id": [], "name": []}, geometry=[], crs=reading.CRS)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=reading.CRS)


def follow_entity(
    selected: str | None, everything: gpd.GeoDataFrame, shown: gpd.GeoDataFrame
) -> str | None:
    """The selection at another date: the same asset's report shown there.

    A selection is one report; what the user follows is the asset (``entity``). When the
    selected report is not among ``shown`` (the features in view at the new date), the
    asset's latest report that is, if any, is selected instead; otherwise the selection
    stays as it was (its details then say it is not in view).

    Parameters
    ----------
    selected : str or None
        The selected feature id.
    everything : GeoDataFrame
        Every feature (:func:`all_features` of the whole data set).
    shown : GeoDataFrame
        The features in view (:func:`all_features` of :func:`in_view`).
    """
    if not selected or "entity" not in everything or "entity" not in shown:
        return selected
    if (shown["id"] == selected).any():
        return selected
    entity = everything.loc[everything["id"] == selected, "entity"]
    if entity.empty or pd.isna(entity.iloc[0]):
        return selected
    same = shown[shown["entity"] == entity.iloc[0]]
    if same.empty:
        return selected
    return str(same.sort_values("observed")["id"].iloc[-1]) if "observed" in same else selected


def replace_date(state: ViewState, day: date | None) -> ViewState:
    """``state`` at another as-of date (for the change since the previous data date)."""
    return replace(state, as_of=day)


def previous_date(days: Sequence[date], day: date | None) -> date | None:
    """The data date before ``day`` (what the figures' changes compare with), or None."""
    earlier = [d for d in days if day is not None and d < day]
    return earlier[-1] if earlier else None


# --- figures -------------------------------------------------------------------------------


FIGURE_LABELS = {
    "ships": "Ships",
    "aircraft": "Aircraft",
    "personnel": "Personnel",
    "strikes": "Strikes",
    "killed": "Killed",
}
"""The key figures above the map, in order, with their labels."""


def figures(dataset: Dataset) -> dict[str, Any]:
    """The key figures shown above the map, from an as-of selection.

    Returns
    -------
    dict
        ``ships`` (with submarines), ``aircraft``, ``personnel``, ``strikes``, ``killed``
        and ``killed_unknown`` (strikes whose toll is not known), as numbers; ``texts``, the
        same as firm as their sources (``≥ 18``, ``~10,000``: :mod:`geo.data.figures`);
        ``reporting`` ("2 of 17 assets report personnel") and ``not_counted`` (assets en
        route or departed, by name).
    """
    numbers = selection.summary(dataset)
    qualifiers = numbers["qualifiers"]
    ships = numbers["ships"] + numbers["submarines"]
    texts = {key: numbers["texts"][key] for key in ("aircraft", "personnel", "strikes", "killed")}
    texts["ships"] = data_figures.qualified(
        ships, data_figures.combine([qualifiers["ships"], qualifiers["submarines"]])
    )
    return {
        "ships": ships,
        "aircraft": numbers["aircraft"],
        "personnel": numbers["personnel"],
        "strikes": numbers["strikes"],
        "killed": numbers["killed"],
        "killed_unknown": numbers["strikes_killed_unknown"],
        "texts": texts,
        "reporting": (
            f"{numbers['personnel_reporting']:,} of {numbers['assets_counted']:,} assets "
            "report personnel"
        ),
        "not_counted": [
            f"{asset['name']} ({status.replace('_', ' ')})"
            for status in ("en_route", "departed")
            for asset in numbers[status]
        ],
        "by_actor": "; ".join(
            f"{actor}: {n['strikes']:,} ({n['killed_text']} killed)"
            for actor, n in numbers["strikes_by_actor"].items()
        ),
    }


def figures_line(dataset: Dataset) -> str:
    """The key figures of an as-of selection on one line, as the page's figures show them.

    Examples: ``Ships 9 · Aircraft ≥ 18 · Personnel ~10,000 · Strikes 7 · Killed 32``; shown
    by the map's time slider as it plays (:func:`geo.web.maps.build_map`'s
    ``timeline_figures``).
    """
    texts = figures(dataset)["texts"]
    return " · ".join(f"{label} {texts[name]}" for name, label in FIGURE_LABELS.items())


def figure_help(name: str, numbers: Mapping[str, Any], previous: date | None) -> str:
    """The tooltip of a key figure: what it counts, and what the change compares with."""
    what = {
        "ships": "Ships and submarines (sum of `count`) in view at the date.",
        "aircraft": "Aircraft, helicopters and drones (sum of `count`) in view at the date.",
        "personnel": "Sum of the `personnel` reported for the assets in view.",
        "strikes": "Strikes in view: up to the date, within the chosen window.",
        "killed": "Deaths reported for the strikes in view.",
    }[name]
    if name == "killed" and numbers.get("killed_unknown"):
        what += f" {numbers['killed_unknown']} strike(s) with an unknown toll are not counted."
    if name in ("strikes", "killed") and numbers.get("by_actor"):
        what += f" By actor: {numbers['by_actor']}."
    if name == "personnel" and numbers.get("reporting"):
        what += f" {numbers['reporting']}."
    if name in ("ships", "aircraft") and numbers.get("not_counted"):
        what += " Not counted, not in the theatre: " + ", ".join(numbers["not_counted"]) + "."
    if name != "strikes":
        what += ' ≥ marks a lower bound (a source said "at least" or used a plural), ~ an estimate.'
    if previous is not None:
        what += f" Change since the previous data date, {previous.isoformat()}."
    return what


# --- the table of features in view ---------------------------------------------------------


# Columns of the "features in view" table, in order; analysis columns follow when present.
TABLE_COLUMNS = (
    "layer",
    "id",
    "name",
    "category",
    "type",
    "count",
    "affiliation",
    "confidence",
    "observed",
    "until",
    "uncertainty_km",
    "lat",
    "lon",
)

_FIELDS = frozenset(name for layer in schema.LAYERS for name in schema.known_fields(layer))

ANALYSIS_COLUMNS = (
    "to_nm",
    "nearest_base",
    "nearest_base_nm",
    "home_base",
    "home_base_nm",
    "nearest_asset",
    "nearest_asset_nm",
    "zone",
    "coastal_state",
    "coast_nm",
    "country",
)


def features_table(dataset: Dataset, analysis: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rows of the "features in view" table: one per feature, plain values, sortable.

    Parameters
    ----------
    dataset : Dataset
        Usually :func:`in_view`'s result.
    analysis : DataFrame, optional
        ``geo.analysis.joins.analyze`` output (``id`` plus analysis columns) to join by id.

    Returns
    -------
    DataFrame
        :data:`TABLE_COLUMNS` (those present) then the analysis columns; ``lat``/``lon``
        of a point, or of a representative point of a line or area.
    """
    features = all_features(dataset)
    table = pd.DataFrame(index=features.index)
    points = features.geometry.representative_point() if len(features) else features.geometry
    for column in TABLE_COLUMNS:
        if column == "lat":
            table[column] = points.y.round(4) if len(features) else []
        elif column == "lon":
            table[column] = points.x.round(4) if len(features) else []
        elif column in features:
            # A field's column only where the feature's layer defines it: an extra property
            # of that name on another layer is any JSON value (it stays in the details).
            own = [column in schema.known_fields(layer) for layer in features["layer"]]
            typed = column in _FIELDS
            # Typed again once the extras are out (a number column, not objects).
            mine = features[column].where(own, None).infer_objects()
            table[column] = mine if typed else features[column]
    for column in ("observed", "until"):
        if column in table:
            table[column] = pd.to_datetime(table[column], utc=True).dt.tz_localize(None)
    if analysis is not None and len(analysis) and "id" in analysis:
        extra = [c for c in ANALYSIS_COLUMNS if c in analysis and c not in table]
        joined = analysis.drop_duplicates("id").set_index("id")[extra]
        table = table.join(joined, on="id")
    for column in table.columns:
        if column.endswith("_nm"):
            table[column] = pd.to_numeric(table[column], errors="coerce").round(1)
        elif pd.api.types.is_string_dtype(table[column]) or table[column].dtype == object:
            # Text columns: an empty cell, not "None", where a layer has no such field.
            table[column] = table[column].where(table[column].notna(), "")
    return table.reset_index(drop=True)
