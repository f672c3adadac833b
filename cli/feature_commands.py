"""The ``features`` commands: correct, add, link, retire, revert and review map features; their history.

Every change goes through :mod:`geo.featureedit` and the store's one write path, as the
pages do: ``--user NAME`` acts with that account's role (an editor or a coordinator; a
reporter or viewer is refused, exit 2), a change made meanwhile by someone else is a
conflict (exit 2), and the base of record in ``data/`` is never written.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli.options import open_planning
from geo import settings
from geo.errors import InvalidArgumentError, problem

USER_HELP = "the account acting: an editor or a coordinator"


def add_feature_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``features`` command and its verbs to the command line's subparsers."""
    features = sub.add_parser("features", help="map features: edit geometry, add, link, retire, history, revert, review")
    verbs = features.add_subparsers(dest="features_command", required=True)
    listing = verbs.add_parser("list", help="list the features as the map shows them (id, layer, provenance, version)")
    listing.add_argument("--layer", help="only this layer")
    listing.add_argument("--edited", action="store_true", help="only features changed in the store")
    listing.add_argument("--json", action="store_true", help="print JSON")
    edit = verbs.add_parser("edit", help="give a feature a new geometry from a file (GeoJSON, KML/KMZ, GeoPackage, zipped Shapefile, CSV)")
    edit.add_argument("feature_id", metavar="ID")
    edit.add_argument("--user", required=True, help=USER_HELP)
    _geometry_arguments(edit)
    add = verbs.add_parser("add", help="add a feature to a project layer, its geometry from a file")
    add.add_argument("--user", required=True, help=USER_HELP)
    add.add_argument("--layer", required=True, help="a project layer id of data/layers.json, e.g. bridge")
    add.add_argument("--name-vi", required=True, help="the name in Vietnamese")
    add.add_argument("--name-en", required=True, help="the name in English")
    add.add_argument("--status", required=True, help="a status the layer allows, e.g. planned")
    add.add_argument("--status-date", required=True, help="when the status source says so: YYYY, YYYY-MM or YYYY-MM-DD")
    add.add_argument("--status-source", required=True, help="where the status comes from (a document, a web address)")
    add.add_argument("--id", default="", help="the new feature's id (default: from the layer and the English name)")
    for field in ("construction-start", "opens"):
        add.add_argument(f"--{field}", default="", help=f"{field.replace('-', ' ')} date, YYYY-MM-DD (for the time slider)")
        add.add_argument(f"--{field}-source", default="", help=f"the source of --{field}")
        add.add_argument(f"--{field}-precision", default="", help="day | month | quarter | year")
    add.add_argument("--opens-kind", default="", help="actual | target")
    _geometry_arguments(add)
    link = verbs.add_parser("link", help="link a feature to a task, quoting the task's words that name the object")
    link.add_argument("feature_id", metavar="ID")
    link.add_argument("--task", required=True, help="task id, e.g. KH-DU-2026.051")
    link.add_argument("--basis", required=True, help="the words of the task that name the object, e.g. 'cầu Tứ Liên'")
    link.add_argument("--user", required=True, help=USER_HELP)
    link.add_argument("--reason", default="", help="why (default: the basis)")
    unlink = verbs.add_parser("unlink", help="remove a feature's link to a task (kept in the history)")
    unlink.add_argument("feature_id", metavar="ID")
    unlink.add_argument("--task", required=True)
    unlink.add_argument("--user", required=True, help=USER_HELP)
    unlink.add_argument("--reason", required=True, help="why the link is wrong")
    retire = verbs.add_parser("retire", help="hide a feature from the map (kept in its history; revert brings it back)")
    retire.add_argument("feature_id", metavar="ID")
    retire.add_argument("--user", required=True, help=USER_HELP)
    retire.add_argument("--reason", required=True)
    history = verbs.add_parser("history", help="every version of a feature: who, when, why, the source")
    history.add_argument("feature_id", metavar="ID")
    history.add_argument("--json", action="store_true", help="print JSON (with each version's geometry)")
    revert = verbs.add_parser("revert", help="make an earlier version current again (as a new version; 0 is data/)")
    revert.add_argument("feature_id", metavar="ID")
    revert.add_argument("--to-version", type=int, required=True)
    revert.add_argument("--user", required=True, help=USER_HELP)
    revert.add_argument("--reason", default="", help="why (default: 'revert to version N')")
    pending = verbs.add_parser("pending", help="changes waiting for a coordinator's review")
    pending.add_argument("--json", action="store_true")
    for verb in ("approve", "reject"):
        review = verbs.add_parser(verb, help=f"{verb} a pending change (a coordinator)")
        review.add_argument("version_id", type=int, metavar="VERSION_ID", help="the id shown by features pending")
        review.add_argument("--user", required=True, help="a coordinator")
    for verb in (edit, link, unlink, retire, revert):
        verb.add_argument("--expected-version", type=int, help="the version you looked at (features history); a newer one is a conflict")
    switch = verbs.add_parser("review", help="turn the review of editors' changes on or off (a coordinator)")
    switch.add_argument("state", choices=("on", "off"))
    switch.add_argument("--user", required=True, help="a coordinator")


