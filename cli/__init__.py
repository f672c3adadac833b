"""Command line of the planning map, the admin's surface: ``python -m geo <command>``.

It sits at the top of the stack beside the pages (it may use ``layers/`` for the
snapshot's HTML map) and goes through the same core functions as they do: the
data is loaded once with :func:`geo.view.load_data` and every filter goes
through :func:`geo.view.build_view`.

Commands: ``validate``, ``tasks``, ``import``, ``coverage``, ``snapshot``, ``refresh-osm``; the store's
``store``, ``users``, ``plans`` and ``audit`` (:mod:`cli.store_commands`: every write takes ``--user NAME``);
``progress`` (:mod:`cli.progress_commands`: reports, an agency's sheet, the quarterly report, reminders); ``features``
(:mod:`cli.feature_commands`: correct, add, link, retire, revert and review map features; their history).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import commands, feature_commands, progress_commands, store_commands
from cli.options import add_filter_arguments
from geo.errors import PlanningMapError
from geo.settings import EXPORT_FORMATS as ALL_FORMATS


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every command."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="Hà Nội planning map tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check the data of record; exit 1 when a reference is broken")
    tasks = sub.add_parser("tasks", help="print the tasks matching a filter (CSV, or JSON with --json)")
    add_filter_arguments(tasks)
    tasks.add_argument("--json", action="store_true", help="print a JSON list of records")
    tasks.add_argument("--category", action="append", default=[],
                       help="only tasks of this progress category as of --as-of (repeatable or comma-separated): "
                            "completed_on_time, completed_late, overdue, in_progress, no_report")  # fmt: skip
    refresh = sub.add_parser("refresh-osm", help="rebuild the osm layers from OpenStreetMap (needs internet)")
    refresh.add_argument("--from-xml", help="read this OSM XML file instead of querying Overpass (offline)")
    refresh.add_argument("-o", "--output", default="out/osm-refresh", help="folder for one GeoJSON per layer (outside data/)")
    refresh.add_argument("--force", action="store_true", help="replace GeoJSON files already in the folder")
    cov = sub.add_parser("coverage", help="TOD coverage of metro stations (figures as text or JSON)")
    cov.add_argument("--lines", default="", help="comma-separated metro lines, e.g. 2A,3 (default: all)")
    cov.add_argument("--radius", type=float, default=1000.0, help="catchment radius in metres (200-2000)")
    cov.add_argument("--as-of", default=None, help="phase: stations open by this day, YYYY-MM-DD (default today)")
    cov.add_argument("--study-area", default="city", help="city | urban | inside_vd3")
    cov.add_argument("--method", default="circle", help="circle | walk")
    cov.add_argument("--include-estimates", action="store_true", help="add schematic stations of planned lines")
    cov.add_argument("--population", help="GeoJSON/GPKG polygons replacing the ward population")
    cov.add_argument("--population-column", default="population", help="numeric column of --population")
    cov.add_argument("--network", help="street network (.osm, .osm.bz2, .graphml) for --method walk")
    cov.add_argument("--json", action="store_true", help="print JSON")
    snap = sub.add_parser("snapshot", help="export the filtered layers, tasks, map and manifest as one zip")
    add_filter_arguments(snap)
    snap.add_argument("--formats", default=",".join(ALL_FORMATS), help=f"comma-separated, some of {','.join(ALL_FORMATS)}")
    snap.add_argument("--lang", default="vi", help="vi | en")
    snap.add_argument("-o", "--output", required=True, help="the zip to write (its folder must exist)")
    snap.add_argument("--force", action="store_true", help="replace an existing file")
    importer = sub.add_parser("import", help="import a task table (CSV or XLSX): report bad rows and, with --user, store it")
    importer.add_argument("path", help="a .csv or .xlsx file with the register's raw columns")
    importer.add_argument("--doc-id", required=True, help="id of the new document, e.g. KH-12-2027")
    importer.add_argument("--user", help="store the tasks as this account (a coordinator); without it nothing is stored")
    importer.add_argument("--title", help="the plan's title, kept with it in the store")
    importer.add_argument("--dry-run", action="store_true", help="only read and report (and write -o); store nothing")
    importer.add_argument("-o", "--output", help="write the imported records to this CSV (never inside data/)")
    importer.add_argument("--force", action="store_true", help="replace an existing output file")
    store_commands.add_store_parsers(sub)
    progress_commands.add_progress_parsers(sub)
    feature_commands.add_feature_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code (0 done, 1 validation failed, 2 refused)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    run = {
        "validate": commands.validate,
        "tasks": commands.tasks,
        "snapshot": commands.snapshot,
        "coverage": commands.coverage,
        "refresh-osm": commands.refresh,
        "import": commands.import_table,
        "store": store_commands.store_command,
        "users": store_commands.users_command,
        "plans": store_commands.plans_command,
        "audit": store_commands.audit_command,
        "progress": progress_commands.progress_command,
        "features": feature_commands.features_command,
    }[args.command]
    try:
        return run(args)
    except PlanningMapError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a file the core did not expect to fail (permissions, a device, a full disk)
        where = f" ({error.filename})" if error.filename else ""
        print(f"error: {error.strerror or error}{where}", file=sys.stderr)
        return 2
