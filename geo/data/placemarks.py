"""Google Earth placemarks (KML, KMZ) as rows of text cells for :mod:`geo.data.importing`.

Read with fastkml after a pass of the standard library's expat that refuses any DOCTYPE or
ENTITY declaration (no entity is ever expanded or fetched). Each Placemark becomes one
:class:`~geo.data.sheets.Row`: its name, its description (as plain text, into ``notes``),
``observed`` from a TimeStamp or a TimeSpan's begin and ``until`` from its end, the names of
its style and folders (an asset's category: ``Ships``, ``Aircraft``...), and its
ExtendedData fields as further columns. Fields in ExtendedData win over what the KML
elements say, so a file written by ``export kml`` (which records every property there)
comes back exactly as it was.
"""

from __future__ import annotations

import html
import re
import warnings
import zipfile
from typing import Any

from shapely import force_2d
from shapely.geometry import mapping, shape

from geo.data import sheets, xmlsafe
from geo.data.files import unpack_member
from geo.data.schema import LAYERS
from geo.data.sheets import ImportFileError, Row

_TAGS = re.compile(r"<[^>]+>")
_PLACEMARK = re.compile(rb"<(?:\w+:)?Placemark[\s>]")


def read_kmz(data: bytes, label: str, max_file_bytes: int | None = None) -> list[Row]:
    """Read the KML inside a KMZ (a zip): ``doc.kml``, else its first ``.kml`` member.

    Parameters
    ----------
    data : bytes
        The KMZ file.
    label : str
        The file name for messages.
    max_file_bytes : int, optional
        Largest KML once unpacked (default :data:`~geo.data.schema.MAX_FILE_BYTES`),
        counted while unpacking: the sizes the zip states are not trusted.

    Returns
    -------
    list of Row
        As :func:`read_kml`.
    """
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"{label}: not a readable zip (KMZ): {error}") from None
    if not members:
        names = {i.filename for i in archive.infolist()}
        if "xl/workbook.xml" in names or "content.xml" in names:
            raise ImportFileError(f"{label}: a spreadsheet workbook; save it as CSV (UTF-8)")
        raise ImportFileError(f"{label}: a zip without a .kml file in it (not a KMZ)")
    member = next((m for m in members if m.filename.lower() == "doc.kml"), members[0])
    text, problem = unpack_member(archive, member, data, max_file_bytes)
    if problem is not None:
        raise ImportFileError(f"{label}: {problem}")
    return read_kml(text, label)


def read_kml(data: bytes, label: str) -> list[Row]:
    """Read every Placemark of a KML document as a row.

    Parameters
    ----------
    data : bytes
        The KML text.
    label : str
        The file name for messages.

    Returns
    -------
    list of Row
        One per Placemark, numbered from 1 in document order. Under a folder named after a
        layer (as ``export kml`` writes them) a row carries that layer in :attr:`Row.layer`.
    """
    _refuse_doctype(data, label)
    if len(_PLACEMARK.findall(data)) > sheets.MAX_ROWS:  # before a parse taking minutes
        raise sheets.too_many_rows(label)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fastkml warns that lxml is missing
        from fastkml import kml

        try:
            document = kml.KML.from_string(data.decode("utf-8-sig"), strict=False)
        except UnicodeDecodeError as error:
            raise ImportFileError(f"{label}: not UTF-8 text (byte {error.start})") from None
        except RecursionError:
            raise ImportFileError(f"{label}: elements nested too deeply") from None
        except Exception as error:  # fastkml raises several kinds on malformed KML
            raise ImportFileError(f"{label}: not readable KML: {error}") from None
        rows: list[Row] = []
        try:
            _walk(document, [], None, rows)
        except RecursionError:
            raise ImportFileError(f"{label}: folders nested too deeply") from None
    return rows


def _refuse_doctype(data: bytes, label: str) -> None:
    try:
        xmlsafe.parse_xml(data)
    except xmlsafe.UnsafeXML as error:
        raise ImportFileError(f"{label}: {error}") from None


def _walk(container: Any, folders: list[str], layer: str | None, rows: list[Row]) -> None:
    for item in getattr(container, "features", None) or []:
        if type(item).__name__ == "Placemark":
            rows.append(_row(item, folders, layer, len(rows) + 1))
            continue
        name = (item.name or "").strip()
        inner = name if layer is None and name in LAYERS else layer
        _walk(item, [*folders, name], inner, rows)


def _row(placemark: Any, folders: list[str], layer: str | None, number: int) -> Row:
    cells: dict[str, Any] = {}
    extended = placemark.extended_data
    for element in getattr(extended, "elements", None) or []:
        if type(element).__name__ == "Data" and element.name:
            cells[element.name] = element.value or ""
    has_data = bool(cells)
    if placemark.name and "name" not in cells:
        cells["name"] = placemark.name.strip()
    if placemark.description and not has_data:  # with ExtendedData, the description shows it
        text = html.unescape(_TAGS.sub(" ", placemark.description))
        cells["notes"] = " ".join(text.split())
    if "observed" not in cells:
        cells.update(_times(placemark.times))
    style = placemark.style_url.url.lstrip("#") if placemark.style_url else ""
    words = [] if has_data else [style, *reversed(folders)]
    geometry = None
    try:
        if placemark.geometry is not None:
            geometry = _point_first(mapping(force_2d(shape(placemark.geometry))))
    except Exception:  # a geometry shapely cannot take: the row says it has no position
        geometry = None
    return Row(number, "placemark", cells, geometry, layer=layer, words=words)


def _times(times: Any) -> dict[str, str]:
    if times is None:
        return {}
    if type(times).__name__ == "TimeStamp":
        return {"observed": _kml_time(times.timestamp)} if times.timestamp else {}
    out = {}
    if times.begin is not None:
        out["observed"] = _kml_time(times.begin)
    if times.end is not None:
        out["until"] = _kml_time(times.end)
    return out


def _kml_time(value: Any) -> str:
    when = value.dt
    if not hasattr(when, "hour"):
        return when.isoformat()
    if when.tzinfo is not None:
        from datetime import timezone

        when = when.astimezone(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _point_first(geometry: dict[str, Any]) -> dict[str, Any]:
    """A MultiGeometry of a point and its circle (as ``export kml`` writes) is the point."""
    if geometry.get("type") == "GeometryCollection":
        points = [g for g in geometry["geometries"] if g.get("type") == "Point"]
        if len(points) == 1:
            return points[0]
    return geometry