def features_command(args: argparse.Namespace) -> int:
    """Run ``features list | edit | add | link | unlink | retire | history | revert | pending | approve | reject | review``."""
    return {
        "list": _list, "edit": _edit, "add": _add, "link": _link, "unlink": _unlink, "retire": _retire, "history": _history,
        "revert": _revert, "pending": _pending, "approve": _review, "reject": _review, "review": _switch,
    }[args.features_command](args)  # fmt: skip


def _geometry_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from-file", required=True, help="the geometry file (at most 10 MiB)")
    parser.add_argument("--layer-name", help="the layer inside a GeoPackage or KML with several")
    parser.add_argument("--pick", help="which feature of a file with several: its number (#) or its name")
    parser.add_argument("--crs", help="EPSG code of a file without CRS (CSV, Shapefile without .prj), e.g. EPSG:5897 (VN-2000 / TM-3 105°)")
    parser.add_argument("--shape", choices=("auto", "point", "line", "polygon"), default="auto", help="what the rows of a CSV draw")
    parser.add_argument("--quality", required=True, choices=("surveyed", "edited"), help="surveyed: an official drawing or survey file; edited: drawn over a basemap")
    parser.add_argument("--source", required=True, help="the drawing or survey file (number, date, who made it), or what was traced")
    parser.add_argument("--basemap", default="", help="for --quality edited: the basemap it was drawn over")
    parser.add_argument("--zoom", type=int, help="for --quality edited: the zoom it was drawn at")
    parser.add_argument("--reason", default="", help="why (kept in the history; default: 'geometry from FILE')")
    parser.add_argument("--repair", action="store_true", help="accept the repaired shape of an invalid geometry (the message shows it)")


def _user(store, name: str):
    from geo.store import get_user

    return get_user(store, name)


def _from_file(args: argparse.Namespace):
    from geo.geomfile import choose, read_geometry_file

    path = Path(args.from_file)
    if not path.is_file():
        raise problem(InvalidArgumentError, "err.file_not_found", name=str(path))
    size = path.stat().st_size
    if size > settings.MAX_UPLOAD_BYTES:  # before reading it into memory
        from geo.uploads import check_size

        check_size(path.name, size)
    read = read_geometry_file(path.name, path.read_bytes(), crs=args.crs, layer_name=args.layer_name, shape=args.shape)
    pick = int(args.pick) if args.pick and args.pick.isdigit() else args.pick
    return read, choose(read, pick)


def _provenance(args: argparse.Namespace, read) -> dict:
    return {"quality": args.quality, "source": args.source, "basemap": args.basemap, "zoom": args.zoom, "file_name": read.name,
            "file_sha256": read.sha256, "accept_repair": args.repair}  # fmt: skip


def _edit(args: argparse.Namespace) -> int:
    from geo.featureedit import edit_geometry

    store, data = open_planning()
    user = _user(store, args.user)
    read, candidate = _from_file(args)
    reason = args.reason or f"geometry from {read.name} ({args.quality})"
    version = edit_geometry(store, user, data, args.feature_id, candidate.geometry, reason=reason, expected_seq=_expected(args, store),
                            **_provenance(args, read))  # fmt: skip
    _saved(version, read.crs)
    return 0


def _add(args: argparse.Namespace) -> int:
    from geo.featureedit import add_feature

    store, data = open_planning()
    user = _user(store, args.user)
    read, candidate = _from_file(args)
    dates = {key: value for key, value in {
        "construction_start": args.construction_start, "construction_start_source": args.construction_start_source,
        "construction_start_precision": args.construction_start_precision, "opens": args.opens, "opens_kind": args.opens_kind,
        "opens_source": args.opens_source, "opens_precision": args.opens_precision,
    }.items() if value}  # fmt: skip
    version = add_feature(
        store, user, data, layer=args.layer, name=args.name_vi, name_en=args.name_en, status=args.status, status_date=args.status_date,
        status_source=args.status_source, geometry=candidate.geometry, feature_id=args.id, dates=dates,
        reason=args.reason or f"new feature from {read.name} ({args.quality})", **_provenance(args, read),
    )  # fmt: skip
    _saved(version, read.crs)
    return 0


