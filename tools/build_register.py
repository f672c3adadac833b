"""Rebuild data/tasks.csv from the source documents (a maintainer's tool, not used at run time).

KH-DU-2026 Phụ lục 03 comes from the hand-checked transcription in
data/sources/kh_du_2026_pl03.csv (the PDF text interleaves columns, so each row
was read and checked by eye). The three other documents have regular layouts
and are parsed here from the source documents in data/seeds (see its README.md);
data/documents.csv says which file holds which document.

Usage: python tools/build_register.py [SEEDS_DIR] [--out DIR]   (defaults: data/seeds, data/)
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import settings
from geo.agencies import AgencyIndex, load_agencies
from geo.register import RAW_COLUMNS, derive_register, write_register
from geo.text import nfc
from tools.seeds import command_line

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_TAGS = re.compile(r"</?b>")
_ITALIC = re.compile(r"\*")  # Markdown italics of the DOCX extraction (KH-57-TU-2026)


def kh_du_2026() -> list[dict[str, str]]:
    """Return the 118 rows of KH-DU-2026 Phụ lục 03 from the checked transcription."""
    path = settings.DATA_DIR / "sources" / "kh_du_2026_pl03.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    out = []
    for row in rows:
        record = {column: nfc(row.get(column, "")) for column in RAW_COLUMNS}
        record["id"] = f"KH-DU-2026.{int(row['seq']):03d}"
        record["due_scope"] = "task"
        out.append(record)
    return out


def kh_183_2021(lines: list[str]) -> list[dict[str, str]]:
    """Return the 43 rows of Plan 183/KH-UBND Phụ lục 2 (tab-separated in the source text)."""
    start = next(i for i, line in enumerate(lines) if line.startswith("**PHỤ LỤC 2**"))
    out: list[dict[str, str]] = []
    section = title = ""
    for number, line in enumerate(lines[start:], start=start + 1):
        cells = [_TAGS.sub("", cell).strip() for cell in line.split("\t")]
        if len(cells) < 6 or cells[0] == "TT":
            continue
        if re.fullmatch(r"[IVX]+", cells[0]):
            section, title = cells[0], nfc(cells[1])
            continue
        if not cells[0].isdigit():
            continue
        cells += [""] * (7 - len(cells))
        out.append(
            {
                "id": f"KH-183-2021.{len(out) + 1:03d}",
                "doc_id": "KH-183-2021",
                "appendix": "Phụ lục 2",
                "section": section,
                "section_title": title,
                "tt": cells[0],
                "task": nfc(cells[1]),
                "due_raw": nfc(cells[2]),
                "vice_chair": nfc(cells[3]),
                "lead_agency_raw": nfc(cells[4]),
                "coordinating_raw": nfc(cells[5]),
                "note": nfc(cells[6]),
                "product": "",
                "due_scope": "framework_plan",
                "source_line": str(number),
            }
        )
    return out


def ctr_nq02_2026(lines: list[str]) -> list[dict[str, str]]:
    """Return the 82 bullets of section II of the draft programme for Resolution 02-NQ/TW."""
    start = next(i for i, line in enumerate(lines) if line.startswith("II. NHIỆM VỤ TRỌNG TÂM"))
    end = next(i for i, line in enumerate(lines) if line.startswith("III. TỔ CHỨC THỰC HIỆN"))
    out: list[dict[str, str]] = []
    group = title = ""
    for number in range(start + 1, end):
        line = _BOOKMARK.sub("", lines[number]).strip()
        heading = re.match(r"^(\d)[-.]\s*(.+)$", line)
        if heading:
            group, title = heading.group(1), nfc(heading.group(2))
            continue
        if not line.startswith("-"):
            continue
        out.append(
            {
                "id": f"CTr-NQ02-2026.{len(out) + 1:03d}",
                "doc_id": "CTr-NQ02-2026",
                "appendix": "Mục II",
                "section": group,
                "section_title": title,
                "tt": "",
                "task": nfc(line.lstrip("- ")),
                "lead_agency_raw": "",
                "coordinating_raw": "",
                "product": "",
                "due_raw": "",
                "due_scope": "not_in_document",
                "note": "Văn bản không giao cơ quan chủ trì, phối hợp và thời hạn cho nhiệm vụ này "
                "(the document assigns no agency and no deadline to this task; see its section III).",
                "source_line": str(number + 1),
            }
        )
    return out


def kh_57_tu_2026(lines: list[str], agencies: AgencyIndex) -> list[dict[str, str]]:
    """Return the assignments of sections IV.1 and IV.2 of Plan 57-KH/TU, one record per bullet or body.

    IV.1 ("Phân công nhiệm vụ") gives 25 records, IV.2 ("Công tác kiểm tra, đánh giá") 4; the new
    records follow the old ones, so the ids of IV.1 stay as they were. Partners named after
    "phối hợp với" become coordinating agencies; a launch date written "(Dự kiến ... tháng .../2026)"
    becomes the deadline of its bullet.
    """
    start = next(i for i, line in enumerate(lines) if line.startswith("1. Phân công nhiệm vụ"))
    end = next(i for i, line in enumerate(lines) if line.startswith("3. Trân trọng đề nghị"))
    out: list[dict[str, str]] = []
    body = intro = reading = ""
    label = appendix = ""
    for number in range(start + 1, end):
        line = _ITALIC.sub("", lines[number]).strip()
        if not line:
            continue
        if line.startswith("2. Công tác kiểm tra"):
            continue
        heading = re.match(r"^([12]\.\d+)\.?\s+(.+)$", line)
        if heading:
            label, rest = heading.group(1), heading.group(2)
            appendix = f"Mục IV.{label.split('.')[0]}"
            intro = ""
            if ":" in rest:
                body, text = (part.strip() for part in rest.split(":", 1))
                reading = _party_reading(body, agencies)
                out.append(_kh57_record(out, appendix, label, body, reading, text, "", number + 1, agencies))
                continue
            resolved = agencies.resolve(rest)
            if resolved.ids and resolved.ok:
                body, reading = rest.strip(), _party_reading(rest.strip(), agencies)
                continue
            # A one-sentence assignment with its body as subject ("2.2. Ủy ban Kiểm tra Thành ủy chủ trì ...").
            body = _leading_agency(rest, agencies)
            out.append(_kh57_record(out, appendix, label, body, body, rest, "", number + 1, agencies))
            continue
        if line.startswith("-"):
            out.append(_kh57_record(out, appendix, label, body, reading, line.lstrip("- "), intro, number + 1, agencies))
        else:
            intro = nfc(line)
    return out


def _kh57_record(
    out: list, appendix: str, label: str, body: str, reading: str, text: str, intro: str, line: int,
    agencies: AgencyIndex,
) -> dict[str, str]:  # fmt: skip
    notes = []
    if intro:
        notes.append(f"Dẫn: {intro}")
    if reading != body:
        notes.append(
            f"Cơ quan chủ trì in là “{body}”; “Đảng ủy” áp dụng cho từng tên (the heading's “Đảng ủy” governs each name)."
        )
    due_raw, due_note = _kh57_deadline(text)
    notes.append(due_note or "Văn bản không ghi thời hạn (no deadline in the document).")
    return {
        "id": f"KH-57-TU-2026.{len(out) + 1:03d}",
        "doc_id": "KH-57-TU-2026",
        "appendix": appendix,
        "section": label,
        "section_title": nfc(body),
        "tt": label,
        "task": nfc(text),
        "lead_agency_raw": nfc(reading),
        "coordinating_raw": _partners(nfc(text), agencies),
        "product": "",
        "due_raw": due_raw,
        "due_scope": "task" if due_raw else "not_in_document",
        "note": " ".join(notes),
        "source_line": str(line),
    }


def _party_reading(body: str, agencies: AgencyIndex) -> str:
    """Return "Đảng ủy X; Đảng ủy Y" for a heading "Đảng ủy X, Y" when both party committees are known, else `body`."""
    prefix = "Đảng ủy "
    if not body.startswith(prefix) or ", " not in body:
        return body
    parts = [prefix + part.strip() for part in body[len(prefix) :].split(", ")]
    resolved = [agencies.resolve(part) for part in parts]
    if all(item.ok and len(item.ids) == 1 for item in resolved):
        return "; ".join(parts)
    return body


def _leading_agency(text: str, agencies: AgencyIndex) -> str:
    """Return the shortest run of leading words of `text` that names an agency (the sentence's subject)."""
    words = text.split()
    for count in range(1, len(words) + 1):
        candidate = " ".join(words[:count]).rstrip(",;:")
        resolved = agencies.resolve(candidate)
        if resolved.ids and resolved.ok:
            return candidate
    msg = f"KH-57-TU-2026: no agency at the start of {text[:60]!r}; add its spelling to data/agencies.csv."
    raise ValueError(msg)


_PARTNER = re.compile(r"phối hợp (?:chặt chẽ )?với ", re.IGNORECASE)
_SEPARATOR = re.compile(r"^(?:, |; | và )")
_MAX_NAME_WORDS = 10


def _partners(text: str, agencies: AgencyIndex) -> str:
    """Return the agencies named right after "phối hợp với" in `text`, as written ("; " between mentions).

    The first name is the shortest run of words that names an agency; further names are taken while
    they follow a separator (", ", "; ", " và ") and name another agency within a few words. What
    follows that is the action ("... xây dựng kế hoạch"), not a partner.
    """
    found = []
    for match in _PARTNER.finditer(text):
        rest = text[match.end() :]
        phrase = _next_name(rest, agencies, known=())
        if not phrase:
            continue
        while True:
            separator = _SEPARATOR.match(rest[len(phrase) :])
            if not separator:
                break
            known = agencies.resolve(phrase).ids
            more = _next_name(rest[len(phrase) + separator.end() :], agencies, known=known, prefix=phrase + separator.group())
            if not more:
                break
            phrase = phrase + separator.group() + more
        found.append(phrase)
    return "; ".join(found)


def _next_name(text: str, agencies: AgencyIndex, *, known: tuple[str, ...], prefix: str = "") -> str:
    words = text.split(" ")
    for count in range(1, min(len(words), _MAX_NAME_WORDS) + 1):
        candidate = " ".join(words[:count]).rstrip(",;.")
        resolved = agencies.resolve(prefix + candidate)
        if resolved.ok and set(resolved.ids) - set(known):
            return candidate
    return ""


_LAUNCH = re.compile(r"\(Dự kiến (?P<phrase>[^()]*?tháng (?:trong )?(?P<when>\d{1,2}/\d{4}))\)")


def _kh57_deadline(text: str) -> tuple[str, str]:
    """Return (due_raw, note) for a bullet that states when it is expected, else ("", "")."""
    match = _LAUNCH.search(_ITALIC.sub("", text))
    if not match:
        return "", ""
    printed = f"Dự kiến {match.group('phrase')}"
    note = f"Thời hạn in: “{printed}”, đọc là tháng {match.group('when')} (printed words; read as month {match.group('when')})."
    return f"tháng {match.group('when')}", note


def main(argv: list[str] | None = None) -> list[Path]:
    """Rebuild tasks.csv into --out (default data/), print the counts per document; return the paths written."""
    read, out = command_line(__doc__.splitlines()[0], argv)

    agencies = load_agencies()
    raw = kh_du_2026() + kh_183_2021(read("KH-183-2021")) + ctr_nq02_2026(read("CTr-NQ02-2026"))
    raw += kh_57_tu_2026(read("KH-57-TU-2026"), agencies)
    register = derive_register(raw, agencies)
    path = out / settings.TASKS_CSV.name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_register(register, path)
    print(register.groupby("doc_id").size().to_string())
    return [path]


if __name__ == "__main__":
    main()
