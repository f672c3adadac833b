"""Rebuild data/indicators.csv from the source documents (a maintainer's tool, not used at run time).

Three indicator tables, read from data/seeds (data/documents.csv says which file holds which document):

- KH-DU-2026 Phụ lục 01 (45 numbered indicators 2026-2030 and their sub-items) and Phụ lục 02 (growth
  by sector), extracted from a PDF: a row's cells run over several lines, page headers cut rows, and
  some tone marks sit one letter too far ("Triêụ" for "Triệu"). The rows are read by a small state
  machine (name, then "unit target", then the lead agency, which may run over the next lines); the
  tone marks are put back on their vowel (:func:`repair_marks`), which changes no letter.
- KH-183-2021 Phụ lục 1 (20 indicators to 2025), a DOCX table extracted as tab-separated cells.

Rows printed without a number get a position label: "3.1" for the first sub-item of TT 3, "7.2.1"
for a "+" item under the "-" item 7.2; the printed mark is kept in ``marker``. A lead cell left blank
is read as merged with the row above only inside one numbered indicator (``lead_from`` names that
row; see :func:`_carry_leads`), never across indicators.

Usage: python tools/build_indicators.py [SEEDS_DIR] [--out DIR]   (defaults: data/seeds, data/)
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.agencies import AgencyIndex, load_agencies
from geo.indicators import INDICATORS_CSV, derive_indicators, write_indicators
from geo.text import nfc
from tools.seeds import command_line

# Units printed in the "Đơn vị" column of KH-DU-2026 Phụ lục 01 (after repair_marks), longest first.
KH_DU_UNITS = (
    "1.000 tỷ đồng", "1.000 lao động", "1.000 người", "Tr.đồng/người", "Tr. đồng/LĐ", "Đảng viên/năm",
    "Triệu đồng", "M²/người", "Căn nhà", "Tỷ USD", "Bác sỹ", "Giường", "Tuổi", "Điểm", "USD", "%",
)  # fmt: skip
_UNIT = "|".join(re.escape(unit) for unit in KH_DU_UNITS)
_TARGET = r"[<>≥≤~]?\s*\d[\d.,]*(?:\s*-\s*\d[\d.,]*)?(?:/\d+)?"
_TAIL_TWO_UNITS = re.compile(
    rf"^(?P<name>.*?)\s*(?<!\S)(?P<unit>(?:{_UNIT})\s+(?:{_UNIT}))\s+(?P<target>{_TARGET})(?:\s+(?P<lead>.+))?$"
)
_TAIL_UNIT = re.compile(rf"^(?P<name>.*?)\s*(?<!\S)(?P<unit>{_UNIT})\s+(?P<target>{_TARGET})(?:\s+(?P<lead>.+))?$")
_TAIL_PL02 = re.compile(r"^(?P<name>.*?)\s+(?P<target>\d+(?:,\d+)?)(?:\s+(?P<lead>.+))?$")
_ROW_NUMBER = re.compile(r"^(?P<tt>\d{1,2})(?:\s+(?P<rest>.*))?$")
_ROW_MARK = re.compile(r"^(?P<marker>[-+])(?:\s+(?P<rest>.*))?$")
_SECTION = re.compile(r"^(?P<section>I|II|III|IV|V)\s+(?P<title>Về\s.+)$")
_TAGS = re.compile(r"</?[bi]>")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SHAPES = {"\u0302", "\u0306", "\u031b"}  # the marks of â/ê/ô, ă, ơ/ư
_VOWELS = set("aeiouyAEIOUY")


def repair_marks(text: str) -> str:
    """Put tone marks that the PDF extraction moved one letter on back on their vowel.

    "Triêụ" -> "Triệu", "Viêṇ" -> "Viện", "Nôị vu ̣" -> "Nội vụ", "tri ̀báo" -> "trì báo". A tone
    mark on a consonant or a space moves to the vowel before it; a tone mark on a plain vowel moves to
    an â/ê/ô/ơ/ư/ă earlier in the same syllable (where Vietnamese writes it). Letters never change:
    :func:`geo.text.fold` gives the same text before and after, spaces aside.
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFD", text):
        if char not in _TONES or not out:
            out.append(char)
            continue
        base = _last_base(out)
        if out[base] not in _VOWELS:
            target = _vowel_before(out, base)
        elif set(out[base + 1 :]) & _SHAPES:  # already on â/ê/ô/ơ/ư/ă: where it belongs
            target = None
        else:
            target = _shaped_vowel_before(out, base)
        if target is None:
            out.append(char)
        else:
            out.insert(_after_marks(out, target), char)
    return unicodedata.normalize("NFC", "".join(out))


