"""The ``progress`` commands: add a report, import an agency's sheet, its template, the quarterly report, reminders, a calendar.

The tasks are those of the register as the pages see them (:func:`geo.view.load_data`
with the store: the base and the imported plans). Every write takes ``--user NAME``
and goes through the store's one write path (:mod:`geo.store.progress`): a refused
write exits 2 naming the user, the role and the task.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cli.options import open_planning, parse_date
from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError, problem
from geo.outputs import checked_output, write_atomic
from geo.progress.categories import STATUSES
from geo.text import split_ids

USER_HELP = "the account acting: a reporter of the task's agency, or a coordinator"


def add_progress_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``progress`` command and its verbs to the command line's subparsers."""
    progress = sub.add_parser("progress", help="task progress: report, import a sheet, template, quarterly report, due, calendar")
    verbs = progress.add_subparsers(dest="progress_command", required=True)
    add = verbs.add_parser("add", help="add a progress report on one task (every report is kept; the latest is current)")
    add.add_argument("--user", required=True, help=USER_HELP)
    add.add_argument("--task", required=True, help="task id, e.g. KH-183-2021.012")
    add.add_argument("--status", required=True, help=" | ".join(STATUSES))
    add.add_argument("--completed-on", help="completion date, YYYY-MM-DD (required with --status completed)")
    add.add_argument("--percent", type=float, help="percent complete, 0-100")
    add.add_argument("--note", default="", help="the results in words")
    add.add_argument("--milestone", default="", help="the milestone reached, in words")
    add.add_argument("--difficulties", default="", help="difficulties (khó khăn, vướng mắc)")
    add.add_argument("--proposals", default="", help="proposals (đề xuất)")
    add.add_argument("--evidence-ref", default="", help="the evidence's document number and date")
    add.add_argument("--evidence-link", default="", help="an http(s) link to the evidence")
    add.add_argument("--evidence-file", help="a PDF, image or office document (at most 10 MiB), kept in the store")
    add.add_argument("--period", default="", help="for a recurring task: 2026Q4 or 2026 (default: the period of --reported-on)")
    add.add_argument("--reported-on", help="the day the report speaks for, YYYY-MM-DD (default: today in Hà Nội)")
    sheet = verbs.add_parser("import", help="import an agency's filled template (XLSX): good rows saved, bad rows listed")
    sheet.add_argument("path", help="the filled .xlsx")
    sheet.add_argument("--user", required=True, help=USER_HELP)
    template = verbs.add_parser("template", help="write an agency's progress template (XLSX) with its tasks pre-filled")
    template.add_argument("--agency", help="agency id or name (its tasks, lead or coordinating, predecessors included); default: all")
    template.add_argument("--reported-on", help="pre-fill the report date, YYYY-MM-DD")
    _output_arguments(template, ".xlsx")
    report = verbs.add_parser("report", help="write the quarterly report (XLSX or DOCX), per agency or city-wide")
    report.add_argument("--quarter", required=True, help="e.g. 2026Q4")
    report.add_argument("--agency", help="agency id or name; default: the whole city")
    report.add_argument("--format", choices=("xlsx", "docx"), help="default: from the -o file's ending")
    _output_arguments(report, ".xlsx or .docx")
    due = verbs.add_parser("due", help="tasks due within N days with no report")
    due.add_argument("--within-days", type=int, default=30, help="the window after --as-of, in days (default 30)")
    due.add_argument("--agency", help="agency id or name (lead or coordinating, predecessors included)")
    due.add_argument("--as-of", help="the day, YYYY-MM-DD (default: today in Hà Nội)")
    due.add_argument("--json", action="store_true", help="print JSON")
    ics = verbs.add_parser("ics", help="write an agency's deadlines as a calendar file (.ics)")
    ics.add_argument("--agency", required=True, help="agency id or name")
    _output_arguments(ics, ".ics")
    value = verbs.add_parser("indicator", help="report the value of an indicator (value, date, source)")
    value.add_argument("--user", required=True, help="a reporter of the indicator's lead agency, or a coordinator")
    value.add_argument("--indicator", required=True, help="indicator id from data/indicators.csv, e.g. KH-DU-2026.PL01.001")
    value.add_argument("--value", required=True, type=float, help="the value, in the indicator's unit")
    value.add_argument("--on", help="the day of the value, YYYY-MM-DD (default: today in Hà Nội)")
    value.add_argument("--source", default="", help="where the value comes from")


