"""The one place that turns values from data files into page text.

Data is untrusted: a name may hold ``<img onerror=...>``, ``${...}`` or ``</script>``.
Every popup, tooltip, legend, title and layer name goes through these functions, and
the map's JavaScript builds popups with DOM text nodes, never ``innerHTML`` with data.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import quote

from markupsafe import escape

from geo.data.schema import is_http_url

_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


# branca renders each element's macro and then compiles the result again as a Jinja
# template (``Element(rendered)``), so a ``{{ ... }}`` or ``{% ... %}`` from data would run
# as template code while the map is exported (server-side template injection). Every
# function here leaves no ``{{``, ``{%`` or ``{#`` in its output.
_JINJA_OPEN = re.compile(r"\{([{%#])")


def html_text(value: Any) -> str:
    """Escape ``value`` for HTML text or a quoted attribute (``& < > " '`` and braces).

    Parameters
    ----------
    value : Any
        Anything; ``None`` becomes the empty string.

    Returns
    -------
    str
        Markup that displays ``str(value)`` literally.
    """
    if value is None:
        return ""
    text = str(escape(str(value)))
    return text.replace("{", "&#123;").replace("}", "&#125;")


def json_island(value: Any) -> str:
    """Serialise ``value`` as the text of a ``<script type="application/json">`` data island.

    The page reads it with ``JSON.parse(element.textContent)``: it is data, never run. The
    JSON is strict (NaN and infinities become ``null``) and escaped as by
    :func:`script_json`, so nothing in it can end the element (``</script>``), open a
    comment (``<!--``) or reach branca's second Jinja pass (``{{``, ``{%``, ``{#``).

    Parameters
    ----------
    value : Any
        JSON-serialisable data.

    Returns
    -------
    str
        Compact JSON, safe between ``<script type="application/json">`` and ``</script>``.
    """
    try:
        text = json.dumps(
            value, ensure_ascii=False, separators=(",", ":"), default=_default, allow_nan=False
        )
    except ValueError:  # a NaN somewhere: rebuild with nulls (rare, so only then walk it)
        return json_island(_finite(value))
    return _script_safe(text)


def _finite(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return _plain(value)


def _plain(value: Any) -> Any:
    """Make a value JSON-safe: NaN becomes null, numpy scalars become Python numbers."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes, list, dict)):
        return _plain(value.item())
    return value


def script_json(value: Any) -> str:
    """Serialise ``value`` as a JavaScript literal that is safe inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` are written as ``\\u`` escapes, so no ``</script>`` or ``<!--``
    can appear; U+2028/2029 are escaped for older JavaScript parsers. The result is plain
    JSON (no template literal), so ``${...}`` stays inert text, and ``{{``/``{%``/``{#``
    are escaped too (see :data:`_JINJA_OPEN`).

    Parameters
    ----------
    value : Any
        JSON-serialisable data (a float NaN is written as ``NaN``, a JavaScript number).

    Returns
    -------
    str
    """
    return _script_safe(
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default)
    )


def _script_safe(text: str) -> str:
    """Escape compact JSON for a ``<script>`` element and for branca's second Jinja pass."""
    for char, replacement in _SCRIPT_UNSAFE.items():
        text = text.replace(char, replacement)
    # In compact JSON "{{", "{%" and "{#" can only occur inside strings, where a \u escape
    # of the second character keeps the value and hides it from Jinja.
    return _JINJA_OPEN.sub(lambda m: f"{{\\u{ord(m.group(1)):04x}", text)


def _default(value: Any) -> Any:
    plain = _plain(value)
    if plain is value:
        return str(value)
    return plain


def safe_url(value: Any) -> str | None:
    """Return ``value`` stripped when it is an http(s) URL, else None (never a link)."""
    return value.strip() if is_http_url(value) else None


def markdown_text(value: Any) -> str:
    """Escape text from the data for Streamlit markdown so that it shows literally (the app)."""
    text = " ".join(str(value).split())  # no line breaks: a value cannot start a block
    special = "\\`*_{}[]<>()#+-.!|~$:"
    return "".join("\\" + ch if ch in special else ch for ch in text)


def markdown_link(text: Any, url: Any) -> str:
    """A markdown link to an http(s) URL, or the escaped text alone for any other URL."""
    if safe_url(url) is None:
        return markdown_text(text)
    safe = quote(safe_url(url), safe="/:?#@!$&'*+,;=%~-._")
    return f"[{markdown_text(text)}]({safe})"