def kh_du_2026_pl01(lines: list[str], agencies: AgencyIndex) -> list[dict[str, str]]:
    """Return the rows of KH-DU-2026 Phụ lục 01 (indicators 2026-2030)."""
    lines = [repair_marks(line) for line in lines]
    start = _index(lines, lambda line: line.startswith("PHỤ LỤC 01"))
    end = _index(lines, lambda line: line.startswith("PHỤ LỤC 02"), start)
    header = _index(lines, lambda line: line.strip().startswith("TT Chỉ tiêu"), start)
    rows = _read_pdf_table(lines, header + 1, end, agencies, tail=_tail_pl01, skip=("TT Chỉ tiêu",))
    return _finish(rows, doc_id="KH-DU-2026", appendix="Phụ lục 01", code="PL01", period="2026-2030")


def kh_du_2026_pl02(lines: list[str], agencies: AgencyIndex) -> list[dict[str, str]]:
    """Return the rows of KH-DU-2026 Phụ lục 02 (average growth by sector 2026-2030, %/năm)."""
    lines = [repair_marks(line) for line in lines]
    start = _index(lines, lambda line: line.startswith("PHỤ LỤC 02"))
    end = _index(lines, lambda line: line.startswith("Phụ lục 03"), start)
    header = _index(lines, lambda line: line.strip() == "Chủ trì báo cáo", start)
    rows = _read_pdf_table(lines, header + 1, end, agencies, tail=_TAIL_PL02.match, skip=("Trong đó:",))
    for row in rows:
        row["unit"] = "%/năm"
    return _finish(rows, doc_id="KH-DU-2026", appendix="Phụ lục 02", code="PL02", period="2026-2030")


def kh_183_2021_pl1(lines: list[str]) -> list[dict[str, str]]:
    """Return the rows of KH-183-2021 Phụ lục 1 (indicators to 2025; tab-separated cells)."""
    start = _index(lines, lambda line: line.startswith("**PHỤ LỤC 1**"))
    end = _index(lines, lambda line: line.startswith("**PHỤ LỤC 2**"), start)
    rows: list[dict[str, str]] = []
    section = title = ""
    for number in range(start, end):
        cells = [_TAGS.sub("", cell).strip() for cell in lines[number].split("\t")]
        if len(cells) < 5 or cells[0] == "TT":
            continue
        if re.fullmatch(r"[A-D]", cells[0]):
            section, title = cells[0], nfc(cells[1])
            continue
        name, marker = cells[1], ""
        if re.fullmatch(r"Trong đó:?", name):
            continue
        name = re.sub(r"^Trong đó:\s*", "", name)
        mark = _ROW_MARK.match(name)
        if mark:
            marker, name = mark.group("marker"), mark.group("rest") or ""
        rows.append({
            "section": section, "section_title": title, "number": cells[0], "marker": marker, "name": nfc(name),
            "unit": nfc(cells[2]), "target_raw": nfc(cells[3]), "lead_agency_raw": nfc(cells[4]), "source_line": str(number + 1),
        })  # fmt: skip
    return _finish(rows, doc_id="KH-183-2021", appendix="Phụ lục 1", code="PL1", period="đến năm 2025", carry="within")


