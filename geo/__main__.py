"""Command line of the planning map: ``python -m geo <command>``.

Commands: ``validate`` (check the data of record), ``import`` (read a new task table).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo.agencies import load_agencies
from geo.errors import PlanningMapError
from geo.importer import import_tasks
from geo.register import load_documents, load_register, write_register
from geo.validate import Report, validate_register


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="Hà Nội planning map tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the data of record; exit 1 when a reference is broken")
    importer = commands.add_parser("import", help="import a task table (CSV or XLSX) and report bad rows")
    importer.add_argument("path", help="a .csv or .xlsx file with the register's raw columns")
    importer.add_argument("--doc-id", required=True, help="id of the new document, e.g. KH-12-2027")
    importer.add_argument("-o", "--output", help="write the imported records to this CSV")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate()
        return _import(args.path, args.doc_id, args.output)
    except PlanningMapError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _validate() -> int:
    agencies = load_agencies()
    tasks = load_register()
    documents = load_documents()
    report = validate_register(tasks, agencies, documents, Report())
    print(report.to_text())
    return 1 if report.errors else 0


def _import(path: str, doc_id: str, output: str | None) -> int:
    result = import_tasks(path, load_agencies(), doc_id=doc_id)
    print(f"{len(result.tasks)} row(s) read, {len({p.row for p in result.problems})} flagged.")
    for problem in result.problems:
        print(f"  row {problem.row} ({problem.task_id}): {problem.reason}")
    if output:
        write_register(result.tasks, output)
        print(f"written: {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
