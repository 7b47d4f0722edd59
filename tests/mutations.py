"""Changes to the valid test data set (``tests.factories.valid_layers``), one rule broken each.

Each builder returns a function that edits the layer dicts in place; the validation tests
apply one to a deep copy and look for the one problem line it should cause.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Mutation = Callable[[dict[str, Any]], Any]
"""Edits layer dicts (layer name -> FeatureCollection) in place."""


def set_prop(layer: str, index: int, **values: Any) -> Mutation:
    """Set properties of one feature."""

    def mutate(layers: dict[str, Any]) -> None:
        layers[layer]["features"][index]["properties"].update(values)

    return mutate


def drop_prop(layer: str, index: int, name: str) -> Mutation:
    """Remove one property of one feature."""

    def mutate(layers: dict[str, Any]) -> None:
        del layers[layer]["features"][index]["properties"][name]

    return mutate


def set_geometry(layer: str, index: int, geometry: Any) -> Mutation:
    """Replace one feature's geometry."""

    def mutate(layers: dict[str, Any]) -> None:
        layers[layer]["features"][index]["geometry"] = geometry

    return mutate


def set_feature(layer: str, index: int, **members: Any) -> Mutation:
    """Set members of one feature object (``type``, ``properties``...)."""

    def mutate(layers: dict[str, Any]) -> None:
        layers[layer]["features"][index].update(members)

    return mutate


def replace_file(layer: str, content: Any) -> Mutation:
    """Replace a whole layer file (a dict, or a string written as it is)."""

    def mutate(layers: dict[str, Any]) -> None:
        layers[layer] = content

    return mutate


def polygon_place(ring: list[list[float]]) -> Mutation:
    """Add a place whose geometry is a Polygon with one ring."""

    def mutate(layers: dict[str, Any]) -> None:
        layers["places"]["features"].append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "id": "area",
                    "name": "Area",
                    "kind": "area",
                    "sources": ["src-a"],
                    "confidence": "estimated",
                },
            }
        )

    return mutate
