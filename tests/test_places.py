"""Place filters and the network through time, with expected values computed here from the geometry and the dates."""

from datetime import date

import geopandas as gpd
import pytest
import shapely

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.filters import TaskFilter, filter_summary
from geo.places import format_within, parse_near, parse_within
from geo.timeline import status_on
from geo.view import build_view, load_data


@pytest.fixture(scope="module")
def data():
    return load_data()


def projected(frame):
    return frame.geometry.to_crs(settings.CRS_MEASURE)


def test_ward_filter_matches_an_intersection_done_here(data):
    wards = data.context["wards"]
    name = "Phường Hoàn Kiếm"
    ward = wards[wards["name"] == name].to_crs(settings.CRS_MEASURE).geometry.iloc[0]
    expected = {fid for fid, geom in projected(data.features).items() if geom.intersects(ward)}
    view = build_view(data, TaskFilter(wards=(name,), as_of=date(2026, 11, 22)))
    assert set(view.features.index) == expected and expected
    linked = {row.task_id for row in data.links.itertuples() if row.feature_id in expected}
    assert set(view.tasks.index) == linked


@pytest.mark.parametrize("radius", [300.0, 800.0, 2500.0])
def test_radius_filter_matches_distances_measured_here(data, radius):
    lat, lon = 21.02838, 105.82728  # Cát Linh
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs="EPSG:4326").to_crs(settings.CRS_MEASURE).iloc[0]
    distances = projected(data.features).distance(point)
    # the filter's circle is a 128-gon: only features farther than the polygon's inner radius may differ
    inner = radius * (1 - 1e-3)
    view = build_view(data, TaskFilter(near=f"{lat},{lon},{radius}", as_of=date(2026, 11, 22)))
    assert set(distances[distances <= inner].index) <= set(view.features.index) <= set(distances[distances <= radius].index)
    if radius == 800.0:
        assert "station-2A-01" in view.features.index and len(view.features) < len(data.features)


def test_drawn_polygon_filter_and_its_text(data):
    box = shapely.box(105.80, 21.00, 105.86, 21.05)
    text = format_within(box)
    view = build_view(data, TaskFilter(within=text, as_of=date(2026, 11, 22)))
    expected = {fid for fid, geom in data.features.geometry.items() if geom.intersects(box)}
    assert set(view.features.index) == expected
    assert filter_summary(view.choice, lang="en")[-1] == "Inside the area drawn on the map (4 corners)"


@pytest.mark.parametrize(
    ("near", "message"),
    [("21,105", "must be 'lat,lon,radius_m'"), ("105.8,21.0,500", "latitude comes first"), ("21.0,105.8,0", "radius")],
)
def test_bad_radius_filters(near, message):
    with pytest.raises(InvalidArgumentError, match=message):
        parse_near(near)


def test_bad_polygons_and_wards(data):
    with pytest.raises(InvalidArgumentError, match="at least 3 corners"):
        parse_within("105.8 21.0;105.9 21.0")
    with pytest.raises(InvalidArgumentError, match="outside the Hà Nội region"):
        parse_within("21.0 105.8;21.1 105.8;21.1 105.9")  # lat/lon swapped
    with pytest.raises(UnknownValueError, match="Unknown ward"):
        build_view(data, TaskFilter(wards=("Phường Không Có",)))


@pytest.mark.parametrize(
    ("query", "feature_id"), [("cat linh", "station-2A-01"), ("cau long bien", "bridge-09"), ("vanh dai 3", "ring-vd3")]
)
def test_search_finds_features_by_name(data, query, feature_id):
    view = build_view(data, TaskFilter(query=query, as_of=date(2026, 11, 22)))
    assert feature_id in view.features.index


def test_status_through_time_from_the_dates(data):
    stations = data.features[data.features["opens_kind"] == "actual"]
    station_id = stations.index[0]
    opened = date.fromisoformat(stations.at[station_id, "opens"][:10])
    before = status_on(data.features.loc[[station_id]], date.fromordinal(opened.toordinal() - 1)).iloc[0]
    on_the_day = status_on(data.features.loc[[station_id]], opened).iloc[0]
    assert on_the_day["status_as_of"] == "operating" and on_the_day["status_basis"] == "actual"
    assert before["status_as_of"] in ("planned", "under construction")
    view_2020 = build_view(data, TaskFilter(as_of=date(2020, 1, 1), statuses=("operating",)))
    assert station_id not in view_2020.features.index
    view_today = build_view(data, TaskFilter(as_of=date(2026, 11, 22), statuses=("operating",)))
    assert station_id in view_today.features.index
    targets = data.features[(data.features["opens_kind"] == "target")]
    if len(targets):
        later = status_on(targets, date(2040, 1, 1))
        assert set(later["status_basis"]) == {"target"}  # a planned opening is never shown as a fact
