"""Tests of geo.export.print_map: the printable map of the current view (PNG and PDF, A4 and A3)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

import geopandas as gpd
import numpy as np
import pytest
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.export import PlacedLabel, print_view
from geo.export.png_draw import print_layout
from geo.export.print_map import LabelCandidate, place_labels
from geo.filters import TaskFilter
from geo.view import build_view, load_data

AS_OF = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 9, 0, 0)
HOAN_KIEM = ((21.015, 105.838), (21.045, 105.866))  # (south, west), (north, east)
POINTS_PER_MM = 72 / 25.4


@pytest.fixture(scope="module")
def view():
    return build_view(load_data(), TaskFilter(as_of=AS_OF))


@pytest.fixture(scope="module")
def city(view):
    report = {}
    png = print_view(view, now=NOW, report=report)
    return png, report


@pytest.fixture(scope="module")
def hoan_kiem(view):
    report = {}
    png = print_view(view, extent_4326=HOAN_KIEM, now=NOW, report=report)
    return png, report


def requested_box_m(extent_4326):
    """The asked box in EPSG:32648, computed here from its densified outline."""
    (south, west), (north, east) = extent_4326
    outline = shapely.segmentize(shapely.box(west, south, east, north), max_segment_length=0.001)
    return gpd.GeoSeries([outline], crs=settings.CRS_STORE).to_crs(settings.CRS_MEASURE).total_bounds


# --- pages ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paper", "orientation", "size_mm"),
    [("A4", "landscape", (297, 210)), ("A4", "portrait", (210, 297)), ("A3", "landscape", (420, 297)),
     ("A3", "portrait", (297, 420))],
)  # fmt: skip
def test_pdf_is_one_page_of_the_paper_size(view, paper, orientation, size_mm):
    pdf = print_view(view, extent_4326=HOAN_KIEM, paper=paper, orientation=orientation, fmt="pdf", now=NOW)
    assert pdf.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert len(re.findall(rb"/Type\s*/Pages\b", pdf)) == 1
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    assert len(boxes) == 1
    x0, y0, x1, y1 = (float(value) for value in boxes[0])
    assert x1 - x0 == pytest.approx(size_mm[0] * POINTS_PER_MM, abs=1)
    assert y1 - y0 == pytest.approx(size_mm[1] * POINTS_PER_MM, abs=1)
    assert b"hanoi-planning-map" in pdf and b"D:20261122090000" in pdf  # creator and the given creation time


def test_pdf_of_the_whole_city_is_vector_and_one_page(view):
    pdf = print_view(view, paper="A3", fmt="pdf", lang="en", now=NOW)
    assert pdf.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1
    assert b"/Subtype /Image" not in pdf  # no raster: the map is drawn as paths


def test_png_a4_landscape_at_150_dpi(city):
    image = Image.open(io.BytesIO(city[0]))
    assert image.format == "PNG"
    assert abs(image.size[0] - 1754) <= 1 and abs(image.size[1] - 1240) <= 1
    assert round(image.info["dpi"][0]) == 150
    assert city[1]["page_mm"] == (297.0, 210.0)


def test_png_size_follows_paper_orientation_and_dpi(view):
    png = print_view(view, extent_4326=HOAN_KIEM, paper="A3", orientation="portrait", dpi=100, now=NOW)
    assert Image.open(io.BytesIO(png)).size == (round(297 / 25.4 * 100), round(420 / 25.4 * 100))  # (1169, 1654)


# --- extent and features ------------------------------------------------------------------------------------------------


def test_whole_city_draws_every_visible_feature(city, view):
    drawable = view.features[~(view.features.geometry.isna() | view.features.geometry.is_empty)]
    assert set(city[1]["features"]) == {str(fid) for fid in drawable.index}


def test_extent_is_kept_whole_and_shaped_like_the_map(hoan_kiem):
    asked = requested_box_m(HOAN_KIEM)
    xmin, ymin, xmax, ymax = hoan_kiem[1]["extent_m"]
    assert xmin <= asked[0] + 1 and ymin <= asked[1] + 1 and xmax >= asked[2] - 1 and ymax >= asked[3] - 1  # never cropped
    assert (xmin + xmax) / 2 == pytest.approx((asked[0] + asked[2]) / 2, abs=1)  # same centre
    assert (ymin + ymax) / 2 == pytest.approx((asked[1] + asked[3]) / 2, abs=1)
    widened_x, widened_y = (xmax - xmin) - (asked[2] - asked[0]), (ymax - ymin) - (asked[3] - asked[1])
    assert min(widened_x, widened_y) == pytest.approx(0, abs=1)  # widened in one direction only
    width_in, height_in = 297 / 25.4, 210 / 25.4
    box = print_layout((round(width_in * 150) / 150, round(height_in * 150) / 150)).map_box
    ratio = (box[2] * width_in) / (box[3] * height_in)
    assert (xmax - xmin) / (ymax - ymin) == pytest.approx(ratio, rel=1e-3)


def test_hoan_kiem_draws_fewer_features_than_the_city(city, hoan_kiem, view):
    inside, whole = set(hoan_kiem[1]["features"]), set(city[1]["features"])
    assert 0 < len(inside) < len(whole) and inside < whole
    projected = view.features.to_crs(settings.CRS_MEASURE)
    frame = shapely.box(*hoan_kiem[1]["extent_m"])
    expected = {str(fid) for fid, shape in projected.geometry.items() if shape is not None and shape.intersects(frame)}
    assert inside == expected
    station = np.array([int(view.data.registry.get("metro_station").color[i : i + 2], 16) for i in (1, 3, 5)])

    def station_pixels(png):
        pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
        return int((np.abs(pixels - station).sum(axis=2) < 30).sum())

    assert station_pixels(city[0]) > station_pixels(hoan_kiem[0])


# --- labels ------------------------------------------------------------------------------------------------------------


def stations_in(view, extent_m):
    """The stations whose point lies in `extent_m` (EPSG:32648), found here independently."""
    stations = view.features[view.features["layer"] == "metro_station"]
    return stations[stations.to_crs(settings.CRS_MEASURE).intersects(shapely.box(*extent_m))]


@pytest.mark.parametrize(("lang", "column"), [("vi", "name"), ("en", "name_en")])
def test_stations_inside_the_extent_are_labelled(view, lang, column):
    report = {}
    print_view(view, extent_4326=HOAN_KIEM, lang=lang, now=NOW, report=report)
    inside = stations_in(view, report["extent_m"])
    assert len(inside) >= 2, "the Hoàn Kiếm page should hold stations of line 3"
    labels = report["labels"]
    assert all(isinstance(label, PlacedLabel) for label in labels)
    labelled = {label.feature_id for label in labels if label.layer == "metro_station"}
    assert labelled and labelled <= set(inside.index)
    assert set(inside.index) <= labelled | set(report["labels_skipped"])  # every station inside: labelled or skipped
    names = {str(inside.at[fid, column]).split(" (")[0] for fid in labelled}
    assert {label.text for label in labels if label.layer == "metro_station"} == names
    xmin, ymin, xmax, ymax = report["extent_m"]
    assert all(xmin <= label.x_m <= xmax and ymin <= label.y_m <= ymax for label in labels)
    assert {label.layer for label in labels} >= {"metro_station", "metro_line", "bridge"}


def test_city_labels_skip_what_would_overlap(city):
    report = city[1]
    assert len(report["labels"]) > 10 and len(report["labels_skipped"]) > 0
    assert not {label.feature_id for label in report["labels"]} & set(report["labels_skipped"])


def test_place_labels_uses_four_corners_then_skips_and_stays_inside_the_map():
    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 4000)
    axes.set_ylim(0, 3000)
    same_spot = [LabelCandidate(f"s{n}", "metro_station", f"Station {n}", ((1000.0, 1500.0),), "point") for n in range(1, 6)]
    candidates = [
        *same_spot,  # four corners of one point: the fifth label has no room left
        LabelCandidate("far", "metro_station", "Far station", ((3000.0, 1500.0),), "point"),
        LabelCandidate("edge", "bridge", "Edge", ((3999.0, 1500.0),), "point"),  # right of it is outside: goes left
        LabelCandidate("again", "metro_station", "Station 1", ((1000.0, 2990.0),), "point"),  # top edge: goes below
    ]
    placed, skipped = place_labels(axes, candidates)
    assert [label.feature_id for label in placed] == ["s1", "s2", "s3", "s4", "far", "edge", "again"]
    assert skipped == ["s5"]
    renderer = figure.canvas.get_renderer()
    boxes = [text.get_window_extent(renderer) for text in axes.texts]
    assert len(boxes) == 7
    assert not any(boxes[i].overlaps(boxes[j]) for i in range(7) for j in range(i + 1, 7))
    frame = axes.get_window_extent(renderer)
    assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1 for box in boxes)
    assert [text.get_ha() for text in axes.texts[:4]] == ["left", "left", "right", "right"]
    assert axes.texts[5].get_ha() == "right" and axes.texts[6].get_va() == "top"


def test_place_labels_does_not_repeat_a_name_at_the_same_place():
    figure = Figure(figsize=(4, 3), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 4000)
    axes.set_ylim(0, 3000)
    twice = [LabelCandidate(f"line-{n}", "metro_station", "Ga Hà Nội", ((2000.0, 1500.0 + n * 10),), "point") for n in (1, 2)]
    placed, skipped = place_labels(axes, twice)
    assert [label.feature_id for label in placed] == ["line-1"] and skipped == ["line-2"]


# --- bad input ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "match"),
    [({"paper": "A5"}, r"Unknown paper 'A5'; valid values are A4, A3"),
     ({"orientation": "sideways"}, r"Unknown orientation 'sideways'; valid values are landscape, portrait"),
     ({"fmt": "svg"}, r"Unknown fmt 'svg'; valid values are png, pdf"),
     ({"lang": "fr"}, r"Unknown lang 'fr'; valid values are vi, en")],
)  # fmt: skip
def test_unknown_values_name_the_valid_ones(view, option, match):
    with pytest.raises(UnknownValueError, match=match):
        print_view(view, **option)


def test_paper_orientation_and_format_are_case_insensitive(view):
    pdf = print_view(view, extent_4326=HOAN_KIEM, paper="a4", orientation="Portrait", fmt="PDF", now=NOW)
    assert pdf.startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("option", "match"),
    [({"extent_4326": ((21.05, 105.80), (21.00, 105.90))}, r"south < north"),
     ({"extent_4326": ((21.0, 105.9), (21.1, 105.8))}, r"west < east"),
     ({"extent_4326": (21.0, 105.8, 21.1, 105.9)}, r"not a box; give \(\(south, west\), \(north, east\)\)"),
     ({"extent_4326": ((float("nan"), 105.8), (21.1, 105.9))}, r"south < north"),
     ({"dpi": 0}, r"dpi must be a whole number from 1 to 600, got 0"),
     ({"dpi": 72.5}, r"dpi must be a whole number")],
)  # fmt: skip
def test_bad_extent_and_dpi_are_refused(view, option, match):
    with pytest.raises(InvalidArgumentError, match=match):
        print_view(view, **option)


def test_a_filter_instead_of_a_view_is_refused():
    with pytest.raises(InvalidArgumentError, match="view must be a geo.view.View"):
        print_view(TaskFilter(), fmt="pdf")