def main(argv: list[str] | None = None) -> list[Path]:
    """Rebuild indicators.csv into --out (default data/), print the counts per appendix; return the paths written."""
    read, out = command_line(__doc__.splitlines()[0], argv)

    agencies = load_agencies()
    kh_du = read("KH-DU-2026")
    raw = kh_du_2026_pl01(kh_du, agencies) + kh_du_2026_pl02(kh_du, agencies) + kh_183_2021_pl1(read("KH-183-2021"))
    indicators = derive_indicators(raw, agencies)
    path = out / INDICATORS_CSV.name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_indicators(indicators, path)
    print((indicators["doc_id"] + " " + indicators["appendix"]).value_counts(sort=False).to_string())
    return [path]


# --- reading the PDF tables of KH-DU-2026 ---------------------------------------------------------


def _tail_pl01(text: str) -> re.Match[str] | None:
    """Match "name unit target [lead]"; two units only when they differ (43: "Đảng viên/năm", "%"; not "Quy đổi USD USD")."""
    match = _TAIL_TWO_UNITS.match(text)
    if match and len(set(re.findall(rf"(?<!\S)(?:{_UNIT})(?!\S)", match.group("unit")))) == 2:
        return match
    return _TAIL_UNIT.match(text)


def _read_pdf_table(
    lines: list[str], start: int, end: int, agencies: AgencyIndex, *, tail: Callable[[str], re.Match[str] | None],
    skip: tuple[str, ...],
) -> list[dict[str, str]]:  # fmt: skip
    """Return the rows between `start` and `end`: one dict per printed row, cells as printed."""
    texts = [(number + 1, lines[number].strip()) for number in range(start, end)]
    texts = [(number, text) for number, text in texts if text and not text.startswith(skip)]
    rows: list[dict[str, str]] = []
    section = title = ""
    row: dict[str, str] | None = None
    last_number = 0
    for position, (number, text) in enumerate(texts):
        following = texts[position + 1][1] if position + 1 < len(texts) else ""
        heading = _SECTION.match(text)
        numbered = _ROW_NUMBER.match(text)
        marked = _ROW_MARK.match(text)
        if heading:
            _close(row, rows)
            row = None
            section, title = heading.group("section"), heading.group("title")
            continue
        if numbered and int(numbered.group("tt")) == last_number + 1:
            _close(row, rows)
            last_number += 1
            row = _open(section, title, numbered.group("tt"), "", numbered.group("rest"), number)
        elif marked:
            _close(row, rows)
            row = _open(section, title, "", marked.group("marker"), marked.group("rest"), number)
        elif row is not None and row["phase"] == "lead" and _lead_is_complete(row["lead_agency_raw"], agencies):
            open_bracket = row["target_raw"].count("(") > row["target_raw"].count(")")
            if not row["lead_agency_raw"] and (text.startswith("(") or open_bracket):
                row["target_raw"] += " " + text  # "11.000" / "(năm 2030" / ">3%)"
                continue
            if not row["lead_agency_raw"] and _opens_lead(text, following, agencies):
                row["lead_agency_raw"] = text
                continue
            _close(row, rows)  # the lead is complete: this line begins a row printed without a number
            row = _open(section, title, "", "", text, number)
        elif row is not None and row["phase"] == "lead":
            _continue_lead(row, text, agencies)
            continue
        elif row is not None:
            row["text"] += " " + text
        else:
            continue
        _find_tail(row, tail)
    _close(row, rows)
    return rows


def _open(section: str, title: str, number: str, marker: str, text: str | None, line: int) -> dict[str, str]:
    return {
        "section": section, "section_title": title, "number": number, "marker": marker, "text": (text or "").strip(),
        "name": "", "unit": "", "target_raw": "", "lead_agency_raw": "", "phase": "name", "source_line": str(line),
    }  # fmt: skip


