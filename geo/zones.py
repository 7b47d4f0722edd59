"""Maritime zones by distance from the coast: territorial sea, contiguous zone, EEZ, high seas.

For any point, :func:`classify` finds the country it lies in (Natural Earth 1:10m,
offline), the nearest coast, the state that coast belongs to and the geodesic
distance to it, and names the zone by that distance:

====================  ===========================================
internal/land         inside a country polygon (land, lakes, bays NE counts as land)
territorial sea       <= 12 nm from the nearest coast
contiguous zone       12-24 nm
EEZ (approximate)     24-200 nm: from distance alone, NOT from negotiated boundaries
high seas             > 200 nm from every coast
====================  ===========================================

The EEZ here is an approximation: real EEZs follow treaties, median lines and
baselines; ours is "200 nm from the nearest coast of the nearest state". Say so
wherever it is shown (:data:`EEZ_CAVEAT`).

How it is fast and still geodesic (details and measured accuracy: ``docs/analysis.md``):

* The coastline (boundary of the union of all countries) is cut into short chunks
  owned by one state, and the countries into small pieces (quadtree, interior
  cells become rectangles); both are cached on disk once (:func:`coast_index`).
* Points are grouped into 3-degree tiles; per tile the nearby chunks and the points
  are projected to an azimuthal equidistant plane centred on the tile, where the
  nearest chunk and the foot point on it are found; the distance reported is the
  exact WGS 84 geodesic distance (``Geod.inv``) from the point to that foot point.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from shapely.geometry import box

from geo import geodesy

TERRITORIAL_NM = 12.0
CONTIGUOUS_NM = 24.0
EEZ_NM = 200.0

LAND = "internal/land"
TERRITORIAL = "territorial sea"
CONTIGUOUS = "contiguous zone"
EEZ = "EEZ (approximate)"
HIGH_SEAS = "high seas"
ZONES = (LAND, TERRITORIAL, CONTIGUOUS, EEZ, HIGH_SEAS)

BAND_TERRITORIAL = "territorial sea (12 nm)"
BAND_CONTIGUOUS = "contiguous zone (24 nm)"
BAND_EEZ = "EEZ, approximate (200 nm)"

EEZ_CAVEAT = (
    "EEZ approximate: 200 nm from the nearest coast (Natural Earth 1:10m), "
    "not the negotiated maritime boundaries."
)

INDEX_VERSION = 1
CHUNK_SEGMENTS = 16  # coast segments per chunk: short chunks keep nearest-chunk tests cheap
LAND_PIECE_VERTICES = 256  # quadtree split of countries until pieces have at most this many
TILE_DEG = 3.0  # point tiles; with the search margin keeps aeqd scale error < 0.2 %
SEARCH_KM = EEZ_NM * geodesy.KM_PER_NM + 50.0  # coast farther than this cannot change the zone
FAR_SEARCH_KM = 2500.0


@dataclass
class CoastIndex:
    """The prepared coastline and land index (build with :func:`coast_index`).

    Attributes
    ----------
    states : DataFrame
        One row per Natural Earth country: ``name``, ``iso_a3``, ``sovereign``.
    chunks : ndarray of LineString
        Coastline chunks in lon/lat, each owned by one state.
    chunk_owner : ndarray of int
        Row of ``states`` owning each chunk.
    land : ndarray of Polygon
        Country pieces in lon/lat (small, for fast point-in-polygon).
    land_owner : ndarray of int
        Row of ``states`` for each piece.
    """

    states: pd.DataFrame
    chunks: np.ndarray
    chunk_owner: np.ndarray
    land: np.ndarray
    land_owner: np.ndarray
    info: dict = field(default_factory=dict)
    chunk_tree: shapely.STRtree = field(init=False)
    land_tree: shapely.STRtree = field(init=False)

    def __post_init__(self) -> None:
        self.chunk_tree = shapely.STRtree(self.chunks)
        self.land_tree = shapely.STRtree(self.land)


# --- building and caching the index -------------------------------------------------------


def _split_polygon(geom: shapely.Geometry, max_vertices: int) -> list[shapely.Geometry]:
    """Quadtree split until pieces have <= ``max_vertices`` (cells wholly inside become boxes)."""
    out: list[shapely.Geometry] = []
    stack = [p for p in shapely.get_parts(geom) if not p.is_empty]
    while stack:
        part = stack.pop()
        if shapely.get_num_coordinates(part) <= max_vertices:
            out.append(part)
            continue
        xmin, ymin, xmax, ymax = part.bounds
        xmid, ymid = (xmin + xmax) / 2, (ymin + ymax) / 2
        for cell in (
            box(xmin, ymin, xmid, ymid),
            box(xmid, ymin, xmax, ymid),
            box(xmin, ymid, xmid, ymax),
            box(xmid, ymid, xmax, ymax),
        ):
            piece = shapely.intersection(part, cell)
            stack.extend(
                p for p in shapely.get_parts(piece) if p.geom_type == "Polygon" and p.area > 0
            )
    return out


def _coast_chunks(
    coast: shapely.Geometry, land: np.ndarray, land_owner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cut coast rings into chunks of <= CHUNK_SEGMENTS segments, each owned by one state."""
    coords, ring = shapely.get_coordinates(shapely.get_parts(coast), return_index=True)
    same_ring = ring[1:] == ring[:-1]
    starts, ends = coords[:-1][same_ring], coords[1:][same_ring]
    seg_ring = ring[:-1][same_ring]
    # Owner of a segment: the country piece nearest its midpoint (it lies on that boundary).
    mids = shapely.points((starts + ends) / 2)
    tree = shapely.STRtree(land)
    seg_idx, piece_idx = tree.query_nearest(mids, all_matches=False)
    owner = np.empty(len(mids), dtype=np.int32)
    owner[seg_idx] = land_owner[piece_idx]
    n = len(owner)
    new_run = np.ones(n, dtype=bool)
    new_run[1:] = (seg_ring[1:] != seg_ring[:-1]) | (owner[1:] != owner[:-1])
    run_id = np.cumsum(new_run) - 1
    run_start = np.nonzero(new_run)[0]
    position = np.arange(n) - run_start[run_id]
    new_chunk = new_run | (position % CHUNK_SEGMENTS == 0)
    chunk_id = np.cumsum(new_chunk) - 1
    last_of_chunk = np.ones(n, dtype=bool)
    last_of_chunk[:-1] = chunk_id[1:] != chunk_id[:-1]
    vertex_xy = np.concatenate([starts, ends[last_of_chunk]])
    vertex_chunk = np.concatenate([chunk_id, chunk_id[last_of_chunk]])
    order = np.argsort(vertex_chunk, kind="stable")  # starts in order, then the closing end
    chunks = shapely.linestrings(vertex_xy[order], indices=vertex_chunk[order])
    return np.asarray(chunks), owner[new_chunk]


