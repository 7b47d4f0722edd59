"""Symbol codes by type: a destroyer is not a carrier, a hostile base is not friendly."""

from __future__ import annotations

import gzip
import json
import re
from functools import cache
from importlib import resources

import pytest
from milsymbol import Symbol

from geo.web import sidc


@cache
def _known_codes() -> set[str]:
    data = resources.files("milsymbol") / "data" / "number-data.json.gz"
    with gzip.open(data.open("rb")) as stream:
        return set(json.load(stream))


def _icon_text(code: str) -> list[str]:
    return re.findall(r">([^<>]{1,12})</text>", Symbol(code, size=30).as_svg())


@pytest.mark.parametrize(
    ("category", "type_text", "entity", "text"),
    [
        ("ship", "aircraft carrier", ("30", "120100"), []),
        ("ship", "guided-missile cruiser", ("30", "120202"), ["CG"]),
        ("ship", "guided-missile destroyer", ("30", "120203"), ["DD"]),
        ("ship", "littoral combat ship", ("30", "120206"), ["LCS"]),
        ("ship", "amphibious assault ship", ("30", "120303"), ["LHA"]),
        ("ship", "amphibious transport dock", ("30", "120306"), ["LPD"]),
        ("ship", "frigate", ("30", "120204"), ["FF"]),
        ("submarine", "nuclear-powered fast-attack submarine", ("35", "110100"), []),
        ("aircraft", "B-52H Stratofortress strategic bomber", ("01", "110103"), ["B"]),
        ("aircraft", "F-35 (including Marine F-35B)", ("01", "110104"), ["F"]),
        ("aircraft", "P-8 Poseidon maritime patrol aircraft", ("01", "110110"), ["P"]),
        ("drone", "MQ-9 Reaper remotely piloted aircraft", ("01", "110300"), []),
        ("helicopter", "MH-60 Black Hawk special operations helicopter", ("01", "110200"), []),
        (
            "special",
            "special operations support ship (converted commercial vessel)",
            ("30", "130000"),
            [],
        ),
        ("ground", "Marine expeditionary unit (embarked)", ("10", "121100"), []),
        ("special", "special forces team", ("10", "121800"), ["SOF"]),
        ("ship", "something new", ("30", "120000"), []),  # category fallback
        (None, None, ("10", "121800"), ["SOF"]),
    ],
)
def test_entity_from_type(category, type_text, entity, text) -> None:
    assert sidc.entity_for(category, type_text) == entity
    code = sidc.sidc(category, "friend", type_text)
    assert code in _known_codes()
    assert _icon_text(code) == text


def test_every_rule_and_fallback_is_a_symbol_milsymbol_knows() -> None:
    entities = {(s, e) for _, _, s, e in sidc._TYPE_RULES}
    entities |= set(sidc.CATEGORY_ENTITY.values()) | {sidc.BASE_ENTITY}
    for symbol_set, entity in entities:
        for affiliation in sidc.IDENTITY:
            assert sidc._code(symbol_set, entity, affiliation) in _known_codes()


def test_ship_types_are_told_apart() -> None:
    types = [
        "aircraft carrier",
        "guided-missile cruiser",
        "guided-missile destroyer",
        "littoral combat ship",
    ]
    assert len({sidc.sidc("ship", "friend", t) for t in types}) == len(types)


@pytest.mark.parametrize("affiliation", ["hostile", "neutral", "unknown"])
def test_base_frame_follows_affiliation(affiliation: str) -> None:
    code = sidc.base_sidc(affiliation)
    assert code != sidc.base_sidc("friend")
    assert code[3] == sidc.IDENTITY[affiliation]


@pytest.mark.parametrize(
    ("override", "used"),
    [
        ("10063000001202000000", True),
        ("1006300000120200000", False),
        ("x" * 20, False),
        (None, False),
    ],
)
def test_sidc_override(override: str | None, used: bool) -> None:
    code = sidc.sidc("ship", "friend", "guided-missile destroyer", override)
    assert (code == override) is used
    assert sidc.base_sidc("friend", override) == (override if used else sidc.base_sidc("friend"))
