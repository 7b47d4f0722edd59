"""Ping table layouts: which columns of a header hold the id, time, latitude and longitude.

Each known layout (AIS, OpenSky-style ADS-B, plain pings) lists the header names that play
each role; :func:`detect_layout` recognises a file's layout from its header. The rules are in
``docs/tracks.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field


class PingError(Exception):
    """A ping file that cannot be read at all (unknown layout, unsafe XML, not a table)."""


@dataclass(frozen=True)
class Layout:
    """How one ping file is laid out.

    Attributes
    ----------
    name : str
        ``opensky``, ``ais``, ``plain``, ``kml`` or ``gpx``.
    description : str
        What was recognised, for the user.
    category : str or None
        ``aircraft`` or ``ship``: implied by the layout (AIS, ADS-B), or, once a file is
        read, the category its pings were given.
    columns : dict of str to str
        Role (``id``, ``time``, ``lat``, ``lon``, and extras such as ``callsign``,
        ``vessel_name``) to the column name in the file.
    """

    name: str
    description: str
    category: str | None
    columns: dict[str, str] = field(default_factory=dict)


# Each table layout: roles -> accepted header names (compared lower-case, without punctuation).
_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")
_TABLE_LAYOUTS: tuple[tuple[str, str, str | None, dict[str, tuple[str, ...]]], ...] = (
    (
        "ais",
        "AIS position reports (MMSI, BaseDateTime, LAT, LON)",
        "ship",
        {
            "id": ("mmsi",),
            "time": ("basedatetime", "timestamp", "datetime", "time"),
            "lat": _LAT,
            "lon": _LON,
            "vessel_name": ("vesselname", "shipname"),
            "callsign": ("callsign",),
        },
    ),
    (
        "opensky",
        "ADS-B state vectors, OpenSky style (time, icao24, lat, lon)",
        "aircraft",
        {
            "id": ("icao24",),
            "time": ("time", "timestamp", "datetime"),
            "lat": _LAT,
            "lon": _LON,
            "callsign": ("callsign", "flight"),
        },
    ),
    (
        "plain",
        "plain pings (id, time, lat, lon)",
        None,
        {
            "id": ("id", "assetid", "trackid"),
            "time": ("time", "timestamp", "datetime"),
            "lat": _LAT,
            "lon": _LON,
            "name": ("name",),
            "callsign": ("callsign",),
        },
    ),
)
EXTRA_ROLES = ("callsign", "vessel_name", "name")
"""Optional per-ping text kept on the tracks (first non-empty value of a leg)."""


def header_key(name: str) -> str:
    """A header name as compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def detect_layout(columns: Iterable[str], id_column: str | None = None) -> Layout:
    """Recognise a table layout from its header.

    Parameters
    ----------
    columns : iterable of str
        The header.
    id_column : str, optional
        Column holding the aircraft or vessel id, overriding the layout's own
        (``--asset-id-col``); matched exactly, then ignoring case and punctuation.

    Returns
    -------
    Layout

    Raises
    ------
    PingError
        When no layout fits, naming the columns found and the layouts expected.
    """
    header = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for column in header:
        by_norm.setdefault(header_key(column), column)
    if id_column is not None:
        chosen = id_column if id_column in header else by_norm.get(header_key(id_column))
        if chosen is None:
            raise PingError(
                f"--asset-id-col {id_column!r} is not a column (found: {', '.join(header)})"
            )
        id_column = chosen
    for name, description, category, roles in _TABLE_LAYOUTS:
        found: dict[str, str] = {}
        for role, names in roles.items():
            if role == "id" and id_column is not None:
                found[role] = id_column
                continue
            hit = next((by_norm[n] for n in names if n in by_norm), None)
            if hit is not None:
                found[role] = hit
        if all(role in found for role in ("id", "time", "lat", "lon")):
            if id_column is not None and name == "plain":
                description = f"plain pings ({id_column}, time, lat, lon)"
            return Layout(name, description, category, found)
    expected = "; ".join(description for _, description, _, _ in _TABLE_LAYOUTS)
    shown = ", ".join("".join(c if c.isprintable() else "?" for c in name) for name in header)
    raise PingError(
        f"cannot tell the layout from the header ({shown or 'empty'}); expected one of: "
        f"{expected}; or name the id column with --asset-id-col"
    )
