"""Rebuild data/tasks.csv from the source documents (a maintainer's tool, not used at run time).

KH-DU-2026 Phụ lục 03 comes from the hand-checked transcription in
data/sources/kh_du_2026_pl03.csv (the PDF text interleaves columns, so each row
was read and checked by eye). The three other documents have regular layouts
and are parsed here from the source documents in data/seeds (see its README.md);
data/documents.csv says which file holds which document.

Usage: python tools/build_register.py [SEEDS_DIR] [--out DIR]   (defaults: data/seeds, data/)
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import settings
from geo.agencies import load_agencies
from geo.register import RAW_COLUMNS, derive_register, write_register
from geo.text import nfc

SEEDS = settings.DATA_DIR / "seeds"
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_TAGS = re.compile(r"</?b>")


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


def kh_57_tu_2026(lines: list[str]) -> list[dict[str, str]]:
    """Return the assignments of section IV.1 of Plan 57-KH/TU, one record per bullet or body."""
    start = next(i for i, line in enumerate(lines) if line.startswith("1. Phân công nhiệm vụ"))
    end = next(i for i, line in enumerate(lines) if line.startswith("2. Công tác kiểm tra"))
    out: list[dict[str, str]] = []
    body = number_label = intro = ""
    for number in range(start + 1, end):
        line = lines[number].strip()
        if not line:
            continue
        heading = re.match(r"^(1\.\d+)\.?\s+(.+)$", line)
        if heading:
            number_label, rest = heading.group(1), heading.group(2)
            intro = ""
            if ":" in rest:
                body, text = (part.strip() for part in rest.split(":", 1))
                out.append(_kh57_record(out, number_label, body, text, "", number + 1))
            else:
                body = rest.strip()
            continue
        if line.startswith("-"):
            out.append(_kh57_record(out, number_label, body, line.lstrip("- "), intro, number + 1))
        else:
            intro = nfc(line)
    return out


def _kh57_record(out: list, label: str, body: str, text: str, intro: str, line: int) -> dict[str, str]:
    note = "Văn bản không ghi thời hạn (no deadline in the document)."
    if intro:
        note = f"Dẫn: {intro} {note}"
    return {
        "id": f"KH-57-TU-2026.{len(out) + 1:03d}",
        "doc_id": "KH-57-TU-2026",
        "appendix": "Mục IV.1",
        "section": label,
        "section_title": nfc(body),
        "tt": label,
        "task": nfc(text),
        "lead_agency_raw": nfc(body),
        "coordinating_raw": "",
        "product": "",
        "due_raw": "",
        "due_scope": "not_in_document",
        "note": note,
        "source_line": str(line),
    }


def source_files(path: Path = settings.DOCUMENTS_CSV) -> dict[str, str]:
    """Return the source file name of each document id (column ``source_file`` of data/documents.csv)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["doc_id"]: row["source_file"] for row in csv.DictReader(handle)}


def main(argv: list[str] | None = None) -> list[Path]:
    """Rebuild tasks.csv into --out (default data/), print the counts per document; return the paths written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="?", type=Path, default=SEEDS, help="folder of the source documents (default: data/seeds)")
    parser.add_argument("--out", type=Path, default=settings.DATA_DIR, help="folder to write into (default: data/)")
    args = parser.parse_args(argv)
    files = source_files()

    def read(doc_id: str) -> list[str]:
        return (args.seeds / files[doc_id]).read_text(encoding="utf-8").splitlines()

    raw = kh_du_2026() + kh_183_2021(read("KH-183-2021")) + ctr_nq02_2026(read("CTr-NQ02-2026"))
    raw += kh_57_tu_2026(read("KH-57-TU-2026"))
    register = derive_register(raw, load_agencies())
    path = args.out / settings.TASKS_CSV.name
    path.parent.mkdir(parents=True, exist_ok=True)
    write_register(register, path)
    print(register.groupby("doc_id").size().to_string())
    return [path]


if __name__ == "__main__":
    main()
