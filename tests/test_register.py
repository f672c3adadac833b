from datetime import date

import pytest

from geo.errors import DataFileError, InvalidArgumentError, UnknownValueError
from geo.register import filter_tasks, load_register
from geo.text import split_ids

# Rows checked by eye against ../shared/seeds: (id, tt, lead, due_kind, due_end)
RECORDS = [
    ("KH-DU-2026.001", "1", "so-tai-chinh", "by_date", date(2026, 3, 31)),
    ("KH-DU-2026.002", "2", "so-tu-phap", "by_date", date(2026, 4, 30)),
    ("KH-DU-2026.009", "8", "so-tai-chinh", "period", date(2030, 12, 31)),
    ("KH-DU-2026.013", "10", "so-qhkt", "by_date", date(2027, 12, 31)),
    ("KH-DU-2026.014", "11", "bql-cnc-kcn", "by_date", date(2026, 9, 30)),
    ("KH-DU-2026.032", "29", "so-khcn", "by_date", date(2027, 9, 30)),
    ("KH-DU-2026.051", "48", "so-xay-dung", "by_date", date(2029, 12, 31)),
    ("KH-DU-2026.054", "51", "so-xay-dung", "by_date", date(2027, 12, 31)),
    ("KH-DU-2026.057", "54", "so-xay-dung", "by_date", date(2027, 12, 31)),
    ("KH-DU-2026.091", "88", "vien-nc-ktxh", "by_date", date(2026, 9, 30)),
    ("KH-DU-2026.118", "115", "van-phong-ubnd", "period", date(2030, 12, 31)),
    ("KH-183-2021.001", "1", "so-tu-phap", "done", None),
    ("KH-183-2021.025", "25", "so-gtvt", "by_date", date(2021, 9, 30)),
    ("KH-183-2021.028", "28", "bql-duong-sat", "by_date", date(2021, 9, 30)),
    ("KH-183-2021.043", "43", "so-gd-dt", "by_date", date(2021, 11, 30)),
    ("KH-57-TU-2026.002", "1.2", "ban-tuyen-giao-dan-van-tu", "by_date", date(2026, 6, 30)),
    ("KH-57-TU-2026.018", "1.7", "dang-uy-btl-thu-do;dang-uy-cong-an-tp", "none", None),
    ("KH-57-TU-2026.026", "2.1", "ban-tuyen-giao-dan-van-tu", "none", None),
    ("KH-57-TU-2026.028", "2.2", "ubkt-tu", "none", None),
    ("KH-57-TU-2026.029", "2.3", "grp-co-quan-dia-phuong-don-vi", "none", None),
]


def test_row_counts_per_document(tasks):
    counts = tasks.groupby("doc_id").size().to_dict()
    assert counts == {"KH-DU-2026": 118, "KH-183-2021": 43, "CTr-NQ02-2026": 82, "KH-57-TU-2026": 29}


def test_kh57_sections_iv1_and_iv2():
    """IV.1 "Phân công nhiệm vụ": 10 bodies, 25 bullets or one-line assignments; IV.2 "Công tác kiểm tra": 4."""
    from geo.register import load_register

    kh57 = load_register()
    kh57 = kh57[kh57["doc_id"] == "KH-57-TU-2026"]
    assert kh57.groupby("appendix").size().to_dict() == {"Mục IV.1": 25, "Mục IV.2": 4}
    assert list(kh57.index) == [f"KH-57-TU-2026.{i:03d}" for i in range(1, 30)]  # IV.2 follows: old ids unchanged
    iv2 = kh57[kh57["appendix"] == "Mục IV.2"]
    assert list(iv2["tt"]) == ["2.1", "2.1", "2.2", "2.3"]
    assert iv2.loc["KH-57-TU-2026.028", "task"].startswith("Ủy ban Kiểm tra Thành ủy chủ trì tham mưu Thành ủy")
    assert iv2.loc["KH-57-TU-2026.029", "lead_agency_raw"] == "Các cơ quan, địa phương, đơn vị"


