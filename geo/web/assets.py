"""The one place that knows where Leaflet comes from: the installed ``xstatic-leaflet`` package.

Exports inline Leaflet's JavaScript and CSS (with its images as data URLs) so the file
opens with no network; the Streamlit app serves the same files itself
(:func:`use_local_assets`). Nothing refers to a CDN.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path

import folium
from branca.element import Element

LEAFLET_FILES = ("leaflet.js", "leaflet.css")


def leaflet_dir() -> Path:
    """Return the directory of the installed Leaflet files."""
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def vendor_files() -> dict[str, Path]:
    """Map every file the map page needs (relative name) to its installed path.

    Returns
    -------
    dict of str to Path
        ``leaflet.js``, ``leaflet.css`` and the images the CSS refers to.
    """
    base = leaflet_dir()
    files = {name: base / name for name in LEAFLET_FILES}
    for image in sorted((base / "images").glob("*.png")):
        files[f"images/{image.name}"] = image
    return files


@lru_cache(maxsize=1)
def inline_css() -> str:
    """Leaflet's CSS with its images turned into data URLs."""
    base = leaflet_dir()
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def data_url(match: re.Match[str]) -> str:
        path = base / match.group(1)
        encoded = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_url, css)


@lru_cache(maxsize=1)
def inline_js() -> str:
    """Leaflet's JavaScript, safe to place inside a ``<script>`` element."""
    text = (leaflet_dir() / "leaflet.js").read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")


def inline_assets(fmap: folium.Map) -> folium.Map:
    """Make ``fmap`` self-contained: no external script or style link, Leaflet inlined.

    Parameters
    ----------
    fmap : folium.Map
        A map from :func:`geo.web.maps.build_map` (which uses no folium plugin needing
        jQuery, Bootstrap or Font Awesome).

    Returns
    -------
    folium.Map
        The same map, changed in place.
    """
    fmap.default_js = []
    fmap.default_css = []
    header = fmap.get_root().header
    header.add_child(Element(f"<style>{inline_css()}</style>"), name="posturemap_leaflet_css")
    header.add_child(Element(f"<script>{inline_js()}</script>"), name="posturemap_leaflet_js")
    return fmap


def use_local_assets(fmap: folium.Map, base_url: str) -> folium.Map:
    """Point ``fmap``'s Leaflet links at ``base_url`` (files served by the app itself).

    Parameters
    ----------
    fmap : folium.Map
    base_url : str
        Where :func:`vendor_files` are served, e.g. ``/app/static/vendor``.

    Returns
    -------
    folium.Map
        The same map, changed in place.
    """
    base = base_url.rstrip("/")
    fmap.default_js = [("leaflet", f"{base}/leaflet.js")]
    fmap.default_css = [("leaflet_css", f"{base}/leaflet.css")]
    return fmap
