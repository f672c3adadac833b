import math

import numpy as np
import pyproj
import pytest
import shapely
from shapely import GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon

from geo.errors import InvalidArgumentError, UnknownValueError
from geo.geomcheck import check_geometry, raise_for, swap_xy

LAKE = (105.8523, 21.0287)  # Hồ Hoàn Kiếm, lon/lat
BRIDGE = LineString([(105.8478, 21.0430), (105.8622, 21.0467)])  # Cầu Long Biên, roughly
WARD = Polygon([(105.84, 21.02), (105.86, 21.02), (105.86, 21.04), (105.84, 21.04)])


@pytest.mark.parametrize(("geometry", "layer"), [
    (Point(LAKE), "point"),
    (BRIDGE, "line"),
    (MultiLineString([BRIDGE.coords, [(105.80, 21.00), (105.81, 21.01)]]), "line"),
    (WARD, "polygon"),
    (MultiPolygon([WARD, Polygon([(105.9, 21.1), (105.91, 21.1), (105.91, 21.11)])]), "polygon"),
])
def test_a_fitting_geometry_is_accepted_as_it_is(geometry, layer):
    check = check_geometry(geometry, layer_geometry=layer)
    assert check.problems == ()
    assert check.message == ""
    assert check.repaired is None
    assert shapely.equals_exact(check.geometry, geometry, tolerance=0)
    assert raise_for(check) is check.geometry


@pytest.mark.parametrize(("geometry", "layer", "found", "expected"), [
    (BRIDGE, "point", "LineString", "Point"),
    (Point(LAKE), "line", "Point", "LineString or MultiLineString"),
    (WARD, "line", "Polygon", "LineString or MultiLineString"),
    (BRIDGE, "polygon", "LineString", "Polygon or MultiPolygon"),
    (MultiPoint([LAKE, (105.86, 21.03)]), "point", "MultiPoint (2 parts)", "Point"),
    (GeometryCollection([Point(LAKE), BRIDGE]), "line", "GeometryCollection (Point, LineString)", "LineString or MultiLineString"),
])
def test_a_wrong_type_is_refused_naming_what_came_and_what_is_expected(geometry, layer, found, expected):
    check = check_geometry(geometry, layer_geometry=layer)
    assert check.geometry is None
    assert check.problems == ("err.geom_wrong_type",)
    assert check.values == {"found": found, "expected": expected}
    assert found in check.message and expected in check.message
    with pytest.raises(InvalidArgumentError, match="but features of this layer are"):
        raise_for(check)


@pytest.mark.parametrize("geometry", [None, Point(), Polygon(), GeometryCollection()])
def test_nothing_is_refused(geometry):
    check = check_geometry(geometry, layer_geometry="polygon")
    assert check.problems == ("err.geom_empty",)
    assert check.geometry is None
    assert "Polygon or MultiPolygon" in check.message


def test_a_multipoint_of_one_point_is_that_point_and_a_collection_that_fits_is_merged():
    assert check_geometry(MultiPoint([LAKE]), layer_geometry="point").geometry.equals(Point(LAKE))
    other = Polygon([(105.9, 21.1), (105.91, 21.1), (105.91, 21.11)])
    merged = check_geometry(GeometryCollection([WARD, GeometryCollection([other])]), layer_geometry="polygon").geometry
    assert merged.geom_type == "MultiPolygon"
    assert merged.area == pytest.approx(WARD.area + other.area)
    single = check_geometry(GeometryCollection([BRIDGE, Point()]), layer_geometry="line").geometry
    assert single.equals(BRIDGE)


def test_z_is_dropped():
    check = check_geometry(Point(*LAKE, 12.5), layer_geometry="point")
    assert check.problems == ()
    assert not check.geometry.has_z
    assert check.geometry.coords[0] == LAKE
    line = check_geometry(LineString([(*xy, 7.0) for xy in BRIDGE.coords]), layer_geometry="line").geometry
    assert not line.has_z and line.equals(BRIDGE)


def test_a_bow_tie_is_refused_with_its_repair_offered_and_accepted_on_request():
    # corners (105.80, 21.00), (105.82, 21.02), (105.82, 21.00), (105.80, 21.02): the edges cross at (105.81, 21.01)
    bow_tie = Polygon([(105.80, 21.00), (105.82, 21.02), (105.82, 21.00), (105.80, 21.02)])
    check = check_geometry(bow_tie, layer_geometry="polygon")
    assert check.geometry is None
    assert check.problems == ("err.geom_invalid",)
    assert "Self-intersection" in check.values["reason"]
    # two triangles, each with a 0.02° side (x = 105.80 or 105.82) and the crossing 0.01° away: 2 * (0.02 * 0.01 / 2)
    by_hand = 2 * (0.02 * 0.01 / 2)
    assert check.repaired.area == pytest.approx(by_hand, rel=1e-9)
    assert check.repaired.geom_type == "MultiPolygon" and check.repaired.is_valid
    accepted = check_geometry(bow_tie, layer_geometry="polygon", accept_repair=True)
    assert accepted.problems == ()
    assert accepted.geometry.area == pytest.approx(by_hand, rel=1e-9)
    assert accepted.geometry.equals(check.repaired)
    with pytest.raises(InvalidArgumentError, match="invalid .*Self-intersection"):
        raise_for(check)


