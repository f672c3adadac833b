"""Fixtures of the store tests, run on SQLite and on PostgreSQL (the latter only when TEST_DATABASE_URL is set).

Other test_store*.py modules import the fixtures from here. `.ci/run` starts a
PostgreSQL cluster and sets TEST_DATABASE_URL; locally: eval "$(bash .ci/run postgres)".
Every PostgreSQL test starts from a database without the store's tables (PostGIS's
own tables are left alone).
"""

import os

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from geo.errors import StoreError
from geo.importer import ImportResult
from geo.register import derive_register
from geo.store import add_user, open_store

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
STORE_TABLES = ("feature_versions", "progress_evidence", "progress_reports", "indicator_values", "imported_tasks", "imported_plans", "audit_log", "settings", "users", "alembic_version")
PASSWORD = "correct horse battery"


def drop_store_tables(url: str) -> None:
    """Drop the store's tables (and its revision) from the database at `url`."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text(f"DROP TABLE IF EXISTS {', '.join(STORE_TABLES)} CASCADE"))
            else:
                for table in STORE_TABLES:
                    connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request):
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("PostgreSQL store tests need TEST_DATABASE_URL (bash .ci/run starts a cluster and sets it)")
    return request.param


@pytest.fixture
def store_url(backend, tmp_path):
    """An SQLAlchemy URL of an empty database of `backend` (no store tables yet)."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'planning.sqlite'}"
    drop_store_tables(PG_URL)
    return PG_URL


@pytest.fixture
def store(backend, tmp_path):
    """An open, empty store at the head revision (PostgreSQL: emptied with TRUNCATE, faster than a new schema)."""
    if backend == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'planning.sqlite'}")
    else:
        try:
            opened = open_store(PG_URL)
        except StoreError:  # a test left the database in a state the store refuses: start again from nothing
            drop_store_tables(PG_URL)
            opened = open_store(PG_URL)
        with opened.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {', '.join(STORE_TABLES[:-1])} RESTART IDENTITY CASCADE"))
    yield opened
    opened.close()


@pytest.fixture
def cli_url(store_url, monkeypatch):
    """The URL of an empty store that the command line opens (``DATABASE_URL``)."""
    monkeypatch.setenv("DATABASE_URL", store_url)
    return store_url


def run_cli(capsys, monkeypatch, *args, stdin=None):
    """Run ``python -m geo ARGS`` in-process (standard input `stdin`); return (exit code, standard output, standard error)."""
    import io

    from cli import main

    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """Hash passwords with argon2id at its smallest cost: the same code path, a hundredth of the time.

    Autouse here and in every module that imports it (``cheap_hashing = support.cheap_hashing``).
    """
    from argon2 import PasswordHasher

    import geo.store.accounts as accounts

    monkeypatch.setattr(accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def coordinator(store):
    """The first account, a coordinator without a password (hashing costs time; the sign-in tests set one)."""
    return add_user(store, None, "lan", role="coordinator")


def url_of(store) -> str:
    """Return the URL of an open store, password included (to reopen it)."""
    return store.engine.url.render_as_string(hide_password=False)


def import_result(doc_id: str, rows: list[dict], agencies) -> ImportResult:
    """Return an ImportResult as geo.importer.import_tasks builds it, from raw rows."""
    raw = [{"id": f"{doc_id}.{n:03d}", "doc_id": doc_id, "due_scope": "task", "source_line": str(n + 1), **row}
           for n, row in enumerate(rows, start=1)]  # fmt: skip
    return ImportResult(tasks=derive_register(raw, agencies))


def plan_rows() -> list[dict]:
    return [
        {"task": "Xây dựng cầu Tứ Liên", "lead_agency_raw": "Sở Xây dựng", "due_raw": "Quý I/2027"},
        {"task": "'; DROP TABLE users; --", "lead_agency_raw": "Sở Tài chính", "due_raw": "2026-2030",
         "product": "<script>alert('x')</script>", "note": "<img src=x onerror=alert(1)> **bold** [link](http://x)"},
        {"task": "=SUM(A1)", "lead_agency_raw": "Sở Tứ Tung", "due_raw": "Sớm"},
    ]  # fmt: skip


def test_the_fixture_gives_an_empty_database(store_url):
    store = open_store(store_url)
    try:
        assert store.opened_at_revision is None
        assert store.revision == "0004"
    finally:
        store.close()


def test_import_result_helper_matches_the_register_columns(agencies):
    from geo.register import COLUMNS

    result = import_result("KH-T", plan_rows(), agencies)
    assert list(result.tasks.columns) == list(COLUMNS)
    assert isinstance(result.tasks, pd.DataFrame) and len(result.tasks) == 3
