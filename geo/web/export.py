"""Self-contained HTML: the map with Leaflet inlined, no external script or style, checked."""

from __future__ import annotations

import os
import re
from pathlib import Path

import folium

from geo.data.writing import atomic_write_text
from geo.web.assets import inline_assets

_EXTERNAL = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*?(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)


class ExternalReferenceError(RuntimeError):
    """Raised when a page would load a script or style from the network."""


def html_document(fmap: folium.Map) -> str:
    """Render ``fmap`` as one self-contained HTML document.

    Parameters
    ----------
    fmap : folium.Map
        A map from :func:`geo.web.maps.build_map`.

    Returns
    -------
    str
        The page. Online tile URLs (if an online basemap was chosen) are the only network
        addresses in it, and they are in the map's data, not in any ``src`` or ``href``.

    Raises
    ------
    ExternalReferenceError
        If anything would still load a script, style, image or frame from the network.
    """
    inline_assets(fmap)
    html = fmap.get_root().render()
    match = _EXTERNAL.search(html)
    if match:
        raise ExternalReferenceError(f"external reference in the page: {match.group(0)[:120]}")
    return html


def write_html(fmap: folium.Map, path: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Write the self-contained page of ``fmap`` to ``path`` (atomically).

    Raises
    ------
    FileExistsError
        When ``path`` exists and ``overwrite`` is False: nothing is replaced silently.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise FileExistsError(str(target))
    return atomic_write_text(target, html_document(fmap))