def progress_command(args: argparse.Namespace) -> int:
    """Run ``progress add | import | template | report | due | ics | indicator``."""
    return {
        "add": _add, "import": _import, "template": _template, "report": _report, "due": _due, "ics": _ics, "indicator": _indicator,
    }[args.progress_command](args)  # fmt: skip


def _add(args: argparse.Namespace) -> int:
    from geo.progress.categories import categories
    from geo.progress.rules import today_in_hanoi
    from geo.store import add_report, get_user, latest_report_ids, reports_frame

    store, data = open_planning()
    user = get_user(store, args.user)
    task = _task(data.tasks, args.task)
    evidence = _evidence(args.evidence_file) if args.evidence_file else None
    today = today_in_hanoi()
    report = add_report(
        store, user, task, agencies=data.agencies, status=args.status, reported_on=parse_date(args.reported_on, "--reported-on") or today,
        completed_on=parse_date(args.completed_on, "--completed-on"), percent=args.percent, milestone=args.milestone,
        results=args.note, difficulties=args.difficulties, proposals=args.proposals, evidence_ref=args.evidence_ref,
        evidence_link=args.evidence_link, evidence_file=evidence, period=args.period,
        expected_latest=latest_report_ids(store, [args.task]).get(args.task),
    )  # fmt: skip
    category = categories(data.tasks.loc[[args.task]], reports_frame(store), max(today, report.reported_on)).iloc[0]["progress_category"]
    done = f", completed on {report.completed_on:%Y-%m-%d}" if report.completed_on else ""
    period = f", period {report.period}" if report.period else ""
    print(f"saved: report {report.id} on task {report.task_id} ({report.status}{done}{period}) dated {report.reported_on:%Y-%m-%d} "
          f"by {report.reporter}; the task is {category}")  # fmt: skip
    return 0


def _import(args: argparse.Namespace) -> int:
    from geo.progress.template import import_progress
    from geo.store import get_user

    store, data = open_planning()
    user = get_user(store, args.user)
    outcome = import_progress(store, user, Path(args.path), tasks=data.tasks, agencies=data.agencies)
    print(f"{Path(args.path).name}: {outcome.saved} report(s) saved, {outcome.unchanged} unchanged (already in the store), "
          f"{len({item.row for item in outcome.problems})} row(s) with problems, {outcome.not_filled} task row(s) left empty.")  # fmt: skip
    for item in outcome.problems:
        print(f"  {item}")
    return 1 if outcome.problems else 0


def _template(args: argparse.Namespace) -> int:
    from geo.progress.reminders import agency_mask
    from geo.progress.template import template_xlsx

    target = checked_output(args.output, force=args.force, suffixes=(".xlsx",))
    _, data = open_planning()
    tasks = data.tasks[agency_mask(data.tasks, args.agency, data.agencies)] if args.agency else data.tasks
    payload = template_xlsx(tasks, lang=args.lang, reported_on=parse_date(args.reported_on, "--reported-on"))
    write_atomic(target, payload)
    print(f"written: {target} ({len(tasks)} tasks)")
    return 0


def _report(args: argparse.Namespace) -> int:
    from geo.progress.quarterly import quarter_bounds, quarterly_report
    from geo.store import reports_frame

    fmt = args.format or ("docx" if str(args.output).lower().endswith(".docx") else "xlsx")
    quarter_bounds(args.quarter)
    target = checked_output(args.output, force=args.force, suffixes=(f".{fmt}",))
    store, data = open_planning()
    agency = data.agencies.require(args.agency) if args.agency else None
    payload = quarterly_report(data.tasks, reports_frame(store), quarter=args.quarter, agency=agency, agencies=data.agencies,
                               lang=args.lang, fmt=fmt)  # fmt: skip
    write_atomic(target, payload)
    print(f"written: {target} (quarter {args.quarter}, {'agency ' + agency if agency else 'city-wide'}, {fmt})")
    return 0