def test_kh57_partners_deadline_and_police_party_committee(tasks):
    partners = {
        "KH-57-TU-2026.003": ("Cơ quan Báo và Phát thanh, Truyền hình Hà Nội", "bao-ptth-hn"),
        "KH-57-TU-2026.004": ("Trường Đào tạo cán bộ Lê Hồng Phong", "truong-le-hong-phong"),
        "KH-57-TU-2026.011": ("Ủy ban nhân dân Thành phố, các cơ quan liên quan", "ubnd-tp;grp-co-quan-lien-quan"),
        "KH-57-TU-2026.014": ("cơ quan báo chí của Trung ương và Thành phố", "grp-co-quan-bao-chi"),
        "KH-57-TU-2026.018": ("Ban Tuyên giáo và Dân vận Thành ủy", "ban-tuyen-giao-dan-van-tu"),
        "KH-57-TU-2026.021": ("Ban Tuyên giáo và Dân vận Thành ủy", "ban-tuyen-giao-dan-van-tu"),
    }
    kh57 = tasks[tasks["doc_id"] == "KH-57-TU-2026"]
    for task_id, (raw, ids) in partners.items():
        assert (kh57.at[task_id, "coordinating_raw"], kh57.at[task_id, "coordinating"]) == (raw, ids)
        assert "hối hợp" in kh57.at[task_id, "task"]  # "Phối hợp với ..." / "phối hợp chặt chẽ với ..."
    assert (kh57.drop(list(partners))["coordinating"] == "").all()  # no other bullet names a partner
    row = kh57.loc["KH-57-TU-2026.002"]
    assert "(Dự kiến phát động tháng trong 6/2026)" in row["task"]
    assert (row["due_raw"], row["due_scope"], row["due_precision"]) == ("tháng 6/2026", "task", "month")
    assert (kh57.drop("KH-57-TU-2026.002")["due_kind"] == "none").all()
    police = kh57.loc["KH-57-TU-2026.018"]
    assert police["section_title"] == "Đảng ủy Bộ Tư lệnh Thủ đô Hà Nội, Công an Thành phố"  # as printed
    assert "cong-an-tp" not in police["lead_agency"].split(";")
    assert "Đảng ủy" in police["note"]


def test_kh_du_2026_has_tt_1_to_115_with_8_9_10_twice(tasks):
    tts = tasks.loc[tasks["doc_id"] == "KH-DU-2026", "tt"].astype(int).tolist()
    assert sorted(set(tts)) == list(range(1, 116))
    assert sorted(tt for tt in set(tts) if tts.count(tt) == 2) == [8, 9, 10]
    kh = tasks[tasks["doc_id"] == "KH-DU-2026"]
    fours = kh[kh["section"] == "IV"].groupby("section_title")["tt"].agg(lambda s: (int(s.iloc[0]), int(s.iloc[-1])))
    assert sorted(fours.tolist()) == [(48, 64), (65, 68)]  # section IV is printed twice


def test_nq02_groups_and_explicit_absence(tasks):
    nq = tasks[tasks["doc_id"] == "CTr-NQ02-2026"]
    assert nq.groupby("section").size().to_dict() == {
        "1": 17, "2": 3, "3": 4, "4": 15, "5": 6, "6": 10, "7": 10, "8": 12, "9": 5,
    }  # fmt: skip
    assert (nq["lead_agency"] == "").all()
    assert (nq["due_kind"] == "none").all()
    assert (nq["due_scope"] == "not_in_document").all()
    assert nq["note"].str.contains("không giao cơ quan chủ trì").all()
    assert nq.iloc[0]["task"] == "Xây dựng Quy hoạch tổng thể Thủ đô tầm nhìn 100 năm."


def test_kh183_keeps_vice_chair_note_and_framework_scope(tasks):
    rows = tasks[tasks["doc_id"] == "KH-183-2021"]
    assert (rows["due_scope"] == "framework_plan").all()
    assert (rows["vice_chair"] != "").all()
    row = tasks.loc["KH-183-2021.025"]
    assert row["vice_chair"] == "PCT Dương Đức Tuấn"
    assert row["task"] == "Đầu tư xây dựng cầu Tứ Liên và đường từ cầu Tứ Liên đến cao tốc Hà Nội - Thái Nguyên."
    assert row["note"].startswith("03 nội dung được tách riêng từ nhiệm vụ số 28")


@pytest.mark.parametrize(("task_id", "tt", "lead", "kind", "end"), RECORDS)
def test_specific_records(tasks, task_id, tt, lead, kind, end):
    row = tasks.loc[task_id]
    assert (row["tt"], row["lead_agency"], row["due_kind"], row["due_end"]) == (tt, lead, kind, end)


def test_text_is_joined_and_clean(tasks):
    assert tasks.loc["KH-DU-2026.054", "task"] == "Hoàn thành, khai thác đoạn ngầm tuyến đường sắt đô thị Nhổn - Ga Hà Nội"
    assert tasks.loc["KH-DU-2026.013", "coordinating_raw"] == "Các sở, ban, ngành, UBND các xã, phường"
    joined = " ".join(tasks["task"])
    assert "CƠ QUAN CHỦ TRÌ" not in joined and "<b>" not in joined and "bookmark" not in joined
    assert "  " not in joined


def test_every_lead_resolves_and_groups_are_kept(tasks, agencies):
    with_lead = tasks[tasks["lead_agency_raw"] != ""]
    assert (with_lead["lead_agency"] != "").all()
    assert (tasks["flags"] == "").all()
    ids = {agency for value in tasks["coordinating"] for agency in split_ids(value)}
    assert {"grp-so-ban-nganh", "grp-ubnd-xa-phuong", "grp-ubnd-quan-huyen", "grp-co-quan-lien-quan"} <= ids
    assert ids <= set(agencies.table.index)


