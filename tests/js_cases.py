"""Cases for the page's JavaScript unit tests, written from Python: ``tests/js/cases.json``.

The node tests (``tests/js/*.test.js``) check the page's pure functions against what Python
makes and decides, so that the two sides cannot drift apart:

- ``contract``: :func:`geo.web.contract.contract`, the codes and keys the page may use;
- ``lines``, ``times``: lines and vertex times as :mod:`geo.web.encoding` encodes them,
  with the values they must decode to;
- ``timeline``: payloads (the entries the time slider reads) and, for many dates and
  windows, the ids :func:`geo.data.selection.as_of` keeps: ``posturemap.visibleAt`` must
  show exactly those.

``python -m tests.js_cases`` writes the file; ``tests/test_js_cases.py`` fails when it is
out of date.
"""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import geo
from geo.data import selection
from geo.web import contract, encoding
from geo.web.payload import build_payload
from tests.factories import collection, feature, point, ship, write_dataset

CASES_FILE = Path(__file__).resolve().parent / "js" / "cases.json"
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WINDOWS = (None, 1, 3, 7, 30)
TIMELINE_KEYS = ("contract", "kind", "group", "observed", "epochs", "until", "entity")


def _end_of(day: date) -> int:
    """The moment that stands for ``day`` on the time slider: the next midnight, UTC."""
    midnight = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return int(midnight.timestamp()) + contract.DAY_S


def _edge_layers() -> dict[str, Any]:
    """Reports that test the rule's edges: one asset's several reports, reports that end,
    on the day or before it, strikes that last several days, an asset without entity."""
    common = {"sources": ["src-a"], "confidence": "reported", "uncertainty_km": 0}
    strike = {**common, "killed": None}
    return {
        "assets": collection(
            ship("x1", -66.0, 12.0, observed="2025-10-01"),
            ship("x1-b", -66.1, 12.1, entity="x1", observed="2025-10-03", until="2025-10-05"),
            ship("x1-c", -66.2, 12.2, entity="x1", observed="2025-10-08"),
            ship("y1", -65.0, 13.0, observed="2025-10-02", until="2025-10-02"),
            ship("z1", -64.0, 14.0, observed="2025-10-04T18:30:00Z", until="2025-10-06"),
            ship("z1-b", -64.1, 14.1, entity="z1", observed="2025-10-02"),
        ),
        "strikes": collection(
            feature(point(-66.9, 11.8), id="s1", name="One day", observed="2025-10-02", **strike),
            feature(
                point(-67.5, 12.1),
                id="s2",
                name="Three days",
                observed="2025-10-03",
                until="2025-10-05",
                **strike,
            ),
        ),
        "tracks": collection(
            feature(
                {"type": "LineString", "coordinates": [[-70.0, 15.0], [-67.0, 11.5]]},
                id="t1",
                name="Flight",
                observed="2025-10-06",
                **common,
            )
        ),
        "bases": collection(
            feature(
                point(-65.6, 18.2), id="b1", name="Base", kind="naval base", country="US", **common
            )
        ),
    }


def _timeline_subset(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload entries the slider reads, with a string table of ids and entities only."""
    used = sorted(
        {k for k in payload["columns"]["id"] if k >= 0} | {k for k in payload["entity"] if k >= 0}
    )
    remap = {old: new for new, old in enumerate(used)}
    sub = {key: payload[key] for key in TIMELINE_KEYS}
    sub["groups"] = [{"key": spec["key"]} for spec in payload["groups"]]
    sub["strings"] = [payload["strings"][k] for k in used]
    sub["columns"] = {"id": [remap[k] for k in payload["columns"]["id"]]}
    sub["entity"] = [remap.get(e, e) for e in payload["entity"]]
    return sub


def _timeline(name: str, dataset: geo.Dataset) -> dict[str, Any]:
    payload = build_payload(dataset, basemap="offline")
    ids = [payload["strings"][k] for k in payload["columns"]["id"]]
    assert len(set(ids)) == len(ids), "ids are unique across layers"
    days = selection.dates_in(dataset)
    days = [days[0] - timedelta(days=1), *days, days[-1] + timedelta(days=1)]
    cases = []
    for day in days:
        for window in WINDOWS:
            since = day - timedelta(days=window - 1) if window else None
            kept = selection.as_of(dataset, day, since=since)
            shown = sorted(str(i) for frame in kept.layers.values() for i in frame["id"])
            cases.append(
                {"day": day.isoformat(), "t": _end_of(day), "window_days": window, "shown": shown}
            )
    return {"name": name, "payload": _timeline_subset(payload), "cases": cases}


def build_cases() -> dict[str, Any]:
    """Every case of ``tests/js/cases.json``, as a JSON-ready dict."""
    lines = [
        [[-93.6, 32.5], [-67.0, 11.5]],
        [[179.99999, -0.5], [-179.99999, 0.5], [0.0, 0.0], [12.345678, -45.678901]],
        [[-66.5, 13.0]],
    ]
    times = [
        ["2025-10-15T12:00:00Z", "2025-10-15T18:00:00Z", "2025-10-16T00:00:01Z"],
        ["2025-01-01T00:00:00Z"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        edges = geo.load(write_dataset(Path(tmp) / "edges", _edge_layers()))
        assert edges.problems == [], edges.problems
        timeline = [_timeline("edge cases", edges), _timeline("default data", geo.load(DATA_DIR))]
    return {
        "written_by": "python -m tests.js_cases (tests/test_js_cases.py checks it is current)",
        "contract": contract.contract(),
        "lines": [
            {
                "coords": [[round(x, 5), round(y, 5)] for x, y in line],
                "encoded": encoding.encode_line(np.array(line)),
            }
            for line in lines
        ],
        "times": [
            {
                "seconds": [int(pd.Timestamp(t).timestamp()) for t in iso],
                "encoded": encoding.vertex_times(iso),
            }
            for iso in times
        ],
        "timeline": timeline,
    }


def cases_text() -> str:
    """The file's text: stable JSON (sorted keys), so that a change shows as a small diff."""
    return json.dumps(build_cases(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":
    CASES_FILE.parent.mkdir(parents=True, exist_ok=True)
    CASES_FILE.write_text(cases_text(), encoding="utf-8")
    print(f"wrote {CASES_FILE}")
