"""The store's commands: ``store``, ``users``, ``plans``, ``audit``, and storing an ``import``.

The command line is the admin's surface: it runs on a machine with access to the
store (the SQLite file, or ``DATABASE_URL``'s credentials), so it asks for no
password. Every command that writes takes ``--user NAME`` and acts with that
account's role, through the same write path as the pages (:func:`geo.store.writing`);
only while the store has no account can the first coordinator be added (and a
backup restored) without one.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cli.options import parse_date
from geo.errors import InvalidArgumentError
from geo.outputs import checked_output

if TYPE_CHECKING:
    from geo.store import Store, User

# geo.store (SQLAlchemy, Alembic, argon2) is imported by the commands that use it, so the other commands start faster.
ROLES_HELP = "viewer | reporter | editor | coordinator"

USER_HELP = "the account acting (its role decides what it may do)"


def add_store_parsers(sub: argparse._SubParsersAction) -> None:
    """Add the ``store``, ``users``, ``plans`` and ``audit`` commands to the command line's subparsers."""
    store = sub.add_parser("store", help="create, upgrade, back up or restore the planning store (DATABASE_URL)")
    actions = store.add_subparsers(dest="store_command", required=True)
    actions.add_parser("init", help="create the store if missing and bring it to the current schema")
    actions.add_parser("upgrade", help="upgrade an existing store in place to the current schema")
    dump = actions.add_parser("backup", help="write the whole store to one JSON file (it holds password hashes)")
    dump.add_argument("file", help="a .json file outside data/")
    dump.add_argument("--force", action="store_true", help="replace an existing file")
    dump.add_argument("--user", help=USER_HELP + " (a coordinator)")
    load = actions.add_parser("restore", help="restore a backup into an empty store (or --replace its records)")
    load.add_argument("file", help="a backup written by store backup")
    load.add_argument("--replace", action="store_true", help="delete the store's records and restore the backup, in one transaction")
    load.add_argument("--user", help=USER_HELP + " (a coordinator; not needed while the store has no account)")

    accounts = sub.add_parser("users", help="accounts of the store: add, list, change, disable, set a password")
    verbs = accounts.add_subparsers(dest="users_command", required=True)
    add = verbs.add_parser("add", help="add an account (the first one: a coordinator, without --user)")
    add.add_argument("name")
    add.add_argument("--role", required=True, help=ROLES_HELP)
    add.add_argument("--agency", help="agency id from data/agencies.csv (required for a reporter)")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input (one line)")
    add.add_argument("--email", help="e-mail of the OpenID Connect identity")
    add.add_argument("--oidc-subject", help="subject (sub) of the OpenID Connect identity")
    add.add_argument("--user", help=USER_HELP + " (a coordinator)")
    listing = verbs.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    for verb, text in (("disable", "disable an account (kept, never deleted)"), ("enable", "enable a disabled account")):
        parser = verbs.add_parser(verb, help=text)
        parser.add_argument("name")
        parser.add_argument("--user", help=USER_HELP + " (a coordinator)")
    change = verbs.add_parser("set", help="change an account's role or agency")
    change.add_argument("name")
    change.add_argument("--role", help=ROLES_HELP)
    change.add_argument("--agency", help="agency id from data/agencies.csv")
    change.add_argument("--user", help=USER_HELP + " (a coordinator)")
    password = verbs.add_parser("password", help="set an account's password, read from standard input")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true", required=True, help="read the password from standard input")
    password.add_argument("--user", help=USER_HELP + " (a coordinator, or the account itself)")

    plans = sub.add_parser("plans", help="imported plans: list, withdraw")
    plan_verbs = plans.add_subparsers(dest="plans_command", required=True)
    plan_list = plan_verbs.add_parser("list", help="list the imported plans")
    plan_list.add_argument("--active", action="store_true", help="only plans not withdrawn")
    withdraw = plan_verbs.add_parser("withdraw", help="withdraw an imported plan (kept in the history)")
    withdraw.add_argument("plan_id", type=int)
    withdraw.add_argument("--user", help=USER_HELP + " (a coordinator)")

    audit = sub.add_parser("audit", help="the audit log, newest first")
    audit.add_argument("--who", help="only this account's writes")
    audit.add_argument("--record-type", help="user | plan | setting | store")
    audit.add_argument("--record", help="only this record (a user name, a plan id, a setting)")
    audit.add_argument("--since", help="from this day, YYYY-MM-DD (UTC)")
    audit.add_argument("--until", help="to this day included, YYYY-MM-DD (UTC)")
    audit.add_argument("--limit", type=int, default=200, help="at most this many records (default 200)")
    audit.add_argument("--json", action="store_true", help="print JSON with the records before and after")