def test_filter_by_lead_agency_with_and_without_predecessors(tasks, agencies):
    own = filter_tasks(tasks, agencies=["so-xay-dung"], role="lead", include_predecessors=False, agency_index=agencies)
    merged = filter_tasks(tasks, agencies=["so-xay-dung"], role="lead", agency_index=agencies)
    assert len(own) == 26
    assert len(merged) == 26 + 5  # the five 2021 tasks of Sở Giao thông vận tải
    assert "KH-183-2021.025" in merged.index and "KH-183-2021.025" not in own.index


def test_filter_by_coordinating_agency(tasks, agencies):
    bql = filter_tasks(tasks, agencies=["bql-giao-thong"], role="coordinating", agency_index=agencies)
    assert len(bql) == 8
    assert set(bql["lead_agency"]) == {"so-xay-dung"}


def test_filter_by_name_as_written(tasks, agencies):
    by_name = filter_tasks(tasks, agencies=["Ban quản lý KCNC&KCN"], role="lead", agency_index=agencies)
    assert len(by_name) == 10


def test_filter_by_document_and_window(tasks):
    window = filter_tasks(tasks, docs=["KH-DU-2026"], due_from=date(2026, 1, 1), due_to=date(2026, 6, 30))
    assert set(window["due_end"]) == {date(2026, 3, 31), date(2026, 4, 30), date(2026, 6, 30)}
    assert len(window) == 11


def test_past_due_as_of(tasks):
    past = filter_tasks(tasks, past_due_as_of=date(2026, 11, 22))
    assert all(end < date(2026, 11, 22) for end in past["due_end"])
    assert (past["doc_id"] == "KH-183-2021").sum() == 41  # all but the two "Đã ban hành Kế hoạch"
    assert (past["doc_id"] == "KH-DU-2026").sum() == 13


def test_kinds_filter_and_undated_in_window(tasks):
    recurring = filter_tasks(tasks, kinds=["recurring"])
    assert len(recurring) == 3
    window = filter_tasks(tasks, due_from=date(2026, 1, 1), due_to=date(2026, 3, 31), kinds=["by_date", "recurring"])
    assert (window["due_kind"] == "recurring").sum() == 3


def test_accent_insensitive_search(tasks):
    found = filter_tasks(tasks, query="cau tu lien")
    assert "KH-183-2021.025" in found.index
    assert all("tứ liên" in text.lower() for text in found["task"])
    assert len(filter_tasks(tasks, query="HOA LAC")) == len(filter_tasks(tasks, query="Hòa Lạc"))
    assert len(filter_tasks(tasks, query="duong sat do thi")) >= 5


def test_bad_arguments_raise_clear_errors(tasks, agencies):
    with pytest.raises(UnknownValueError, match="Unknown agency 'so-khong-co'"):
        filter_tasks(tasks, agencies=["so-khong-co"], agency_index=agencies)
    with pytest.raises(InvalidArgumentError, match="reversed"):
        filter_tasks(tasks, due_from=date(2027, 1, 1), due_to=date(2026, 1, 1))
    with pytest.raises(UnknownValueError, match="document"):
        filter_tasks(tasks, docs=["KH-XX"])
    with pytest.raises(InvalidArgumentError, match="role"):
        filter_tasks(tasks, role="boss")


def test_filter_keeps_index_and_does_not_mutate(tasks):
    before = tasks.copy()
    out = filter_tasks(tasks, docs=["KH-183-2021"])
    assert list(out.index) == [f"KH-183-2021.{i:03d}" for i in range(1, 44)]
    assert tasks.equals(before)


def test_missing_register_file(tmp_path):
    with pytest.raises(DataFileError, match="not found"):
        load_register(tmp_path / "nope.csv")
    bad = tmp_path / "tasks.csv"
    bad.write_text("id,task\n1,x\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="missing column"):
        load_register(bad)


def test_register_csv_round_trip_neutralises_formulas(tmp_path, tasks):
    from geo.register import write_register

    hostile = tasks.head(3).copy()
    hostile.loc[hostile.index[0], "task"] = "=HYPERLINK(\"http://x\",\"y\")"
    hostile.loc[hostile.index[1], "product"] = "@SUM(A1)"
    hostile.loc[hostile.index[2], "note"] = "'already quoted"
    for column in ("due_start", "due_end"):
        hostile[column] = hostile[column].map(lambda day: day.isoformat() if day else "")
    path = tmp_path / "tasks.csv"
    write_register(hostile, path)
    raw = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in raw and "'@SUM(A1)" in raw and "''already quoted" in raw
    back = load_register(path)
    assert back.loc[hostile.index[0], "task"] == "=HYPERLINK(\"http://x\",\"y\")"
    assert back.loc[hostile.index[1], "product"] == "@SUM(A1)"
    assert back.loc[hostile.index[2], "note"] == "'already quoted"
