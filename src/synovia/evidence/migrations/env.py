"""Alembic environment: runs on the connection the store hands over (no ini file needed).

It sees every table (`synovia.evidence.tables` declares them all on one metadata) except the
engine-specific keyword indexes, which only the migrations make."""

from alembic import context

from synovia.evidence.tables import Base, include_in_comparison

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    include_object=include_in_comparison,
)
with context.begin_transaction():
    context.run_migrations()
