"""Map symbols as SVG data URLs: APP-6 / MIL-STD-2525D for assets and bases, own shapes otherwise.

Asset symbols come from the ``milsymbol`` package (a pure-Python port of milsymbol.js):
the frame shows affiliation (friend blue rectangle/arc, hostile red diamond, neutral green
square, unknown yellow quatrefoil), the icon the category. Strikes and places use simple
shapes of our own, so strikes and bases are distinct at a glance on any basemap.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache

from milsymbol import Symbol

from geo.data.cache import json_cached, package_version

SIZE = 26
"""Nominal symbol size in pixels passed to milsymbol (the frame is about this tall)."""

IDENTITY = {"friend": "3", "hostile": "6", "neutral": "4", "unknown": "1"}

# (symbol set, entity) of MIL-STD-2525D for each asset category.
CATEGORY_SIDC = {
    "ship": ("30", "120000"),  # sea surface: military combatant
    "submarine": ("35", "110000"),  # subsurface: military submarine
    "aircraft": ("01", "110100"),  # air: military fixed wing
    "helicopter": ("01", "110200"),  # air: military rotary wing
    "drone": ("01", "110300"),  # air: unmanned aircraft
    "ground": ("10", "121100"),  # land unit: infantry
    "special": ("10", "121800"),  # land unit: special operations forces
}
INSTALLATION = ("20", "120000")  # land installation: military base


def sidc(category: str, affiliation: str = "friend") -> str:
    """Return the 20-digit 2525D symbol code for an asset category and affiliation."""
    symbol_set, entity = CATEGORY_SIDC.get(category, CATEGORY_SIDC["special"])
    identity = IDENTITY.get(affiliation, IDENTITY["unknown"])
    return f"100{identity}{symbol_set}0000{entity}0000"


# Kept on disk: the first symbol of a process reads all of milsymbol's data (~0.65 s).
@json_cached("symbol", lambda: f"{package_version('milsymbol')}|{SIZE}", keep=1024)
def _svg(code: str) -> str:
    return Symbol(code, size=SIZE).as_svg()


def _data_url(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@lru_cache(maxsize=1024)
def sidc_symbol(code: str) -> str:
    """SVG data URL of the APP-6 symbol of a 20-digit SIDC (:mod:`geo.web.sidc` makes them).

    Parameters
    ----------
    code : str
        The symbol code: entity from the asset's type, frame from its affiliation.

    Returns
    -------
    str
        A ``data:image/svg+xml`` URL. No text amplifiers: a designation or a quantity in the
        symbol would make one image per asset; the map's labels carry them instead.
    """
    return _data_url(_svg(code))


@lru_cache(maxsize=64)
def asset_symbol(category: str, affiliation: str = "friend") -> str:
    """SVG data URL of the APP-6 symbol of an asset category and affiliation."""
    return _data_url(_svg(sidc(category, affiliation)))


@lru_cache(maxsize=8)
def base_symbol(affiliation: str = "friend") -> str:
    """SVG data URL of a military installation (base) symbol."""
    identity = IDENTITY.get(affiliation, IDENTITY["unknown"])
    code = f"100{identity}{INSTALLATION[0]}0000{INSTALLATION[1]}0000"
    return _data_url(_svg(code))


STRIKE_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="26" height="26" viewBox="-13 -13 26 26">'
    '<polygon points="0,-12 3,-4 11,-6 5,1 10,9 1,5 -4,12 -4,4 -12,4 -6,-2 -10,-9 -2,-5" '
    'fill="#e8590c" stroke="#2b2b2b" stroke-width="1.4" stroke-linejoin="round"/>'
    '<circle r="2.6" fill="#fff3bf"/></svg>'
)
CITY_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="14" height="14" viewBox="-7 -7 14 14">'
    '<circle r="5.5" fill="#ffffff" stroke="#212529" stroke-width="2"/>'
    '<circle r="2.4" fill="#212529"/></svg>'
)
AIRPORT_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="18" height="18" viewBox="-9 -9 18 18">'
    '<circle r="8" fill="#ffffff" stroke="#212529" stroke-width="1.5"/>'
    '<path d="M0,-6 L1.2,-1.5 L6,1 L6,2.2 L1.2,1 L1,4.5 L2.5,5.6 L2.5,6.4 L0,5.8 L-2.5,6.4 '
    'L-2.5,5.6 L-1,4.5 L-1.2,1 L-6,2.2 L-6,1 L-1.2,-1.5 Z" fill="#212529"/></svg>'
)
HISTORICAL_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="-10 -10 20 20">'
    '<rect x="-6.5" y="-6.5" width="13" height="13" transform="rotate(45)" fill="#7048e8" '
    'fill-opacity="0.85" stroke="#ffffff" stroke-width="1.6"/>'
    '<circle r="2" fill="#ffffff"/></svg>'
)


def strike_symbol() -> str:
    """SVG data URL of the strike symbol (an orange burst)."""
    return _data_url(STRIKE_SVG)


# Whole words only: "air" inside "repair yard" or "fairground" is no airfield.
_AIRFIELD = re.compile(r"\b(air ?(port|field|strip|base|station)|aerodrome|air)\b")


def place_symbol(kind: str | None) -> str:
    """SVG data URL for a place: city, airfield, or historical operation (anything else: city)."""
    if is_historical(kind):
        return _data_url(HISTORICAL_SVG)
    if _AIRFIELD.search((kind or "").lower()):
        return _data_url(AIRPORT_SVG)
    return _data_url(CITY_SVG)


def is_historical(kind: str | None) -> bool:
    """True when a place's ``kind`` marks a historical operation (its own map layer)."""
    text = (kind or "").lower()
    return "histor" in text or "operation" in text