def _expected(args: argparse.Namespace, store) -> int:
    """Return the version the change starts from: ``--expected-version``, else the feature's newest now."""
    from geo.store.feature_versions import latest_seq

    return args.expected_version if args.expected_version is not None else latest_seq(store, args.feature_id)


def _change(args: argparse.Namespace, operation, **values) -> int:
    """Run one change of `args.feature_id` from the version it names, as `args.user`; print what was saved."""
    store, data = open_planning()
    user = _user(store, args.user)
    _saved(operation(store, user, data, args.feature_id, expected_seq=_expected(args, store), **values))
    return 0


def _link(args: argparse.Namespace) -> int:
    from geo.featureedit import link_task

    return _change(args, link_task, task_id=args.task, basis=args.basis, reason=args.reason or f"the task names it: {args.basis}")


def _unlink(args: argparse.Namespace) -> int:
    from geo.featureedit import unlink_task

    return _change(args, unlink_task, task_id=args.task, reason=args.reason)


def _retire(args: argparse.Namespace) -> int:
    from geo.featureedit import retire_feature

    return _change(args, retire_feature, reason=args.reason)


def _revert(args: argparse.Namespace) -> int:
    from geo.featureedit import revert_feature

    return _change(args, revert_feature, to_seq=args.to_version, reason=args.reason or "requested from the command line")


def _history(args: argparse.Namespace) -> int:
    from geo.featureedit import versions

    store, data = open_planning()
    found = versions(data, store, args.feature_id)
    if args.json:
        print(json.dumps([version.record(geometry=True) for version in found], ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    for version in found:
        record = version.record()
        links = ", ".join(task for task, _ in version.links) or "none"
        print(f"v{record['seq']} {record['action']} [{record['review']}] {record['created_at'] or 'data/'} by {record['author']}"
              f"{' RETIRED' if version.retired else ''}\n    why: {record['reason'] or '-'}\n"
              f"    geometry: {record['geometry_type']}, {record['geometry_quality']}: {record['geometry_source']}\n    tasks: {links}")  # fmt: skip
    return 0


def _pending(args: argparse.Namespace) -> int:
    from geo.store.feature_versions import pending_versions

    store, _ = open_planning()
    found = pending_versions(store)
    if args.json:
        print(json.dumps([version.record() for version in found], ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    for version in found:
        print(f"{version.id}\t{version.feature_id} v{version.seq} {version.action} by {version.author} at "
              f"{version.created_at:%Y-%m-%d %H:%M} UTC: {version.reason}")  # fmt: skip
    if not found:
        print("no change waits for review")
    return 0


def _review(args: argparse.Namespace) -> int:
    from geo.store.feature_versions import pending_versions, review_version

    store, _ = open_planning()
    row = next((version for version in pending_versions(store) if version.id == args.version_id), None)
    expected = row.version if row is not None else 1
    version = review_version(store, _user(store, args.user), args.version_id, approve=args.features_command == "approve",
                             expected_version=expected)  # fmt: skip
    print(f"{version.review}: {version.feature_id} v{version.seq} ({version.action} by {version.author}), by {version.reviewed_by}")
    return 0


def _switch(args: argparse.Namespace) -> int:
    from geo.store import get_setting, set_setting
    from geo.store.feature_versions import REVIEW_SETTING

    store, _ = open_planning()
    _, seen = get_setting(store, REVIEW_SETTING)
    set_setting(store, _user(store, args.user), REVIEW_SETTING, args.state == "on", expected_version=seen)
    print(f"review of editors' changes: {args.state}")
    return 0


def _list(args: argparse.Namespace) -> int:
    _, data = open_planning()
    frame = data.features if not args.layer else data.features[data.features["layer"] == args.layer]
    if args.edited:
        frame = frame[frame.index.isin(set(data.edits["feature_id"]))]
    seqs = dict(zip(data.edits["feature_id"], data.edits["seq"], strict=True))
    rows = [{"id": fid, "layer": row["layer"], "name": row["name"], "geometry_quality": row["geometry_quality"], "version": int(seqs.get(fid, 0))}
            for fid, row in frame.iterrows()]  # fmt: skip
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        for row in rows:
            print(f"{row['id']}\t{row['layer']}\tv{row['version']}\t{row['geometry_quality']}\t{row['name']}")
    return 0


def _saved(version, crs: str | None = None) -> None:
    state = "saved" if version.review == "approved" else "saved, pending a coordinator's review (not on the map until approved)"
    source = f" from {crs}" if crs else ""
    print(f"{state}: {version.feature_id} version {version.seq} ({version.action}) by {version.author}; "
          f"{version.geometry.geom_type}{source}, {version.quality}: {version.properties.get('geometry_source', '')}")  # fmt: skip
