"""The commands of the command line; each takes the parsed arguments and returns an exit code."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from datetime import date

from cli.options import choice_from_args, open_planning, parse_date
from geo import settings
from geo.csvio import frame_to_csv
from geo.errors import UnknownValueError
from geo.outputs import checked_output, checked_output_folder, write_atomic
from geo.text import join_ids, split_ids
from geo.view import build_view, load_data

TASK_FIELDS = (
    "id", "doc_id", "tt", "task", "lead_agency", "coordinating", "due_raw", "due_kind", "due_start", "due_end",
    "past_due", "feature_ids", "on_map", "progress_category",
)  # fmt: skip


def validate(args: argparse.Namespace) -> int:
    """Check the data of record; print counts and problems; 1 when an error is found."""
    from geo.features import load_features
    from geo.validate import Report, load_place_terms, validate_features, validate_register

    del args
    data = load_data()
    report = validate_register(data.tasks, data.agencies, data.documents, Report())
    boundary = data.context["boundary"].geometry.union_all()
    validate_features(
        load_features(), data.tasks, data.links, layer_ids=data.registry.ids(), boundary_4326=boundary,
        place_terms=load_place_terms(), report=report,
    )  # fmt: skip
    print(report.to_text())
    return 1 if report.errors else 0


def tasks(args: argparse.Namespace) -> int:
    """Print the tasks matching the filter options (with their progress category as of the date), as CSV or JSON records."""
    from geo.progress.categories import CATEGORIES, categories
    from geo.store import reports_frame

    wanted = [code.strip() for item in args.category for code in item.split(",") if code.strip()]
    unknown = sorted(set(wanted) - set(CATEGORIES))
    if unknown:
        msg = f"--category: unknown code(s) {unknown}; expected some of {', '.join(CATEGORIES)}."
        raise UnknownValueError(msg)
    store, data = open_planning()
    view = build_view(data, choice_from_args(args, data))
    reports = getattr(data, "reports", None)
    progress = categories(view.tasks, reports if reports is not None else reports_frame(store), view.as_of)
    shown = view.tasks.assign(progress_category=progress["progress_category"])
    if wanted:
        shown = shown[shown["progress_category"].isin(wanted)]
    records = []
    for task_id, row in shown.iterrows():
        records.append({
            "id": task_id, "doc_id": row["doc_id"], "tt": row["tt"], "task": row["task"],
            "lead_agency": split_ids(row["lead_agency"]), "coordinating": split_ids(row["coordinating"]),
            "due_raw": row["due_raw"], "due_kind": row["due_kind"],
            "due_start": row["due_start"].isoformat() if row["due_start"] else None,
            "due_end": row["due_end"].isoformat() if row["due_end"] else None,
            "past_due": bool(row["past_due"]), "feature_ids": list(row["feature_ids"]), "on_map": bool(row["on_map"]),
            "progress_category": row["progress_category"],
        })  # fmt: skip
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    import pandas as pd

    table = pd.DataFrame(records, columns=list(TASK_FIELDS))
    for column in ("lead_agency", "coordinating", "feature_ids"):
        table[column] = table[column].map(join_ids)
    table = table.fillna("")
    sys.stdout.write(frame_to_csv(table, bom=False).decode("utf-8"))
    return 0


def snapshot(args: argparse.Namespace) -> int:
    """Write the layer snapshot of the filter as one zip."""
    from geo.export import validate_formats, write_snapshot
    from layers.export_html import standalone_map_html

    target = checked_output(args.output, force=args.force, suffixes=(".zip",))
    formats = validate_formats(args.formats)
    data = open_planning()[1]
    view = build_view(data, choice_from_args(args, data))
    html_map = standalone_map_html(view, args.lang) if "html" in formats else None
    result = write_snapshot(
        view, target, formats=formats, lang=args.lang, html_map=html_map,
        progress=lambda fraction, label: print(f"[{fraction:4.0%}] {label}", file=sys.stderr),
    )  # fmt: skip
    print(f"written: {result.path} ({len(result.members)} files; {sum(result.feature_counts.values())} features, "
          f"{result.task_count} tasks)")  # fmt: skip
    for member, reason in result.skipped.items():
        print(f"skipped {member}: {reason}")
    return 0


def coverage(args: argparse.Namespace) -> int:
    """Print the TOD coverage figures of the chosen lines, radius, phase and study area."""
    from geo.population import read_population_layer
    from geo.tod import coverage_report, run_coverage
    from geo.walk import load_walk_network

    as_of = parse_date(args.as_of, "--as-of") or date.today()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        population = read_population_layer(args.population, args.population_column) if args.population else None
    for warning in caught:
        print(f"warning: {warning.message}", file=sys.stderr)
    network = load_walk_network(args.network) if args.network else None
    lines = [line for line in args.lines.split(",") if line.strip()]
    result, skipped = run_coverage(
        open_planning()[1], lines=lines, radius_m=args.radius, as_of=as_of, study_area=args.study_area, method=args.method,
        include_estimates=args.include_estimates, population=population, network=network,
    )  # fmt: skip
    source = f"uploaded layer {args.population} (column {args.population_column}); area weighting" if args.population else None
    report = coverage_report(result, skipped, **({"population_source": source} if source else {}))
    report["as_of"] = as_of.isoformat()
    report["lines_asked"] = lines or "all"
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    for key, value in result.summary().items():
        print(f"{key}: {value}")
    print(result.lines.to_string(index=False))
    return 0


def refresh(args: argparse.Namespace) -> int:
    """Rebuild the osm layers with osmnx (online, or from an OSM XML file) into a folder outside data/."""
    from geo.errors import InvalidArgumentError
    from geo.osm_refresh import QUERIES, fetch_layers, layers_from_xml, write_layers

    folder = checked_output_folder(args.output)
    for query in QUERIES:
        existing = folder / f"{query.layer}.geojson"
        if existing.exists() and not args.force:
            msg = f"-o {args.output}: {existing.name} exists there; add --force to replace it, or choose another folder."
            raise InvalidArgumentError(msg)
    try:
        layers = layers_from_xml(args.from_xml) if args.from_xml else fetch_layers()
    except (OSError, ConnectionError) as error:  # requests' errors derive from OSError
        msg = f"cannot reach OpenStreetMap ({type(error).__name__}); refresh-osm needs internet, or use --from-xml FILE."
        raise InvalidArgumentError(msg) from error
    for path in write_layers(layers, folder):
        print(f"written: {path}")
    print(f"Attribution: {settings.OSM_ATTRIBUTION}, {settings.OSM_LICENCE}")
    return 0


def import_table(args: argparse.Namespace) -> int:
    """Read a new plan's task table, report its bad rows by row number, store it with --user, and optionally write -o."""
    from cli.store_commands import store_import
    from geo.importer import import_tasks
    from geo.register import write_register

    target = checked_output(args.output, force=args.force, inputs=[args.path], suffixes=(".csv",)) if args.output else None
    result = import_tasks(args.path, load_data().agencies, doc_id=args.doc_id)
    print(f"{len(result.tasks)} row(s) read, {len({p.row for p in result.problems})} flagged.")
    for problem in result.problems:
        print(f"  row {problem.row} ({problem.task_id}): {problem.reason}")
    if args.user and not args.dry_run:
        store_import(args, result)
    elif not args.dry_run:
        print("not stored: give --user NAME (a coordinator) to keep the tasks in the store for everyone; --dry-run only checks.")
    if target is not None:
        write_atomic(target, lambda scratch: write_register(result.tasks, scratch))
        print(f"written: {target}")
    return 0