def _find_tail(row: dict[str, str], tail: Callable[[str], re.Match[str] | None]) -> None:
    """Split the row's text into name, unit, target and lead once "unit target" (or "target") appears."""
    if row["phase"] != "name":
        return
    match = tail(row["text"])
    if not match:
        return
    groups = match.groupdict()
    row.update(
        name=groups["name"].strip(),
        unit="; ".join(re.findall(rf"(?<!\S)(?:{_UNIT})(?!\S)", groups["unit"])) if groups.get("unit") else "",
        target_raw=groups["target"].strip(),
        lead_agency_raw=(groups.get("lead") or "").strip(),
        phase="lead",
    )


def _close(row: dict[str, str] | None, rows: list[dict[str, str]]) -> None:
    """Finish `row` (a row that never showed a target keeps its name and a lead after a wide gap) and keep it."""
    if row is None:
        return
    if row["phase"] == "name":
        # No "unit target": a wide gap separates the name from the lead ("7 Ngân sách nhà nước     Sở Tài chính").
        parts = re.split(r"\s{3,}", row["text"], maxsplit=1)
        row.update(name=parts[0], lead_agency_raw=parts[1] if len(parts) > 1 else "")
    row["name"] = nfc(row["name"])
    row["lead_agency_raw"] = nfc(row["lead_agency_raw"])
    row["target_raw"] = nfc(row["target_raw"])
    for key in ("text", "phase"):
        row.pop(key)
    rows.append(row)


def _lead_is_complete(lead: str, agencies: AgencyIndex) -> bool:
    if not lead:
        return True
    resolved = agencies.resolve(lead)
    return bool(resolved.ids) and resolved.ok and not lead.endswith((",", ";", "&"))


def _opens_lead(text: str, following: str, agencies: AgencyIndex) -> bool:
    """Return True when `text` (alone or with the next line) names an agency: the row's lead cell begins here."""
    return bool(agencies.resolve(text).ids or agencies.resolve(_join(text, following)).ids)


def _continue_lead(row: dict[str, str], text: str, agencies: AgencyIndex) -> None:
    """Add `text` to an unfinished lead cell; a page break may put the end of the name before it on the line."""
    lead = row["lead_agency_raw"]
    words = text.split()
    for count in range(len(words)):
        candidate = _join(lead, " ".join(words[count:]))
        if _lead_is_complete(candidate, agencies):
            if count:
                row["name"] += " " + " ".join(words[:count])
            row["lead_agency_raw"] = candidate
            return
    row["lead_agency_raw"] = _join(lead, text)


def _join(first: str, second: str) -> str:
    return f"{first}{second}" if first.endswith("&") else f"{first} {second}".strip()


# --- common to the three tables -------------------------------------------------------------------


def _finish(
    rows: list[dict[str, str]], *, doc_id: str, appendix: str, code: str, period: str, carry: str = "parent"
) -> list[dict[str, str]]:
    """Give the rows ids, position labels (tt), period and notes; read blank lead cells (:func:`_carry_leads`)."""
    out = []
    parent = level_one = ""
    children = grandchildren = 0
    previous_marker = ""
    for row in rows:
        notes = []
        if row["number"]:
            parent, level_one, children, previous_marker = row["number"], row["number"], 0, ""
            tt = row["number"]
        elif row["marker"] == "+" and previous_marker in ("-", "+"):
            grandchildren += 1
            tt = f"{level_one}.{grandchildren}"
        else:
            children += 1
            grandchildren = 0
            tt = f"{parent}.{children}"
            level_one = tt
            if not row["marker"]:
                notes.append(f"Dòng không có số TT, in sau TT {parent} (printed without a number, after TT {parent}).")
        if row["number"] or row["marker"] != "+":
            previous_marker = row["marker"] if not row["number"] else ""
        if ";" in row.get("unit", ""):
            notes.append(f"Ô đơn vị ghi hai đơn vị: {row['unit']} (two units in the unit cell).")
        out.append({
            "id": f"{doc_id}.{code}.{len(out) + 1:03d}", "doc_id": doc_id, "appendix": appendix,
            "section": row["section"], "section_title": row["section_title"], "tt": tt, "marker": row["marker"],
            "name": row["name"], "unit": row.get("unit", ""), "target_raw": row["target_raw"], "period": period,
            "lead_agency_raw": row["lead_agency_raw"], "lead_from": "", "note": " ".join(notes),
            "source_line": row["source_line"],
        })  # fmt: skip
    return _carry_leads(out, carry=carry)


