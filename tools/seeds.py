"""The source documents as the builders read them: data/seeds, one file per document (data/documents.csv)."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from pathlib import Path

from geo import settings

SEEDS = settings.DATA_DIR / "seeds"


def source_files(path: Path = settings.DOCUMENTS_CSV) -> dict[str, str]:
    """Return the source file name of each document id (column ``source_file`` of data/documents.csv)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["doc_id"]: row["source_file"] for row in csv.DictReader(handle)}


def reader(folder: Path = SEEDS, documents: Path = settings.DOCUMENTS_CSV) -> Callable[[str], list[str]]:
    """Return ``read(doc_id)``: the lines of that document's file in `folder`."""
    files = source_files(documents)

    def read(doc_id: str) -> list[str]:
        return (folder / files[doc_id]).read_text(encoding="utf-8").splitlines()

    return read


def command_line(description: str, argv: list[str] | None = None) -> tuple[Callable[[str], list[str]], Path]:
    """Read a builder's command line ``[SEEDS_DIR] [--out DIR]``; return the document reader and the output folder."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("seeds", nargs="?", type=Path, default=SEEDS, help="folder of the source documents (default: data/seeds)")
    parser.add_argument("--out", type=Path, default=settings.DATA_DIR, help="folder to write into (default: data/)")
    args = parser.parse_args(argv)
    return reader(args.seeds), args.out
