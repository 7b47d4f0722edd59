"""The slide's words, built from the data: the as-of line with its date-time group, the key
figures, the source line and the short names of the locator inset.

Plain text only; :mod:`geo.slides.decorations` escapes it on its way into the page.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timezone
from typing import Any

import pandas as pd

from geo.data import selection
from geo.data.reading import Dataset

SOURCE_LINE_CHARS = 170
NAME_CHARS = 30
"""Longest name on the locator inset before it is cut with an ellipsis."""
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
ABBREVIATIONS = (
    ("Air Force Base", "AFB"),
    ("Naval Air Station", "NAS"),
    ("Naval Support Activity", "NSA"),
    ("Naval Station", "NS"),
    ("Marine Corps Air Station", "MCAS"),
    ("Marine Corps Base", "MCB"),
    ("Joint Base", "JB"),
    ("Air Base", "AB"),
    ("International Airport", "Intl Airport"),
)
"""Long military place words a briefing writes short: "Barksdale AFB"."""


def dtg(moment: datetime) -> str:
    """The military date-time group of a moment, in Zulu (UTC): ``231200Z OCT 25``.

    Day, hour and minute, ``Z``, the month's three letters in capitals and the year's two
    digits. A naive datetime is taken to be UTC; month names do not depend on the locale.
    """
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return f"{moment:%d%H%M}Z {MONTHS[moment.month - 1]} {moment:%y}"


def end_of_day(day: date) -> datetime:
    """The last minute of ``day`` in UTC (23:59Z): the moment an as-of date selects at."""
    return datetime.combine(day, time(23, 59), tzinfo=timezone.utc)


def plain_date(day: date) -> str:
    """``23 Oct 2025`` (English month, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1].title()} {day.year}"


def as_of_line(day: date | None, since: date | None = None) -> str:
    """The slide's as-of line: the plain date for lay readers, the DTG for the military.

    A data set's dates are days, and an as-of date selects everything reported up to the end
    of that day, UTC (:func:`geo.data.selection.as_of`). The line says so rather than invent a
    time of day: ``As of 23 Oct 2025, end of day UTC (232359Z OCT 25)``, with ``· strikes and
    tracks since 1 Oct 2025`` when there is a window; empty without a date.
    """
    if day is None:
        return ""
    text = f"As of {plain_date(day)}, end of day UTC ({dtg(end_of_day(day))})"
    if since is not None:
        text += f" · strikes and tracks since {plain_date(since)}"
    return text


def figures_line(shown: Dataset) -> str:
    """Key figures of what is shown, as firm as their sources.

    ``8 ships · 1 submarine · ≥ 18 aircraft · ~10,000 personnel · 7 strikes, 32 killed ·
    1 en route``: assets en route or departed are not counted (:mod:`geo.data.figures`).
    """
    figures = selection.summary(shown)
    texts = figures["texts"]
    parts = []
    for key in ("ships", "submarines", "aircraft"):
        count = figures[key]
        if count:
            noun = key if count != 1 else key.rstrip("s") if key != "aircraft" else key
            parts.append(f"{texts[key]} {noun}")
    if figures["personnel"]:
        parts.append(f"{texts['personnel']} personnel")
    if figures["strikes"]:
        strikes = f"{figures['strikes']:,} strike{'s' if figures['strikes'] != 1 else ''}"
        if figures["killed"]:
            strikes += f", {texts['killed']} killed"
        parts.append(strikes)
    if figures["en_route"]:
        parts.append(f"{len(figures['en_route']):,} en route")
    return " · ".join(parts)


def source_line(shown: Dataset, limit: int = SOURCE_LINE_CHARS) -> str:
    """Name the publishers cited by the features shown, most cited first.

    ``Sources: USNI News (8), Reuters (5) and 6 more publishers; 31 open-source
    reports published 14 Aug - 23 Oct 2025``. Publishers that do not fit in about
    ``limit`` characters are counted, not named. (The map's title block names the most cited
    reports instead: :func:`geo.web.legend.source_line`.)
    """
    records: dict[str, dict[str, Any]] = {}
    for frame in shown.layers.values():
        if len(frame) and "source_refs" in frame:
            for refs in frame["source_refs"]:
                for ref in refs or []:
                    records.setdefault(str(ref.get("id")), ref)
    if not records:
        return "Sources: none cited for the features shown"
    publishers = Counter(
        str(ref.get("publisher") or ref.get("title") or "unnamed") for ref in records.values()
    )
    named: list[str] = []
    for publisher, count in publishers.most_common():
        candidate = f"{publisher} ({count})"
        if named and len(", ".join([*named, candidate])) > limit * 0.7:
            break
        named.append(candidate)
    rest = len(publishers) - len(named)
    text = "Sources: " + ", ".join(named)
    if rest:
        text += f" and {rest} more publisher{'s' if rest != 1 else ''}"
    reports = f"{len(records)} open-source report{'s' if len(records) != 1 else ''}"
    published = pd.to_datetime(
        pd.Series([ref.get("published") for ref in records.values()]), errors="coerce", utc=True
    ).dropna()
    if len(published):
        first, last = published.min().date(), published.max().date()
        span = plain_date(first) if first == last else f"{plain_date(first)} - {plain_date(last)}"
        reports += f" published {span}"
    return f"{text}; {reports}"


def short_name(name: str, limit: int = NAME_CHARS) -> str:
    """A name short enough for the locator inset: ``Barksdale Air Force Base`` -> ``Barksdale
    AFB``; what is still longer than ``limit`` is cut with an ellipsis."""
    text = " ".join(str(name).split())
    for long, short in ABBREVIATIONS:
        text = text.replace(long, short)
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,(-") + "…"
