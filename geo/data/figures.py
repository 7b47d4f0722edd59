"""Key figures of a data set, as honest as their sources: qualifiers, status and actors.

A figure is a sum of reported numbers (``count``, ``personnel``, ``killed``), each with a
qualifier (``exact``, ``about``, ``at least``, ``estimated``: ``$defs/qualifier`` in
``schema.json``). A sum is as firm as its weakest term:

* any ``at least`` term makes the sum a lower bound: ``≥ 20 aircraft``;
* otherwise any ``about`` or ``estimated`` term makes it approximate: ``~10,000 personnel``;
* otherwise it is exact.

Only assets whose ``status`` is ``deployed`` (the default) are counted; those ``en route``
and ``departed`` are listed beside the figures. Strikes are split by ``actor``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from geo.data.reading import Dataset

AIR_CATEGORIES = ("aircraft", "helicopter", "drone")
EXACT, ABOUT, AT_LEAST, ESTIMATED = "exact", "about", "at least", "estimated"
DEPLOYED = "deployed"
UNATTRIBUTED = "unattributed"
"""The actor of a strike whose ``actor`` is not given."""


def combine(qualifiers: Any) -> str:
    """The qualifier of a sum of terms with these qualifiers (null terms are exact)."""
    seen = {str(q) for q in qualifiers if q is not None and not pd.isna(q)}
    if AT_LEAST in seen:
        return AT_LEAST
    if seen & {ABOUT, ESTIMATED}:
        return ABOUT
    return EXACT


def qualified(value: int, qualifier: str | None = EXACT) -> str:
    """A number as a reader should see it: ``20``, ``~10``, ``≥ 2``, ``~7,800 (est.)``.

    Parameters
    ----------
    value : int
        The number (a sum, or one reported figure).
    qualifier : str, optional
        One of ``exact`` (or None), ``about``, ``at least``, ``estimated``.
    """
    text = f"{value:,}"
    if qualifier == AT_LEAST:
        return f"≥ {text}"
    if qualifier == ABOUT:
        return f"~{text}"
    if qualifier == ESTIMATED:
        return f"~{text} (est.)"
    return text


def _sum(frame: pd.DataFrame, column: str, qualifier_column: str) -> tuple[int, str, int]:
    """Exact integer sum of ``column``, its qualifier and how many rows report a value."""
    if column not in frame or frame.empty:
        return 0, EXACT, 0
    numbers = pd.to_numeric(frame[column], errors="coerce")
    known = numbers.notna()
    # Python integers: int64 sums of large counts would wrap to negative numbers.
    total = sum(int(v) for v in numbers[known])
    qualifiers = frame.loc[known, qualifier_column] if qualifier_column in frame else ()
    return total, combine(qualifiers), int(known.sum())


def _status(assets: pd.DataFrame) -> pd.Series:
    if "status" not in assets:
        return pd.Series(DEPLOYED, index=assets.index, dtype=object)
    return assets["status"].where(assets["status"].notna(), DEPLOYED)


def _listed(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for _, row in frame.iterrows():
        count = pd.to_numeric(pd.Series([row.get("count")]), errors="coerce").iloc[0]
        rows.append(
            {
                "id": str(row["id"]),
                "name": str(row["name"]),
                "category": str(row["category"]),
                "count": None if pd.isna(count) else int(count),
            }
        )
    return rows


def summary(dataset: Dataset) -> dict[str, Any]:
    """Key figures of a (usually as-of selected) data set.

    Returns
    -------
    dict
        JSON-ready. Numbers: ``ships``, ``submarines``, ``aircraft`` (aircraft, helicopters,
        drones), ``personnel``, ``strikes``, ``killed``, ``strikes_killed_unknown`` (strikes
        whose toll is null), ``features`` (per layer), ``assets_by_category`` (sum of
        ``count`` per category; deployed assets only). ``qualifiers`` and ``texts`` give each
        number's qualifier and its text (``≥ 18``). ``personnel_reporting`` of
        ``assets_counted`` assets report personnel. ``en_route`` and ``departed`` list the
        assets not counted (id, name, category, count); ``strikes_by_actor`` maps each actor
        to its ``strikes``, ``killed`` and ``killed_text``.
    """
    assets = dataset["assets"]
    strikes = dataset["strikes"]
    status = _status(assets) if len(assets) else pd.Series([], dtype=object)
    counted = assets[status == DEPLOYED] if len(assets) else assets
    by_category: dict[str, int] = {}
    category_qualifiers: dict[str, str] = {}
    if len(counted):
        for category, frame in counted.groupby("category"):
            total, qualifier, reporting = _sum(frame, "count", "count_qualifier")
            if reporting:
                by_category[str(category)] = total
                category_qualifiers[str(category)] = qualifier

    def over(categories: tuple[str, ...]) -> tuple[int, str]:
        chosen = counted[counted["category"].isin(categories)] if len(counted) else counted
        total, qualifier, _ = _sum(chosen, "count", "count_qualifier")
        return total, qualifier

    numbers: dict[str, tuple[int, str]] = {
        "ships": over(("ship",)),
        "submarines": over(("submarine",)),
        "aircraft": over(AIR_CATEGORIES),
    }
    personnel, personnel_q, reporting = _sum(counted, "personnel", "personnel_qualifier")
    numbers["personnel"] = (personnel, personnel_q)
    numbers["strikes"] = (len(strikes), EXACT)
    killed, killed_q, _ = _sum(strikes, "killed", "killed_qualifier")
    numbers["killed"] = (killed, killed_q)
    unknown = (
        int(pd.to_numeric(strikes["killed"], errors="coerce").isna().sum()) if len(strikes) else 0
    )
    return {
        "features": {name: len(frame) for name, frame in dataset.layers.items()},
        "assets_by_category": by_category,
        **{key: value for key, (value, _) in numbers.items()},
        "strikes_killed_unknown": unknown,
        "qualifiers": {key: qualifier for key, (_, qualifier) in numbers.items()},
        "texts": {key: qualified(value, q) for key, (value, q) in numbers.items()},
        "category_qualifiers": category_qualifiers,
        "personnel_reporting": reporting,
        "assets_counted": len(counted),
        "en_route": _listed(assets[status == "en route"]) if len(assets) else [],
        "departed": _listed(assets[status == "departed"]) if len(assets) else [],
        "strikes_by_actor": by_actor(strikes),
    }


def by_actor(strikes: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Strikes and deaths per ``actor`` (``unattributed`` where none is given), most first."""
    if len(strikes) == 0:
        return {}
    actors = (
        strikes["actor"].where(strikes["actor"].notna(), UNATTRIBUTED).astype(str)
        if "actor" in strikes
        else pd.Series(UNATTRIBUTED, index=strikes.index)
    )
    out: dict[str, dict[str, Any]] = {}
    for actor in actors.value_counts().index:
        frame = strikes[actors == actor]
        killed, qualifier, reporting = _sum(frame, "killed", "killed_qualifier")
        out[str(actor)] = {
            "strikes": len(frame),
            "killed": killed,
            "killed_text": qualified(killed, qualifier),
            "killed_unknown": len(frame) - reporting,
        }
    return out


def personnel_text(figures: dict[str, Any]) -> str:
    """Personnel with how many assets report it: ``~10,000 (2 of 17 assets report)``."""
    text = figures["texts"]["personnel"]
    if figures["personnel_reporting"] < figures["assets_counted"]:
        text += (
            f" ({figures['personnel_reporting']:,} of {figures['assets_counted']:,} assets report)"
        )
    return text
