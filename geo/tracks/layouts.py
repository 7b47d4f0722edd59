"""Ping table layouts: which columns of a header hold the id, time, latitude and longitude.

Each known layout (AIS, OpenSky-style ADS-B, other ADS-B tables, Flightradar24 exports,
plain pings) lists the header names that play each role; :func:`detect_layout` recognises a
file's layout from its header, with any role forced by the caller (``--asset-id-col``,
``--time-col``, ``--lat-col``, ``--lon-col``). The rules are in ``docs/tracks.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

QUOTE_CHARS = 200
"""Longest piece of file content any message quotes (a header, a value, a line)."""


class PingError(Exception):
    """A ping file that cannot be read at all (unknown layout, unsafe XML, not a table)."""


def quote(text: object, limit: int = QUOTE_CHARS) -> str:
    """File content for a message: printable, and cut to ``limit`` characters.

    Parameters
    ----------
    text : object
        Any value; taken as text.
    limit : int
        Most characters kept; longer text ends with ``...`` and its length.

    Returns
    -------
    str
    """
    shown = "".join(c if c.isprintable() else "?" for c in str(text)[: limit + 1])
    if len(shown) > limit:
        return f"{shown[:limit]}... ({len(str(text)):,} characters)"
    return shown


@dataclass(frozen=True)
class Layout:
    """How one ping file is laid out.

    Attributes
    ----------
    name : str
        ``opensky``, ``ais``, ``adsb``, ``fr24``, ``plain``, ``kml``, ``gpx``, ``nmea``,
        ``readsb-trace``, ``readsb-aircraft``, ``opensky-api``, ``geojson``, ``gpkg`` or
        ``geoparquet``.
    description : str
        What was recognised, for the user.
    category : str or None
        ``aircraft`` or ``ship``: implied by the layout (AIS, ADS-B) or its other columns,
        or, once a file is read, the category its pings were given.
    columns : dict of str to str
        Role (``id``, ``time``, ``lat``, ``lon``, and others such as ``position_time``,
        ``callsign``, ``vessel_name``) to the column name in the file.
    """

    name: str
    description: str
    category: str | None
    columns: dict[str, str] = field(default_factory=dict)


ICAO_LAYOUTS = frozenset({"opensky", "adsb", "readsb-trace", "readsb-aircraft", "opensky-api"})
"""Layouts whose id is an ICAO 24-bit address (hex, compared lower-case)."""
MMSI_LAYOUTS = frozenset({"ais", "nmea"})
"""Layouts whose id is an MMSI."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read ping files, beyond what their content says.

    Attributes
    ----------
    id_column, time_column, lat_column, lon_column : str or None
        Columns (or properties) forced for these roles (``--asset-id-col``,
        ``--time-col``, ``--lat-col``, ``--lon-col``).
    time_format : str or None
        ``--time-format``: a ``strptime`` format every time is read with.
    category : str or None
        ``aircraft`` or ``ship``, overriding the layout's own.
    """

    id_column: str | None = None
    time_column: str | None = None
    lat_column: str | None = None
    lon_column: str | None = None
    time_format: str | None = None
    category: str | None = None

    def layout(self, columns: Iterable[str]) -> Layout:
        """:func:`detect_layout` of a header with these options' columns."""
        return detect_layout(
            columns,
            self.id_column,
            time_column=self.time_column,
            lat_column=self.lat_column,
            lon_column=self.lon_column,
        )


# Each table layout: roles -> accepted header names (compared lower-case, without punctuation).
_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")
_TIME = ("time", "timestamp", "datetime", "utc", "timeutc", "datetimeutc", "date")
_POSITION_TIME = ("lastposupdate", "lastposition", "timeposition")
_ICAO = ("icao24", "hex", "icao", "icaoaddress", "modes", "modeshex", "transponder")
_TABLE_LAYOUTS: tuple[tuple[str, str, str | None, dict[str, tuple[str, ...]]], ...] = (
    (
        "ais",
        "AIS position reports (MMSI, BaseDateTime, LAT, LON)",
        "ship",
        {
            "id": ("mmsi",),
            "time": ("basedatetime", *_TIME),
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
            "time": _TIME,
            "position_time": _POSITION_TIME,
            "lat": _LAT,
            "lon": _LON,
            "callsign": ("callsign", "flight"),
        },
    ),
    (
        "adsb",
        "ADS-B positions by hex address (hex, time, lat, lon)",
        "aircraft",
        {
            "id": _ICAO[1:],
            "time": _TIME,
            "position_time": _POSITION_TIME,
            "lat": _LAT,
            "lon": _LON,
            "callsign": ("flight", "callsign"),
            "name": ("registration", "r"),
        },
    ),
    (
        "fr24",
        'Flightradar24 flight export (Timestamp, Callsign, Position "lat,lon")',
        "aircraft",
        {"id": ("callsign",), "time": _TIME, "position": ("position",), "callsign": ("callsign",)},
    ),
    (
        "plain",
        "plain pings (id, time, lat, lon)",
        None,
        {
            "id": ("id", "assetid", "trackid"),
            "time": _TIME,
            "lat": _LAT,
            "lon": _LON,
            "name": ("name",),
            "callsign": ("callsign",),
            "vessel_name": ("vesselname", "shipname"),
        },
    ),
)
_BY_NAME = {entry[0]: entry for entry in _TABLE_LAYOUTS}
EXTRA_ROLES = ("callsign", "vessel_name", "name")
"""Optional per-ping text kept on the tracks (first non-empty value of a leg)."""
REQUIRED = ("id", "time", "lat", "lon")
PARAMETERS = (
    "source",
    "id_column",
    "category",
    "time_column",
    "lat_column",
    "lon_column",
    "time_format",
)
"""The reading options a message may tell the user to give (the command line names them
by its flags: :data:`geo.cli.tracks.FLAGS`)."""
OPTIONS = {"id": "id_column", "time": "time_column", "lat": "lat_column", "lon": "lon_column"}
"""The parameter that names each required role."""


