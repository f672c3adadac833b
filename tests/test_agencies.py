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
    assert agencies.predecessors("so-nn-mt") == {"so-tnmt", "so-nnptnt", "so-ldtbxh"}  # poverty reduction: see below
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


def test_labour_department_splits_between_home_affairs_and_agriculture_environment(agencies, tasks):
    from geo.register import filter_tasks

    assert agencies.successors("so-ldtbxh") == ("so-noi-vu", "so-nn-mt")
    note = agencies.table.at["so-ldtbxh", "note"]
    assert "KH-183-2021.019" in note and "TT 28" in note  # the basis: KH-DU-2026 gives poverty to Sở NN&MT
    assert "giảm nghèo" in tasks.at["KH-183-2021.019", "task"]
    for successor in ("so-nn-mt", "so-noi-vu"):
        found = filter_tasks(tasks, agencies=[successor], role="lead", agency_index=agencies)
        assert "KH-183-2021.019" in found.index
        own = filter_tasks(tasks, agencies=[successor], role="lead", include_predecessors=False, agency_index=agencies)
        assert "KH-183-2021.019" not in own.index


# Every body a section of the four documents assigns work to, or asks to report, as printed in the seeds.
SPELLINGS = {
    "003_f210f8c8790143bc.txt": [  # KH-57-TU-2026 IV.1-IV.2, and the partners after "phối hợp với"
        "Ban Thường vụ Thành ủy", "Ban Tuyên giáo và Dân vận Thành ủy", "Các ban Đảng và Văn phòng Thành ủy",
        "Đảng ủy HĐND Thành phố", "Đảng ủy UBND Thành phố", "Đảng ủy Ủy ban MTTQ Việt Nam thành phố Hà Nội",
        "Đảng ủy Bộ Tư lệnh Thủ đô Hà Nội", "Đảng ủy các trường đại học, cao đẳng Hà Nội; Đại học Quốc gia Hà Nội",
        "Cơ quan Báo và Phát thanh, truyền hình Hà Nội", "Đảng ủy các xã, phường", "Ủy ban Kiểm tra Thành ủy",
        "Các cơ quan, địa phương, đơn vị", "Cơ quan Báo và Phát thanh, Truyền hình Hà Nội",
        "Trường Đào tạo cán bộ Lê Hồng Phong", "Ủy ban nhân dân Thành phố, các cơ quan liên quan",
        "cơ quan báo chí của Trung ương và Thành phố",
    ],
    "000_c69fd591cf9a8d76.txt": [  # CTr-NQ02-2026 III
        "Đảng ủy Hội đồng nhân dân Thành phố", "Đảng ủy Mặt trận Tổ quốc Thành phố và các tổ chức chính trị, xã hội",
        "Các cấp ủy đảng trực thuộc Thành ủy; các sở, ban, ngành Thành phố", "Ban Tổ chức Thành ủy",
    ],
    "001_81e56d6d2d7be6de.txt": [  # KH-DU-2026 III and the leads of Phụ lục 01-02
        "Ban Thường vụ Đảng ủy UBND Thành phố", "Các cấp ủy Đảng trực thuộc và tổ chức chính  trị-xã hội trực thuộc",
        "Thống kê HN", "Thống kê TP", "Sở VH&TT", "Sở Tài chính", "Sở GD&ĐT", "Sở NN&MT", "Sở QHKT", "BHXH TP",
        "BQL KCNC&KCN", "NHNN KVI", "Sở Công Thương", "Sở Du lịch", "Ban Tổ chức", "Viện", "KTXH HN",
    ],
    "004_176b6625df4db4c6.txt": [  # KH-183-2021 III and the leads of Phụ lục 1
        "Sở Kế hoạch và Đầu tư", "Văn phòng UBND Thành phố, các Sở, Ban, ngành, UBND các quận, huyện, Thị xã",
        "Sở Thông tin và Truyền thông, Báo Hà Nội mới, Báo Kinh tế đô thị, Đài phát thanh và truyền hình Hà Nội",
        "Sở KH&ĐT", "Sở CT", "Sở CT, Sở XD", "Sở NN&PTNT", "Sở TTTT", "Sở LĐ-TB&XH", "Sở VH TT", "Sở GD-ĐT",
        "Sở XD", "Sở TNMT", "Sở GTVT", "Ban Tổ chức Thành ủy",
    ],
}  # fmt: skip
# Spellings split over lines in the PDF, resolved as the builders join them.
JOINED = ["Ban Tổ chức Thành ủy", "Viện KTXH HN", "Sở Xây dựng", "Sở Nội vụ", "Sở Khoa học và Công nghệ"]


@pytest.mark.parametrize("seed", sorted(SPELLINGS))
def test_every_assigned_body_resolves(agencies, seed):
    import unicodedata
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "data" / "seeds" / seed).read_text(encoding="utf-8")
    text = unicodedata.normalize("NFC", text)  # the PDF extract mixes composed and decomposed letters
    for spelling in SPELLINGS[seed]:
        assert spelling in text, f"{spelling!r} is not printed in {seed}"
        if spelling in ("Ban Tổ chức", "Viện", "KTXH HN"):
            continue  # halves of spellings the PDF splits, resolved whole below
        resolved = agencies.resolve(spelling)
        assert resolved.ids and resolved.ok, (spelling, resolved)
    for spelling in JOINED:
        assert agencies.resolve(spelling).ok and len(agencies.resolve(spelling).ids) == 1, spelling
