"""Walking catchments on a small street network made here (OSM XML), and on bad files."""

import math

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Point

from geo.errors import NetworkFileError
from geo.walk import load_walk_network, walk_catchments

X0, Y0 = 585_000.0, 2_325_000.0
TO_4326 = Transformer.from_crs("EPSG:32648", "EPSG:4326", always_xy=True)


@pytest.fixture(scope="module")
def street_file(tmp_path_factory):
    """A straight street, 21 nodes 100 m apart (2 km), plus a 200 m side street at its middle."""
    nodes, ways = [], []
    for i in range(21):
        lon, lat = TO_4326.transform(X0 + (i - 10) * 100.0, Y0)
        nodes.append(f'<node id="{i + 1}" lat="{lat:.8f}" lon="{lon:.8f}"/>')
    for j, dy in enumerate((100.0, 200.0)):
        lon, lat = TO_4326.transform(X0, Y0 + dy)
        nodes.append(f'<node id="{100 + j}" lat="{lat:.8f}" lon="{lon:.8f}"/>')
    refs = "".join(f'<nd ref="{i + 1}"/>' for i in range(21))
    ways.append(f'<way id="1">{refs}<tag k="highway" v="residential"/></way>')
    ways.append('<way id="2"><nd ref="11"/><nd ref="100"/><nd ref="101"/><tag k="highway" v="footway"/></way>')
    path = tmp_path_factory.mktemp("net") / "street.osm"
    path.write_text(f'<?xml version="1.0"?><osm version="0.6">{"".join(nodes)}{"".join(ways)}</osm>', encoding="utf-8")
    return path


def station(x, y, name="S"):
    lon, lat = TO_4326.transform(X0 + x, Y0 + y)
    return gpd.GeoDataFrame({"line": ["T"], "name": [name]}, geometry=[Point(lon, lat)], crs="EPSG:4326")


def test_reach_along_the_street_is_the_radius(street_file):
    network = load_walk_network(street_file)
    catchments, skipped = walk_catchments(station(0, 0), network, 300, edge_buffer_m=10)
    assert skipped.empty
    shape = catchments.geometry.iloc[0]
    minx, _miny, maxx, maxy = shape.bounds
    assert maxx - minx == pytest.approx(600 + 2 * 10, abs=2)  # 300 m each way along the main street
    assert maxy - Y0 == pytest.approx(200 + 10, abs=2)  # the whole 200 m side street
    assert catchments["pedshed_ratio"].iloc[0] == pytest.approx(shape.area / (math.pi * 300**2))
    assert catchments["pedshed_ratio"].iloc[0] < 0.1


def test_partial_edges_are_cut_at_the_remaining_distance(street_file):
    network = load_walk_network(street_file)
    catchments, _ = walk_catchments(station(0, 0), network, 250, edge_buffer_m=5)
    minx, _, maxx, _ = catchments.geometry.iloc[0].bounds
    assert maxx - minx == pytest.approx(500 + 10, abs=2)


def test_station_off_the_network_is_skipped_and_reported(street_file):
    network = load_walk_network(street_file)
    far = station(0, 5000, name="Xa")
    catchments, skipped = walk_catchments(far, network, 500)
    assert catchments.empty
    assert skipped.to_dict("records") == [{"name": "Xa", "line": "T", "reason": "not covered by street.osm"}]


def test_bad_network_files(tmp_path):
    with pytest.raises(NetworkFileError, match="not found"):
        load_walk_network(tmp_path / "none.osm")
    text = tmp_path / "streets.txt"
    text.write_text("hello")
    with pytest.raises(NetworkFileError, match="expected an OSM XML"):
        load_walk_network(text)
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id='1'")
    with pytest.raises(NetworkFileError, match="not a usable street network"):
        load_walk_network(broken)
    empty = tmp_path / "empty.graphml"
    empty.write_text("<graphml></graphml>")
    with pytest.raises(NetworkFileError):
        load_walk_network(empty)


def test_a_bz2_bomb_is_refused_before_parsing(tmp_path, monkeypatch):
    import bz2

    from geo import settings

    monkeypatch.setattr(settings, "MAX_DECOMPRESSED_BYTES", 1 << 20)
    bomb = tmp_path / "bomb.osm.bz2"
    bomb.write_bytes(bz2.compress(b"<osm>" + b" " * (3 << 20) + b"</osm>"))
    assert bomb.stat().st_size < 10_000
    with pytest.raises(NetworkFileError, match="unpacks to more than 1 MiB"):
        load_walk_network(bomb, label="upload.osm.bz2")


def test_xml_entities_are_refused(tmp_path):
    laughs = tmp_path / "laughs.osm"
    laughs.write_text('<?xml version="1.0"?><!DOCTYPE osm [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><osm>&b;</osm>', encoding="utf-8")
    with pytest.raises(NetworkFileError, match="declares a DOCTYPE or entities"):
        load_walk_network(laughs)


def test_an_oversized_network_file_is_refused(tmp_path, monkeypatch):
    from geo import settings

    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 1000)
    big = tmp_path / "big.osm"
    big.write_text("<osm>" + " " * 2000 + "</osm>", encoding="utf-8")
    with pytest.raises(NetworkFileError, match="over the limit"):
        load_walk_network(big)