def parameter(name: str) -> str:
    """How a message names a reading option: ```id_column``` (one of :data:`PARAMETERS`).

    The library never names a command-line flag; the command line puts its flag for each
    such name (``--asset-id-col``), so each message is written once.
    """
    if name not in PARAMETERS:
        raise ValueError(f"{name!r} is not one of {PARAMETERS}")
    return f"`{name}`"


# Columns that only ships, or only aircraft, have: the category of a table whose id
# column says nothing (a plain table, or an id named with --asset-id-col).
_SHIP_KEYS = frozenset(
    {"mmsi", "imo", "sog", "cog", "vesselname", "shipname", "vesseltype", "shiptype"}
    | {"navstat", "navigationalstatus", "draft", "draught", "basedatetime"}
)
_AIRCRAFT_KEYS = frozenset(
    {*_ICAO, "squawk", "baroaltitude", "geoaltitude", "altbaro", "altgeom", "altitude"}
    | {"onground", "vertrate", "verticalrate", "barorate", "groundspeed", "gs"}
    | {"registration", "typecode", "aircrafttype", "lastposupdate", "flightlevel"}
)


def header_key(name: str) -> str:
    """A header name as compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def category_from_columns(columns: Iterable[str]) -> str | None:
    """``ship`` or ``aircraft`` when only one kind's columns are present, else None.

    Parameters
    ----------
    columns : iterable of str
        The header.

    Returns
    -------
    str or None
    """
    keys = {header_key(c) for c in columns}
    ship, aircraft = bool(keys & _SHIP_KEYS), bool(keys & _AIRCRAFT_KEYS)
    if ship != aircraft:
        return "ship" if ship else "aircraft"
    return None


def detect_layout(
    columns: Iterable[str],
    id_column: str | None = None,
    *,
    time_column: str | None = None,
    lat_column: str | None = None,
    lon_column: str | None = None,
) -> Layout:
    """Recognise a table layout from its header.

    An explicit id column never decides the category by itself being there: an
    ``icao24``/``hex`` id is ADS-B (aircraft), an ``mmsi`` id is AIS (ship), any other
    id gives the plain layout, whose category comes from the other columns
    (:func:`category_from_columns`) or, failing that, from the caller.

    Parameters
    ----------
    columns : iterable of str
        The header.
    id_column, time_column, lat_column, lon_column : str, optional
        Columns forced for these roles (``--asset-id-col``, ``--time-col``, ``--lat-col``,
        ``--lon-col``); matched exactly, then ignoring case and punctuation.

    Returns
    -------
    Layout

    Raises
    ------
    PingError
        When a forced column is missing, or no layout fits, naming the columns found.
    """
    header = [str(c) for c in columns]
    by_norm: dict[str, str] = {}
    for column in header:
        by_norm.setdefault(header_key(column), column)
    shown = quote(", ".join(header) or "empty")
    forced: dict[str, str] = {}
    for role, given in zip(REQUIRED, (id_column, time_column, lat_column, lon_column), strict=True):
        if given is None:
            continue
        chosen = given if given in header else by_norm.get(header_key(given))
        if chosen is None:
            message = f"{parameter(OPTIONS[role])} {quote(given)!r} is not a column"
            raise PingError(f"{message} (found: {shown})")
        forced[role] = chosen
    if "id" in forced:
        key = header_key(forced["id"])
        name = "ais" if key == "mmsi" else "opensky" if key == "icao24" else None
        name = name or ("adsb" if key in _ICAO else "plain")
        candidates = [_BY_NAME[name]]
    else:
        candidates = list(_TABLE_LAYOUTS)
    for name, description, category, roles in candidates:
        found: dict[str, str] = dict(forced)
        for role, names in roles.items():
            if role in found:
                continue
            hit = next((by_norm[n] for n in names if n in by_norm), None)
            if hit is not None and hit not in (found.get("lat"), found.get("lon")):
                found[role] = hit
        if "position" in found and ("lat" in found or "lon" in found):
            del found["position"]  # real lat/lon columns win over a "lat,lon" text column
        located = ("lat" in found and "lon" in found) or "position" in found
        if not (located and all(role in found for role in ("id", "time"))):
            continue
        used = [
            found["id"],
            found["time"],
            *([found["position"]] if "position" in found else [found["lat"], found["lon"]]),
        ]
        text = description.split(" (")[0] + f" ({', '.join(used)})"
        if "position_time" in found:
            text += f"; position times from {found['position_time']}"
        # The id column itself says nothing (a "registration" id on a ship table).
        category = category or category_from_columns(c for c in header if c != found["id"])
        return Layout(name, text, category, found)
    expected = "; ".join(description for _, description, _, _ in candidates)
    missing = [parameter(OPTIONS[r]) for r in REQUIRED if r not in forced]
    raise PingError(
        f"cannot tell the layout from the header ({shown}); expected one of: "
        f"{expected}; or name the columns with {', '.join(missing) or 'other options'}"
    )
