"""KML styles and icons: colours by affiliation and layer, and the fallback icons.

The styles every KML written by :mod:`geo.analysis.kml` holds: one per affiliation (assets,
bases) and per layer (strikes, places, tracks), their lines and circles in the web map's
colours, and a style per map symbol when the caller gives the symbols as icons. Without
them, a KMZ carries simple coloured shapes drawn here with Pillow. Every text goes through
:func:`text_element`, which drops characters XML cannot hold.
"""

from __future__ import annotations

import copy
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

AFFILIATION_RGB = {
    "friend": (0x1C, 0x7E, 0xD6),
    "hostile": (0xE0, 0x31, 0x31),
    "neutral": (0x2F, 0x9E, 0x44),
    "unknown": (0xF0, 0x8C, 0x00),
}
"""Icon colours; the same as the web map's (``geo.web.display.AFFILIATION_COLOUR``)."""
LAYER_RGB = {
    "strikes": (0xE8, 0x59, 0x0C),
    "places": (0x49, 0x50, 0x57),
    "tracks": (0x3B, 0x5B, 0xDB),
}
_SHAPE = {"friend": "circle", "hostile": "diamond", "neutral": "square", "unknown": "circle"}
PUSHPIN = "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"  # Earth's own
# Characters XML 1.0 cannot hold, even escaped: dropped from any text written.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def text_element(parent: ET.Element, tag: str, value: str) -> ET.Element:
    """A child element holding text; characters XML 1.0 cannot hold are dropped."""
    element = ET.SubElement(parent, tag)
    element.text = NOT_XML.sub("", value)
    return element


def symbol_style(name: str, base: ET.Element) -> ET.Element:
    """A style whose icon is ``files/<name>.png``, its lines and areas coloured as ``base``."""
    style = ET.Element("Style", {"id": name})
    icon_style = ET.SubElement(style, "IconStyle")
    text_element(icon_style, "color", "ffffffff")  # the symbol's own colours
    text_element(ET.SubElement(icon_style, "Icon"), "href", f"files/{name}.png")
    style.extend(copy.deepcopy(c) for c in base if c.tag != "IconStyle")
    return style


def kml_colour(rgb: tuple[int, int, int], alpha: int = 0xFF) -> str:
    """A colour as KML writes it: ``aabbggrr`` hex."""
    red, green, blue = rgb
    return f"{alpha:02x}{blue:02x}{green:02x}{red:02x}"  # KML's order: aabbggrr


def _style_colours() -> Iterable[tuple[str, tuple[int, int, int], str]]:
    for layer in ("assets", "bases"):
        for affiliation, rgb in AFFILIATION_RGB.items():
            shape_name = "square" if layer == "bases" else _SHAPE[affiliation]
            yield f"{layer}-{affiliation}", rgb, shape_name
    for layer, rgb in LAYER_RGB.items():
        yield layer, rgb, "diamond" if layer == "strikes" else "circle"


def layer_styles(icons: bool) -> list[ET.Element]:
    """A style per affiliation (assets, bases) and layer; with ``icons`` its PNG in ``files/``."""
    out = []
    for name, rgb, _ in _style_colours():
        style = ET.Element("Style", {"id": name})
        icon_style = ET.SubElement(style, "IconStyle")
        text_element(icon_style, "color", "ffffffff" if icons else kml_colour(rgb))
        text_element(
            ET.SubElement(icon_style, "Icon"), "href", f"files/{name}.png" if icons else PUSHPIN
        )
        line = ET.SubElement(style, "LineStyle")
        text_element(line, "color", kml_colour(rgb))
        text_element(line, "width", "2")
        text_element(ET.SubElement(style, "PolyStyle"), "color", kml_colour(rgb, 0x33))
        out.append(style)
    return out


def fallback_icons() -> dict[str, bytes]:
    """One 32 px PNG per style: a filled shape in the affiliation's or layer's colour."""
    from PIL import Image, ImageDraw

    out = {}
    for name, rgb, shape_name in _style_colours():
        image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        fill, outline = (*rgb, 255), (255, 255, 255, 255)
        if shape_name == "circle":
            draw.ellipse((4, 4, 27, 27), fill=fill, outline=outline, width=2)
        elif shape_name == "diamond":
            draw.polygon([(16, 2), (30, 16), (16, 30), (2, 16)], fill=fill, outline=outline)
        else:
            draw.rectangle((5, 5, 26, 26), fill=fill, outline=outline, width=2)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        out[name] = buffer.getvalue()
    return out
