"""ADS-B JSON shapes: readsb/tar1090 traces, aircraft.json snapshots, OpenSky API answers.

* ``trace_full`` / ``trace_recent`` (readsb, tar1090, ADS-B Exchange history):
  ``{"icao", "timestamp": base, "trace": [[dt, lat, lon, alt, gs, track, flags, vrate,
  details-or-null, ...], ...]}``; each point's time is ``base + dt``, the callsign comes
  from the ``flight`` of the details object.
* ``aircraft.json`` (readsb, dump1090, ADS-B Exchange; ``ac`` instead of ``aircraft`` in
  its API): ``{"now", "aircraft": [{"hex", "flight", "lat", "lon", "seen_pos", ...}]}``;
  the position's time is ``now - seen_pos``.
* OpenSky REST ``states/all`` (``{"time", "states": [[icao24, callsign, country,
  time_position, last_contact, lon, lat, ...]]}``, position time ``time_position``) and
  ``tracks`` (``{"icao24", "callsign", "path": [[time, lat, lon, ...]]}``).

Each becomes raw rows for :func:`geo.tracks.pings.clean`; ids are ICAO 24-bit addresses.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geo.tracks.layouts import Layout, PingError, quote
from geo.tracks.pings import Chunk

_ROLES = {"id": "icao24", "time": "time", "lat": "lat", "lon": "lon"}


def read_adsb(document: dict[str, Any]) -> tuple[Layout, list[Chunk]] | None:
    """The pings of an ADS-B JSON document, or None when it is none of these shapes.

    Parameters
    ----------
    document : dict
        A parsed JSON object.

    Returns
    -------
    tuple of (Layout, list of Chunk), or None

    Raises
    ------
    PingError
        When the shape is recognised but its key fields are wrong (named).
    """
    if isinstance(document.get("trace"), list):
        return _trace(document)
    snapshot = document.get("aircraft", document.get("ac"))
    if isinstance(snapshot, list) and "now" in document:
        return _snapshot(document, snapshot)
    if isinstance(document.get("states"), list) and "time" in document:
        return _states(document)
    if isinstance(document.get("path"), list) and "icao24" in document:
        return _track(document)
    return None


def _number(document: dict[str, Any], key: str, shape: str) -> float:
    value = document.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PingError(f"{shape}: {key!r} is {quote(repr(value), 60)}, not a number")
    return float(value) / 1000.0 if value > 1e11 else float(value)  # ms in ADSBx API v2


def _rows(points: list[Any], width: int) -> pd.DataFrame:
    """Ragged JSON arrays as a frame of their first ``width`` entries (missing as None)."""
    rows = [
        (p[:width] + [None] * (width - len(p))) if isinstance(p, list) else [None] * width
        for p in points
    ]
    frame = pd.DataFrame(rows, columns=range(width)) if rows else pd.DataFrame(columns=range(width))
    return frame.astype(object).where(frame.notna(), None)


def _numeric(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce")


def _trace(document: dict[str, Any]) -> tuple[Layout, list[Chunk]]:
    shape = "readsb trace"
    icao = document.get("icao")
    if not isinstance(icao, str) or not icao.strip():
        raise PingError(f"{shape}: 'icao' is {quote(repr(icao), 60)}, not an address")
    base = _number(document, "timestamp", shape)
    points = _rows(document["trace"], 9)
    details = points[8]
    flight = [d.get("flight") if isinstance(d, dict) else None for d in details]
    frame = pd.DataFrame(
        {
            "id": icao,
            "time": base + _numeric(points[0]),
            "lat": points[1],
            "lon": points[2],
            "callsign": pd.Series(flight, dtype=object),
            "name": document.get("r") if isinstance(document.get("r"), str) else None,
        }
    )
    layout = Layout(
        "readsb-trace",
        "readsb/tar1090 trace (icao, timestamp + dt, lat, lon)",
        "aircraft",
        {**_ROLES, "callsign": "flight"},
    )
    return layout, [(frame, 1, [])]


def _snapshot(document: dict[str, Any], aircraft: list[Any]) -> tuple[Layout, list[Chunk]]:
    shape = "aircraft.json"
    now = _number(document, "now", shape)
    records = [a if isinstance(a, dict) else {} for a in aircraft]

    def field(key: str) -> pd.Series:
        return pd.Series([r.get(key) for r in records], dtype=object)

    seen = _numeric(field("seen_pos")).fillna(_numeric(field("seen"))).fillna(0.0)
    frame = pd.DataFrame(
        {
            "id": field("hex"),
            "time": now - seen,
            "lat": field("lat"),
            "lon": field("lon"),
            "callsign": field("flight"),
            "name": field("r"),
        }
    )
    layout = Layout(
        "readsb-aircraft",
        "aircraft.json snapshot (hex, now - seen_pos, lat, lon)",
        "aircraft",
        {"id": "hex", "time": "now - seen_pos", "lat": "lat", "lon": "lon"},
    )
    return layout, [(frame, 1, [])]


def _states(document: dict[str, Any]) -> tuple[Layout, list[Chunk]]:
    states = _rows(document["states"], 7)
    fallback = _numeric(states[4])  # last_contact, when the position has no time of its own
    frame = pd.DataFrame(
        {
            "id": states[0],
            "time": _numeric(states[3]).fillna(fallback),
            "lat": states[6],
            "lon": states[5],
            "callsign": states[1],
        }
    )
    layout = Layout(
        "opensky-api",
        "OpenSky API state vectors (icao24, time_position, latitude, longitude)",
        "aircraft",
        {**_ROLES, "time": "time_position"},
    )
    return layout, [(frame, 1, [])]


def _track(document: dict[str, Any]) -> tuple[Layout, list[Chunk]]:
    path = _rows(document["path"], 3)
    callsign = document.get("callsign")
    frame = pd.DataFrame(
        {
            "id": document.get("icao24"),
            "time": path[0],
            "lat": path[1],
            "lon": path[2],
            "callsign": callsign if isinstance(callsign, str) else np.nan,
        }
    )
    layout = Layout(
        "opensky-api", "OpenSky API track (icao24, path of time, lat, lon)", "aircraft", _ROLES
    )
    return layout, [(frame, 1, [])]
