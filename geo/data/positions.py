"""Positions typed by people: decimal degrees, degrees-minutes-seconds and MGRS, in one parser.

:func:`parse_position` reads the spellings analysts copy from maps, reports and spreadsheets:

- decimal ``lat, lon`` as Google Maps copies it (``10.6, -66.9``), or with hemisphere letters
  before or after (``10.6N 66.9W``, ``N10.6 W66.9``);
- degrees, minutes and seconds (``10°36'00"N 66°56'00"W``, ``10 36 00 N, 66 56 00 W``,
  ``10:36:00N 66:56:00W``, degrees and decimal minutes ``10°36.5'N``), and the compact
  ``DDMMSSN DDDMMSSW`` of military messages (``103600N0665600W``, ``1036N06656W``);
- MGRS (``19PGM2976725``, ``19P GM 2976 7252``), read with the ``mgrs`` package.

Without hemisphere letters the order is latitude then longitude (as maps copy it, the
reverse of GeoJSON's order). Every position says how precisely its text pins it down
(:attr:`Position.precision_km`): a number typed to one decimal of a degree (``10.6``) may
be anywhere in a cell 0.1° wide, an MGRS reference of 4+4 digits anywhere in a 1 km square.
Importers take it as the least uncertainty the position can have.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass

from geo.data.schema import short_repr

KM_PER_DEGREE = 111.32
"""Length of a degree of latitude (and of longitude at the equator), in km, for precisions."""

_SYMBOLS = str.maketrans(
    {"º": "°", "˚": "°", "′": "'", "’": "'", "‘": "'", "″": '"', "”": '"', "“": '"', "−": "-"}
)
_MGRS = re.compile(
    r"^(\d{1,2})\s*([C-HJ-NP-X])\s*([A-HJ-NP-Z]{2})\s*(\d{0,10})\s*(\d{0,5})$", re.IGNORECASE
)
_COMPACT = re.compile(
    r"^(\d{2})(\d{2})(\d{2}(?:\.\d+)?)?([NS])\s*,?\s*(\d{3})(\d{2})(\d{2}(?:\.\d+)?)?([EW])$"
)
_PART = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[°:'\"\s]+\d+(?:\.\d+)?){0,2}[°'\"]*$")
_BANDS = "CDEFGHJKLMNPQRSTUVWX"  # MGRS latitude bands, 8 degrees each from 80 S (X: 12)
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


class PositionError(ValueError):
    """A text that is not a position; the message quotes the text and says why."""


@dataclass(frozen=True)
class Position:
    """A position read from text.

    Attributes
    ----------
    lat, lon : float
        WGS 84 degrees; for MGRS the centre of the grid square.
    precision_km : float
        Radius, in km, of the circle around the position that holds every place the text
        could mean (the rounding of its last digit, or the MGRS grid square): the least
        ``uncertainty_km`` the position can honestly have. 0 for exact numbers.
    notation : str
        ``decimal``, ``dms`` or ``mgrs``.
    """

    lat: float
    lon: float
    precision_km: float
    notation: str


def parse_position(text: str) -> Position:
    """Read a position typed as decimal degrees, degrees-minutes-seconds or MGRS.

    Parameters
    ----------
    text : str
        E.g. ``10.6, -66.9``, ``10.6N 66.9W``, ``10°36'00"N 66°56'00"W``,
        ``10 36 00 N, 66 56 00 W``, ``103600N0665600W`` or ``19PGM2976725``.

    Returns
    -------
    Position

    Raises
    ------
    PositionError
        Naming the text and what is wrong with it (unreadable, out of range, two
        latitudes, minutes of 60 or more...).
    """
    if not isinstance(text, str):
        raise PositionError(f"a position must be text, got {short_repr(text)}")
    clean = " ".join(text.translate(_SYMBOLS).split()).upper()
    if not clean:
        raise PositionError("empty position")
    try:
        mgrs_match = _MGRS.match(clean)
        if mgrs_match:
            return _from_mgrs(mgrs_match)
        compact = _COMPACT.match(clean)
        if compact:
            return _from_compact(compact.groups())
        return _from_pair(clean)
    except PositionError as error:
        raise PositionError(f"{short_repr(text)}: {error}") from None


def _from_mgrs(match: re.Match[str]) -> Position:
    import mgrs

    zone, band, square, east, north = match.groups()
    if not north:  # the digits written together: easting and northing share them
        if len(east) % 2:
            raise PositionError("an MGRS reference needs as many easting as northing digits")
        half = len(east) // 2
        east, north = east[:half], east[half:]
    if len(east) != len(north) or len(east) > 5:
        raise PositionError("an MGRS reference needs 0 to 5 easting and as many northing digits")
    digits = len(east)
    side_m = 10.0 ** (5 - digits)
    if digits < 5:  # one more digit, 5, puts the point in the middle of the grid square
        east, north = east + "5", north + "5"
    try:
        with warnings.catch_warnings():
            # mgrs warns (and still answers) when the point lies outside the latitude band:
            # the square's centre may, where the square straddles the band's edge.
            warnings.simplefilter("ignore", RuntimeWarning)
            lat, lon = mgrs.MGRS().toLatLon(f"{int(zone):02d}{band}{square}{east}{north}")
    except Exception:  # mgrs raises its own MGRSError (and others on odd input)
        raise PositionError("not a valid MGRS reference (grid zone or square)") from None
    south = -80.0 + 8.0 * _BANDS.index(band)
    north_edge = south + (12.0 if band == "X" else 8.0)
    reach = side_m / 1000.0 / KM_PER_DEGREE  # the square's half-height, with room to spare
    if lat + reach < south or lat - reach > north_edge:
        raise PositionError(f"the square {square} lies outside latitude band {band}")
    # A circle of the square's side around its centre holds the whole square.
    return Position(float(lat), float(lon), side_m / 1000.0, "mgrs")


def _from_compact(groups: tuple[str | None, ...]) -> Position:
    lat_d, lat_m, lat_s, ns, lon_d, lon_m, lon_s, ew = groups
    lat = _combine(lat_d, lat_m, lat_s, ns)
    lon = _combine(lon_d, lon_m, lon_s, ew)
    return _checked(lat, lon, "dms")


def _combine(
    degrees: str | None, minutes: str | None, seconds: str | None, hemisphere: str
) -> tuple[float, float, str]:
    parts = [p for p in (degrees, minutes, seconds) if p is not None]
    return _value(parts, hemisphere, "")


def _from_pair(clean: str) -> Position:
    first, second = _split(clean)
    values = [_coordinate(part) for part in (first, second)]
    axes = [axis for _, _, axis in values]
    if axes[0] and axes[0] == axes[1]:
        word = "latitudes" if axes[0] == "lat" else "longitudes"
        raise PositionError(f"two {word} (hemisphere letters {first[-1:]} and {second[-1:]})")
    if axes[0] == "lon" or axes[1] == "lat":
        values.reverse()
    notation = "dms" if len(_NUMBER.findall(clean)) > 2 else "decimal"
    return _checked(values[0], values[1], notation)


def _split(clean: str) -> tuple[str, str]:
    """Cut the text into its latitude and longitude parts."""
    letters = [m.start() for m in re.finditer(r"[NSEW]", clean)]
    if len(letters) == 2:
        if clean[-1] in "NSEW":  # letters after the numbers: 10.6N 66.9W
            cut = letters[0] + 1
        elif clean[0] in "NSEW":  # letters before: N10.6 W66.9
            cut = letters[1]
        else:
            raise PositionError("hemisphere letters must come all before or all after numbers")
        return clean[:cut].strip(" ,;"), clean[cut:].strip(" ,;")
    if letters:
        raise PositionError("give a hemisphere letter (N/S and E/W) for both or neither")
    for separator in (";", ","):
        if clean.count(separator) == 1:
            first, second = clean.split(separator)
            return first.strip(), second.strip()
    tokens = clean.split()
    if len(tokens) in (2, 4, 6):  # lat lon, or D M D M, or D M S D M S
        half = len(tokens) // 2
        return " ".join(tokens[:half]), " ".join(tokens[half:])
    raise PositionError(
        "not a position: expected latitude and longitude (10.6, -66.9 or 10.6N 66.9W), "
        "degrees-minutes-seconds (10°36'00\"N 66°56'00\"W) or MGRS (19PGM2976725)"
    )


def _coordinate(part: str) -> tuple[float, float, str]:
    """One coordinate: its signed degrees, its step in degrees, and its axis (lat/lon/"")."""
    hemisphere = ""
    if part[:1] in ("N", "S", "E", "W"):
        hemisphere, part = part[0], part[1:].strip()
    elif part[-1:] in ("N", "S", "E", "W"):
        hemisphere, part = part[-1], part[:-1].strip()
    if not _PART.match(part):
        raise PositionError(f"cannot read {short_repr(part)} as degrees")
    sign = -1.0 if part.startswith("-") else 1.0
    if sign < 0 and hemisphere:
        raise PositionError(f"{short_repr(part + hemisphere)}: a minus sign and a hemisphere")
    value, step, axis = _value(_NUMBER.findall(part), hemisphere, part)
    return sign * value, step, axis


def _value(parts: list[str], hemisphere: str, shown: str) -> tuple[float, float, str]:
    """Degrees (and minutes, seconds) to signed degrees, the last digit's step, the axis."""
    if any("." in p for p in parts[:-1]):
        where = short_repr(shown or " ".join(parts))
        raise PositionError(
            f"{where}: only the last part (degrees, minutes or seconds) has a fraction"
        )
    numbers = [float(p) for p in parts]
    for number, unit in zip(numbers[1:], ("minutes", "seconds"), strict=False):
        if number >= 60:
            raise PositionError(f"{number:g} {unit} (must be under 60)")
    value = sum(n / 60.0**i for i, n in enumerate(numbers))
    decimals = len(parts[-1].partition(".")[2])
    step = 10.0**-decimals / 60.0 ** (len(parts) - 1)
    if hemisphere in ("S", "W"):
        value = -value
    axis = {"N": "lat", "S": "lat", "E": "lon", "W": "lon"}.get(hemisphere, "")
    return value, step, axis


def _checked(
    lat: tuple[float, float, str], lon: tuple[float, float, str], notation: str
) -> Position:
    lat_value, lat_step, _ = lat
    lon_value, lon_step, _ = lon
    if not math.isfinite(lat_value) or abs(lat_value) > 90:
        hint = "; the order is latitude, longitude" if abs(lon_value) <= 90 else ""
        raise PositionError(f"latitude {lat_value:g} is out of range -90..90{hint}")
    if not math.isfinite(lon_value) or abs(lon_value) > 180:
        raise PositionError(f"longitude {lon_value:g} is out of range -180..180")
    # Half the last digit's step on each axis, as the radius of a circle around the cell.
    north_km = lat_step / 2 * KM_PER_DEGREE
    east_km = lon_step / 2 * KM_PER_DEGREE * math.cos(math.radians(lat_value))
    return Position(lat_value, lon_value, math.hypot(north_km, east_km), notation)
