"""Range rings and maritime zone bands asked for by name: the exports' ``--rings ID[:KM]`` and
``--zones ISO3`` options, shared by the HTML map, the slides and the app's PNG.

A ring's origin is a base or an asset, by ``id`` or by an asset's ``entity``, at its position
in the data shown (so in a batch of slides over dates a ring follows its asset).
Parsers raise :class:`BadSpec` (a ValueError: a usage error) and :class:`UnknownOrigin` is an
id that is not in the data; both carry the facts (``option``, ``reason``, ``value``) and name
no command-line flag: the command line and the app word them.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd

from geo.analysis.geodesy import MAX_RADIUS_KM
from geo.analysis.rings import range_rings
from geo.analysis.zonebands import zone_bands
from geo.data.reading import Dataset

RingSpec = str | tuple[str, float | None]
"""``ID``, ``ID:KM``, or an (origin, km or None) pair as the app holds it."""


class BadSpec(ValueError):
    """A ring spec or zone code that cannot be used (a usage error).

    Attributes
    ----------
    option : str
        ``rings`` or ``zones``.
    reason : str
        What is wrong, naming no command-line flag.
    value : object
        The spec or code given.
    """

    def __init__(self, option: str, reason: str, value: object = None) -> None:
        super().__init__(f"{option}: {reason}")
        self.option, self.reason, self.value = option, reason, value


class UnknownOrigin(LookupError):
    """A ring origin that is no base or asset of the data (or of the data shown).

    Attributes
    ----------
    option : str
        ``rings``.
    origin : str
        The id asked for.
    shown : bool
        True when it is missing from the data shown (one date), not from all of it.
    reason : str
        The same in words, naming no command-line flag.
    """

    def __init__(self, origin: str, shown: bool = False) -> None:
        self.option, self.origin, self.value, self.shown = "rings", origin, origin, shown
        where = "the data shown" if shown else "the data"
        self.reason = f"no base or asset with id {origin!r} in {where}"
        super().__init__(f"{self.option}: {self.reason}")

    def __str__(self) -> str:
        return str(self.args[0])


def parse_ring_spec(spec: RingSpec) -> tuple[str, float | None]:
    """Split ``ID`` or ``ID:KM`` into the origin and a radius in km (None: nominal ranges).

    An (origin, km) pair is checked and returned as it is.

    Raises
    ------
    BadSpec
        When the id is empty or KM is not a number in 0 < KM <= 20000.
    """
    if isinstance(spec, tuple):
        origin, km = str(spec[0]).strip(), spec[1]
    else:
        origin, _, km = str(spec).partition(":")
        origin = origin.strip()
    if not origin:
        raise BadSpec("rings", f"{spec!r} names no base or asset (ID or ID:KM)", spec)
    if km is None or km == "":
        return origin, None
    try:
        radius = float(km)
    except ValueError:
        radius = float("nan")
    if not 0 < radius <= MAX_RADIUS_KM:  # NaN fails too
        limit = f"{MAX_RADIUS_KM:.0f}"
        raise BadSpec("rings", f"{km!r} is not a distance in km (0 < KM <= {limit})", spec)
    return origin, radius


def ring_centre(shown: Dataset, origin: str) -> gpd.GeoDataFrame:
    """The base or asset ``origin`` (an id, or an asset's ``entity``) as shown; empty if not.

    Of several reports of one asset (a map with a timeline holds them all) the latest is kept.
    """
    for layer in ("bases", "assets"):
        frame = shown[layer]
        if not len(frame):
            continue
        match = frame["id"].astype(str) == origin
        if "entity" in frame:
            match |= frame["entity"].astype(str) == origin
        if match.any():
            found = frame[match]
            if "observed" in found and len(found) > 1:
                found = found.sort_values("observed", kind="stable", na_position="first")
            return found.tail(1)
    return shown["bases"].iloc[0:0]


def check_ring_origins(
    dataset: Dataset, specs: Sequence[RingSpec]
) -> list[tuple[str, float | None]]:
    """Parse ``specs`` and check that every origin is in ``dataset`` at some date.

    Raises
    ------
    BadSpec
        On a bad spec (:func:`parse_ring_spec`).
    UnknownOrigin
        When an origin is no base id, asset id or asset entity of the data.
    """
    parsed = [parse_ring_spec(spec) for spec in specs]
    known: set[str] = set(dataset["bases"]["id"].astype(str)) if len(dataset["bases"]) else set()
    assets = dataset["assets"]
    if len(assets):
        known |= set(assets["id"].astype(str))
        if "entity" in assets:
            known |= set(assets["entity"].dropna().astype(str))
    for origin, _ in parsed:
        if origin not in known:
            raise UnknownOrigin(origin)
    return parsed


def rings_layer(
    shown: Dataset, specs: Sequence[RingSpec], missing: list[str] | None = None
) -> gpd.GeoDataFrame | None:
    """Range rings for ``ID`` (nominal ranges of its type) or ``ID:KM`` specs, or None for none.

    Parameters
    ----------
    shown : Dataset
        What the map shows: each ring is centred on its origin's position there.
    specs : sequence of str or (str, float or None)
        ``ID`` or ``ID:KM``, or (origin, km) pairs.
    missing : list of str, optional
        When given, origins not shown are appended to it and skipped (a batch over dates);
        otherwise they raise.

    Raises
    ------
    BadSpec
        On a bad spec.
    UnknownOrigin
        When an origin is not shown and ``missing`` is None.
    """
    if not specs:
        return None
    frames = []
    for origin, radius in (parse_ring_spec(spec) for spec in specs):
        centre = ring_centre(shown, origin)
        if centre.empty:
            if missing is None:
                raise UnknownOrigin(origin, shown=True)
            missing.append(origin)
            continue
        frames.append(range_rings(centre, radius_km=radius))
    if not frames:
        return None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def zones_layer(codes: Sequence[str]) -> gpd.GeoDataFrame | None:
    """The 12/24/200 nm bands of the states ``codes`` (ISO A3), or None for none.

    Raises
    ------
    BadSpec
        For a code that is not a state of Natural Earth.
    """
    if not codes:
        return None
    frames = []
    for code in codes:
        try:
            frames.append(zone_bands(code))
        except ValueError as error:
            raise BadSpec("zones", str(error), code) from None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
