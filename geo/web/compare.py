"""Compare mode: what moved, arrived and departed since an earlier date, for the map's page.

:func:`compare_entry` turns :func:`geo.analysis.diff.diff` into the payload's ``compare``
entry, which ``geo/web/static/compare.js`` draws: a ghost at each earlier position, an
arrow along the geodesic from old to new with its distance, a ring and "new" at arrivals,
"departed" at the last position of those gone, and a panel listing them. Every text the
page shows is written here; the page only places it (as text nodes).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from geo.analysis.diff import diff
from geo.analysis.geodesy import densify
from geo.data.reading import Dataset

ARROW_STEP_KM = 25.0
"""Vertices of a move's arrow are at most this far apart along the geodesic."""
LIST_MAX = 12
"""The panel names this many entities per kind of change, then "and N more"."""
WITHIN = "within"
"""The ``change`` of an entity whose shift is smaller than its positions' uncertainty."""


def day_text(day: date) -> str:
    """A date as the panel writes it: ``1 Sep 2025``."""
    return f"{day.day} {day.strftime('%b %Y')}"


def compare_entry(history: Dataset, start: date, end: date) -> dict[str, Any]:
    """The payload's ``compare`` entry: the changes from ``start`` to ``end``, ready to draw.

    Parameters
    ----------
    history : Dataset
        The whole data set (not one date's selection): both dates are selected from it.
    start, end : date
        The earlier date and the map's date; ``start`` must not be after ``end``.

    Returns
    -------
    dict
        ``from``, ``to`` (ISO dates), ``summary`` ("Since 1 Sep 2025: 3 arrived, ..."),
        ``sections`` (``[heading, [names...]]`` per kind of change, for the panel) and
        ``items``: one per entity that changed, ``{change, entity, name, label, from, to,
        path}``, where ``change`` is ``moved``, ``within`` (:data:`WITHIN`), ``arrived``
        or ``departed``, positions are ``[lat, lon]`` (degrees, None where absent) and
        ``path`` is the geodesic from old to new (moves only).

    Raises
    ------
    ValueError
        When ``start`` is after ``end``.
    """
    found = diff(history, start, end)
    items: list[dict[str, Any]] = []
    for row in found.entities.to_dict("records"):
        change = row["change"]
        if change == "stayed":
            if not row["within_uncertainty"]:
                continue
            change = WITHIN
        items.append(_item(row, change, start))
    counts = found.counts()
    within = sum(item["change"] == WITHIN for item in items)
    parts = [f"{counts[c]} {c}" for c in ("arrived", "departed", "moved")]
    summary = f"Since {day_text(start)}: {', '.join(parts)}"
    if within:
        summary += f"; {within} within uncertainty"
    headings = {
        "arrived": "Arrived",
        "departed": "Departed",
        "moved": "Moved",
        WITHIN: "Stayed (within uncertainty)",
    }
    sections = []
    for change, heading in headings.items():
        names = [_listed(item) for item in items if item["change"] == change]
        if names:
            more = [f"and {len(names) - LIST_MAX} more"] if len(names) > LIST_MAX else []
            sections.append([f"{heading} ({len(names)})", names[:LIST_MAX] + more])
    return {
        "from": found.start.isoformat(),
        "to": found.end.isoformat(),
        "summary": summary,
        "sections": sections,
        "items": items,
    }


def _position(row: dict[str, Any], side: str) -> list[float] | None:
    lat, lon = row[f"{side}_lat"], row[f"{side}_lon"]
    if lat is None or lon is None or np.isnan(lat) or np.isnan(lon):
        return None
    return [round(float(lat), 5), round(float(lon), 5)]


def _item(row: dict[str, Any], change: str, start: date) -> dict[str, Any]:
    """One drawn change: positions, the geodesic path of a move and the words on the map."""
    old, new = _position(row, "from"), _position(row, "to")
    path = None
    if change in ("moved", WITHIN) and old and new:
        lons, lats = densify([old[1], new[1]], [old[0], new[0]], ARROW_STEP_KM)
        # Continuous longitudes: an arrow over the antimeridian is not drawn round the world.
        lons = np.degrees(np.unwrap(np.radians(lons)))
        path = [[round(float(y), 5), round(float(x), 5)] for x, y in zip(lons, lats, strict=True)]
    last = row.get("from_observed") or day_text(start)
    labels = {
        "moved": f"{row['moved_nm']:.0f} nm",
        WITHIN: "stayed (within uncertainty)",
        "arrived": "new",
        "departed": f"departed (last seen {last})",
    }
    return {
        "change": change,
        "entity": str(row["entity"]),
        "name": str(row["name"]),
        "label": labels[change],
        "was": f"was here {last}" if change == "moved" else None,
        "from": old if change != "arrived" else None,
        "to": new if change != "departed" else None,
        "path": path,
    }


def _listed(item: dict[str, Any]) -> str:
    return f"{item['name']}: {item['label']}" if item["change"] == "moved" else item["name"]
