"""XML parsed safely: any DOCTYPE or ENTITY declaration is refused, so no entity is expanded.

The refusal is a handler on expat's own DOCTYPE and ENTITY events, so it holds in any
encoding and is not fooled by the text ``<!DOCTYPE`` inside CDATA (KML descriptions often
hold HTML). Without a DOCTYPE no entity can be declared, so none is ever expanded or fetched.
Used by the feature import (KML placemarks) and the tracks readers (KML, GPX).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from xml.parsers import expat

DOCTYPE_REFUSED = "XML with a DOCTYPE or ENTITY declaration is refused (unsafe entities)"


class UnsafeXML(ValueError):
    """XML that is refused: a DOCTYPE or ENTITY declaration, or not well-formed."""


def parse_xml(data: bytes) -> ET.Element:
    """Parse XML with the standard library's expat, refusing any DOCTYPE.

    Parameters
    ----------
    data : bytes
        The document.

    Returns
    -------
    Element
        The root, with ``{namespace}tag`` names.

    Raises
    ------
    UnsafeXML
        On a DOCTYPE or ENTITY declaration, or XML that is not well-formed (the message
        says which, with the line and column).
    """
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def refuse(*_args: object) -> None:
        raise UnsafeXML(DOCTYPE_REFUSED)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = lambda tag, attrs: builder.start(tag, attrs)
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise UnsafeXML(
            f"not well-formed XML: {expat.ErrorString(error.code)} (line {error.lineno}, "
            f"column {error.offset})"
        ) from None
    return builder.close()
