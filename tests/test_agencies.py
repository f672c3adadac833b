import pytest

from geo.agencies import load_agencies
from geo.errors import DataFileError


def test_three_spellings_of_the_hitech_board_are_one(agencies):
    spellings = ["BQL Khu CNC&KCN", "Ban quản lý KCNC&KCN", "BQL khu CNC&KCN", "BQL KCNC&KCN"]
    assert {agencies.resolve(name).ids for name in spellings} == {("bql-cnc-kcn",)}


def test_successions_of_2025(agencies):
    assert agencies.successors("so-gtvt") == ("so-xay-dung",)
    assert agencies.successors("so-khdt") == ("so-tai-chinh",)
    assert agencies.successors("so-tttt") == ("so-khcn",)
    assert agencies.predecessors("so-nn-mt") == {"so-tnmt", "so-nnptnt"}
    assert agencies.predecessors("so-xay-dung") == {"so-gtvt"}
    assert agencies.predecessors("grp-ubnd-xa-phuong") == {"grp-ubnd-quan-huyen"}
    assert agencies.successors("so-xay-dung") == ()


def test_coordinating_cell_splits_into_ids_and_groups(agencies):
    cell = "Tài Nguyên và Môi trường; Kế hoạch và Đầu tư; Nội vụ và các Sở ban, ngành; UBND các quận, huyện, thị xã"
    resolved = agencies.resolve(cell)
    assert resolved.ids == ("so-tnmt", "so-khdt", "so-noi-vu", "grp-so-ban-nganh", "grp-ubnd-quan-huyen")
    assert resolved.ok


def test_longest_alias_wins(agencies):
    resolved = agencies.resolve("BQL dự án đầu tư xây dựng công trình dân dụng Thành phố")
    assert resolved.ids == ("bql-dan-dung",)


def test_unknown_name_is_reported_not_dropped(agencies):
    resolved = agencies.resolve("Sở Vũ trụ; Sở Xây dựng")
    assert resolved.ids == ("so-xay-dung",)
    assert resolved.unresolved == ("vu tru",)
    assert not resolved.ok


def test_bad_agency_file(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(
        "id,name_vi,name_en,kind,aliases,successor,note,source\na,Sở A,A,department,,b,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="unknown successor 'b'"):
        load_agencies(path)
    path.write_text(
        "id,name_vi,name_en,kind,aliases,successor,note,source\na,Sở A,A,department,X,,,\nb,Sở B,B,department,X,,,\n",
        encoding="utf-8",
    )
    with pytest.raises(DataFileError, match="alias 'X' names both"):
        load_agencies(path)
