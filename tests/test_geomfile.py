import hashlib
import io
import json
import warnings
import zipfile

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from shapely import LineString, Point

from geo import settings
from geo.errors import InvalidArgumentError
from geo.geomcheck import check_geometry
from geo.geomfile import choose, read_geometry_file

LAKE = (105.8523, 21.0287)  # Hồ Hoàn Kiếm, lon/lat
BRIDGE = [(105.8478, 21.0430), (105.8622, 21.0467)]  # Cầu Long Biên, roughly
CODES = (5897, 3405, 32648)  # VN-2000 / TM-3 zone 482, VN-2000 / UTM 48N, WGS 84 / UTM 48N


def projected(code, points):
    transformer = pyproj.Transformer.from_crs("EPSG:4326", f"EPSG:{code}", always_xy=True)
    return [transformer.transform(x, y) for x, y in points]


def metres_apart(a, b):
    """Hausdorff distance of two EPSG:4326 geometries, measured in EPSG:32648."""
    transformer = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)

    def to_utm(geometry):
        return shapely.transform(geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))

    return shapely.hausdorff_distance(to_utm(a), to_utm(b))


EXPECTED = {"lake": Point(LAKE), "bridge": LineString(BRIDGE)}


def frame(code, *, names=("lake", "bridge")):
    lake, *bridge = projected(code or 4326, [LAKE, *BRIDGE])
    geometries = {"lake": Point(lake), "bridge": LineString(bridge)}
    return gpd.GeoDataFrame({"name": list(names)}, geometry=[geometries[name] for name in names], crs=f"EPSG:{code}" if code else None)


def written(tmp_path, gdf, filename, **kwargs):
    path = tmp_path / filename
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "'crs' was not provided" for files meant to have none
        gdf.to_file(path, **kwargs)
    return path.read_bytes()


def zipped_shapefile(tmp_path, gdf, *, prj=True, extra=()):
    written(tmp_path, gdf, "features.shp")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix in (".shp", ".shx", ".dbf", ".cpg", *((".prj",) if prj else ())):
            if (tmp_path / f"features{suffix}").exists():
                archive.write(tmp_path / f"features{suffix}", f"features{suffix}")
        for member, data in extra:
            archive.writestr(member, data)
    return buffer.getvalue()


def zip_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members:
            archive.writestr(member, data)
    return buffer.getvalue()


def geojson(features, crs_code=None):
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties, "geometry": geometry} for properties, geometry in features
    ]}
    if crs_code:
        collection["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{crs_code}"}}
    return json.dumps(collection).encode()


