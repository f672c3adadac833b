"""Opening the store: migrations from empty and from the previous schema, and clear messages for a bad URL or server."""

import socket

import pytest
import test_store_support as support
from sqlalchemy import create_engine, inspect, text

from geo.errors import StoreError
from geo.store import engine as store_engine
from geo.store import get_user, list_plans, open_store, store_status
from geo.store import migrate as store_migrate
from geo.store.schema import metadata

backend, store_url = support.backend, support.store_url  # the fixtures


@pytest.fixture
def empty_url(store_url):
    return store_url


def columns_of(engine):
    inspector = inspect(engine)
    return {name: sorted(column["name"] for column in inspector.get_columns(name)) for name in metadata.tables}


def test_migrations_build_the_schema_the_code_describes(empty_url):
    store = open_store(empty_url)
    try:
        assert store.opened_at_revision is None and store.revision == store_migrate.head_revision() == "0004"
        assert store_migrate.known_revisions() == ("0001", "0002", "0003", "0004")
        expected = {name: sorted(table.columns.keys()) for name, table in metadata.tables.items()}
        if store.spatial == "postgis":  # the PostGIS mirror of the GeoJSON text, for QGIS (migration 0004)
            expected["feature_versions"] = sorted([*expected["feature_versions"], "geom"])
        assert columns_of(store.engine) == expected
        indexes = {index["name"]: index for index in inspect(store.engine).get_indexes("imported_plans")}
        assert indexes["ux_imported_plans_active_doc"]["unique"]
    finally:
        store.close()


def test_an_older_store_upgrades_in_place_and_keeps_its_records(empty_url):
    engine = store_engine.make_engine(store_engine.store_url(empty_url))
    try:
        assert store_migrate.upgrade(engine, "0001") == (None, "0001")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (name, role, agency_id, disabled, failed_attempts, created_at, version) "
                "VALUES ('lan', 'coordinator', NULL, false, 0, '2026-01-02 03:04:05', 1)"
            ))  # fmt: skip
        assert "imported_plans" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()
    assert store_status(empty_url)[1] == "0001"
    with pytest.raises(StoreError, match=r"is at revision 0001, the app needs 0004: run python -m geo store upgrade"):
        open_store(empty_url, migrate_schema=False)
    store = open_store(empty_url)
    try:
        assert (store.opened_at_revision, store.revision) == ("0001", "0004")
        lan = get_user(store, "lan")
        assert (lan.role, lan.version, lan.created_at.isoformat()) == ("coordinator", 1, "2026-01-02T03:04:05+00:00")
        assert {"imported_plans", "imported_tasks"} <= set(inspect(store.engine).get_table_names())
        assert list_plans(store) == []
    finally:
        store.close()


def test_a_store_from_a_newer_app_is_refused(empty_url):
    open_store(empty_url).close()
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"is at revision '0099', which this version of the app does not know .*Update the app"):
        open_store(empty_url)


def test_store_tables_without_a_revision_are_refused(empty_url):
    open_store(empty_url).close()
    engine = create_engine(empty_url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    with pytest.raises(StoreError, match=r"has the store's table\(s\) .*'users'.* but no schema revision"):
        open_store(empty_url)


def test_the_default_store_is_a_file_in_the_ignored_store_folder(monkeypatch):
    from geo import settings
    from geo.store.engine import DEFAULT_SQLITE, STORE_DIR

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert store_engine.store_url().database == str(DEFAULT_SQLITE) and DEFAULT_SQLITE == settings.ROOT / "store" / "planning.sqlite"
    assert STORE_DIR.is_dir()
    assert "/store/" in (settings.ROOT / ".gitignore").read_text(encoding="utf-8").split()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", r"DATABASE_URL 'not a url' is not a database URL; expected sqlite:////"),
        ("postgresql://planner:hunter2@db:port/x", r"DATABASE_URL 'postgresql://planner:\*\*\*@db:port/x' is not a database URL"),
        ("mysql://planner:hunter2@db/x", r"unknown or unsupported database 'mysql'"),
        ("postgresql+psycopg2://planner:hunter2@db/x", r"unknown or unsupported driver 'psycopg2'; use postgresql\+psycopg://"),
        ("sqlite+pysqlcipher:///x.db", r"unknown or unsupported driver 'pysqlcipher'"),
        ("sqlite://", r"give the store a file"),
        ("sqlite:////no/such/folder/planning.sqlite", r"the folder /no/such/folder does not exist"),
    ],
)
def test_a_bad_database_url_gets_a_clear_message_without_its_password(monkeypatch, url, message):
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(StoreError, match=message) as caught:
        open_store()
    assert "hunter2" not in str(caught.value)


def test_an_unreachable_server_is_named_without_its_password():
    with socket.socket() as probe:  # a port nobody listens on: bind, note it, close
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"postgresql+psycopg://planner:hunter2@127.0.0.1:{port}/planning?connect_timeout=2"
    with pytest.raises(StoreError, match=rf"cannot open the store at postgresql\+psycopg://planner:\*\*\*@127.0.0.1:{port}/planning.*Connection refused") as caught:
        open_store(url)
    assert "hunter2" not in str(caught.value) and "Traceback" not in str(caught.value)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("not a database, just text " * 100, encoding="utf-8")
    with pytest.raises(StoreError, match=r"cannot open the store at sqlite:///.*notes.sqlite: file is not a database"):
        open_store(f"sqlite:///{path}")


def test_store_status_creates_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'later.sqlite'}"
    assert store_status(url) == (url, None)
    assert not (tmp_path / "later.sqlite").exists()


def test_geometry_columns_work_where_the_backend_has_spatial_support(store_url):
    """GeoAlchemy2 columns in the store's database: PostGIS when the extension is there, SpatiaLite when loadable."""
    from geoalchemy2 import Geometry
    from sqlalchemy import Column, Integer, MetaData, Table, func, select

    store = open_store(store_url)
    try:
        if store.spatial is None:
            pytest.skip(f"no spatial support in this {store.backend} store (SpatiaLite needs a Python that loads SQLite "
                        "extensions; PostGIS needs CREATE EXTENSION postgis): feature versions keep GeoJSON text only")  # fmt: skip
        probe = Table("geometry_probe", MetaData(), Column("id", Integer, primary_key=True), Column("geom", Geometry("POINT", srid=4326)))
        probe.create(store.engine)
        try:
            with store.engine.begin() as connection:
                connection.execute(probe.insert().values(id=1, geom="SRID=4326;POINT(105.85 21.03)"))
                assert connection.execute(select(func.ST_AsText(probe.c.geom))).scalar_one() == "POINT(105.85 21.03)"
        finally:
            probe.drop(store.engine)
    finally:
        store.close()
