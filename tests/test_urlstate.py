"""A view's settings in the URL, the upload shelf, and a shared link's unknown values dropped."""

from datetime import date
from pathlib import Path

import pytest

from geo import settings
from geo.errors import ImportFileError, InvalidArgumentError
from geo.filters import UNDATED_KINDS, TaskFilter
from geo.uploads import UploadShelf, check_size, over_limit
from geo.urlstate import MAP_PARAMS, TOD_PARAMS, format_params, param_text, parse_params


@pytest.mark.parametrize(
    ("value", "text"),
    [(["2A", "3"], "2A,3"), (("a",), "a"), (True, "1"), (False, "0"), (date(2030, 12, 31), "2030-12-31"),
     (21.0285123456, "21.02851"), (14, "14"), ("…", "…")],
)  # fmt: skip
def test_one_text_form_for_every_value(value, text):
    assert param_text(value) == text


def test_map_and_tod_settings_round_trip_and_unset_ones_are_left_out():
    values = {"lat": 21.02851, "lon": 105.85421, "z": 14, "sel": "metro-2A", "task": "", "colour": None,
              "tod_lines": ["2A", "3-elevated"], "tod_phase": date(2030, 12, 31), "tod_estimates": True,
              "tod_radius": "…", "tod_radius_custom": 650, "tod_compare": None, "tod_study": "urban", "tod_method": "walk"}  # fmt: skip
    params = format_params(values)
    assert "task" not in params and "colour" not in params and "tod_compare" not in params
    back = parse_params(params, MAP_PARAMS) | parse_params(params, TOD_PARAMS)
    assert back == {name: value for name, value in values.items() if value not in (None, "")}


def test_numbers_from_the_map_component_are_written_too():
    import numpy as np

    params = format_params({"lat": np.float64(21.028512), "lon": np.float32(105.75), "z": np.int64(14), "sel": ""})
    assert params == {"lat": "21.02851", "lon": "105.75000", "z": "14"}


def test_a_damaged_link_keeps_what_parses():
    params = {"lat": "north", "z": "14", "tod_phase": "2030-13-01", "tod_radius": "800m", "tod_radius_custom": "700", "tod_lines": ",,2A,"}
    assert parse_params(params, MAP_PARAMS) == {"z": 14}
    assert parse_params(params, TOD_PARAMS) == {"tod_radius_custom": 700, "tod_lines": ["2A"]}


def test_the_filter_uses_the_same_text_form():
    choice = TaskFilter(agencies=("so-xay-dung", "so-tai-chinh"), include_predecessors=False, due_to=date(2027, 6, 30))
    assert choice.to_query_params() == {"agencies": "so-xay-dung,so-tai-chinh", "include_predecessors": "0", "due_to": "2027-06-30"}
    assert TaskFilter.from_query_params(choice.to_query_params()) == choice


def test_a_shared_link_loses_only_what_this_data_does_not_know():
    choice = TaskFilter(
        docs=("KH-183-2021", "KH-999-2099"), agencies=("so-xay-dung", "so-ma"), wards=("Phường Ba Đình", "Phường Không Có"),
        layers=("metro", "layer-gone"), statuses=("planned", "flying"), categories=("overdue", "lost"),
        undated=("recurring", "someday"), near="21.03,105.85,500", within="1 2;3 4",
    )  # fmt: skip
    known = choice.known_only(docs={"KH-183-2021"}, agencies={"so-xay-dung"}, wards={"Phường Ba Đình"}, layers={"metro"})
    assert (known.docs, known.agencies, known.wards, known.layers) == (("KH-183-2021",), ("so-xay-dung",), ("Phường Ba Đình",), ("metro",))
    assert known.statuses == ("planned",) and known.categories == ("overdue",)
    assert known.undated == ("recurring",) and set(known.undated) <= set(UNDATED_KINDS)
    assert known.near == "21.03,105.85,500" and known.within == ""  # the polygon has 2 corners and lies outside Hà Nội
    assert choice.known_only(docs=(), agencies=(), wards=(), layers=()).near == "21.03,105.85,500"
    assert TaskFilter(near="21.03,105.85,999999").known_only(docs=(), agencies=(), wards=(), layers=()).near == ""


def test_the_shelf_keeps_the_last_uploads_by_content_and_reads_a_scratch_copy_it_deletes():
    shelf = UploadShelf(size=2)
    first = shelf.put("dan so.GeoJSON", b"{}")
    assert first == shelf.put("renamed.geojson", b"{}") and len(shelf) == 1  # same content, one entry
    seen: list[Path] = []

    def reader(path, name):
        seen.append(path)
        return path.suffix, name, path.read_bytes()

    assert shelf.read(first, reader) == (".geojson", "renamed.geojson", b"{}")
    assert not seen[0].exists()
    second, third = shelf.put("b.gpkg", b"b"), shelf.put("c.zip", b"c")
    assert first not in shelf and second in shelf and third in shelf
    with pytest.raises(KeyError):
        shelf.read(first, reader)


def test_one_size_limit_for_every_upload(monkeypatch):
    monkeypatch.setattr(settings, "MAX_UPLOAD_BYTES", 1024)
    assert over_limit("a.csv", 1024) is None
    assert over_limit("a.csv", 1025) == {"name": "a.csv", "size": 1025 / 2**20, "limit": 1024 / 2**20}
    with pytest.raises(InvalidArgumentError, match="a.gpkg"):
        UploadShelf().put("a.gpkg", b"x" * 1025)
    with pytest.raises(ImportFileError, match="a.csv"):
        check_size("a.csv", 2048, ImportFileError)