def _due(args: argparse.Namespace) -> int:
    from geo.progress.reminders import due_without_report
    from geo.progress.rules import today_in_hanoi
    from geo.store import reports_frame

    as_of = parse_date(args.as_of, "--as-of") or today_in_hanoi()
    store, data = open_planning()
    agency = data.agencies.require(args.agency) if args.agency else None
    due = due_without_report(data.tasks, reports_frame(store), as_of=as_of, within_days=args.within_days, agencies=data.agencies, agency=agency)
    records = [
        {"id": str(task_id), "doc_id": row["doc_id"], "tt": row["tt"], "task": row["task"], "lead_agency": split_ids(row["lead_agency"]),
         "coordinating": split_ids(row["coordinating"]), "due_raw": row["due_raw"], "due_end": row["due_end"].isoformat(),
         "days_left": int(row["days_left"])}
        for task_id, row in due.iterrows()
    ]  # fmt: skip
    if args.json:
        print(json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    last = as_of + timedelta(days=args.within_days)
    print(f"{len(records)} task(s) due from {as_of:%Y-%m-%d} to {last:%Y-%m-%d} with no report{' (agency ' + agency + ')' if agency else ''}:")
    for record in records:
        print(f"{record['due_end']}\t{record['days_left']} day(s)\t{record['id']}\t{';'.join(record['lead_agency'])}\t{record['task']}")
    return 0


def _ics(args: argparse.Namespace) -> int:
    from geo.progress.reminders import agency_mask, calendar_ics

    target = checked_output(args.output, force=args.force, suffixes=(".ics",))
    _, data = open_planning()
    agency = data.agencies.require(args.agency)
    tasks = data.tasks[agency_mask(data.tasks, agency, data.agencies)]
    payload = calendar_ics(tasks, agency_name=data.agencies.label(agency, lang=args.lang), now=datetime.now(UTC), lang=args.lang)
    write_atomic(target, payload)
    dated = int(tasks["due_end"].map(lambda deadline: deadline is not None).sum())
    print(f"written: {target} ({dated} deadline(s) of {len(tasks)} task(s) of {agency})")
    return 0


def _indicator(args: argparse.Namespace) -> int:
    from geo.indicators import load_indicators
    from geo.progress.rules import today_in_hanoi
    from geo.store import add_indicator_value, get_user

    store, data = open_planning()
    user = get_user(store, args.user)
    indicators = load_indicators()
    if args.indicator not in indicators.index:
        raise problem(UnknownValueError, "err.indicator_unknown", indicator_id=args.indicator)
    saved = add_indicator_value(store, user, indicators.loc[args.indicator], value=args.value,
                                on=parse_date(args.on, "--on") or today_in_hanoi(), source=args.source, agencies=data.agencies)  # fmt: skip
    print(f"saved: value {saved.value:g} of indicator {saved.indicator_id} on {saved.on:%Y-%m-%d} by {saved.reporter}")
    return 0


def _task(tasks, task_id: str):
    if task_id not in tasks.index:
        raise problem(UnknownValueError, "err.progress_task_unknown", task_id=task_id)
    return tasks.loc[task_id]


def _evidence(path_text: str) -> tuple[str, bytes]:
    path = Path(path_text)
    if not path.is_file():
        raise problem(InvalidArgumentError, "err.file_not_found", name=path_text)
    size = path.stat().st_size
    if size > settings.MAX_UPLOAD_BYTES:
        raise problem(InvalidArgumentError, "err.file_too_big", name=path.name, size=size / 2**20, limit=settings.MAX_UPLOAD_BYTES / 2**20)
    return path.name, path.read_bytes()


def _output_arguments(parser: argparse.ArgumentParser, ending: str) -> None:
    parser.add_argument("-o", "--output", required=True, help=f"the file to write ({ending}; never inside data/)")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the file (default vi)")
