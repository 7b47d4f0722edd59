"""What the map says about itself: legend entries, the source line and the as-of line.

The legend lists only the symbols and styles actually on the map. Its keys are our own
symbols and SVG snippets (no data in them); labels from data are escaped here with
:func:`geo.web.escape.html_text` before they reach a template.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from geo.data.gaps import gap_lines
from geo.data.reading import Dataset
from geo.web import sidc, symbols
from geo.web.contract import GAP_COLOUR, RING_COLOUR
from geo.web.display import LAYER_COLOUR, ZONE_COLOUR, is_faded
from geo.web.escape import html_text
from geo.web.features import symbol_codes

_SET_ORDER = {"20": 0, "30": 1, "35": 2, "01": 3, "10": 4}
"""Legend order of symbol sets: bases, ships, submarines, aircraft, land units."""


def _img(url: str) -> str:
    return f'<img src="{html_text(url)}" alt="">'


def _line_key(colour: str, dashed: bool = False, faded: bool = False) -> str:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    opacity = "0.6" if faded else "0.95"
    return (
        f'<svg width="28" height="10"><line x1="1" y1="5" x2="27" y2="5" stroke="{colour}" '
        f'stroke-width="2.6" stroke-opacity="{opacity}"{dash}/></svg>'
    )


def _circle_key(colour: str, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="3 3"' if dashed else ""
    return (
        f'<svg width="22" height="22"><circle cx="11" cy="11" r="9" fill="{colour}" '
        f'fill-opacity="0.1" stroke="{colour}" stroke-width="1.3"{dash}/></svg>'
    )


def legend_entries(
    dataset: Dataset, rings: Any = None, zones: Any = None, show_uncertainty: bool = True
) -> list[tuple[str, str]]:
    """(escaped label, key HTML) for every kind of symbol and style actually on the map.

    Assets and bases are listed by what their symbols show (:func:`geo.web.sidc.describe`):
    "Destroyer (friend)", "Base", one row per symbol drawn.
    """
    entries: list[tuple[str, str]] = []
    for layer in ("bases", "assets"):
        frame = dataset[layer]
        if frame.empty:
            continue
        codes = dict.fromkeys(code for code in symbol_codes(frame, layer) if code)
        described = {code: sidc.describe(code) for code in codes}
        one_side = len({side for _, side in described.values()}) == 1
        for code in sorted(codes, key=lambda c: (_SET_ORDER.get(c[4:6], 9), c[10:16], c[3])):
            name, side = described[code]
            label = (
                name if one_side and side == "friend" and layer == "bases" else f"{name} ({side})"
            )
            entries.append((html_text(label), _img(symbols.sidc_symbol(code))))
    if not dataset["strikes"].empty:
        entries.append(("Strike site", _img(symbols.strike_symbol())))
    places = dataset["places"]
    if not places.empty:
        kinds = {
            (
                "Historical operation"
                if symbols.is_historical(k)
                else "Airport"
                if "air" in str(k).lower()
                else "City / place"
            ): symbols.place_symbol(k)
            for k in places["kind"]
        }
        for label, url in kinds.items():
            entries.append((label, _img(url)))
    tracks = dataset["tracks"]
    if not tracks.empty:
        faded = is_faded(tracks)
        if (~faded).any():
            entries.append(("Track (direction arrows)", _line_key(LAYER_COLOUR["tracks"])))
        if faded.any():
            entries.append(
                (
                    "Track, reconstructed or estimated",
                    _line_key(LAYER_COLOUR["tracks"], dashed=True, faded=True),
                )
            )
    if not gap_lines(tracks).empty:
        entries.append(("Track gap: no signal, path unknown", _line_key(GAP_COLOUR, dashed=True)))
    points = [f for f in dataset.layers.values() if "uncertainty_km" in f and not f.empty]
    if show_uncertainty and any((pd.to_numeric(f["uncertainty_km"]) > 0).any() for f in points):
        entries.append(("Uncertainty circle (geodesic radius)", _circle_key("#1c7ed6")))
        entries.append(("Estimated: faded, dashed", _circle_key("#1c7ed6", dashed=True)))
    if rings is not None and not rings.empty:
        entries.append(("Range ring (nominal range)", _line_key(RING_COLOUR, dashed=True)))
    if zones is not None and not zones.empty:
        for i, zone in enumerate(dict.fromkeys(zones["zone"])):
            entries.append((html_text(str(zone)), _circle_key(ZONE_COLOUR[i % len(ZONE_COLOUR)])))
    return entries


def source_line(dataset: Dataset, limit: int = 3) -> str:
    """'Sources: title (publisher, date); ...' for the sources the shown features cite most.

    The map's title block names the reports themselves; a briefing slide names publishers
    with counts instead (:func:`geo.slides.decorations.source_line`), so the two differ.
    """
    cited: dict[str, int] = {}
    for frame in dataset.layers.values():
        for refs in frame.get("sources", pd.Series(dtype=object)):
            for ref in refs or []:
                cited[ref] = cited.get(ref, 0) + 1
    names = []
    for sid in sorted(cited, key=lambda s: -cited[s]):
        if sid in dataset.sources.index:
            record = dataset.sources.loc[sid]
            title = str(record["title"])
            title = title if len(title) <= 60 else title[:57].rstrip() + "..."
            names.append(f"{title} ({record['publisher']}, {record['published']})")
    if not names:
        return "Sources: none cited"
    more = f"; and {len(names) - limit} more" if len(names) > limit else ""
    return "Sources: " + "; ".join(names[:limit]) + more


def as_of_text(as_of: date | None, since: date | None = None) -> str:
    """'As of 23 October 2025', with the strike/track window when there is one."""
    if as_of is None:
        return "All dates"
    text = f"As of {as_of.day} {as_of.strftime('%B %Y')}"
    if since is not None:
        text += f" · strikes and tracks since {since.day} {since.strftime('%B %Y')}"
    return text
