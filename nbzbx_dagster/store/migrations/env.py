"""Alembic environment for the state store; run through `nbzbx_dagster.store.migrate`.

The caller hands over an open connection (config.attributes["connection"]) so that the upgrade
runs in its transaction; no alembic.ini is involved.
"""

from alembic import context

from nbzbx_dagster.store.migrate import VERSION_TABLE
from nbzbx_dagster.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