def build_index(countries: gpd.GeoDataFrame | None = None) -> CoastIndex:
    """Build the coast and land index from Natural Earth countries (a few seconds).

    Parameters
    ----------
    countries : GeoDataFrame, optional
        Default :func:`geo.naturalearth.countries`.
    """
    if countries is None:
        from geo import naturalearth

        countries = naturalearth.countries()
    geoms = countries.geometry.values
    pieces: list[shapely.Geometry] = []
    owners: list[int] = []
    for row, geom in enumerate(geoms):
        split = _split_polygon(geom, LAND_PIECE_VERTICES)
        pieces.extend(split)
        owners.extend([row] * len(split))
    land = np.asarray(pieces, dtype=object)
    land_owner = np.asarray(owners, dtype=np.int32)
    # The coast is the boundary of all land together: land borders drop out.
    coast = shapely.boundary(shapely.union_all(geoms))
    chunks, chunk_owner = _coast_chunks(coast, land, land_owner)
    states = pd.DataFrame(
        {
            "name": countries["name"].to_numpy(),
            "iso_a3": countries["iso_a3"].to_numpy(),
            "sovereign": countries["sovereign"].to_numpy(),
        }
    )
    info = {
        "coast_vertices": int(shapely.get_num_coordinates(chunks).sum()),
        "coast_chunks": len(chunks),
        "land_pieces": len(land),
        "land_vertices": int(shapely.get_num_coordinates(land).sum()),
        "source_vertices": int(shapely.get_num_coordinates(geoms).sum()),
    }
    return CoastIndex(states, chunks, chunk_owner, land, land_owner, info)


