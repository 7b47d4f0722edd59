"""Reading KML and GPX ping files, with XML parsing that refuses any DOCTYPE.

KML placemarks (``gx:Track`` and timestamped Points; plain LineStrings have no times) and
GPX tracks, routes and waypoints become raw ping rows for :func:`geo.tracks.pings.clean`. Both go
through :func:`parse_xml` first, which refuses a DOCTYPE or ENTITY declaration, so no
entity is ever expanded or fetched. Called by :func:`geo.tracks.readers.read_file`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd

from geo.data import xmlsafe
from geo.tracks.content import LIMITS
from geo.tracks.layouts import Layout, PingError, quote
from geo.tracks.pings import Chunk


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_xml(path: Path) -> ET.Element:
    """Parse KML/GPX, refusing any DOCTYPE (:func:`geo.data.xmlsafe.parse_xml`).

    Parameters
    ----------
    path : Path
        The XML file.

    Returns
    -------
    Element
        The root element; tags are ``namespace}local``.

    Raises
    ------
    PingError
        On a DOCTYPE or ENTITY declaration, or XML that is not well-formed.
    """
    try:
        return xmlsafe.parse_xml(path.read_bytes())
    except xmlsafe.UnsafeXML as error:
        raise PingError(str(error)) from None


def read_xml(path: Path) -> tuple[Layout, list[Chunk]]:
    """Read a KML or GPX file, told apart by its root element (never by its name).

    Parameters
    ----------
    path : Path
        The XML file.

    Returns
    -------
    layout : Layout
    chunks : list of Chunk

    Raises
    ------
    PingError
        When the XML is refused or not well-formed, or its root is neither.
    """
    size = path.stat().st_size
    if size > LIMITS.max_document_bytes:
        raise PingError(
            f"an XML file of {size:,} bytes, above the limit of {LIMITS.max_document_bytes:,} "
            "for KML and GPX (which are parsed whole)"
        )
    root = parse_xml(path)
    name = _local(root.tag)
    if name == "gpx":
        return read_gpx(path)
    if name != "kml":
        raise PingError(
            f"an XML file whose root element is <{quote(name, 40)}>, not <kml> or <gpx>"
        )
    return read_kml(path, root)


def read_kml(path: Path, root: ET.Element | None = None) -> tuple[Layout, list[Chunk]]:
    """Read the pings of a KML file: ``gx:Track`` points, timestamped Points, LineStrings.

    Each placemark is one id (its name, else its ``id`` attribute, else its number). A
    LineString's vertices have no times: they come out as rows without a time, which
    :func:`geo.tracks.pings.clean` counts as such.

    Parameters
    ----------
    path : Path
        The KML file.
    root : Element, optional
        Its root, when already parsed by :func:`parse_xml`.

    Returns
    -------
    layout : Layout
        The ``kml`` layout (no category of its own).
    chunks : list of Chunk
        One chunk of raw rows (``id``, ``time``, ``lat``, ``lon``, ``name`` as text).

    Raises
    ------
    PingError
        When the XML is refused or not well-formed, or its root is not ``<kml>``.
    """
    root = parse_xml(path) if root is None else root
    if _local(root.tag) != "kml":
        raise PingError(f"root element is <{_local(root.tag)}>, not <kml>")
    records: list[tuple[str | None, str | None, str | None, str | None, str | None]] = []
    for number, placemark in enumerate(el for el in root.iter() if _local(el.tag) == "Placemark"):
        name = next((el.text for el in placemark if _local(el.tag) == "name"), None)
        track_id = (name or "").strip() or placemark.get("id") or f"placemark-{number + 1}"
        for element in placemark.iter():
            tag = _local(element.tag)
            if tag == "Track":  # gx:Track: <when> and <gx:coord> lists in step
                whens = [el.text for el in element if _local(el.tag) == "when"]
                coords = [el.text for el in element if _local(el.tag) == "coord"]
                for index in range(max(len(whens), len(coords))):
                    when = whens[index] if index < len(whens) else None
                    parts = (coords[index] or "").split() if index < len(coords) else []
                    lon = parts[0] if len(parts) > 0 else None
                    lat = parts[1] if len(parts) > 1 else None
                    records.append((track_id, when, lat, lon, name))
            elif tag == "Point":
                stamp = next(
                    (
                        when.text
                        for stamp_el in placemark.iter()
                        if _local(stamp_el.tag) == "TimeStamp"
                        for when in stamp_el
                        if _local(when.tag) == "when"
                    ),
                    None,
                )
                coord = next((el.text for el in element if _local(el.tag) == "coordinates"), "")
                parts = (coord or "").strip().split(",")
                lon = parts[0] if len(parts) > 0 else None
                lat = parts[1] if len(parts) > 1 else None
                records.append((track_id, stamp, lat, lon, name))
            elif tag == "LineString":
                # A plain line has no times: each vertex is counted as a ping without a time.
                coord = next((el.text for el in element if _local(el.tag) == "coordinates"), "")
                for position in (coord or "").split():
                    parts = position.split(",")
                    records.append(
                        (track_id, None, parts[1] if len(parts) > 1 else None, parts[0], name)
                    )
    frame = pd.DataFrame(records, columns=["id", "time", "lat", "lon", "name"], dtype=object)
    layout = Layout("kml", "KML placemarks (gx:Track, timestamped Points)", None, {"name": "name"})
    return layout, [(frame, 1, [])]


def read_gpx(path: Path) -> tuple[Layout, list[Chunk]]:
    """Read the points of a GPX file's tracks, routes and waypoints as pings.

    Each track or route is one id (its name, else ``<file stem>-track-N`` /
    ``-route-N``); waypoints are one id each by name, else ``<file stem>-waypoints``.

    Parameters
    ----------
    path : Path
        The GPX file.

    Returns
    -------
    layout : Layout
        The ``gpx`` layout (no category of its own).
    chunks : list of Chunk
        One chunk of raw rows (``id``, ``time`` as ISO text, ``lat``, ``lon``, ``name``).

    Raises
    ------
    PingError
        When the XML is refused or not well-formed, or gpxpy cannot read it.
    """
    import gpxpy
    import gpxpy.gpx

    parse_xml(path)  # the same DOCTYPE refusal and well-formedness check as KML
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
            document = gpxpy.parse(handle)
    except gpxpy.gpx.GPXException as error:
        raise PingError(f"not a readable GPX file: {quote(error)}") from None
    records: list[tuple[Any, ...]] = []
    for number, track in enumerate(document.tracks):
        track_id = (track.name or "").strip() or f"{path.stem}-track-{number + 1}"
        for segment in track.segments:
            for point in segment.points:
                records.append(
                    (
                        track_id,
                        point.time.isoformat() if point.time else None,
                        point.latitude,
                        point.longitude,
                        track.name,
                    )
                )
    for number, route in enumerate(document.routes):
        route_id = (route.name or "").strip() or f"{path.stem}-route-{number + 1}"
        for point in route.points:
            records.append(
                (
                    route_id,
                    point.time.isoformat() if point.time else None,
                    point.latitude,
                    point.longitude,
                    route.name,
                )
            )
    for point in document.waypoints:
        records.append(
            (
                (point.name or "").strip() or f"{path.stem}-waypoints",
                point.time.isoformat() if point.time else None,
                point.latitude,
                point.longitude,
                point.name,
            )
        )
    frame = pd.DataFrame(records, columns=["id", "time", "lat", "lon", "name"], dtype=object)
    layout = Layout("gpx", "GPX tracks, routes and waypoints", None, {"name": "name"})
    return layout, [(frame, 1, [])]
