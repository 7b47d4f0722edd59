"""Weighted clustering of map points, for :mod:`geo.web.framing`: pooling on a grid, a
weighted median and a DBSCAN-like clustering on precomputed distances (numpy only)."""

from __future__ import annotations

import numpy as np

MAX_CELLS = 500
"""Above this many points, points are pooled on a grid first (distances are pairwise)."""


def pool(
    lon: np.ndarray, lat: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pool points on a grid coarse enough for at most :data:`MAX_CELLS` cells.

    Returns each point's cell and each cell's weighted centre and weight (the points
    themselves when there are few).
    """
    if len(lon) <= MAX_CELLS:
        return np.arange(len(lon)), lon, lat, weight
    size = 0.05
    while True:
        keys = np.floor(lon / size).astype(np.int64) * 100_000 + np.floor(lat / size).astype(
            np.int64
        )
        _, cell_of = np.unique(keys, return_inverse=True)
        if cell_of.max() + 1 <= MAX_CELLS:
            break
        size *= 2
    total = np.bincount(cell_of, weights=weight)
    return (
        cell_of,
        np.bincount(cell_of, weights=weight * lon) / total,
        np.bincount(cell_of, weights=weight * lat) / total,
        total,
    )


def weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    """The value at half the total weight (0 for no values or no weight)."""
    if not len(values) or weights.sum() <= 0:
        return 0.0
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def dbscan(dist: np.ndarray, weight: np.ndarray, eps: float, min_core: float) -> np.ndarray:
    """Cluster labels 0..k-1: cores linked within ``eps``; others join the nearest core's.

    A point is a core when the weight within ``eps`` of it (``dist``, pairwise) is at least
    ``min_core``; a point near no core is a cluster of its own.
    """
    near = dist <= eps
    core = near @ weight >= min_core
    labels = np.full(len(weight), -1)
    label = 0
    for start in np.flatnonzero(core):
        if labels[start] >= 0:
            continue
        labels[start] = label
        queue = [start]
        while queue:
            linked = np.flatnonzero(near[queue.pop()] & core & (labels < 0))
            labels[linked] = label
            queue.extend(linked.tolist())
        label += 1
    for i in np.flatnonzero(~core):
        cores = np.flatnonzero(core & near[i])
        if len(cores):
            labels[i] = labels[cores[np.argmin(dist[i, cores])]]
        else:
            labels[i] = label  # alone: a cluster of its own
            label += 1
    return labels
