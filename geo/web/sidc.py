"""MIL-STD-2525D / APP-6 D symbol codes (SIDC) from what the data says an asset is.

A destroyer and a carrier must not share a symbol. The entity comes from the free-text
``type`` (matched by whole words, first rule wins), else from the ``category``; an explicit
``sidc`` in the data overrides both, and the affiliation always sets the frame.

The 20-digit code is ``10`` (version), ``0`` (reality), the standard identity, the symbol set,
status ``0``, HQ/task force ``0``, amplifier ``00``, the six-digit entity and ``0000``
(modifiers). Every entity below was checked against the symbols milsymbol draws
(``tests/test_sidc.py``).
"""

from __future__ import annotations

import re
from functools import lru_cache

IDENTITY = {"friend": "3", "hostile": "6", "neutral": "4", "unknown": "1"}
"""Standard identity digit of each affiliation (2525D table A-I)."""

AIR, LAND_UNIT, INSTALLATION, SEA_SURFACE, SUBSURFACE = "01", "10", "20", "30", "35"

# Fallback (symbol set, entity) for each asset category.
CATEGORY_ENTITY = {
    "ship": (SEA_SURFACE, "120000"),  # military combatant
    "submarine": (SUBSURFACE, "110100"),  # submarine
    "aircraft": (AIR, "110100"),  # military fixed wing
    "helicopter": (AIR, "110200"),  # military rotary wing
    "drone": (AIR, "110300"),  # unmanned aircraft
    "ground": (LAND_UNIT, "121100"),  # infantry
    "special": (LAND_UNIT, "121800"),  # special operations forces
    "personnel": (LAND_UNIT, "000000"),  # people not attributed to a unit: a frame, no icon
}
BASE_ENTITY = (INSTALLATION, "120000")  # military installation

# (pattern on the lower-case type, categories it applies to or None for any, set, entity).
# More specific rules come first: "amphibious assault ship" before "ship".
_TYPE_RULES: tuple[tuple[str, frozenset[str] | None, str, str], ...] = (
    # sea surface
    (r"aircraft carrier|carrier \(cvn?\)|\bcvn\b|supercarrier", None, SEA_SURFACE, "120100"),
    (r"battleship", None, SEA_SURFACE, "120201"),
    (r"cruiser", None, SEA_SURFACE, "120202"),
    (r"destroyer|\bddg\b", None, SEA_SURFACE, "120203"),
    (r"frigate|\bffg\b", None, SEA_SURFACE, "120204"),
    (r"corvette", None, SEA_SURFACE, "120205"),
    (r"littoral combat|\blcs\b", None, SEA_SURFACE, "120206"),
    (r"amphibious assault|\blh[ad]\b", None, SEA_SURFACE, "120303"),
    (r"amphibious transport dock|\blpd\b", None, SEA_SURFACE, "120306"),
    (r"landing ship|dock landing|\blsd\b", None, SEA_SURFACE, "120307"),
    (r"landing craft", None, SEA_SURFACE, "120308"),
    (r"mine ?(warfare|countermeasure|sweeper|hunter)", frozenset({"ship"}), SEA_SURFACE, "120400"),
    (r"patrol (boat|ship|vessel|craft)|cutter", None, SEA_SURFACE, "120500"),
    (r"oiler|replenishment|supply ship|auxiliary|tender", None, SEA_SURFACE, "130100"),
    # subsurface
    (r"submarine|\bss[bgn]n?\b", None, SUBSURFACE, "110100"),
    # air: unmanned and rotary first, so "special operations helicopter" stays a helicopter
    (r"\buav\b|\buas\b|drone|unmanned|remotely piloted|\b[mr]q-\d", None, AIR, "110300"),
    (r"helicopter|rotary|\b[amuc]?h-\d", None, AIR, "110200"),
    (r"bomber|\bb-\d", None, AIR, "110103"),
    (r"fighter|\bf-\d|\bf/a-\d", None, AIR, "110104"),
    (r"maritime patrol|patrol aircraft|\bp-\d", None, AIR, "110110"),
    (r"anti-?submarine", frozenset({"aircraft"}), AIR, "110118"),
    (r"reconnaissance|surveillance|\bisr\b|\brc-\d|\bu-2\b", None, AIR, "110111"),
    (r"tanker|\bkc-\d", None, AIR, "110109"),
    (r"airlift|cargo aircraft|transport aircraft|\bc-\d", None, AIR, "110107"),
    (r"attack aircraft|\ba-10\b|\bac-130", None, AIR, "110102"),
    (r"special operations", frozenset({"aircraft"}), AIR, "110126"),
    # a ship in the "special" category (a converted support vessel): sea, not a land unit
    (r"\bship\b|vessel", frozenset({"special"}), SEA_SURFACE, "130000"),
    # land
    (
        r"special operations|special forces|\bsof\b",
        frozenset({"ground", "special"}),
        LAND_UNIT,
        "121800",
    ),
    (r"infantry|marine expeditionary|\bmeu\b|marines", None, LAND_UNIT, "121100"),
)
_COMPILED = tuple((re.compile(p), cats, s, e) for p, cats, s, e in _TYPE_RULES)
_SIDC = re.compile(r"\d{20}")


