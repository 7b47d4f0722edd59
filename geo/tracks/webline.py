"""Vertices added to long segments so that a web map's straight lines stay near the pings.

Every web map draws a segment as a straight line in *its* projection, Web Mercator, whose
straight lines are (nearly) loxodromes: over a 500 km segment at 72 degrees north one strays
kilometres from the geodesic. The simplified line's guarantee is about the straight segment
in the simplification's transverse Mercator plane (:mod:`geo.tracks.simplify`), so points are
added on that segment, and so close together that between two of them the Web Mercator
straight line stays within ``deviation_m`` of it. With the simplification run at
``tolerance - deviation``, every raw ping is within the tolerance of the line as drawn.

The spacing comes from the curvature of a Web Mercator straight line on the ground
(``tan(latitude) / R``, plus that of the transverse Mercator chord, ``|x| / R**2``): a sagitta
``kappa * L**2 / 8 <= deviation`` gives the spacing ``L``. Each piece is then checked (the
Web Mercator chord at 1/4, 1/2, 3/4 measured against the plane segment) and split further
until it passes. Added vertices get times interpolated along the segment.
"""

from __future__ import annotations

import numpy as np

from geo.tracks.simplify import part_centres, part_index, project

WEB_SHARE = 0.1
"""Share of the tolerance left for Web Mercator's straight lines between added vertices."""
_R_MIN = 6_335_439.0  # smallest radius of curvature of WGS 84 (meridian, at the equator)
_R_WEB = 6_378_137.0  # Web Mercator's sphere
_MAX_LAT = 85.0511287798  # Web Mercator's edge
_ROUNDS = 8


def budget(tolerance_m: float) -> tuple[float, float]:
    """Split a tolerance between the simplification and the web map's drawing.

    Parameters
    ----------
    tolerance_m : float
        Largest distance allowed from a raw ping to the line as drawn.

    Returns
    -------
    simplify_m : float
        Tolerance for Douglas-Peucker.
    deviation_m : float
        Largest distance allowed between a Web Mercator straight line and the segment.
    """
    return tolerance_m * (1 - WEB_SHARE), tolerance_m * WEB_SHARE


