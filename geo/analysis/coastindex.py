"""The coast and land index that maritime zones are computed from, built once and cached on disk.

From Natural Earth 1:10m countries (offline, :func:`geo.analysis.naturalearth.countries`):

* the coastline, the boundary of the union of all countries (land borders drop out), cut
  into short chunks of at most :data:`CHUNK_SEGMENTS` segments, each owned by one state;
* the countries cut into small pieces by a quadtree (cells wholly inside a country become
  rectangles), so a point-in-country test touches one small piece.

:func:`coast_index` loads it once per process from one cache file in
:func:`geo.data.cache.cache_dir`, named by the *content* of the Natural Earth file and these
parameters (:func:`cache_key`), so every install and every copy of the package share it;
writing a new one removes the old ones. On
a miss it is built (about 5 s) under a lock, so threads that ask at once build it once.
Used by :mod:`geo.analysis.zones` (classifying points) and :mod:`geo.analysis.zonebands`
(bands to draw).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from geo.data.cache import cache_dir, content_digest

INDEX_VERSION = 1
CHUNK_SEGMENTS = 16  # coast segments per chunk: short chunks keep nearest-chunk tests cheap
LAND_PIECE_VERTICES = 256  # quadtree split of countries until pieces have at most this many
CACHE_PREFIX = "coast-index-"
STALE_TEMP_S = 3600.0  # a temporary file this old was left by a killed writer


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
    owner = _segment_owners(shapely.points((starts + ends) / 2), land, land_owner)
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


def _segment_owners(mids: np.ndarray, land: np.ndarray, land_owner: np.ndarray) -> np.ndarray:
    """Owner of each coast segment: the country piece its midpoint lies on.

    A midpoint lies on its piece's boundary, so an ``intersects`` query finds it for
    nearly all segments (0.5 s, where a nearest query for all took 6 s); the few that
    rounding puts just off every piece fall back to the nearest piece.
    """
    tree = shapely.STRtree(land)
    seg_idx, piece_idx = tree.query(mids, predicate="intersects")
    first = np.unique(seg_idx, return_index=True)[1]  # pieces of one country touch: any will do
    owner = np.full(len(mids), -1, dtype=np.int32)
    owner[seg_idx[first]] = land_owner[piece_idx[first]]
    missing = np.flatnonzero(owner < 0)
    if len(missing):
        near_idx, near_piece = tree.query_nearest(mids[missing], all_matches=False)
        owner[missing[near_idx]] = land_owner[near_piece]
    return owner


def build_index(countries: gpd.GeoDataFrame | None = None) -> CoastIndex:
    """Build the coast and land index from Natural Earth countries (about 5 s).

    Parameters
    ----------
    countries : GeoDataFrame, optional
        Default :func:`geo.analysis.naturalearth.countries`.
    """
    if countries is None:
        from geo.analysis import naturalearth

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
    # Natural Earth countries tile the land without overlaps: a coverage union gives the same
    # outline as a general union, four times faster.
    coast = shapely.boundary(shapely.coverage_union_all(geoms))
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


def cache_key() -> str:
    """Name of the index for this Natural Earth file: a digest of its bytes and the parameters.

    Content, not path or modification time: every install of the same data shares one
    cache file, and a changed file or parameter gets a new one.
    """
    from geo.analysis import naturalearth

    data = content_digest(naturalearth.countries_path())
    parameters = f"{INDEX_VERSION}|{CHUNK_SEGMENTS}|{LAND_PIECE_VERTICES}|{data}"
    return hashlib.sha256(parameters.encode()).hexdigest()[:16]


def cache_path() -> Path:
    """The cache file of the current index: ``cache_dir() / coast-index-<cache_key()>.npz``."""
    return cache_dir() / f"{CACHE_PREFIX}{cache_key()}.npz"


def _save(index: CoastIndex, path: Path) -> None:
    chunk_xy, chunk_of = shapely.get_coordinates(index.chunks, return_index=True)
    land_wkb = shapely.to_wkb(index.land)
    lengths = np.fromiter((len(b) for b in land_wkb), dtype=np.int64, count=len(land_wkb))
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{CACHE_PREFIX}", suffix=".tmp")
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
    try:
        os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _remove_stale(path)


def _remove_stale(keep: Path) -> None:
    """Remove every other index in ``keep``'s folder, and temporary files of killed writers."""
    now = time.time()
    for old in keep.parent.glob(f"{CACHE_PREFIX}*.npz"):
        if old.name != keep.name:
            with contextlib.suppress(OSError):
                old.unlink()
    for tmp in keep.parent.glob(f".{CACHE_PREFIX}*.tmp"):
        with contextlib.suppress(OSError):
            if now - tmp.stat().st_mtime > STALE_TEMP_S:  # younger: a writer may be at work
                tmp.unlink()


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


_LOCK = threading.Lock()
_INDEX: CoastIndex | None = None


def coast_index() -> CoastIndex:
    """The coast and land index, loaded once per process from the on-disk cache (built if absent).

    Thread-safe: concurrent first calls wait for one load or build. If the cache cannot
    be written (read-only home) the index is simply kept in memory.
    """
    global _INDEX
    if _INDEX is None:
        with _LOCK:
            if _INDEX is None:
                _INDEX = _load_or_build(cache_path())
    return _INDEX


def is_loaded() -> bool:
    """True when :func:`coast_index` will answer at once (the index is in memory)."""
    return _INDEX is not None


def _load_or_build(path: Path) -> CoastIndex:
    if path.exists():
        try:
            return _load(path)
        except (OSError, ValueError, KeyError):
            pass  # a damaged cache is rebuilt below
    index = build_index()
    with contextlib.suppress(OSError):  # read-only cache: keep the index in memory
        _save(index, path)
    return index
