"""The slide's page without a browser: frame and inset options, rings and zones, the app's PNG
options, and the ring/zone specs shared with ``export html`` (``geo.analysis.overlayspecs``)."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

import geo
from geo.analysis import overlayspecs
from geo.app import webmap
from geo.app.state import ViewState
from geo.slides import decorations, errors, render
from geo.slides.options import SlideOptions
from tests.conftest import page_payload

DAY = date(2025, 10, 23)


def slide_call(page: str) -> dict[str, Any]:
    """The options of the page's one ``posturemap.slide(map, {...})`` call."""
    calls = re.findall(r"posturemap\.slide\(\w+, (\{.*?\})\);\n", page)
    assert len(calls) == 1
    return json.loads(calls[0])


@pytest.fixture(scope="module")
def default_page(default_dataset: geo.Dataset) -> str:
    return render.slide_html(default_dataset, SlideOptions(as_of=DAY, basemap="offline"))


def test_page_fits_the_frame_and_carries_the_inset(default_page: str) -> None:
    options = slide_call(default_page)
    (south, west), (north, east) = options["bounds"]
    assert -80 < west < -70 and -63 < east < -58 and 8 < south < 12 and 18 < north < 21
    # The map's own first view is the same frame (the payload's bounds).
    assert page_payload(default_page)["bounds"] == options["bounds"]
    inset = options["inset"]
    assert inset["dot"] == decorations.INSET_DOT
    assert {d["layer"] for d in inset["dots"]} == {"bases", "places"}
    assert any(
        line.startswith("Barksdale AFB · ") for lb in inset["labels"] for line in lb["lines"]
    )
    assert "As of 23 Oct 2025, end of day UTC (232359Z OCT 25)" in default_page


def test_explicit_bounds_and_no_inset(default_dataset: geo.Dataset) -> None:
    box = (-105.0, 5.0, -55.0, 40.0)
    page = render.slide_html(default_dataset, SlideOptions(as_of=DAY, bounds=box))
    options = slide_call(page)
    assert options["bounds"] == [[5.0, -105.0], [40.0, -55.0]]
    assert options["inset"] is None


def test_hostile_names_stay_data(tmp_path: Any) -> None:
    """A far base named with script and template syntax reaches the page as JSON text only."""
    from tests.factories import write_dataset
    from tests.test_framing import RED_SEA_DAY, red_sea_layers

    layers = red_sea_layers()
    name = "</script><script>alert(1)</script>{{ 7*7 }}{% if 1 %}x{% endif %}"
    layers["bases"]["features"][2]["properties"]["name"] = name
    dataset = geo.load(write_dataset(tmp_path / "hostile", layers))
    page = render.slide_html(dataset, SlideOptions(as_of=RED_SEA_DAY, basemap="offline"))
    assert "<script>alert(1)" not in page and "{{ 7*7 }}" not in page and "{% if" not in page
    lines = [line for lb in slide_call(page)["inset"]["labels"] for line in lb["lines"]]
    assert any(line.startswith("</script><script>alert(1)</s") for line in lines)


def test_rings_and_zones_reach_the_slide(default_dataset: geo.Dataset) -> None:
    page = render.slide_html(
        default_dataset,
        SlideOptions(as_of=DAY, basemap="offline", rings=("uss-gravely:500",), zones=("GRD",)),
    )
    payload = page_payload(page)
    rings, zones = payload["rings"]["features"], payload["zones"]["features"]
    assert [f["properties"]["label"] for f in rings] == ["USS Gravely: 500 km (270 nm)"]
    assert {f["properties"]["label"].split(":")[0] for f in zones} == {"Grenada"}
    assert {"rings", "zones"} <= {g["key"] for g in payload["groups"]}


def test_ring_follows_its_asset_and_warns_when_not_shown(default_dataset: geo.Dataset) -> None:
    warned: list[str] = []
    options = SlideOptions(as_of=date(2025, 8, 1), basemap="offline", rings=("uss-gravely",))
    page = render.slide_html(default_dataset, options, warn=warned.append)
    assert page_payload(page)["rings"] is None
    (notice,) = warned
    assert (notice.option, notice.reason) == (
        "rings",
        "uss-gravely not shown as of 2025-08-01; no rings drawn for it",
    )
    assert "--" not in notice  # the command line names the flag (geo.cli.common.worded)