def _to_web(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    phi = np.radians(np.clip(lat, -_MAX_LAT, _MAX_LAT))
    return np.radians(lon) * _R_WEB, _R_WEB * np.log(np.tan(np.pi / 4 + phi / 2))


def _from_web(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.degrees(x / _R_WEB), np.degrees(2 * np.arctan(np.exp(y / _R_WEB)) - np.pi / 2)


def densify(
    lon: np.ndarray,
    lat: np.ndarray,
    t: np.ndarray,
    part: np.ndarray,
    kept: np.ndarray,
    deviation_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Add vertices to the kept segments so Web Mercator chords stay within ``deviation_m``.

    Parameters
    ----------
    lon, lat, t, part : ndarray
        All vertices (degrees, int64 ns, part number), as given to
        :func:`geo.tracks.simplify.simplify`.
    kept : ndarray of int
        Indices of the vertices kept by the simplification, sorted.
    deviation_m : float
        Largest distance allowed from a Web Mercator straight line between two output
        vertices to the simplified segment; 0 adds nothing.

    Returns
    -------
    tuple
        ``lon``, ``lat``, ``t``, ``part`` of the output vertices; ``source``, the index in
        the input of each output vertex (-1 for an added one); and the number added.
    """
    k_lon, k_lat, k_t, k_part = lon[kept], lat[kept], t[kept], part[kept]
    source = np.asarray(kept, dtype="int64")
    if len(kept) < 2 or deviation_m <= 0:
        return k_lon, k_lat, k_t, k_part, source, 0
    centre, too_wide = part_centres(lon, part)
    which = part_index(part)[kept]
    lon0 = centre[which]
    # Segments between consecutive kept vertices of one part that the bound is about.
    seg = np.flatnonzero((k_part[1:] == k_part[:-1]) & ~too_wide[which[:-1]])
    x, y = project(k_lon, k_lat, lon0)
    pieces = np.ones(len(kept) - 1, dtype="int64")
    pieces[seg], margin = _initial_pieces(x, y, k_lat, lon0, seg, deviation_m)
    # Check the pieces whose estimate is not far below the bound; split those that fail.
    check = seg[margin > 0.25]
    for _ in range(_ROUNDS):
        if len(check) == 0:
            break
        check = check[_failing(x, y, lon0, check, pieces[check], deviation_m)]
        pieces[check] *= 2
    added = int((pieces - 1).sum())
    if added == 0:
        return k_lon, k_lat, k_t, k_part, source, 0
    seg_of, frac = _fractions(pieces)
    a, b = seg_of, seg_of + 1
    out_x = np.r_[x[a] + frac * (x[b] - x[a]), x[-1]]
    out_y = np.r_[y[a] + frac * (y[b] - y[a]), y[-1]]
    out_t = np.r_[k_t[a] + np.round(frac * (k_t[b] - k_t[a])).astype("int64"), k_t[-1]]
    out_part = np.r_[k_part[a], k_part[-1]]
    out_source = np.r_[np.where(frac == 0, source[a], -1), source[-1]]
    original = out_source >= 0
    out_lon, out_lat = lon[np.maximum(out_source, 0)], lat[np.maximum(out_source, 0)]
    new = np.flatnonzero(~original)
    new_lon, out_lat[new] = project(out_x[new], out_y[new], np.r_[lon0[a], 0.0][new], True)
    # An added vertex next to +-180 stays on its part's side of the antimeridian.
    start_lon = k_lon[seg_of[new]]
    new_lon = np.where(new_lon - start_lon > 180, new_lon - 360, new_lon)
    new_lon = np.where(start_lon - new_lon > 180, new_lon + 360, new_lon)
    out_lon[new] = np.clip(new_lon, -180.0, 180.0)
    return out_lon, out_lat, out_t, out_part, out_source, added


def _initial_pieces(
    x: np.ndarray,
    y: np.ndarray,
    lat: np.ndarray,
    lon0: np.ndarray,
    seg: np.ndarray,
    deviation_m: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Pieces per segment from the curvature bound, and each piece's estimated sagitta share."""
    a, b = seg, seg + 1
    length = np.hypot(x[b] - x[a], y[b] - y[a])  # plane length >= ground length (scale >= 1)
    _, mid_lat = project((x[a] + x[b]) / 2, (y[a] + y[b]) / 2, lon0[a], inverse=True)
    highest = np.maximum.reduce([np.abs(lat[a]), np.abs(lat[b]), np.abs(mid_lat)])
    phi = np.radians(np.minimum(highest + 0.5, _MAX_LAT))
    kappa = np.tan(phi) / _R_MIN + np.maximum(np.abs(x[a]), np.abs(x[b])) / _R_MIN**2
    spacing = np.sqrt(8 * deviation_m / kappa)
    pieces = np.maximum(1, np.ceil(length / spacing)).astype("int64")
    sagitta = kappa * (length / pieces) ** 2 / 8
    return pieces, sagitta / deviation_m


def _fractions(pieces: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every output vertex but the last: its segment and its fraction along it."""
    seg_of = np.repeat(np.arange(len(pieces)), pieces)
    starts = np.cumsum(pieces) - pieces
    step = np.arange(len(seg_of)) - np.repeat(starts, pieces)
    return seg_of, step / pieces[seg_of]


def _failing(
    x: np.ndarray,
    y: np.ndarray,
    lon0: np.ndarray,
    seg: np.ndarray,
    pieces: np.ndarray,
    deviation_m: float,
) -> np.ndarray:
    """Which segments have a piece whose Web Mercator chord strays past ``deviation_m``.

    The chord is sampled at 1/4, 1/2 and 3/4 (in Web Mercator), taken back to the plane
    and measured against the straight plane segment; a plane distance is never shorter
    than on the ground (scale >= 1), so passing here is passing on the ground.
    """
    within, frac = _fractions(pieces)
    seg_of = seg[within]
    a, b = seg_of, seg_of + 1
    step = 1 / pieces[within]
    ends = []
    for offset in (0.0, 1.0):
        px = x[a] + (frac + offset * step) * (x[b] - x[a])
        py = y[a] + (frac + offset * step) * (y[b] - y[a])
        ends.append(_to_web(*project(px, py, lon0[a], inverse=True)))
    (wx0, wy0), (wx1, wy1) = ends
    dx, dy = x[b] - x[a], y[b] - y[a]
    norm = np.hypot(dx, dy)
    worst = np.zeros(len(seg_of))
    for share in (0.25, 0.5, 0.75):
        lon_s, lat_s = _from_web(wx0 + share * (wx1 - wx0), wy0 + share * (wy1 - wy0))
        sx, sy = project(lon_s, lat_s, lon0[a])
        off = np.abs((sx - x[a]) * dy - (sy - y[a]) * dx) / np.where(norm > 0, norm, 1)
        worst = np.maximum(worst, off)
    bad = np.zeros(len(seg), dtype=bool)
    np.logical_or.at(bad, within, worst > deviation_m)
    return bad