@lru_cache(maxsize=4096)  # a layer repeats few (category, type) pairs: no regex per row
def entity_for(category: str | None, type_text: str | None = None) -> tuple[str, str]:
    """The (symbol set, entity) of an asset: from its ``type`` when a rule matches, else category.

    Parameters
    ----------
    category : str or None
        The asset's ``category`` (``ship``, ``aircraft``, ...).
    type_text : str or None
        The asset's free-text ``type`` ("guided-missile destroyer", "P-8 Poseidon ...").

    Returns
    -------
    tuple of str
        Two-digit symbol set and six-digit entity code.
    """
    text = (type_text or "").lower()
    for pattern, categories, symbol_set, entity in _COMPILED:
        if (categories is None or category in categories) and pattern.search(text):
            return symbol_set, entity
    return CATEGORY_ENTITY.get(category or "", CATEGORY_ENTITY["special"])


def sidc(
    category: str | None,
    affiliation: str | None = "friend",
    type_text: str | None = None,
    override: str | None = None,
) -> str:
    """The 20-digit SIDC of an asset.

    Parameters
    ----------
    category, type_text : str or None
        See :func:`entity_for`.
    affiliation : str or None
        ``friend``, ``hostile``, ``neutral`` or ``unknown`` (anything else: unknown).
    override : str or None
        A 20-digit SIDC given in the data (``sidc``); used as it is when well formed.
    """
    if override and _SIDC.fullmatch(override):
        return override
    symbol_set, entity = entity_for(category, type_text)
    return _code(symbol_set, entity, affiliation)


def base_sidc(affiliation: str | None = "friend", override: str | None = None) -> str:
    """The SIDC of a military base of the given affiliation (or the data's own ``sidc``)."""
    if override and _SIDC.fullmatch(override):
        return override
    return _code(*BASE_ENTITY, affiliation)


def _code(symbol_set: str, entity: str, affiliation: str | None) -> str:
    identity = IDENTITY.get(affiliation or "unknown", IDENTITY["unknown"])
    return f"100{identity}{symbol_set}0000{entity}0000"


ENTITY_NAMES = {
    (SEA_SURFACE, "120000"): "Surface combatant",
    (SEA_SURFACE, "120100"): "Aircraft carrier",
    (SEA_SURFACE, "120201"): "Battleship",
    (SEA_SURFACE, "120202"): "Cruiser",
    (SEA_SURFACE, "120203"): "Destroyer",
    (SEA_SURFACE, "120204"): "Frigate",
    (SEA_SURFACE, "120205"): "Corvette",
    (SEA_SURFACE, "120206"): "Littoral combat ship",
    (SEA_SURFACE, "120303"): "Amphibious assault ship",
    (SEA_SURFACE, "120306"): "Amphibious transport dock",
    (SEA_SURFACE, "120307"): "Dock landing ship",
    (SEA_SURFACE, "120308"): "Landing craft",
    (SEA_SURFACE, "120400"): "Mine warfare ship",
    (SEA_SURFACE, "120500"): "Patrol vessel",
    (SEA_SURFACE, "130000"): "Non-combatant ship",
    (SEA_SURFACE, "130100"): "Auxiliary ship",
    (SUBSURFACE, "110100"): "Submarine",
    (AIR, "110100"): "Military aircraft",
    (AIR, "110102"): "Attack aircraft",
    (AIR, "110103"): "Bomber",
    (AIR, "110104"): "Fighter",
    (AIR, "110107"): "Transport aircraft",
    (AIR, "110109"): "Tanker aircraft",
    (AIR, "110110"): "Maritime patrol aircraft",
    (AIR, "110111"): "Reconnaissance aircraft",
    (AIR, "110118"): "Anti-submarine aircraft",
    (AIR, "110126"): "Special operations aircraft",
    (AIR, "110200"): "Helicopter",
    (AIR, "110300"): "Drone (UAV)",
    (LAND_UNIT, "121100"): "Infantry, marines",
    (LAND_UNIT, "121800"): "Special operations forces",
    (LAND_UNIT, "000000"): "Personnel, not a unit",
    BASE_ENTITY: "Base",
}
"""What each entity is called in the legend."""
AFFILIATION_OF = {digit: name for name, digit in IDENTITY.items()}


def describe(code: str) -> tuple[str, str]:
    """The legend name of a SIDC's entity and its affiliation.

    Parameters
    ----------
    code : str
        A 20-digit SIDC.

    Returns
    -------
    tuple of str
        ("Destroyer", "friend"); an entity not in :data:`ENTITY_NAMES` is named by its code.
    """
    entity = (code[4:6], code[10:16])
    name = ENTITY_NAMES.get(entity, f"Symbol {code[4:6]}-{code[10:16]}")
    return name, AFFILIATION_OF.get(code[3], "unknown")