def store_command(args: argparse.Namespace) -> int:
    """Run ``store init | upgrade | backup FILE | restore FILE``."""
    from geo.store import backup, list_users, open_store, restore, store_status

    if args.store_command == "upgrade":
        shown, revision = store_status()
        if revision is None:
            msg = f"no store at {shown} yet: create it with python -m geo store init."
            raise InvalidArgumentError(msg)
    if args.store_command == "backup":
        target = checked_output(args.file, force=args.force, suffixes=(".json",), option="backup FILE")
        store = open_store()
        path = backup(store, target, user=_actor(store, args.user), force=True)
        print(f"written: {path} (store {store.url}, schema {store.revision}; it holds password hashes: keep it safe)")
        return 0
    if args.store_command == "restore":
        store = open_store()
        counts = restore(store, args.file, user=_actor(store, args.user), replace=args.replace)
        print(f"restored into {store.url}: " + ", ".join(f"{count} {name}" for name, count in counts.items()))
        return 0
    store = open_store()
    before = store.opened_at_revision
    if before is None:
        state = f"created at schema {store.revision}"
    elif before != store.revision:
        state = f"upgraded from schema {before} to {store.revision}"
    else:
        state = f"already at schema {store.revision}"
    print(f"store: {store.url} ({store.backend}), {state}")
    print(f"geometry: feature versions as GeoJSON text{', mirrored in a PostGIS geometry column (QGIS can open feature_versions)' if store.spatial == 'postgis' else ''}")
    if not list_users(store):
        print("no account yet: add the first coordinator with python -m geo users add NAME --role coordinator --password-stdin")
    return 0


def users_command(args: argparse.Namespace) -> int:
    """Run ``users add | list | set | disable | enable | password``."""
    from geo.store import add_user, disable_user, get_user, list_users, open_store, set_password, update_user

    store = open_store()
    if args.users_command == "list":
        return _print_users(list_users(store), as_json=args.json)
    actor = _actor(store, args.user)
    if args.users_command == "add":
        password = _read_password() if args.password_stdin else None
        user = add_user(store, actor, args.name, role=args.role, agency_id=args.agency, password=password,
                        email=args.email, oidc_subject=args.oidc_subject)  # fmt: skip
        print(f"added: {user.name} ({user.role}{', ' + user.agency_id if user.agency_id else ''})"
              f"{'' if user.has_password else '; no password yet: users password NAME --password-stdin'}")  # fmt: skip
        return 0
    current = get_user(store, args.name)
    if args.users_command in ("disable", "enable"):
        user = disable_user(store, actor, current.name, expected_version=current.version, disabled=args.users_command == "disable")
        print(f"{args.users_command}d: {user.name} (kept in the store)")
    elif args.users_command == "set":
        if args.role is None and args.agency is None:
            msg = "users set: give --role and/or --agency."
            raise InvalidArgumentError(msg)
        user = update_user(store, actor, current.name, expected_version=current.version, role=args.role, agency_id=args.agency)
        print(f"changed: {user.name} ({user.role}{', ' + user.agency_id if user.agency_id else ''})")
    else:
        user = set_password(store, actor, current.name, _read_password(), expected_version=current.version)
        print(f"password set: {user.name}")
    return 0