def _carry_leads(rows: list[dict[str, str]], *, carry: str) -> list[dict[str, str]]:
    """Read a blank lead cell as merged with the one above, inside one numbered indicator only.

    ``carry="parent"`` (the PDF tables of KH-DU-2026): a sub-item takes the lead of its numbered
    indicator (TT 10's "Sở Tài chính, BQL KCNC&KCN" runs down beside "- Vốn FDI thực hiện");
    a blank beside siblings that have their own leads stays blank. ``carry="within"`` (the DOCX table of
    KH-183-2021, where a merged cell leaves the cells under it empty): the nearest row above in the same
    indicator. A blank numbered row stays blank: merging across indicators is not assumed.
    """
    by_tt: dict[str, dict[str, str]] = {}
    for row in rows:
        top = row["tt"].split(".")[0]
        if row["tt"] == top:
            by_tt = {top: row}
        source = None
        if not row["lead_agency_raw"] and row["tt"] != top:
            candidates = [by_tt.get(top)] if carry == "parent" else list(reversed(by_tt.values()))
            source = next((other for other in candidates if other and other["lead_agency_raw"]), None)
        if source is not None:
            row["lead_agency_raw"] = source["lead_agency_raw"]
            row["lead_from"] = source["id"]
            row["note"] = (
                row["note"] + f" Ô chủ trì để trống, đọc theo ô gộp của TT {source['tt']} "
                f"(blank lead cell read as merged with TT {source['tt']})."
            ).strip()
        elif not row["lead_agency_raw"]:
            row["note"] = (row["note"] + " Văn bản không ghi đơn vị chủ trì cho dòng này (no lead agency printed).").strip()
        by_tt[row["tt"]] = row
    return rows


def _index(lines: list[str], test, start: int = 0) -> int:
    return next(i for i in range(start, len(lines)) if test(lines[i]))


def _last_base(chars: list[str]) -> int:
    index = len(chars) - 1
    while index > 0 and unicodedata.category(chars[index]) == "Mn":
        index -= 1
    return index


def _after_marks(chars: list[str], index: int) -> int:
    index += 1
    while index < len(chars) and unicodedata.category(chars[index]) == "Mn":
        index += 1
    return index


def _vowel_before(chars: list[str], base: int) -> int | None:
    """Return the vowel nearest before `base` in the same word (or just before one space), else None."""
    index, spaces = base, 0
    if chars[index] == " ":
        spaces, index = 1, index - 1
    while index >= 0:
        char = chars[index]
        if unicodedata.category(char) == "Mn":
            index -= 1
            continue
        if char in _VOWELS:
            return index if not _has_tone(chars, index) else None
        if not char.isalpha() or (char == " " and spaces):
            return None
        index -= 1
    return None


def _shaped_vowel_before(chars: list[str], base: int) -> int | None:
    """Return an â/ê/ô/ơ/ư/ă before `base` in the same syllable that carries no tone yet, else None."""
    index = base - 1
    while index >= 0 and (chars[index].isalpha() or unicodedata.category(chars[index]) == "Mn"):
        if chars[index] in _VOWELS and not _has_tone(chars, index):
            marks = chars[index + 1 : _after_marks(chars, index)]
            if set(marks) & _SHAPES:
                return index
        index -= 1
    return None


def _has_tone(chars: list[str], index: int) -> bool:
    return bool(set(chars[index + 1 : _after_marks(chars, index)]) & _TONES)


if __name__ == "__main__":
    main()
