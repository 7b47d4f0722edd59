"""The one place that knows where the page's front-end files come from.

Two sources, both installed with posturemap: Leaflet from the ``xstatic-leaflet`` package,
and our own JavaScript and CSS, package data under ``geo/web/static/``. A map lists the
files it needs by name in folium's ``default_js`` and ``default_css`` (:func:`link_page`,
:func:`require`); then either

- an export inlines every one of them (:func:`inline_assets`; Leaflet's images become data
  URLs), so the file opens with no network, or
- the Streamlit app serves them itself (:func:`vendor_files` are published under its static
  folder) and :func:`use_local_assets` points the links there.

Nothing refers to a CDN.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache, lru_cache
from pathlib import Path

import folium
from branca.element import Element

LEAFLET_FILES = ("leaflet.js", "leaflet.css")
STATIC_DIR = Path(__file__).resolve().parent / "static"
"""Our own JavaScript and CSS (package data)."""
PAGE_SCRIPTS = (
    "posturemap.js",
    "labels.js",
    "boxes.js",
    "layout.js",
    "popups.js",
    "scene.js",
    "draw.js",
    "canvas.js",
    "map.js",
    "panels.js",
    "compare.js",
)
"""The map page's scripts, in the order they must run: ``posturemap.js`` defines the
namespace (and its pure functions) that the others add to."""
PAGE_STYLES = ("posturemap.css",)
BUNDLE = "posturemap-bundle.js"
"""The app's one file of :data:`PAGE_SCRIPTS` (:func:`bundle_text`): one request, not eleven."""


def leaflet_dir() -> Path:
    """Return the directory of the installed Leaflet files."""
    from xstatic.pkg import leaflet

    return Path(leaflet.BASE_DIR)


def vendor_files() -> dict[str, Path]:
    """Map every file a map page may need (relative name) to its installed path.

    Returns
    -------
    dict of str to Path
        ``leaflet.js``, ``leaflet.css``, the images the CSS refers to, and our own
        ``.js`` and ``.css`` files.
    """
    base = leaflet_dir()
    files = {name: base / name for name in LEAFLET_FILES}
    for image in sorted((base / "images").glob("*.png")):
        files[f"images/{image.name}"] = image
    for own in sorted([*STATIC_DIR.glob("*.js"), *STATIC_DIR.glob("*.css")]):
        files[own.name] = own
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
    return _file_text("leaflet.js")


@cache
def _file_text(name: str) -> str:
    """A known file's text, safe inside its ``<script>`` or ``<style>`` element."""
    files = vendor_files()
    if name not in files:
        raise ValueError(f"not a front-end file of posturemap: {name!r}")
    text = files[name].read_text(encoding="utf-8")
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.I)


def link_page(fmap: folium.Map) -> folium.Map:
    """Make Leaflet and the map page's own scripts and styles the only files ``fmap`` loads.

    The links are relative names, made self-contained by :func:`inline_assets` or served
    by the app (:func:`use_local_assets`). folium's own defaults (jQuery, Bootstrap, icon
    fonts) are dropped.
    """
    fmap.default_js = [("leaflet", "leaflet.js")]
    fmap.default_css = [("leaflet_css", "leaflet.css")]
    return require(fmap, *PAGE_SCRIPTS, *PAGE_STYLES)


def require(fmap: folium.Map, *names: str) -> folium.Map:
    """Add files of ``geo/web/static`` to what ``fmap`` loads, after those it has.

    Parameters
    ----------
    fmap : folium.Map
    *names : str
        File names such as ``slides.css``; ``.js`` files run in the order given, after
        :data:`PAGE_SCRIPTS`.

    Returns
    -------
    folium.Map
        The same map, changed in place.
    """
    for name in names:
        if not (STATIC_DIR / name).is_file():
            raise ValueError(f"not a front-end file of posturemap: {name!r}")
        links = fmap.default_js if name.endswith(".js") else fmap.default_css
        entry = (f"posturemap_{name.replace('.', '_')}", name)
        if entry not in links:
            links.append(entry)
    return fmap


def inline_assets(fmap: folium.Map) -> folium.Map:
    """Make ``fmap`` self-contained: every file it links to is inlined, in the same order.

    Parameters
    ----------
    fmap : folium.Map
        A map from :func:`geo.web.maps.build_map` (which uses no folium plugin needing
        jQuery, Bootstrap or Font Awesome).

    Returns
    -------
    folium.Map
        The same map, changed in place.

    Raises
    ------
    ValueError
        For a link to a file that is not one of :func:`vendor_files`.
    """
    header = fmap.get_root().header
    for name, url in fmap.default_css:
        css = inline_css() if url == "leaflet.css" else _file_text(url)
        header.add_child(_verbatim(f"<style>{css}</style>"), name=f"inline_{name}")
    for name, url in fmap.default_js:
        header.add_child(_verbatim(f"<script>{_file_text(url)}</script>"), name=f"inline_{name}")
    fmap.default_js = []
    fmap.default_css = []
    return fmap


def _verbatim(text: str) -> Element:
    # An Element's text is a Jinja template: a raw block keeps "{{" or "{%" in code as code.
    return Element("{% raw %}" + text + "{% endraw %}")


@cache
def bundle_text() -> str:
    """:data:`PAGE_SCRIPTS` as one script, in their order (each is a closed function call)."""
    files = vendor_files()
    return "\n;\n".join(files[name].read_text(encoding="utf-8") for name in PAGE_SCRIPTS)


@cache
def version(name: str) -> str:
    """A digest of a front-end file's content (12 hex digits), to version its URL.

    Raises
    ------
    ValueError
        For a name that is not one of :func:`vendor_files` or :data:`BUNDLE`.
    """
    if name == BUNDLE:
        return hashlib.sha256(bundle_text().encode()).hexdigest()[:12]
    files = vendor_files()
    if name not in files:
        raise ValueError(f"not a front-end file of posturemap: {name!r}")
    return hashlib.sha256(files[name].read_bytes()).hexdigest()[:12]


def use_local_assets(fmap: folium.Map, base_url: str, bundled: bool = False) -> folium.Map:
    """Point ``fmap``'s script and style links at ``base_url`` (files served by the app itself).

    A link to one of :func:`vendor_files` carries its :func:`version` (``leaflet.js?v=...``):
    the browser may keep the file as long as it likes, and a new version is a new URL. Other
    names (the app's land files) are named by their content already. With ``bundled`` the
    page's scripts are one link, to :data:`BUNDLE` (served beside the others).

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
    known = {*vendor_files(), BUNDLE}
    if bundled:
        page = [entry for entry in fmap.default_js if entry[1] in PAGE_SCRIPTS]
        if page:
            at = fmap.default_js.index(page[0])
            rest = [entry for entry in fmap.default_js if entry not in page]
            fmap.default_js = [*rest[:at], ("posturemap_bundle", BUNDLE), *rest[at:]]

    def located(url: str) -> str:
        return f"{base}/{url}?v={version(url)}" if url in known else f"{base}/{url}"

    fmap.default_js = [(name, located(url)) for name, url in fmap.default_js]
    fmap.default_css = [(name, located(url)) for name, url in fmap.default_css]
    return fmap