def plans_command(args: argparse.Namespace) -> int:
    """Run ``plans list | withdraw ID``."""
    from geo.store import list_plans, open_store, withdraw_plan

    store = open_store()
    if args.plans_command == "withdraw":
        plan = next((p for p in list_plans(store) if p.id == args.plan_id), None)
        if plan is None:
            msg = f"no imported plan {args.plan_id}; python -m geo plans list shows them."
            raise InvalidArgumentError(msg)
        plan = withdraw_plan(store, _actor(store, args.user), plan.id, plan.version)
        print(f"withdrawn: plan {plan.id} ({plan.doc_id}, {plan.task_count} tasks), kept in the history")
        return 0
    for plan in list_plans(store, include_withdrawn=not args.active):
        state = "active" if plan.active else f"withdrawn {plan.withdrawn_at:%Y-%m-%d %H:%M} by {plan.withdrawn_by}"
        print(f"{plan.id}\t{plan.doc_id}\t{plan.task_count} tasks\t{plan.file_name}\timported {plan.imported_at:%Y-%m-%d %H:%M} UTC "
              f"by {plan.imported_by}\t{state}\t{plan.title}")  # fmt: skip
    return 0


def audit_command(args: argparse.Namespace) -> int:
    """Print the audit log filtered by account, record and days."""
    from geo.store import audit_entries, open_store

    entries = audit_entries(open_store(), who=args.who, record_type=args.record_type, record_id=args.record,
                            since=parse_date(args.since, "--since"), until=parse_date(args.until, "--until"), limit=args.limit)  # fmt: skip
    if args.json:
        rows = [{**entry.__dict__, "at": entry.at.isoformat()} for entry in entries]
        print(json.dumps(rows, ensure_ascii=False, indent=1, allow_nan=False))
        return 0
    from geo.store.service import describe_change

    for entry in entries:
        print(f"{entry.id}\t{entry.at:%Y-%m-%d %H:%M:%S} UTC\t{entry.who}\t{entry.action}\t{entry.record_type} {entry.record_id}\t"
              f"{describe_change(entry.before, entry.after)}")  # fmt: skip
    return 0


def store_import(args: argparse.Namespace, result: object) -> None:
    """Store an import's records as the plan ``--doc-id`` when ``--user`` is given (called by ``import``)."""
    from geo.store import import_plan, open_store

    store = open_store()
    source = Path(args.path)
    plan = import_plan(store, _actor(store, args.user), result, doc_id=args.doc_id, file_name=source.name,  # type: ignore[arg-type]
                       file_bytes=source.read_bytes(), title=args.title or "")  # fmt: skip
    print(f"stored: plan {plan.id} ({plan.doc_id}, {plan.task_count} tasks) in {store.url}, imported by {plan.imported_by}")


def _actor(store: Store, name: str | None) -> User | None:
    """Return the account named by --user (it must exist; the write path refuses a disabled one), or None."""
    from geo.store import get_user

    return get_user(store, name) if name else None


def _read_password() -> str:
    """Read a password from standard input: one line, or a prompt without echo on a terminal."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("password: ")
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def _print_users(users: list[User], *, as_json: bool) -> int:
    if as_json:
        rows = [{**user.__dict__, "created_at": user.created_at.isoformat(),
                 "locked_until": user.locked_until.isoformat() if user.locked_until else None} for user in users]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not users:
        print("no account yet: add the first coordinator with python -m geo users add NAME --role coordinator --password-stdin")
    for user in users:
        locked = user.locked_until is not None and user.locked_until > datetime.now(UTC)
        state = "disabled" if user.disabled else (f"locked until {user.locked_until:%Y-%m-%d %H:%M} UTC" if locked else "active")
        sign_in = ", ".join(part for part in ("password" if user.has_password else "", "openid" if user.oidc_subject or user.email else "") if part)
        print(f"{user.name}\t{user.role}\t{user.agency_id or '-'}\t{state}\t{sign_in or 'no sign-in yet'}\tcreated {user.created_at:%Y-%m-%d}")
    return 0