@pytest.mark.parametrize(
    ("rings", "zones", "error", "said"),
    [
        (("no-such-base",), (), errors.UnknownRingOrigin, "no base or asset with id 'no-such-base"),
        (("uss-gravely:far",), (), errors.BadOption, "'far' is not a distance in km"),
        (("uss-gravely:-5",), (), errors.BadOption, "0 < KM <= 20000"),
        ((), ("XXX",), errors.BadOption, "zones: unknown state"),
    ],
)
def test_bad_overlays_fail_before_rendering(
    default_dataset: geo.Dataset,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Any,
    rings: tuple[str, ...],
    zones: tuple[str, ...],
    error: type[Exception],
    said: str,
) -> None:
    def no_browser(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("no browser before the options are checked")

    monkeypatch.setattr(render, "SlideRenderer", no_browser)
    with pytest.raises(error, match=re.escape(said)) as caught:
        render.render_png(default_dataset, tmp_path / "x.png", rings=rings, zones=zones)
    assert caught.value.code == (1 if error is errors.UnknownRingOrigin else 2)
    assert caught.value.option in ("rings", "zones") and "--" not in str(caught.value)
    assert not (tmp_path / "x.png").exists()


def test_ring_specs() -> None:
    assert overlayspecs.parse_ring_spec("ddg-107") == ("ddg-107", None)
    assert overlayspecs.parse_ring_spec(" ddg-107:926 ") == ("ddg-107", 926.0)
    assert overlayspecs.parse_ring_spec(("ddg-107", 10)) == ("ddg-107", 10.0)
    for bad in (":5", "x:0", "x:nan", "x:30000"):
        with pytest.raises(overlayspecs.BadSpec) as caught:
            overlayspecs.parse_ring_spec(bad)
        assert isinstance(caught.value, ValueError)
        assert (caught.value.option, caught.value.value) == ("rings", bad)


def test_app_png_shows_what_the_app_shows(
    default_dataset: geo.Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's PNG gets the view's rings, zones, circles, basemap, window and area."""
    state = ViewState(
        basemap="dark",
        window=7,
        uncertainty=False,
        ring_origin="uss-gravely",
        ring_nm=100.0,
        zone_state="VEN",
    )
    asked: dict[str, Any] = {}

    def fake_png(dataset: geo.Dataset, **options: Any) -> bytes:
        asked.update(options)
        SlideOptions(**{k: v for k, v in options.items() if k != "warn"})  # all are fields
        return b"png"

    monkeypatch.setattr(render, "slide_png_bytes", fake_png)
    box = (-70.0, 10.0, -60.0, 20.0)
    png, messages = webmap.view_png(default_dataset, state, DAY, box)
    assert png == b"png" and messages == []
    assert asked["rings"] == (("uss-gravely", pytest.approx(185.2)),)
    assert asked["zones"] == ("VEN",)
    assert asked["uncertainty"] is False and asked["basemap"] == "dark"
    assert asked["since"] == date(2025, 10, 17) and asked["bounds"] == box
    assert "title" not in asked  # the slide's title, without the date its as-of line gives
    nominal = webmap.png_options(ViewState(ring_origin="uss-gravely"), DAY)
    assert nominal["rings"] == (("uss-gravely", None),) and nominal["zones"] == ()


def test_ring_centre_is_the_latest_report(default_dataset: geo.Dataset) -> None:
    """A map of every report (the timeline) rings an asset at its latest position."""
    # Reports in reverse file order: the latest is found by date, not by position.
    assets = default_dataset["assets"].iloc[::-1]
    backwards = geo.Dataset(
        layers={**default_dataset.layers, "assets": assets}, sources=default_dataset.sources
    )
    centre = overlayspecs.ring_centre(backwards, "uss-gravely")
    reports = assets[assets["entity"] == "uss-gravely"]
    assert len(reports) > 1 and len(centre) == 1
    assert centre["observed"].iloc[0] == reports["observed"].max()
    assert (
        overlayspecs.ring_centre(default_dataset, "barksdale-afb")["id"].iloc[0] == "barksdale-afb"
    )
    assert overlayspecs.ring_centre(default_dataset, "nowhere").empty