def kml(folders):
    body = "".join(
        f"<Folder><name>{folder}</name>"
        + "".join(f"<Placemark><name>{label}</name>{geometry}</Placemark>" for label, geometry in placemarks)
        + "</Folder>"
        for folder, placemarks in folders
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>'.encode()


LAKE_KML = f"<Point><coordinates>{LAKE[0]},{LAKE[1]},0</coordinates></Point>"
BRIDGE_KML = "<LineString><coordinates>" + " ".join(f"{x},{y}" for x, y in BRIDGE) + "</coordinates></LineString>"


def refused(key, *args, **kwargs):
    with pytest.raises(InvalidArgumentError) as caught:
        read_geometry_file(*args, **kwargs)
    assert caught.value.key == key, str(caught.value)
    assert caught.value.text("vi") != caught.value.key
    return caught.value


# --- CRS: every file lands within a metre of where it was drawn ---------------------------------------------------------


def test_the_vn2000_tm3_coordinates_of_the_lake_are_those_of_zone_482():
    (easting, northing), = projected(5897, [LAKE])
    assert easting == pytest.approx(588_400, abs=3_000)  # central meridian 105°E + 500 km false easting
    assert northing == pytest.approx(2_326_400, abs=3_000)


def assert_lands_on_the_original(geometry_file, code):
    assert geometry_file.crs == f"EPSG:{code}"
    assert geometry_file.candidates
    for candidate in geometry_file.candidates:
        assert metres_apart(candidate.geometry, EXPECTED[candidate.label]) < 1.0, candidate.label
        x, y = candidate.geometry.coords[0]
        assert x == pytest.approx(EXPECTED[candidate.label].coords[0][0], abs=1e-4)  # longitude first
        assert y == pytest.approx(EXPECTED[candidate.label].coords[0][1], abs=1e-4)


@pytest.mark.parametrize("code", CODES)
def test_a_geopackage_in_a_projected_crs_lands_within_a_metre(tmp_path, code):
    content = written(tmp_path, frame(code), "plan.gpkg", layer="works")
    assert_lands_on_the_original(read_geometry_file("plan.gpkg", content), code)


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("feature", ["lake", "bridge"])  # a Shapefile holds one geometry type
def test_a_shapefile_with_prj_lands_within_a_metre(tmp_path, code, feature):
    content = zipped_shapefile(tmp_path, frame(code, names=(feature,)))
    geometry_file = read_geometry_file("plan.zip", content)
    assert geometry_file.format == "shp"
    assert [c.label for c in geometry_file.candidates] == [feature]
    assert_lands_on_the_original(geometry_file, code)


@pytest.mark.parametrize("code", CODES)
def test_a_geojson_with_a_legacy_crs_member_lands_within_a_metre(code):
    lake, *bridge = projected(code, [LAKE, *BRIDGE])
    content = geojson([
        ({"name": "lake"}, {"type": "Point", "coordinates": list(lake)}),
        ({"name": "bridge"}, {"type": "LineString", "coordinates": [list(xy) for xy in bridge]}),
    ], crs_code=code)
    assert_lands_on_the_original(read_geometry_file("plan.geojson", content), code)


@pytest.mark.parametrize("code", CODES)
def test_a_csv_with_its_epsg_code_lands_within_a_metre(code):
    lake, *bridge = projected(code, [LAKE, *BRIDGE])
    rows = [f"lake,{lake[0]},{lake[1]}"] + [f"bridge,{x},{y}" for x, y in bridge]
    content = ("part,x,y\n" + "\n".join(rows) + "\n").encode()
    assert_lands_on_the_original(read_geometry_file("plan.csv", content, crs=f"EPSG:{code}"), code)


def test_a_dxf_needs_its_crs_and_then_lands_within_a_metre(tmp_path):
    drawing = frame(None).assign(Layer=["lake", "bridge"])
    lake, *bridge = projected(5897, [LAKE, *BRIDGE])
    drawing = drawing.set_geometry([Point(lake), LineString(bridge)]).drop(columns="name")
    content = written(tmp_path, drawing, "plan.dxf", driver="DXF")
    refused("err.geom_no_crs", "plan.dxf", content)
    geometry_file = read_geometry_file("plan.dxf", content, crs="EPSG:5897")
    assert geometry_file.format == "dxf"
    assert geometry_file.layers == ("lake", "bridge")  # the drawing's CAD layers
    by_layer = {candidate.layer_name: candidate for candidate in geometry_file.candidates}
    assert metres_apart(by_layer["lake"].geometry, Point(LAKE)) < 1.0
    assert metres_apart(by_layer["bridge"].geometry, LineString(BRIDGE)) < 1.0
    only = read_geometry_file("plan.dxf", content, crs="EPSG:5897", layer_name="bridge")
    assert [c.layer_name for c in only.candidates] == ["bridge"]


def test_a_shapefile_without_prj_is_refused_unless_its_crs_is_given(tmp_path):
    content = zipped_shapefile(tmp_path, frame(3405, names=("bridge",)), prj=False)
    error = refused("err.geom_no_crs", "plan.zip", content)
    assert "EPSG:5897" in str(error) and "EPSG:3405" in str(error) and "EPSG:32648" in str(error)
    assert "không có hệ tọa độ" in error.text("vi")
    assert_lands_on_the_original(read_geometry_file("plan.zip", content, crs="EPSG:3405"), 3405)


@pytest.mark.parametrize("crs", [
    "+proj=tmerc +lon_0=105 +k=0.9999 +x_0=500000 +ellps=WGS84 +towgs84=-191.904,-39.303,-111.450",
    'PROJCS["VN-2000 / TM-3 zone 482"]', "epsg:5897", "5897", "EPSG 5897", "EPSG:5897 ",
])
def test_a_crs_that_is_not_exactly_an_epsg_code_is_refused(crs):
    refused("err.geom_crs_arg", "plan.csv", b"x,y\n588394,2326366\n", crs=crs)


def test_an_epsg_code_proj_does_not_know_is_refused():
    refused("err.geom_crs_unknown", "plan.csv", b"x,y\n588394,2326366\n", crs="EPSG:999999")
    refused("err.geom_crs_unknown", "plan.csv", b"x,y\n588394,2326366\n", crs="EPSG:4978")  # geocentric, not horizontal


def test_a_crs_argument_differing_from_the_files_own_is_refused(tmp_path):
    content = written(tmp_path, frame(5897), "plan.gpkg")
    error = refused("err.geom_crs_conflict", "plan.gpkg", content, crs="EPSG:3405")
    assert "EPSG:5897" in str(error) and "EPSG:3405" in str(error)
    assert read_geometry_file("plan.gpkg", content, crs="EPSG:5897").crs == "EPSG:5897"  # the same one is fine
    plain = geojson([({}, {"type": "Point", "coordinates": list(LAKE)})])
    refused("err.geom_crs_conflict", "plan.geojson", plain, crs="EPSG:5897")  # no "crs" member: EPSG:4326 by specification


def test_a_file_crs_without_an_epsg_code_is_refused(tmp_path):
    custom = "+proj=tmerc +lat_0=0 +lon_0=105.6 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +units=m +no_defs"  # no EPSG zone at 105.6°E
    assert pyproj.CRS(custom).to_epsg() is None
    content = zipped_shapefile(tmp_path, frame(5897, names=("lake",)).set_crs(custom, allow_override=True))
    error = refused("err.geom_crs_unidentified", "plan.zip", content)
    assert "EPSG code" in str(error)
    refused("err.geom_crs_unidentified", "plan.zip", content, crs="EPSG:5897")  # not overridden either


def test_metres_in_a_geojson_without_a_crs_member_are_refused_not_placed():
    lake, = projected(5897, [LAKE])
    error = refused("err.geom_not_degrees", "plan.geojson", geojson([({}, {"type": "Point", "coordinates": list(lake)})]))
    assert "588394" in str(error) and "EPSG:4326" in str(error)


def test_latitude_in_the_x_column_is_named_as_swapped_when_read_and_by_the_check():
    content = f"x,y\n{LAKE[1]},{LAKE[0]}\n".encode()  # latitude written first: 105.85 cannot be a latitude
    refused("err.geom_swapped", "lake.csv", content, crs="EPSG:4326")
    assert check_geometry(shapely.Point(LAKE[1], LAKE[0]), layer_geometry="point").problems == ("err.geom_swapped",)


# --- formats -----------------------------------------------------------------------------------------------------------


def test_a_geojson_is_read_with_labels_properties_and_z_dropped():
    content = geojson([
        ({"name": "lake", "area_ha": 12.0, "note": None}, {"type": "Point", "coordinates": [*LAKE, 9.5]}),
        ({"Tên": "Cầu Long Biên"}, {"type": "LineString", "coordinates": [list(xy) for xy in BRIDGE]}),
        ({"name": "no geometry"}, None),
        ({}, {"type": "Point", "coordinates": [105.86, 21.03]}),
    ])
    geometry_file = read_geometry_file("works.geojson", content)
    assert (geometry_file.format, geometry_file.crs, geometry_file.layers) == ("geojson", "EPSG:4326", ("",))
    assert geometry_file.sha256 == hashlib.sha256(content).hexdigest()
    assert [c.label for c in geometry_file.candidates] == ["lake", "Cầu Long Biên", "#3"]
    assert [c.index for c in geometry_file.candidates] == [1, 2, 3]
    lake = geometry_file.candidates[0]
    assert lake.geometry.equals(Point(LAKE)) and not lake.geometry.has_z
    assert lake.properties["area_ha"] == 12.0 and lake.properties["note"] is None
    json.dumps([c.properties for c in geometry_file.candidates])  # JSON-safe


def test_a_kml_with_two_folders_is_two_layers_in_longitude_latitude():
    content = kml([("Hồ", [("lake", LAKE_KML)]), ("Cầu", [("bridge", BRIDGE_KML)])])
    geometry_file = read_geometry_file("works.kml", content)
    assert geometry_file.layers == ("Hồ", "Cầu")
    assert_lands_on_the_original(geometry_file, 4326)
    assert [c.layer_name for c in geometry_file.candidates] == ["Hồ", "Cầu"]
    only = read_geometry_file("works.kml", content, layer_name="Cầu")
    assert [c.label for c in only.candidates] == ["bridge"]


def test_a_kml_declaring_entities_is_refused():
    content = b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaa">]>' + kml([("x", [("lake", LAKE_KML)])])[38:]
    refused("err.geom_doctype", "works.kml", content)


def test_a_kml_with_a_network_link_is_refused_and_nothing_is_fetched():
    link = b"<NetworkLink><name>more</name><Link><href>http://127.0.0.1:9/more.kml</href></Link></NetworkLink>"
    content = kml([("x", [("lake", LAKE_KML)])]).replace(b"</Document>", link + b"</Document>")
    assert link in content
    refused("err.geom_doctype", "works.kml", content)


def test_a_kmz_with_images_is_read_and_one_with_anything_else_is_refused():
    document = kml([("works", [("lake", LAKE_KML)])])
    good = zip_of([("doc.kml", document), ("files/icon.png", b"\x89PNG"), ("images/photo.jpg", b"\xff\xd8")])
    assert read_geometry_file("works.kmz", good).candidates[0].geometry.equals(Point(LAKE))
    error = refused("err.geom_kmz_unexpected", "works.kmz", zip_of([("doc.kml", document), ("files/setup.exe", b"MZ")]))
    assert "files/setup.exe" in str(error)
    refused("err.geom_kmz_kml_count", "works.kmz", zip_of([("doc.kml", document), ("other.kml", document)]))
    refused("err.geom_kmz_kml_count", "works.kmz", zip_of([("files/icon.png", b"\x89PNG")]))
    refused("err.geom_archive_nested", "works.kmz", zip_of([("doc.kml", document), ("inner.kmz", good)]))
    refused("err.geom_bad_archive", "works.kmz", b"not a zip at all")


def test_a_geopackage_with_two_layers_reads_both_or_the_one_named(tmp_path):
    path = tmp_path / "plan.gpkg"
    frame(4326, names=("lake",)).to_file(path, layer="lakes")
    gpd.GeoDataFrame({"name": ["bridge"]}, geometry=[LineString(projected(5897, BRIDGE))], crs="EPSG:5897").to_file(path, layer="bridges")
    content = path.read_bytes()
    geometry_file = read_geometry_file("plan.gpkg", content)
    assert geometry_file.layers == ("lakes", "bridges")
    assert [(c.index, c.layer_name, c.label) for c in geometry_file.candidates] == [(1, "lakes", "lake"), (2, "bridges", "bridge")]
    assert geometry_file.crs == "EPSG:4326, EPSG:5897"
    assert metres_apart(geometry_file.candidates[1].geometry, LineString(BRIDGE)) < 1.0
    bridges = read_geometry_file("plan.gpkg", content, layer_name="bridges")
    assert [(c.index, c.label) for c in bridges.candidates] == [(1, "bridge")]
    assert bridges.layers == ("lakes", "bridges")
    error = refused("err.geom_layer_unknown", "plan.gpkg", content, layer_name="roads")
    assert "'lakes', 'bridges'" in str(error)


def test_a_zip_holding_anything_but_one_shapefile_is_refused(tmp_path):
    error = refused("err.geom_shp_unexpected", "plan.zip", zipped_shapefile(tmp_path, frame(5897, names=("bridge",)), extra=[("readme.txt", b"hi"), ("run.exe", b"MZ")]))
    assert "readme.txt, run.exe" in str(error)
    refused("err.geom_shp_set", "plan.zip", zipped_shapefile(tmp_path, frame(5897, names=("bridge",)), extra=[("other.shp", b"")]))
    refused("err.geom_shp_set", "plan.zip", zip_of([("a.shp", b""), ("a.dbf", b"")]))  # no .shx
    refused("err.geom_archive_nested", "plan.zip", zipped_shapefile(tmp_path, frame(5897, names=("bridge",)), extra=[("more.zip", b"PK")]))
    macos = zipped_shapefile(tmp_path, frame(5897, names=("bridge",)), extra=[("__MACOSX/._features.shp", b"x"), (".DS_Store", b"x")])
    assert [c.label for c in read_geometry_file("plan.zip", macos).candidates] == ["bridge"]  # Finder's metadata is skipped


@pytest.mark.parametrize("member", ["../evil.shp", "data/../../evil.shp", "/etc/evil.shp", "C:/evil.shp", "..\\evil.shp"])
def test_a_zip_member_leading_outside_is_refused(member):
    error = refused("err.geom_archive_path", "plan.zip", zip_of([(member, b""), ("a.shx", b""), ("a.dbf", b"")]))
    assert repr(member) in str(error)


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.shp", bytes(51 * 2**20))  # 51 MiB of zeros: about 50 kB compressed
        archive.writestr("a.shx", b"")
        archive.writestr("a.dbf", b"")
    content = buffer.getvalue()
    assert len(content) < 200_000

    def no_unpacking(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_unpacking)
    error = refused("err.unpacks_too_big", "plan.zip", content)
    assert "51.0 MiB" in str(error) and "50.0 MiB" in str(error)


def test_an_upload_over_10_mib_is_refused_before_parsing():
    error = refused("err.file_too_big", "huge.geojson", b" " * (settings.MAX_UPLOAD_BYTES + 1))
    assert "over the limit of 10.0 MiB" in str(error)


def test_unknown_formats_empty_files_and_garbage_are_refused():
    error = refused("err.geom_format", "plan.txt", b"x,y\n1,2\n")
    assert ".gpkg" in str(error) and ".kmz" in str(error) and ".dxf" in str(error)
    refused("err.geom_empty_file", "plan.geojson", b"")
    error = refused("err.geom_unreadable", "plan.geojson", b"{this is not json")
    assert "GeoJSON" in str(error) and "hanoi-geometry" not in str(error)
    refused("err.geom_unreadable", "plan.gpkg", b"SQLite format 3\x00 but truncated")
    refused("err.geom_unreadable", "plan.json", kml([("x", [("lake", LAKE_KML)])]))  # a KML named .json is not GeoJSON
    refused("err.geom_no_features", "plan.geojson", geojson([]))
    refused("err.geom_no_features", "plan.geojson", geojson([({"name": "a"}, None)]))
    refused("err.geom_shape", "plan.csv", b"x,y\n1,2\n", crs="EPSG:4326", shape="area")


def test_too_many_vertices_are_refused(monkeypatch):
    monkeypatch.setattr(settings, "MAX_VERTICES", 3)
    content = geojson([({}, {"type": "LineString", "coordinates": [[105.80 + i / 100, 21.0] for i in range(4)]})])
    error = refused("err.too_many_vertices", "plan.geojson", content)
    assert "4 vertices" in str(error)


# --- CSV of coordinates ------------------------------------------------------------------------------------------------


def test_a_csv_is_one_line_or_one_point_per_part_by_default():
    content = "\ufeffpart,lon,lat\na,105.80,21.00\na,105.81,21.01\na,105.82,21.00\nb,105.85,21.03\n".encode()
    geometry_file = read_geometry_file("plan.csv", content, crs="EPSG:4326")
    assert [(c.label, c.geometry.wkt) for c in geometry_file.candidates] == [
        ("a", "LINESTRING (105.8 21, 105.81 21.01, 105.82 21)"), ("b", "POINT (105.85 21.03)"),
    ]


def test_a_csv_as_polygon_closes_the_ring_and_as_points_keeps_each_row():
    content = b"name,x,y\nA,105.80,21.00\nB,105.82,21.00\nC,105.82,21.02\n"
    polygon = choose(read_geometry_file("plan.csv", content, crs="EPSG:4326", shape="polygon"), None).geometry
    assert polygon.geom_type == "Polygon" and polygon.exterior.is_closed
    assert polygon.area == pytest.approx(0.02 * 0.02 / 2)
    points = read_geometry_file("plan.csv", content, crs="EPSG:4326", shape="point")
    assert [(c.label, c.geometry.geom_type) for c in points.candidates] == [("A", "Point"), ("B", "Point"), ("C", "Point")]
    assert points.candidates[1].properties == {"name": "B"}
    refused("err.geom_csv_polygon_points", "plan.csv", b"x,y\n105.8,21\n105.9,21\n105.8,21\n", crs="EPSG:4326", shape="polygon")
    refused("err.geom_csv_line_points", "plan.csv", b"x,y\n105.8,21\n105.8,21\n", crs="EPSG:4326", shape="line")


def test_a_vietnamese_csv_with_semicolons_and_decimal_commas_is_read():
    content = "Kinh độ;Vĩ độ\n105,8523;21,0287\n".encode()
    assert choose(read_geometry_file("hồ.csv", content, crs="EPSG:4326"), None).geometry.equals(Point(LAKE))
    tabbed = b"easting\tnorthing\n588394.3\t2326366.4\n"
    assert metres_apart(choose(read_geometry_file("lake.csv", tabbed, crs="EPSG:5897"), None).geometry, Point(LAKE)) < 1.0


def test_a_csv_with_a_bad_number_or_no_coordinate_columns_is_refused(monkeypatch):
    error = refused("err.geom_csv_number", "plan.csv", b"x,y\n105.8,21\n105.9,abc\n", crs="EPSG:4326")
    assert "line 3" in str(error) and "'abc'" in str(error)
    refused("err.geom_csv_number", "plan.csv", b"x,y\n105.8,nan\n", crs="EPSG:4326")
    error = refused("err.geom_csv_columns", "plan.csv", b"name,east,north\nA,1,2\n", crs="EPSG:4326")
    assert "name, east, north" in str(error)
    refused("err.geom_csv_encoding", "plan.csv", "x,y,tên\n105.8,21,Hà\n".encode("cp1258"), crs="EPSG:4326")
    monkeypatch.setattr(settings, "MAX_TABLE_ROWS", 2)
    refused("err.more_rows_than", "plan.csv", b"x,y\n1,2\n3,4\n5,6\n", crs="EPSG:4326")


# --- choosing ----------------------------------------------------------------------------------------------------------


def test_choosing_among_several_features(tmp_path):
    content = written(tmp_path, frame(5897), "plan.gpkg", layer="works")
    geometry_file = read_geometry_file("plan.gpkg", content)
    with pytest.raises(InvalidArgumentError) as caught:
        choose(geometry_file, None)
    assert caught.value.key == "err.geom_choose"
    assert "holds 2 features" in str(caught.value)
    assert "#1 lake (works, Point); #2 bridge (works, LineString)" in str(caught.value)
    assert choose(geometry_file, 2).label == "bridge"
    assert choose(geometry_file, "lake").index == 1
    for pick, key in ((3, "err.geom_pick_range"), (0, "err.geom_pick_range"), ("Lake", "err.geom_pick_unknown")):
        with pytest.raises(InvalidArgumentError) as caught:
            choose(geometry_file, pick)
        assert caught.value.key == key


def test_a_label_shared_by_several_features_is_ambiguous_and_long_lists_are_cut():
    content = geojson([({"name": "cống"}, {"type": "Point", "coordinates": [105.8 + i / 1000, 21.0]}) for i in range(25)])
    geometry_file = read_geometry_file("plan.geojson", content)
    with pytest.raises(InvalidArgumentError, match="25 features are labelled 'cống'") as caught:
        choose(geometry_file, "cống")
    assert caught.value.key == "err.geom_pick_ambiguous"
    with pytest.raises(InvalidArgumentError) as caught:
        choose(geometry_file, None)
    assert "#20 cống (Point) …" in str(caught.value) and "#21" not in str(caught.value)
    assert choose(geometry_file, 25).geometry.equals(Point(105.824, 21.0))


@pytest.mark.parametrize(
    "member",
    [
        {"type": "link", "properties": {"href": "http://127.0.0.1:9/crs.wkt", "type": "ogcwkt"}},
        {"type": "url", "properties": {"url": "http://127.0.0.1:9/crs"}},
        {"type": "name", "properties": {"name": "nonsense"}},
        {"type": "name", "properties": {"name": "+proj=utm +zone=48"}},
    ],
)
def test_a_geojson_crs_member_that_is_not_an_epsg_name_is_refused_before_gdal_reads_it(member):
    import json

    document = {"type": "FeatureCollection", "crs": member,
                "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [105.85, 21.03]}}]}  # fmt: skip
    error = refused("err.geom_crs_member", "linked.geojson", json.dumps(document).encode())
    assert "linked.geojson" in str(error)


def test_an_unknown_epsg_name_in_a_geojson_is_refused():
    import json

    document = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},
                "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [105.85, 21.03]}}]}  # fmt: skip
    with pytest.raises(InvalidArgumentError):
        read_geometry_file("unknown.geojson", json.dumps(document).encode())


def test_latitude_first_in_a_geographic_crs_is_named_as_swapped():
    content = b"x,y\n21.0287,105.8523\n21.0300,105.8600\n"  # VN-2000 geographic, latitude in the x column
    refused("err.geom_swapped", "swapped.csv", content, crs="EPSG:4756")
