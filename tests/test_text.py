import unicodedata

from geo.text import fold, matches_query, nfc


def test_fold_removes_accents_case_and_d_stroke():
    assert fold("Cầu Tứ Liên") == "cau tu lien"
    assert fold("ĐƯỜNG Đê") == "duong de"
    assert fold(unicodedata.normalize("NFD", "Hòa Lạc")) == "hoa lac"


def test_matches_query_needs_every_word():
    assert matches_query("Đầu tư xây dựng cầu Tứ Liên", "cau tu lien")
    assert matches_query("Khu công nghệ cao Hòa Lạc", "HOA lac")
    assert not matches_query("Cầu Trần Hưng Đạo", "tu lien")
    assert matches_query("anything", "")


def test_nfc_collapses_whitespace():
    assert nfc("  Sở   Xây\ndựng ") == "Sở Xây dựng"
    assert nfc(None) == ""


def test_phrase_must_start_at_a_word():
    assert not matches_query("Đầu tư xây dựng liên kết vùng", "tu lien")
    assert matches_query("đường sắt đô thị số 5", "duong sat do thi")
    assert not matches_query("Hòa Lạc", "oa lac")
