"""`synovia db`: schema migrations."""

from __future__ import annotations

import typer

from synovia.cli.common import console, database_error, db_errors, platform

app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or migrate the database schema to REVISION (default: the newest)."""
    syn = platform()
    try:
        syn.store.upgrade(revision)
        console.print(f"database at revision {syn.store.current_revision()}")
    except db_errors() as exc:
        database_error(exc)


@app.command()
def downgrade(revision: str = typer.Argument(..., help="Target revision, or 'base'.")) -> None:
    """Migrate the schema down to REVISION."""
    syn = platform()
    try:
        syn.store.downgrade(revision)
        console.print(f"database at revision {syn.store.current_revision() or 'base'}")
    except db_errors() as exc:
        database_error(exc)
