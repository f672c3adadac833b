"""Command line of the planning map: ``python -m geo <command>``.

Commands: ``validate`` (check the data of record), ``import`` (read a new task table).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import geopandas as gpd

from geo import settings
from geo.agencies import load_agencies
from geo.errors import PlanningMapError
from geo.features import load_features
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
    importer = commands.add_parser("import", help="import a task table (CSV or XLSX) and report bad rows")
    importer.add_argument("path", help="a .csv or .xlsx file with the register's raw columns")
    importer.add_argument("--doc-id", required=True, help="id of the new document, e.g. KH-12-2027")
    importer.add_argument("-o", "--output", help="write the imported records to this CSV")
    args = parser.parse_args(argv)
    try:
        if args.command == "validate":
            return _validate()
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


def _coverage(args) -> int:
    import json
    import warnings
    from datetime import date

    from geo.errors import InvalidArgumentError
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
    report = coverage_report(result, skipped)
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

    layers = layers_from_xml(from_xml) if from_xml else fetch_layers()
    for path in write_layers(layers, output):
        print(f"written: {path}")
    print(f"Attribution: {settings.OSM_ATTRIBUTION}, {settings.OSM_LICENCE}")
    return 0


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