def test_the_repair_keeps_only_the_layers_type():
    # a polygon with a spike: make_valid gives a polygon and a line; a polygon layer gets only the polygon
    spiked = Polygon([(105.80, 21.00), (105.82, 21.00), (105.82, 21.02), (105.83, 21.03), (105.82, 21.02), (105.80, 21.02)])
    check = check_geometry(spiked, layer_geometry="polygon")
    assert check.problems == ("err.geom_invalid",)
    assert check.repaired.geom_type == "Polygon"
    assert check.repaired.area == pytest.approx(0.02 * 0.02, rel=1e-9)


def test_degenerate_lines_and_polygons_are_refused():
    assert check_geometry(LineString([LAKE, LAKE]), layer_geometry="line").problems == ("err.geom_too_few_points",)
    flat = Polygon([(105.80, 21.00), (105.81, 21.00), (105.82, 21.00)])
    check = check_geometry(flat, layer_geometry="polygon")
    assert check.problems == ("err.geom_no_area",)
    assert check.repaired is None
    assert check_geometry(flat, layer_geometry="polygon", accept_repair=True).problems == ("err.geom_no_area",)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # shapely warns when building the NaN line
def test_coordinates_that_are_not_finite_are_refused():
    check = check_geometry(LineString([LAKE, (math.inf, 21.0), (105.9, math.nan)]), layer_geometry="line")
    assert check.problems == ("err.geom_not_finite",)
    assert check.values == {"bad": 2}


def test_swapped_latitude_and_longitude_get_their_own_message():
    check = check_geometry(Point(21.03, 105.85), layer_geometry="point")
    assert check.problems == ("err.geom_swapped",)
    assert check.values == {"x": 21.03, "y": 105.85}
    assert "swapped order" in check.message
    from geo.i18n import t

    assert "ngược thứ tự" in t(check.problems[0], "vi", **check.values)
    assert check_geometry(swap_xy(Point(21.03, 105.85)), layer_geometry="point").problems == ()


def test_a_place_outside_the_region_is_refused():
    check = check_geometry(Point(106.7, 10.8), layer_geometry="point")  # Hồ Chí Minh City
    assert check.problems == ("err.geom_outside",)
    assert (check.values["x"], check.values["y"]) == (106.7, 10.8)
    line = check_geometry(LineString([LAKE, (106.68, 20.86)]), layer_geometry="line")  # reaches Hải Phòng
    assert line.problems == ("err.geom_outside",)
    assert (line.values["x"], line.values["y"]) == (106.68, 20.86)


def test_the_boundary_tolerance_is_measured_in_metres():
    to_utm = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    to_lonlat = pyproj.Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)
    x, y = to_utm.transform(*LAKE)
    square_utm = shapely.box(x - 5000, y - 5000, x + 5000, y + 5000)
    square = shapely.transform(square_utm.segmentize(100), lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])))

    def east_of_edge(distance_m):
        return Point(to_lonlat.transform(x + 5000 + distance_m, y))

    near = check_geometry(east_of_edge(24_000), layer_geometry="point", boundary_4326=square, tolerance_m=25_000)
    assert near.problems == ()
    far = check_geometry(east_of_edge(26_000), layer_geometry="point", boundary_4326=square, tolerance_m=25_000)
    assert far.problems == ("err.geom_far",)
    assert far.values["distance_km"] == pytest.approx(26.0, abs=0.05)
    assert far.values["tolerance_km"] == 25
    assert "26.0 km" in far.message
    # the same point is fine against the region's bounds alone
    assert check_geometry(east_of_edge(26_000), layer_geometry="point").problems == ()


def test_an_invalid_geometry_outside_lists_both_problems():
    bow_tie = Polygon([(106.70, 10.80), (106.72, 10.82), (106.72, 10.80), (106.70, 10.82)])
    check = check_geometry(bow_tie, layer_geometry="polygon")
    assert check.problems == ("err.geom_invalid", "err.geom_outside")
    assert check.message.startswith("the geometry is invalid")
    assert check.repaired is not None


def test_swap_xy_swaps_every_coordinate():
    swapped = swap_xy(BRIDGE)
    assert list(swapped.coords) == [(y, x) for x, y in BRIDGE.coords]
    assert not swap_xy(Point(1, 2, 3)).has_z


def test_an_unknown_layer_geometry_is_refused():
    with pytest.raises(UnknownValueError, match="point, line, polygon"):
        check_geometry(Point(LAKE), layer_geometry="area")