def cache_dir() -> Path:
    """Where the prepared index is cached: ``$POSTUREMAP_CACHE_DIR`` or ``~/.cache/posturemap``."""
    explicit = os.environ.get("POSTUREMAP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "posturemap"


def _cache_key() -> str:
    from geo import naturalearth

    path = naturalearth.countries_path()
    stat = path.stat()
    parts = (
        INDEX_VERSION,
        CHUNK_SEGMENTS,
        LAND_PIECE_VERTICES,
        path,
        stat.st_size,
        stat.st_mtime_ns,
    )
    text = "|".join(map(str, parts))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _save(index: CoastIndex, path: Path) -> None:
    chunk_xy, chunk_of = shapely.get_coordinates(index.chunks, return_index=True)
    land_wkb = shapely.to_wkb(index.land)
    lengths = np.fromiter((len(b) for b in land_wkb), dtype=np.int64, count=len(land_wkb))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "wb") as stream:
        np.savez(
            stream,
            chunk_xy=chunk_xy,
            chunk_of=chunk_of.astype(np.int32),
            chunk_owner=index.chunk_owner,
            land_wkb=np.frombuffer(b"".join(land_wkb), dtype=np.uint8),
            land_len=lengths,
            land_owner=index.land_owner,
            states=np.frombuffer(index.states.to_json(orient="split").encode(), dtype=np.uint8),
            info=np.frombuffer(json.dumps(index.info).encode(), dtype=np.uint8),
        )
    os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file


def _load(path: Path) -> CoastIndex:
    with np.load(path) as data:
        chunks = shapely.linestrings(data["chunk_xy"], indices=data["chunk_of"])
        blob = data["land_wkb"].tobytes()
        offsets = np.concatenate([[0], np.cumsum(data["land_len"])])
        land = shapely.from_wkb([blob[a:b] for a, b in itertools.pairwise(offsets)])
        states = pd.read_json(io.StringIO(data["states"].tobytes().decode()), orient="split")
        info = json.loads(data["info"].tobytes().decode())
        return CoastIndex(
            states,
            np.asarray(chunks),
            data["chunk_owner"],
            np.asarray(land),
            data["land_owner"],
            info,
        )


@lru_cache(maxsize=1)
def coast_index() -> CoastIndex:
    """The coast and land index, loaded once per process from the on-disk cache (built if absent).

    The cache is keyed by the Natural Earth file and the index parameters; if it
    cannot be written (read-only home) the index is simply kept in memory.
    """
    path = cache_dir() / f"coast-index-{_cache_key()}.npz"
    if path.exists():
        try:
            return _load(path)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    index = build_index()
    with contextlib.suppress(OSError):  # read-only cache: keep the index in memory
        _save(index, path)
    return index


# --- classifying points ------------------------------------------------------------------------


def _window(
    lon0: float, lon1: float, lat0: float, lat1: float, km: float
) -> list[shapely.Geometry]:
    """Lon/lat boxes containing every point within ``km`` of the box (conservative)."""
    dlat = km / 110.5 * 1.05
    south, north = max(lat0 - dlat, -90.0), min(lat1 + dlat, 90.0)
    polar = max(abs(south), abs(north))
    if polar >= 89.0:
        return [box(-180.0, south, 180.0, north)]
    dlon = km / (111.0 * math.cos(math.radians(polar))) * 1.05
    west, east = lon0 - dlon, lon1 + dlon
    if east - west >= 360.0:
        return [box(-180.0, south, 180.0, north)]
    boxes = [box(max(west, -180.0), south, min(east, 180.0), north)]
    if west < -180.0:
        boxes.append(box(west + 360.0, south, 180.0, north))
    if east > 180.0:
        boxes.append(box(-180.0, south, east - 360.0, north))
    return boxes


