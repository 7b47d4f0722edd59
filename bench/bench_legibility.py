"""Can a reader tell what is where without touching the map? OCR and mouse, measured.

Run by hand: ``python bench/bench_legibility.py [--as-of DATE] [--size WxH] [--keep DIR]``
(needs the ``tesseract`` program: ``apt-get install -y tesseract-ocr``). On the default data
set, offline basemap, network blocked:

1. **Read by name** (OCR): the HTML map's first view and the briefing slide (``export png``)
   are screenshot at the size given (1920x1080) and read by tesseract (at twice the size,
   sparse text). A unit, base or place counts as read when at least two thirds of the words
   of its name as the map shortens it (its ``label``, else its name without the ship prefix
   and bracketed remarks, with the hull number as an alternative) are found in the OCR text,
   each allowing one OCR slip in five letters. The HTML counts the features in view (those
   the page's off-view panel does not list); the slide counts them all (the features off its
   map are named on its locator inset).
2. **Answers the mouse**: on the HTML first view, the mouse is moved onto the true position
   of every point feature in view; the feature answers when the tooltip shown there names it
   (a group's or a crowd's roster names its members).

Prints one line per feature and the percentages; asserts nothing (the browser tests check
that every feature answers hover and click at its symbol or dot).
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from playwright.sync_api import sync_playwright

import geo
from geo.data import selection
from geo.slides import render
from geo.slides.browser import find_chromium
from geo.slides.text import short_name

PREFIXES = ("USS", "USNS", "MV", "HMS", "ARA", "INS")
STOPWORDS = {"of", "the", "and", "a", "de", "la", "el"}
LAYERS = ("assets", "bases", "places")

IN_VIEW = """() => {
  const PM = window.posturemap, D = PM.data, out = new Set(PM.outside().map(o => o.i));
  const ids = D.columns.id, m = PM.map, rows = [];
  for (let i = 0; i < D.kind.length; i++) {
    if (D.kind[i] !== D.contract.kind.point || out.has(i)) continue;
    const p = m.latLngToContainerPoint([D.lat[i] / D.contract.scale, D.lon[i] / D.contract.scale]);
    rows.push({id: D.strings[ids[i]], x: p.x, y: p.y});
  }
  return rows;
}"""


def words(text: str) -> list[str]:
    """Lower-case words of letters and digits, accents dropped (hyphens kept: ``ddg-107``)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [w for w in re.findall(r"[a-z0-9][a-z0-9\-]*", plain) if w not in STOPWORDS]


def key_words(row: pd.Series) -> list[list[str]]:
    """The ways a feature's name may be written on the map: each a list of words."""
    ways = []
    label = row.get("label")
    if isinstance(label, str) and label.strip():
        ways.append(words(label))
    name = re.sub(r"\s*\([^)]*\)", "", str(row.get("name") or row["id"]))
    for prefix in PREFIXES:
        if name.upper().startswith(prefix + " "):
            name = name[len(prefix) + 1 :]
    ways.append(words(name))
    ways.append(words(short_name(name)))  # as the slide's locator inset writes it
    designation = row.get("designation")
    if isinstance(designation, str) and designation.strip():
        ways.append(words(designation))
    return [w for w in ways if w]


def found(word: str, vocabulary: set[str]) -> bool:
    if word in vocabulary:
        return True
    if len(word) < 4:
        return False
    return bool(difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.8))


def read(row: pd.Series, vocabulary: set[str]) -> bool:
    return any(
        sum(found(w, vocabulary) for w in way) >= max(1, round(2 * len(way) / 3))
        for way in key_words(row)
    )


def ocr(png: Path) -> set[str]:
    """The words tesseract reads in ``png`` (scaled up twice, sparse text)."""
    big = png.with_suffix(".x2.png")
    from PIL import Image

    with Image.open(png) as image:
        image.convert("L").resize((image.width * 2, image.height * 2)).save(big)
    text = subprocess.run(
        ["tesseract", str(big), "-", "--psm", "11"], capture_output=True, text=True, check=True
    ).stdout
    return set(words(text))


def features(shown: geo.Dataset) -> pd.DataFrame:
    rows = []
    for layer in LAYERS:
        frame = shown[layer]
        if not frame.empty:
            rows.append(pd.DataFrame(frame.drop(columns="geometry")).assign(layer=layer))
    return pd.concat(rows, ignore_index=True)


