"""Alembic's environment for the store: migrations run on the connection :mod:`geo.store.migrate` hands over.

There is no ``alembic.ini``: :func:`geo.store.migrate.upgrade` builds the
configuration in code and puts an open connection (inside its transaction) in
``config.attributes["connection"]``. Offline (SQL script) mode is not used.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    msg = "run the store's migrations through geo.store.migrate.upgrade (python -m geo store upgrade), not the alembic command."
    raise RuntimeError(msg)
# render_as_batch: SQLite alters a table by copying it; Alembic's batch mode does that for later migrations.
context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
