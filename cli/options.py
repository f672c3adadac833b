"""What the commands share: the filter options of ``snapshot`` and ``tasks`` (one parser, one TaskFilter), and the data they read."""

from __future__ import annotations

import argparse
from datetime import date

from geo import settings
from geo.errors import InvalidArgumentError, UnknownValueError
from geo.filters import ROLES, UNDATED_KINDS, TaskFilter
from geo.view import PlanningData


def open_planning():
    """Return (the store, the data as the pages see it): the base of record with the store's plans, progress and edits."""
    from geo.store import open_store
    from geo.view import load_data

    store = open_store()
    return store, load_data(store=store)


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the planner's filter options (the sidebar's choices) to `parser`."""
    parser.add_argument("--agency", action="append", default=[], help="agency id or name as written (repeatable)")
    parser.add_argument("--role", default="any", help=" | ".join(ROLES))
    parser.add_argument("--no-predecessors", action="store_true", help="do not include agencies merged in 2025")
    parser.add_argument("--doc", action="append", default=[], help="document id, e.g. KH-DU-2026 (repeatable)")
    parser.add_argument("--due-after", help="deadline window start, YYYY-MM-DD")
    parser.add_argument("--due-before", help="deadline window end, YYYY-MM-DD")
    parser.add_argument("--as-of", help="as-of date, YYYY-MM-DD (default today)")
    parser.add_argument("--only-past-due", action="store_true", help="only tasks whose deadline passed as of the date")
    parser.add_argument("--undated", default=",".join(UNDATED_KINDS),
                        help=f"undated kinds kept beside dated tasks, some of {','.join(UNDATED_KINDS)} ('' for none)")  # fmt: skip
    parser.add_argument("--query", default="", help="accent-insensitive search phrase")
    parser.add_argument("--layers", default="", help="comma-separated layer ids (default all)")
    parser.add_argument("--status", default="", help="comma-separated statuses (default all)")


def choice_from_args(args: argparse.Namespace, data: PlanningData) -> TaskFilter:
    """Return the TaskFilter of the parsed options, every name checked against `data`.

    Raises
    ------
    UnknownValueError, InvalidArgumentError
        For an unknown agency, layer, status or role, or a malformed date.
    """
    known_layers = data.registry.ids("project")
    layers = _items(args.layers)
    unknown = sorted(set(layers) - set(known_layers))
    if unknown:
        msg = f"Unknown layer(s) {unknown}; known layers: {list(known_layers)}."
        raise UnknownValueError(msg)
    statuses = _items(args.status)
    unknown = sorted(set(statuses) - set(settings.STATUSES))
    if unknown:
        msg = f"Unknown status(es) {unknown}; expected some of {settings.STATUSES}."
        raise UnknownValueError(msg)
    undated = _items(args.undated)
    unknown = sorted(set(undated) - set(UNDATED_KINDS))
    if unknown:
        msg = f"--undated: unknown kind(s) {unknown}; expected some of {', '.join(UNDATED_KINDS)}."
        raise UnknownValueError(msg)
    if args.role not in ROLES:
        msg = f"--role must be one of {', '.join(ROLES)}, got {args.role!r}."
        raise InvalidArgumentError(msg)
    return TaskFilter(
        agencies=tuple(data.agencies.require(agency) for agency in args.agency),
        role=args.role,
        include_predecessors=not args.no_predecessors,
        docs=tuple(args.doc),
        due_from=parse_date(args.due_after, "--due-after"),
        due_to=parse_date(args.due_before, "--due-before"),
        as_of=parse_date(args.as_of, "--as-of") or date.today(),
        only_past_due=args.only_past_due,
        undated=undated,
        query=args.query,
        layers=layers,
        statuses=statuses,
    )


def parse_date(text: str | None, option: str) -> date | None:
    """Return the date of an option's text (None when not given); raise InvalidArgumentError when malformed."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        msg = f"{option} must be a date YYYY-MM-DD, got {text!r}."
        raise InvalidArgumentError(msg) from error


def _items(text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in text.split(",") if item.strip())
