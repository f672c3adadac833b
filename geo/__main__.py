"""Command line of the planning map: ``python -m geo <command>``.

Commands: ``validate`` (check the data of record), ``import`` (read a new task table),
``refresh-osm`` (rebuild the osm layers), ``coverage`` (TOD figures), ``snapshot`` (export a zip).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import geopandas as gpd

from geo import settings
from geo.agencies import load_agencies
from geo.errors import InvalidArgumentError, PlanningMapError, UnknownValueError
from geo.export import ALL_FORMATS, validate_formats, write_snapshot
from geo.features import load_features
from geo.filters import TaskFilter
from geo.importer import import_tasks
from geo.layer_specs import load_registry
from geo.register import load_documents, load_register, write_register
from geo.validate import Report, load_place_terms, validate_features, validate_register


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="Hà Nội planning map tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check the data of record; exit 1 when a reference is broken")
    refresh = commands.add_parser("refresh-osm", help="rebuild the osm layers from OpenStreetMap (needs internet)")
    refresh.add_argument("--from-xml", help="read this OSM XML file instead of querying Overpass (offline)")
    refresh.add_argument("-o", "--output", default="data/osm_refresh", help="folder for one GeoJSON per layer")
    cov = commands.add_parser("coverage", help="TOD coverage of metro stations (figures as text or JSON)")
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
    snap = commands.add_parser("snapshot", help="export the filtered layers, tasks, map and manifest as one zip")
    snap.add_argument("--agency", action="append", default=[], help="agency id or name as written (repeatable)")
    snap.add_argument("--role", default="any", help="any | lead | coordinating")
    snap.add_argument("--no-predecessors", action="store_true", help="do not include agencies merged in 2025")
    snap.add_argument("--doc", action="append", default=[], help="document id, e.g. KH-DU-2026 (repeatable)")
    snap.add_argument("--due-after", help="deadline window start, YYYY-MM-DD")
    snap.add_argument("--due-before", help="deadline window end, YYYY-MM-DD")
    snap.add_argument("--as-of", help="as-of date, YYYY-MM-DD (default today)")
    snap.add_argument("--only-past-due", action="store_true", help="only tasks whose deadline passed as of the date")
    snap.add_argument("--query", default="", help="accent-insensitive search phrase")
    snap.add_argument("--layers", default="", help="comma-separated layer ids (default all)")
    snap.add_argument("--status", default="", help="comma-separated statuses (default all)")
    snap.add_argument("--formats", default=",".join(ALL_FORMATS), help=f"comma-separated, some of {','.join(ALL_FORMATS)}")
    snap.add_argument("--lang", default="vi", help="vi | en")
    snap.add_argument("-o", "--output", required=True, help="the zip to write (its folder must exist)")
    importer = commands.add_parser("import", help="import a task table (CSV or XLSX) and report bad rows")
    importer.add_argument("path", help="a .csv or .xlsx file with the register's raw columns")
    importer.add_argument("--doc-id", required=True, help="id of the new document, e.g. KH-12-2027")
    importer.add_argument("-o", "--output", help="write the imported records to this CSV")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate()
        if args.command == "snapshot":
            return _snapshot(args)
        if args.command == "coverage":
            return _coverage(args)
        if args.command == "refresh-osm":
            return _refresh(args.from_xml, args.output)
        return _import(args.path, args.doc_id, args.output)
    except PlanningMapError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _validate() -> int:
    agencies = load_agencies()
    tasks = load_register()
    documents = load_documents()
    report = validate_register(tasks, agencies, documents, Report())
    features = load_features()
    boundary = gpd.read_file(settings.BOUNDARY_GEOJSON).to_crs(settings.CRS_STORE).geometry.union_all()
    validate_features(
        features,
        tasks,
        layer_ids=load_registry().ids(),
        boundary_4326=boundary,
        place_terms=load_place_terms(),
        report=report,
    )
    print(report.to_text())
    return 1 if report.errors else 0


def _snapshot(args) -> int:
    # The command line sits at the top of the stack, like the pages: it may use layers/ for the HTML map.
    from layers.export_html import standalone_map_html

    agencies = load_agencies()
    registry = load_registry()
    known_layers = registry.ids("project")
    layers = tuple(layer for layer in args.layers.split(",") if layer)
    unknown = sorted(set(layers) - set(known_layers))
    if unknown:
        msg = f"Unknown layer(s) {unknown}; known layers: {list(known_layers)}."
        raise UnknownValueError(msg)
    statuses = tuple(status for status in args.status.split(",") if status)
    if set(statuses) - set(settings.STATUSES):
        msg = f"Unknown status(es) {sorted(set(statuses) - set(settings.STATUSES))}; expected some of {settings.STATUSES}."
        raise UnknownValueError(msg)
    choice = TaskFilter(
        agencies=tuple(agencies.require(agency) for agency in args.agency),
        role=args.role,
        include_predecessors=not args.no_predecessors,
        docs=tuple(args.doc),
        due_from=_date(args.due_after, "--due-after"),
        due_to=_date(args.due_before, "--due-before"),
        as_of=_date(args.as_of, "--as-of") or date.today(),
        only_past_due=args.only_past_due,
        query=args.query,
        layers=layers,
        statuses=statuses,
    )
    formats = validate_formats(args.formats)
    html_map = standalone_map_html(choice, args.lang) if "html" in formats else None
    result = write_snapshot(
        choice, args.output, formats=formats, lang=args.lang, html_map=html_map,
        progress=lambda fraction, label: print(f"[{fraction:4.0%}] {label}", file=sys.stderr),
    )  # fmt: skip
    print(f"written: {result.path} ({len(result.members)} files; {sum(result.feature_counts.values())} features, "
          f"{result.task_count} tasks)")  # fmt: skip
    for member, reason in result.skipped.items():
        print(f"skipped {member}: {reason}")
    return 0


def _date(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        msg = f"{option} must be a date YYYY-MM-DD, got {text!r}."
        raise InvalidArgumentError(msg) from error


def _coverage(args) -> int:
    import json
    import warnings

    from geo.tod import coverage_report, read_population_layer, run_coverage
    from geo.walk import load_walk_network

    try:
        as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    except ValueError as error:
        msg = f"--as-of must be a date YYYY-MM-DD, got {args.as_of!r}."
        raise InvalidArgumentError(msg) from error
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        population = read_population_layer(args.population, args.population_column) if args.population else None
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    network = load_walk_network(args.network) if args.network else None
    lines = [line for line in args.lines.split(",") if line.strip()]
    result, skipped = run_coverage(
        lines=lines, radius_m=args.radius, as_of=as_of, study_area=args.study_area, method=args.method,
        include_estimates=args.include_estimates, population=population, network=network,
    )  # fmt: skip
    source = f"uploaded layer {args.population} (column {args.population_column}); area weighting" if args.population else None
    report = coverage_report(result, skipped, **({"population_source": source} if source else {}))
    report["as_of"] = as_of.isoformat()
    report["lines_asked"] = lines or "all"
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return 0
    summary = result.summary()
    for key, value in summary.items():
        print(f"{key}: {value}")
    print(result.lines.to_string(index=False))
    return 0


def _refresh(from_xml: str | None, output: str) -> int:
    from geo.osm_refresh import fetch_layers, layers_from_xml, write_layers

    try:
        layers = layers_from_xml(from_xml) if from_xml else fetch_layers()
    except (OSError, ConnectionError) as error:  # requests' errors derive from OSError
        msg = f"cannot reach OpenStreetMap ({type(error).__name__}); refresh-osm needs internet, or use --from-xml FILE."
        raise InvalidArgumentError(msg) from error
    for path in write_layers(layers, output):
        print(f"written: {path}")
    print(f"Attribution: {settings.OSM_ATTRIBUTION}, {settings.OSM_LICENCE}")
    return 0


def _import(path: str, doc_id: str, output: str | None) -> int:
    if output and not Path(output).resolve().parent.is_dir():
        msg = f"-o {output}: the folder {Path(output).resolve().parent} does not exist; create it first."
        raise InvalidArgumentError(msg)
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
