"""Maritime zone bands to draw: the 12, 24 and 200 nm sea around one state, as polygons.

:func:`zone_bands` buffers the state's coast (from :func:`geo.analysis.coastindex.coast_index`) in
azimuthal equidistant projections, one per 10-degree cell of its coast, removes land, and
keeps the sea nearer to this state than to any neighbour (an approximate median line from
Voronoi cells of both coasts). The distances (12, 24, 200 nm) come from
:mod:`geo.analysis.zones`; the
200 nm band is an approximate EEZ (:data:`geo.analysis.zones.EEZ_CAVEAT`). Measured accuracy:
``docs/analysis.md``.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer

from geo.analysis import geodesy
from geo.analysis.coastindex import CoastIndex, coast_index
from geo.analysis.zones import CONTIGUOUS_NM, EEZ_NM, TERRITORIAL_NM

BAND_TERRITORIAL = "territorial sea (12 nm)"
BAND_CONTIGUOUS = "contiguous zone (24 nm)"
BAND_EEZ = "EEZ, approximate (200 nm)"

BAND_SIMPLIFY_M = 100.0  # coast simplified before buffering: moves band edges by <= 0.06 nm
MEDIAN_SPACING_M = 2000.0  # coast sampling for the median line between neighbours
LAND_EDGE_DEG = 0.1  # longest land edge before projecting (about 11 km)
CLUSTER_DEG = 10.0  # a state's coast is banded per 10-degree cell, each in its own projection

SLIVER_DEG2 = 1e-3
"""Parts of a band smaller than this (~12 km² at the equator) are buffering slivers left along
land borders; the smallest real band, 12 nm around a rock, is about 0.12 deg²."""


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


def _cluster_bands(
    index: CoastIndex, rows: np.ndarray, cluster: np.ndarray
) -> list[shapely.Geometry]:
    """The three bands (lon/lat) around the coast chunks ``cluster`` of the state ``rows``."""
    xy = shapely.get_coordinates(index.chunks[cluster])
    lon0, lat0 = geodesy.spherical_centre(xy[:, 0], xy[:, 1])
    transformer = geodesy.aeqd_transformer(lon0, lat0)
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
    # The land pieces are quadtree cells: a large cell's straight edge meets two small ones at
    # a vertex it lacks, and once projected the edges part, leaving slivers of "sea" inland.
    # Edges cut into short steps follow each other closely enough to union without gaps.
    pieces = shapely.segmentize(index.land[near_land], LAND_EDGE_DEG)
    land = shapely.union_all(shapely.make_valid(_project_geoms(pieces, transformer)))
    near_coast = index.chunk_tree.query(reach_ll, predicate="intersects")
    others = near_coast[~np.isin(index.chunk_owner[near_coast], rows)]
    own_near = near_coast[np.isin(index.chunk_owner[near_coast], rows)]

    internal = _internal_waters(reach, land, index, rows, near_coast, transformer)
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
        if internal is not None:
            band = shapely.difference(band, internal)
        if mine is not None:
            band = shapely.intersection(band, mine)
        pieces.append(_to_lonlat(band, transformer, lon0))
    return pieces


def _internal_waters(
    window: shapely.Geometry,
    land: shapely.Geometry,
    index: CoastIndex,
    rows: np.ndarray,
    near_coast: np.ndarray,
    transformer: Transformer,
) -> shapely.Geometry | None:
    """Water in ``window`` that is no sea of this state's zones (projected metres), or None.

    Lakes (water that does not reach the window's edge) are not sea at all. A basin whose
    mouth is narrower than 24 nm and whose shores are all this state's (Lake Maracaibo) is
    internal water, as a bay closed by a 24 nm line is under UNCLOS art. 10: it is found by
    eroding the water by 12 nm, which closes such mouths, and growing each enclosed part back.
    """
    water = shapely.difference(window, land)
    edge = shapely.buffer(shapely.boundary(window), 1000.0, quad_segs=2)
    out = [part for part in shapely.get_parts(water) if not part.intersects(edge)]  # lakes
    closing = TERRITORIAL_NM * geodesy.KM_PER_NM * 1000.0
    core = shapely.buffer(water, -closing, quad_segs=4)
    parts = [p for p in shapely.get_parts(core) if not p.intersects(edge)]
    if parts:
        coast = _project_geoms(index.chunks[near_coast], transformer)
        owners = index.chunk_owner[near_coast]
        for part in parts:
            basin = shapely.intersection(shapely.buffer(part, closing * 1.05, quad_segs=8), water)
            shore = shapely.intersects(coast, shapely.buffer(basin, 2000.0, quad_segs=2))
            if shore.any() and np.isin(owners[shore], rows).all():
                out.append(basin)
    return shapely.union_all(out) if out else None


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
    line). The 200 nm band is an approximate EEZ (:data:`geo.analysis.zones.EEZ_CAVEAT`):
    computed from
    distance, not from negotiated boundaries.

    Parameters
    ----------
    iso_a3 : str
        The state's code in :func:`geo.analysis.naturalearth.countries` (e.g. ``"VEN"``).

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


def _drop_slivers(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [p for p in getattr(geom, "geoms", [geom]) if p.area >= SLIVER_DEG2]
    return shapely.MultiPolygon(parts) if parts else shapely.MultiPolygon()