def report(title: str, table: pd.DataFrame, column: str) -> float:
    print(f"\n{title}")
    for _, row in table.iterrows():
        print(f"  {'yes' if row[column] else 'NO ':3}  {row['layer'][:-1]:6} {row['name']}")
    share = 100 * table[column].mean() if len(table) else 0.0
    print(f"  -> {int(table[column].sum())} of {len(table)}: {share:.0f} %")
    return share


def hover_answers(page: Any, rows: list[dict[str, Any]], table: pd.DataFrame) -> list[bool]:
    """Whether the tooltip at each feature's true position names it (as :func:`read` does)."""
    by_id = {str(r["id"]): r for _, r in table.iterrows()}
    box = page.evaluate(
        "(() => { const r = window.posturemap.map.getContainer().getBoundingClientRect();"
        " return [r.left, r.top]; })()"
    )
    answers = []
    tip = page.locator(".leaflet-tooltip")
    for row in rows:
        x, y = box[0] + row["x"], box[1] + row["y"]
        page.mouse.move(box[0] + 2, box[1] + 2)  # off every feature: the last tooltip closes
        page.wait_for_function("() => !document.querySelector('.leaflet-tooltip')", timeout=5000)
        text = ""
        for step in (3, 1, 0, 0, 0, 0):  # a hand's moves (Leaflet takes one per 32 ms)
            page.mouse.move(x + step, y + step)
            page.wait_for_timeout(80)
            if tip.count() and tip.last.is_visible():
                text = tip.last.inner_text()
                break
        answers.append(read(by_id[row["id"]], set(words(text))))
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--as-of", default="2025-10-23")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--keep", type=Path, help="keep the screenshots in this folder")
    args = parser.parse_args()
    if not shutil.which("tesseract"):
        print("tesseract not found: apt-get install -y tesseract-ocr", file=sys.stderr)
        return 1
    width, height = (int(v) for v in args.size.split("x"))
    day = date.fromisoformat(args.as_of)
    shown = selection.as_of(geo.load(geo.default_data_dir()), day)
    table = features(shown)
    every = pd.concat(
        [table, pd.DataFrame(shown["strikes"].drop(columns="geometry")).assign(layer="strikes")],
        ignore_index=True,
    )
    names = {str(r["id"]): str(r["name"]) for _, r in every.iterrows()}
    out = args.keep or Path(tempfile.mkdtemp(prefix="legibility-"))
    out.mkdir(parents=True, exist_ok=True)

    html = out / "map.html"
    geo.write_html(geo.build_map(shown, basemap="offline", as_of=day), html, overwrite=True)
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=find_chromium())
        page = browser.new_page(viewport={"width": width, "height": height})
        page.route(
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
        )
        page.goto(html.as_uri())
        page.wait_for_function("window.posturemap && window.posturemap.ready")
        page.wait_for_timeout(300)
        page.screenshot(path=str(out / "map.png"))
        in_view = page.evaluate(IN_VIEW)
        answers = hover_answers(page, in_view, every)
        browser.close()
    (out / "slide.png").write_bytes(
        render.slide_png_bytes(shown, as_of=day, basemap="offline", size=(width, height))
    )

    seen = {row["id"] for row in in_view}
    html_table = table[table["id"].isin(seen)].copy()
    vocabulary = ocr(out / "map.png")
    html_table["read"] = [read(r, vocabulary) for _, r in html_table.iterrows()]
    slide_table = table.copy()
    vocabulary = ocr(out / "slide.png")
    slide_table["read"] = [read(r, vocabulary) for _, r in slide_table.iterrows()]
    mouse = pd.DataFrame(
        {
            "layer": ["point "] * len(in_view),
            "name": [names.get(r["id"], r["id"]) for r in in_view],
            "answers": answers,
        }
    )
    html_share = report(f"HTML first view, {args.size}: read by name (OCR)", html_table, "read")
    slide_share = report(f"Slide, {args.size}: read by name (OCR)", slide_table, "read")
    mouse_share = report("HTML first view: answers the mouse at its position", mouse, "answers")
    print(
        f"\nread by name: HTML {html_share:.0f} %, slide {slide_share:.0f} %; "
        f"answer the mouse: {mouse_share:.0f} % (pictures in {out})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
