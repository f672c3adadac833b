"""The OSM refresh path, offline: osmnx.features_from_xml on a small OSM XML made here."""

import json

import pytest

from geo.errors import DataFileError
from geo.osm_refresh import layers_from_xml, write_layers

OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="21.0282" lon="105.8272"><tag k="railway" v="station"/><tag k="public_transport" v="station"/><tag k="name" v="Cát Linh"/><tag k="station" v="light_rail"/></node>
  <node id="2" lat="21.0201" lon="105.8253"/>
  <node id="3" lat="21.0145" lon="105.8194"/>
  <node id="10" lat="21.0900" lon="105.8150"/>
  <node id="11" lat="21.0950" lon="105.8260"/>
  <node id="20" lat="21.19" lon="105.76"/>
  <node id="21" lat="21.19" lon="105.77"/>
  <node id="22" lat="21.20" lon="105.77"/>
  <node id="23" lat="21.20" lon="105.76"/>
  <node id="30" lat="21.00" lon="105.80"/>
  <node id="31" lat="21.01" lon="105.81"/>
  <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="railway" v="light_rail"/><tag k="name" v="Tuyến 2A"/></way>
  <way id="101"><nd ref="10"/><nd ref="11"/><tag k="highway" v="trunk"/><tag k="bridge" v="yes"/><tag k="name" v="Cầu Nhật Tân"/><tag k="name:en" v="Nhat Tan Bridge"/></way>
  <way id="102"><nd ref="20"/><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="20"/><tag k="landuse" v="industrial"/><tag k="name" v="Khu công nghiệp Quang Minh"/></way>
  <way id="103"><nd ref="30"/><nd ref="31"/><tag k="highway" v="primary"/><tag k="name" v="Đường Vành đai 3"/></way>
  <way id="104"><nd ref="30"/><nd ref="2"/><tag k="highway" v="residential"/><tag k="name" v="Phố Huế"/></way>
</osm>
"""


@pytest.fixture
def osm_file(tmp_path):
    path = tmp_path / "small.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    return path


def test_layers_from_xml_gives_the_project_schema(osm_file):
    layers = layers_from_xml(osm_file)
    assert sorted(layers) == ["bridge", "industrial_zone", "metro_line", "metro_station", "ring_road"]
    assert {layer: len(gdf) for layer, gdf in layers.items()} == {
        "bridge": 1, "industrial_zone": 1, "metro_line": 1, "metro_station": 1, "ring_road": 1,
    }  # fmt: skip
    bridge = layers["bridge"].iloc[0]
    assert bridge["id"] == "osm-way-101"
    assert bridge["name"] == "Cầu Nhật Tân" and bridge["name_en"] == "Nhat Tan Bridge"
    assert bridge["geometry_quality"] == "osm"
    assert "© OpenStreetMap contributors" in bridge["geometry_source"]
    zone = layers["industrial_zone"].iloc[0]
    assert zone.geometry.geom_type == "Polygon"
    assert layers["metro_line"].iloc[0].geometry.coords[0] == pytest.approx((105.8272, 21.0282))
    assert layers["metro_station"].iloc[0]["name"] == "Cát Linh"


def test_write_layers_keeps_attribution_and_schema(osm_file, tmp_path):
    written = write_layers(layers_from_xml(osm_file), tmp_path / "out")
    assert sorted(p.name for p in written) == sorted(
        f"{layer}.geojson" for layer in ["bridge", "industrial_zone", "metro_line", "metro_station", "ring_road"]
    )
    data = json.loads((tmp_path / "out" / "bridge.geojson").read_text(encoding="utf-8"))
    assert data["attribution"].startswith("© OpenStreetMap contributors")
    props = data["features"][0]["properties"]
    assert "task_ids" not in props and props["layer"] == "bridge"  # links live in data/links.csv, not in features


def test_bad_xml_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.osm"
    bad.write_text("<osm><node", encoding="utf-8")
    with pytest.raises(DataFileError, match="not a readable OSM XML"):
        layers_from_xml(bad)
    with pytest.raises(DataFileError, match="not found"):
        layers_from_xml(tmp_path / "missing.osm")
