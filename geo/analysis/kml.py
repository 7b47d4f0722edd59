"""A data set for Google Earth: KML or KMZ, its time slider playing the build-up.

:func:`write_kml` builds the document with the standard library's ElementTree, which escapes
every text and attribute (fastkml, which reads KML for ``import``, takes about 10 ms to write
one placemark: a hundred times longer). One folder per layer, and in it one per
category (assets) or kind (bases, places); a TimeSpan on every timed feature (an asset's
report holds until its ``until`` or the asset's next report, so the slider shows each asset
once, where it was) and a TimeStamp on strikes; tracks as ``gx:Track`` with a time per
vertex where they have ``times``, else as lines; every point with its uncertainty circle
(geodesic, :func:`geo.analysis.geodesy.geodesic_circle`) in one MultiGeometry. Descriptions
list the sources, HTML-escaped, links http(s) only; characters XML cannot hold are dropped
from every text. Every property is kept in ExtendedData,
so ``python -m geo import`` reads the file back as it was. A KMZ embeds its icons in
``files/``: the caller may give the map's own symbols as PNG (``icons``, a style per symbol,
and ``styles``, the style of each feature; :mod:`geo.slides.icons` draws them with a
browser, which this stage does not use); every other feature gets an icon per affiliation or
layer (simple coloured shapes; the styles and icons are in :mod:`geo.analysis.kmlstyles`).
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from shapely.geometry import shape

from geo.analysis.geodesy import MAX_RADIUS_KM, geodesic_circle
from geo.analysis.kmlstyles import (
    NOT_XML,
    fallback_icons,
    layer_styles,
    symbol_style,
    text_element,
)
from geo.data import writing
from geo.data.cells import json_text
from geo.data.geometry import LINES
from geo.data.gpkg import publish_file
from geo.data.reading import Dataset
from geo.data.schema import LAYERS, is_http_url, parse_time

KML_NS = "http://www.opengis.net/kml/2.2"
GX_NS = "http://www.google.com/kml/ext/2.2"
_SUBFOLDER = {"assets": "category", "bases": "kind", "places": "kind"}


def write_kml(
    dataset: Dataset,
    out: str | Path,
    *,
    as_of: date | None = None,
    overwrite: bool = False,
    icons: Mapping[str, bytes] | None = None,
    styles: Mapping[str, str] | None = None,
) -> Path:
    """Write the data set as KML (``.kml``) or KMZ with icons (``.kmz``), atomically.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    out : path
        ``*.kml`` or ``*.kmz``.
    as_of : date, optional
        Leave out what was reported after this day (UTC); the history before it stays,
        so the time slider plays the build-up up to that day.
    overwrite : bool
        Replace an existing file.
    icons : mapping of str to bytes, optional
        KMZ only: PNG icons by style id (a style per symbol), stored as
        ``files/<style>.png``; those no placemark uses are left out.
    styles : mapping of str to str, optional
        KMZ only: the style (a key of ``icons``) of each feature id; features not in it,
        or whose style has no icon, keep their affiliation's or layer's style.

    Returns
    -------
    Path

    Raises
    ------
    FileExistsError
        When ``out`` exists and ``overwrite`` is False.
    """
    target = Path(out)
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    kmz = target.suffix.lower() == ".kmz"
    if not kmz:
        text, _ = _document(dataset, as_of, False, {})
        return writing.atomic_write_text(target, text, overwrite=overwrite)
    icons = icons or {}
    chosen = {fid: style for fid, style in (styles or {}).items() if style in icons}
    text, used = _document(dataset, as_of, True, chosen)
    pngs = {**fallback_icons(), **{style: icons[style] for style in sorted(used)}}

    def write(path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("doc.kml", text)  # Google Earth opens the first .kml: this one
            for name, png in pngs.items():
                archive.writestr(f"files/{name}.png", png)

    return publish_file(write, target, overwrite)


def kml_text(
    dataset: Dataset,
    *,
    as_of: date | None = None,
    icons: bool = False,
    styles: Mapping[str, str] | None = None,
) -> str:
    """The KML document of :func:`write_kml`, as text.

    Parameters
    ----------
    dataset : Dataset
        The loaded data.
    as_of : date, optional
        As in :func:`write_kml`.
    icons : bool
        Point the styles at ``files/<style>.png`` (inside a KMZ) rather than Earth's pushpin.
    styles : mapping of str to str, optional
        With ``icons``: the style of each feature id, a style per symbol (see
        :func:`write_kml`).

    Returns
    -------
    str
    """
    return _document(dataset, as_of, icons, styles if icons and styles else {})[0]


def _document(
    dataset: Dataset, as_of: date | None, icons: bool, styles: Mapping[str, str]
) -> tuple[str, set[str]]:
    """The KML text, and the styles of ``styles`` its placemarks use."""
    root = ET.Element("kml", {"xmlns": KML_NS, "xmlns:gx": GX_NS})
    document = ET.SubElement(root, "Document")
    text_element(document, "name", f"posturemap: {dataset.label or 'data'}")
    base_styles = layer_styles(icons)
    document.extend(base_styles)
    used: dict[str, str] = {}  # symbol style -> the affiliation's style (its colours)
    end = pd.Timestamp(as_of + timedelta(days=1), tz="UTC") if as_of is not None else None
    sources = dataset.sources.to_dict("index")  # looked up per feature: a dict, not .loc
    for layer in LAYERS:
        frame = dataset[layer]
        if end is not None and "observed" in frame and len(frame):
            frame = frame[~(frame["observed"] >= end)]
        if not len(frame):
            continue
        ends = _next_reports(frame) if layer == "assets" else {}
        folder = ET.SubElement(document, "Folder")
        text_element(folder, "name", layer)
        column = _SUBFOLDER.get(layer)
        inner: dict[str, ET.Element] = {}
        features = writing.to_feature_collection(frame)["features"]
        groups = sorted(
            features, key=lambda f: str(f["properties"].get(column) or "") if column else ""
        )
        for feature in groups:
            props = feature["properties"]
            parent = folder
            if column and props.get(column):
                name = str(props[column])
                if name not in inner:
                    inner[name] = ET.SubElement(folder, "Folder")
                    text_element(inner[name], "name", name)
                parent = inner[name]
            style = _style_id(layer, props)
            symbol = styles.get(str(props.get("id")))
            if symbol is not None:
                used.setdefault(symbol, style)
            report_end = ends.get(props.get("id"))
            parent.append(_placemark(layer, feature, sources, report_end, symbol or style))
    colours = {style.get("id"): style for style in base_styles}
    at = 1 + len(base_styles)  # styles come before the folders
    for offset, (symbol, style) in enumerate(sorted(used.items())):
        document.insert(at + offset, symbol_style(symbol, colours[style]))
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n", set(used)


def _next_reports(frame: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """Each asset report's end on the slider: its ``until``, else the entity's next report."""
    entity = frame["entity"].where(frame["entity"].notna(), frame["id"])
    ordered = frame.assign(_entity=entity).sort_values("observed")
    following = ordered.groupby("_entity")["observed"].shift(-1)
    ends = ordered["until"].where(ordered["until"].notna(), following)
    return {fid: when for fid, when in zip(ordered["id"], ends, strict=True) if pd.notna(when)}


def _placemark(
    layer: str, feature: dict[str, Any], sources: dict[str, Any], end: Any, style: str
) -> ET.Element:
    props = {k: _plain(v) for k, v in feature["properties"].items()}
    placemark = ET.Element("Placemark")
    text_element(placemark, "name", str(props.get("name") or props.get("id")))
    text_element(placemark, "description", _description(props, sources))
    _times(placemark, layer, props, end)
    text_element(placemark, "styleUrl", f"#{style}")
    extended = ET.SubElement(placemark, "ExtendedData")
    for key, value in props.items():
        data = ET.SubElement(extended, "Data", {"name": NOT_XML.sub("", key)})
        text_element(data, "value", json_text(value))
    placemark.append(_geometry(layer, feature))
    return placemark


def _plain(value: Any) -> Any:
    """A value as the layer files write it: a day ``2025-10-15``, a whole number ``1983``.

    (A layer frame holds midnight datetimes, and whole numbers of an extra column with gaps
    as floats.)
    """
    if isinstance(value, str) and len(value) == 20 and value.endswith("T00:00:00Z"):
        return value[:10]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _style_id(layer: str, props: dict[str, Any]) -> str:
    if layer in ("assets", "bases"):
        return f"{layer}-{props.get('affiliation') or 'friend'}"
    return layer


def _times(placemark: ET.Element, layer: str, props: dict[str, Any], end: Any) -> None:
    observed = props.get("observed")
    if layer in ("bases", "places") or not isinstance(observed, str):
        return
    if layer == "strikes":
        text_element(ET.SubElement(placemark, "TimeStamp"), "when", _kml_time(observed))
        return
    if layer == "tracks" and end is None:
        end = props.get("until") or (props.get("times") or [None])[-1]
    span = ET.SubElement(placemark, "TimeSpan")
    text_element(span, "begin", _kml_time(observed))
    if end is not None:
        text_element(span, "end", _kml_time(end))


def _kml_time(value: Any) -> str:
    """A day as ``2025-10-15``, a time as ``2025-10-15T14:20:00Z`` (KML's dateTime, UTC)."""
    when = value if isinstance(value, pd.Timestamp) else pd.Timestamp(parse_time(str(value)))
    when = when.tz_convert("UTC") if when.tzinfo else when.tz_localize("UTC")
    if (when.hour, when.minute, when.second, when.microsecond) == (0, 0, 0, 0):
        return when.strftime("%Y-%m-%d")
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _geometry(layer: str, feature: dict[str, Any]) -> ET.Element:
    geom = shape(feature["geometry"])
    props = feature["properties"]
    stamps = props.get("times")
    if layer == "tracks" and isinstance(stamps, list) and geom.geom_type in LINES:
        parts = list(getattr(geom, "geoms", [geom]))
        tracks, start = [], 0
        for part in parts:  # the times run over all parts in order
            track = ET.Element("gx:Track")
            coords = list(part.coords)
            for stamp in stamps[start : start + len(coords)]:
                text_element(track, "when", _kml_time(stamp))
            for lon, lat, *_ in coords:
                text_element(track, "gx:coord", f"{lon!r} {lat!r} 0")
            tracks.append(track)
            start += len(coords)
        if len(tracks) == 1:
            return tracks[0]
        multi = ET.Element("gx:MultiTrack")
        multi.extend(tracks)
        return multi
    radius = props.get("uncertainty_km")
    if geom.geom_type == "Point" and isinstance(radius, (int, float)) and radius > 0:
        circle = geodesic_circle(geom.x, geom.y, min(float(radius), MAX_RADIUS_KM), n=72)
        multi = ET.Element("MultiGeometry")
        multi.append(_shape(geom))
        for part in getattr(circle, "geoms", [circle]):
            multi.append(_shape(part, digits=6))
        return multi
    return _shape(geom)


def _shape(geom: Any, digits: int | None = None) -> ET.Element:
    """A shapely geometry as KML (exact coordinates, or rounded to ``digits`` for circles)."""
    kind = geom.geom_type
    if kind.startswith("Multi"):
        multi = ET.Element("MultiGeometry")
        multi.extend(_shape(part, digits) for part in geom.geoms)
        return multi
    if kind == "Polygon":
        polygon = ET.Element("Polygon")
        rings = [("outerBoundaryIs", geom.exterior)] + [
            ("innerBoundaryIs", r) for r in geom.interiors
        ]
        for tag, ring in rings:
            boundary = ET.SubElement(ET.SubElement(polygon, tag), "LinearRing")
            text_element(boundary, "coordinates", _coordinates(ring.coords, digits))
        return polygon
    element = ET.Element(kind)  # Point, LineString
    text_element(element, "coordinates", _coordinates(geom.coords, digits))
    return element


def _coordinates(coords: Any, digits: int | None) -> str:
    if digits is None:
        return " ".join(f"{c[0]!r},{c[1]!r}" for c in coords)
    return " ".join(f"{c[0]:.{digits}f},{c[1]:.{digits}f}" for c in coords)


def _description(props: dict[str, Any], sources: dict[str, Any]) -> str:
    """HTML for Earth's balloon: every value escaped, links http(s) only."""
    rows = []
    for key in ("type", "category", "designation", "kind", "count", "affiliation", "country"):
        if props.get(key) not in (None, ""):
            rows.append(f"<b>{html.escape(key)}</b>: {html.escape(str(props[key]))}")
    for key in ("observed", "until", "uncertainty_km", "confidence", "killed", "target"):
        if key in props and props[key] is not None:
            rows.append(f"<b>{html.escape(key)}</b>: {html.escape(str(props[key]))}")
    if props.get("notes"):
        rows.append(html.escape(str(props["notes"])))
    cited = []
    for sid in props.get("sources") or []:
        record = sources.get(sid)
        title = html.escape(str(record["title"] if record is not None else sid))
        url = record.get("url") if record is not None else None
        if is_http_url(url):
            title = f'<a href="{html.escape(str(url).strip(), quote=True)}">{title}</a>'
        if record is not None:
            origin = f"{record['publisher']}, {record['published']}"
            title += f" ({html.escape(origin)})"
        cited.append(f"<li>{title}</li>")
    if cited:
        rows.append("<b>Sources</b><ul>" + "".join(cited) + "</ul>")
    return "<br/>".join(rows)