def _nearest_coast(
    index: CoastIndex, lon: np.ndarray, lat: np.ndarray, search_km: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per point: state row owning the nearest coast, geodesic km to it, and whether it was found.

    ``search_km`` None searches every chunk; otherwise points with no coast within
    ``search_km`` come back not found.
    """
    n = len(lon)
    owner = np.full(n, -1, dtype=np.int64)
    foot_lon = np.full(n, np.nan)
    foot_lat = np.full(n, np.nan)
    tx = np.floor((lon + 180.0) / TILE_DEG).astype(np.int64)
    ty = np.floor((np.clip(lat, -90.0, 89.999999) + 90.0) / TILE_DEG).astype(np.int64)
    keys, inverse = np.unique(tx * 1000 + ty, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(keys) + 1))
    for k in range(len(keys)):
        members = order[bounds[k] : bounds[k + 1]]
        plon, plat = lon[members], lat[members]
        if search_km is None:
            candidates = np.arange(len(index.chunks))
        else:
            boxes = _window(plon.min(), plon.max(), plat.min(), plat.max(), search_km)
            candidates = np.unique(np.concatenate([index.chunk_tree.query(b) for b in boxes]))
        if len(candidates) == 0:
            continue
        clon, clat = geodesy.spherical_centre(plon, plat)
        to_plane = Transformer.from_crs(4326, geodesy.aeqd_crs(clon, clat), always_xy=True)
        px, py = to_plane.transform(plon, plat)
        xy, part = shapely.get_coordinates(index.chunks[candidates], return_index=True)
        cx, cy = to_plane.transform(xy[:, 0], xy[:, 1])
        lines = shapely.linestrings(np.column_stack([cx, cy]), indices=part)
        points = shapely.points(px, py)
        tree = shapely.STRtree(lines)
        # Bounding the search keeps far-off points cheap; they are retried with a wider window.
        limit = None if search_km is None else search_km * 1000.0 * 1.01
        p_idx, l_idx = tree.query_nearest(points, max_distance=limit, all_matches=False)
        feet = shapely.get_coordinates(shapely.shortest_line(points[p_idx], lines[l_idx]))[1::2]
        flon, flat = to_plane.transform(feet[:, 0], feet[:, 1], direction="INVERSE")
        target = members[p_idx]
        owner[target] = index.chunk_owner[candidates[l_idx]]
        foot_lon[target], foot_lat[target] = flon, flat
    found = owner >= 0
    dist = np.full(n, np.inf)
    dist[found] = geodesy.distance_km(lon[found], lat[found], foot_lon[found], foot_lat[found])
    if search_km is not None:
        found &= dist <= search_km  # beyond the window a nearer coast may exist: retry wider
    return owner, dist, found


def classify(lon: object, lat: object, index: CoastIndex | None = None) -> pd.DataFrame:
    """Country, nearest coastal state, distance to the coast and maritime zone of points.

    Parameters
    ----------
    lon, lat : array_like
        Degrees (WGS 84). Non-finite coordinates give nulls.
    index : CoastIndex, optional
        Default :func:`coast_index` (loaded once per process).

    Returns
    -------
    DataFrame
        One row per point: ``country`` and ``country_iso_a3`` (null at sea), ``zone``
        (one of :data:`ZONES`), ``coastal_state``, ``coastal_iso_a3`` and
        ``coastal_sovereign`` (the state whose coast is nearest; the country itself
        on land; null on the high seas), ``coast_nm`` and ``coast_km`` (geodesic
        distance to the nearest coast, for land points too).
    """
    index = index or coast_index()
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    n = len(lon)
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90.0)
    lon_ok = np.where(ok, geodesy.wrap_longitude(np.where(ok, lon, 0.0)), 0.0)
    lat_ok = np.where(ok, lat, 0.0)
    valid = np.nonzero(ok)[0]

    country = np.full(n, -1, dtype=np.int64)
    pts = shapely.points(lon_ok[valid], lat_ok[valid])
    p_idx, piece = index.land_tree.query(pts, predicate="intersects")
    first = np.unique(p_idx, return_index=True)[1]  # on a border: the first piece wins
    country[valid[p_idx[first]]] = index.land_owner[piece[first]]

    owner = np.full(n, -1, dtype=np.int64)
    coast_km = np.full(n, np.nan)
    todo = valid
    for search in (SEARCH_KM, FAR_SEARCH_KM, None):
        if len(todo) == 0:
            break
        o, dist, found = _nearest_coast(index, lon_ok[todo], lat_ok[todo], search)
        owner[todo[found]], coast_km[todo[found]] = o[found], dist[found]
        todo = todo[~found]
    coast_nm = coast_km / geodesy.KM_PER_NM

    zone = np.select(
        [
            ~ok,
            country >= 0,
            coast_nm <= TERRITORIAL_NM,
            coast_nm <= CONTIGUOUS_NM,
            coast_nm <= EEZ_NM,
        ],
        [-1, 0, 1, 2, 3],
        4,
    )
    coastal = np.where(country >= 0, country, np.where(zone == 4, -1, owner))
    states = index.states
    return pd.DataFrame(
        {
            "country": _labels(states["name"], country),
            "country_iso_a3": _labels(states["iso_a3"], country),
            "zone": pd.Categorical.from_codes(zone, categories=list(ZONES)),
            "coastal_state": _labels(states["name"], coastal),
            "coastal_iso_a3": _labels(states["iso_a3"], coastal),
            "coastal_sovereign": _labels(states["sovereign"], coastal),
            "coast_nm": coast_nm,
            "coast_km": coast_km,
        }
    )


def _labels(values: pd.Series, rows: np.ndarray) -> pd.Categorical:
    """Categorical of ``values[rows]`` with -1 meaning null (cheap for a million rows)."""
    categories, codes = np.unique(values.astype(str).to_numpy(), return_inverse=True)
    return pd.Categorical.from_codes(
        np.where(rows >= 0, codes[np.maximum(rows, 0)], -1), categories
    )


def classify_frame(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """:func:`classify` for the representative points of a GeoDataFrame (index kept)."""
    if len(frame) == 0:
        return classify(np.empty(0), np.empty(0)).set_index(frame.index)
    geoms = frame.to_crs(4326).geometry if frame.crs else frame.geometry
    points = geoms.representative_point()
    result = classify(points.x.to_numpy(), points.y.to_numpy())
    return result.set_index(frame.index)


# --- zone bands for drawing -------------------------------------------------------------------

BAND_SIMPLIFY_M = 100.0  # coast simplified before buffering: moves band edges by <= 0.06 nm
MEDIAN_SPACING_M = 2000.0  # coast sampling for the median line between neighbours


def _project_geoms(geoms: np.ndarray, transformer: Transformer) -> np.ndarray:
    def fwd(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fwd)


def _to_lonlat(geom: shapely.Geometry, transformer: Transformer, lon0: float) -> shapely.Geometry:
    def inv(xy: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
        # Continuous longitudes around the centre, then cut at the antimeridian.
        return np.column_stack([lon0 + geodesy.wrap_longitude(np.asarray(lon) - lon0), lat])

    unwrapped = shapely.transform(geom, inv)
    if not unwrapped.is_valid:
        unwrapped = shapely.make_valid(unwrapped)
    return geodesy.split_antimeridian(unwrapped)


CLUSTER_DEG = 10.0  # a state's coast is banded per 10-degree cell, each in its own projection


def _cluster_bands(
    index: CoastIndex, rows: np.ndarray, cluster: np.ndarray
) -> list[shapely.Geometry]:
    """The three bands (lon/lat) around the coast chunks ``cluster`` of the state ``rows``."""
    xy = shapely.get_coordinates(index.chunks[cluster])
    lon0, lat0 = geodesy.spherical_centre(xy[:, 0], xy[:, 1])
    transformer = Transformer.from_crs(4326, geodesy.aeqd_crs(lon0, lat0), always_xy=True)
    coast = shapely.simplify(
        shapely.multilinestrings(_project_geoms(index.chunks[cluster], transformer)),
        BAND_SIMPLIFY_M,
    )
    metres = geodesy.KM_PER_NM * 1000.0
    # Buffers add up (Minkowski sums of discs), so the wide rings grow from the narrow
    # ones, whose smooth outlines simplify to few vertices: buffering the raw coast by
    # 200 nm directly is two orders of magnitude slower. Each step moves edges by at
    # most BAND_SIMPLIFY_M; more segments on wider arcs keep the chord sag < 0.1 nm.
    b12 = shapely.buffer(coast, TERRITORIAL_NM * metres, quad_segs=16)
    b24 = shapely.buffer(
        shapely.simplify(b12, BAND_SIMPLIFY_M),
        (CONTIGUOUS_NM - TERRITORIAL_NM) * metres,
        quad_segs=16,
    )
    b200 = shapely.buffer(
        shapely.simplify(b24, BAND_SIMPLIFY_M), (EEZ_NM - CONTIGUOUS_NM) * metres, quad_segs=48
    )
    outer = [b12, b24, b200]
    # What lies within reach (400 nm), found in lon/lat through a coarse outline.
    reach = shapely.buffer(shapely.simplify(b200, 5000.0), EEZ_NM * metres, quad_segs=4)
    reach_ll = _to_lonlat(reach, transformer, lon0)
    near_land = index.land_tree.query(reach_ll, predicate="intersects")
    land = shapely.union_all(shapely.make_valid(_project_geoms(index.land[near_land], transformer)))
    near_coast = index.chunk_tree.query(reach_ll, predicate="intersects")
    others = near_coast[~np.isin(index.chunk_owner[near_coast], rows)]
    own_near = near_coast[np.isin(index.chunk_owner[near_coast], rows)]

    mine = None
    if len(others):
        # Median line: the sea nearer this state's coast than any other's, from the
        # Voronoi cells of both coasts sampled every MEDIAN_SPACING_M.
        def samples(chunks: np.ndarray) -> np.ndarray:
            lines = shapely.simplify(_project_geoms(chunks, transformer), BAND_SIMPLIFY_M)
            return shapely.get_coordinates(shapely.segmentize(lines, MEDIAN_SPACING_M))

        own_xy = samples(index.chunks[own_near])
        other_xy = samples(index.chunks[others])
        site_xy, first = np.unique(np.concatenate([own_xy, other_xy]), axis=0, return_index=True)
        cells = shapely.get_parts(
            shapely.voronoi_polygons(
                shapely.multipoints(site_xy), extend_to=shapely.envelope(outer[2]), ordered=True
            )
        )
        mine = shapely.coverage_union_all(cells[first < len(own_xy)])

    pieces = []
    for ring in outer:
        band = shapely.difference(ring, land)
        if mine is not None:
            band = shapely.intersection(band, mine)
        pieces.append(_to_lonlat(band, transformer, lon0))
    return pieces


@lru_cache(maxsize=16)
def _bands(iso_a3: str) -> tuple[str, tuple[shapely.Geometry, ...]]:
    index = coast_index()
    states = index.states
    rows = np.nonzero(states["iso_a3"].to_numpy() == iso_a3)[0]
    if len(rows) == 0:
        raise ValueError(f"unknown state {iso_a3!r}: not an iso_a3 code in Natural Earth countries")
    name = str(states["name"].iloc[rows[0]])
    own = np.nonzero(np.isin(index.chunk_owner, rows))[0]
    if len(own) == 0:
        return name, ()  # landlocked: no maritime zones
    first = shapely.get_point(index.chunks[own], 0)
    cell = np.floor(shapely.get_x(first) / CLUSTER_DEG) * 1000 + np.floor(
        shapely.get_y(first) / CLUSTER_DEG
    )
    per_band: list[list[shapely.Geometry]] = [[], [], []]
    for key in np.unique(cell):
        for band, piece in zip(
            per_band, _cluster_bands(index, rows, own[cell == key]), strict=True
        ):
            band.append(piece)
    # Nested distances: each band is its ring minus the one inside it.
    rings = [shapely.make_valid(shapely.union_all(parts)) for parts in per_band]
    bands = [rings[0], rings[1].difference(rings[0]), rings[2].difference(rings[1])]
    return name, tuple(geodesy._polygonal([b]) for b in bands)


def zone_bands(iso_a3: str) -> gpd.GeoDataFrame:
    """The 12, 24 and 200 nm bands of one state, at sea, as polygons to draw.

    Each band is the sea within that distance of the state's coast (Natural Earth
    1:10m) and nearer to it than to any other state's coast (an approximate median
    line). The 200 nm band is an approximate EEZ (:data:`EEZ_CAVEAT`): computed from
    distance, not from negotiated boundaries.

    Parameters
    ----------
    iso_a3 : str
        The state's code in :func:`geo.naturalearth.countries` (e.g. ``"VEN"``).

    Returns
    -------
    GeoDataFrame
        Columns ``state``, ``iso_a3``, ``zone`` (:data:`BAND_TERRITORIAL`,
        :data:`BAND_CONTIGUOUS`, :data:`BAND_EEZ`), ``geometry`` (EPSG:4326, valid);
        empty for a landlocked state.

    Raises
    ------
    ValueError
        For a code that is not in Natural Earth.
    """
    name, pieces = _bands(str(iso_a3).upper())
    zones_ = [BAND_TERRITORIAL, BAND_CONTIGUOUS, BAND_EEZ][: len(pieces)]
    return gpd.GeoDataFrame(
        {
            "state": [name] * len(pieces),
            "iso_a3": [str(iso_a3).upper()] * len(pieces),
            "zone": zones_,
        },
        geometry=[_drop_slivers(piece) for piece in pieces],
        crs="EPSG:4326",
    )


SLIVER_DEG2 = 1e-3
"""Parts of a band smaller than this (~12 km² at the equator) are buffering slivers left along
land borders; the smallest real band, 12 nm around a rock, is about 0.12 deg²."""


def _drop_slivers(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.area >= SLIVER_DEG2]
    return shapely.MultiPolygon(parts) if parts else shapely.MultiPolygon()
