"""`synovia users`: editorial accounts."""

from __future__ import annotations

import secrets

import typer
from sqlalchemy.exc import SQLAlchemyError

from synovia.cli.common import console, database_error, fail, platform

app = typer.Typer(help="Editorial accounts (contributor, reviewer, editor, admin).",
                  no_args_is_help=True)


@app.command()
def create(
    email: str = typer.Option(..., help="Sign-in email."),
    role: str = typer.Option(..., help="contributor, reviewer, editor or admin."),
    name: str = typer.Option("", help="Display name (defaults to the email)."),
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True,
                                 help="At least 10 characters (prompted when not given)."),
) -> None:
    """Create an account with a role."""
    from synovia.publish import AccountError, create_user

    syn = platform()
    try:
        syn.store.upgrade()
        user = create_user(syn.store, email, name or email, role, password)
    except AccountError as exc:
        fail(str(exc))
    except SQLAlchemyError as exc:
        database_error(exc)
    console.print(f"created {user.role} {user.email}")


@app.command("ensure-admin")
def ensure_admin(email: str = typer.Option("admin@example.org", help="Email of the first admin.")
                 ) -> None:
    """Create a first admin with a random password when there are no accounts yet, and print
    it once. Does nothing when any account exists."""
    from synovia.publish import count_users, create_user

    syn = platform()
    try:
        syn.store.upgrade()
        if count_users(syn.store):
            return
        password = secrets.token_urlsafe(12)
        create_user(syn.store, email, "Administrator", "admin", password)
    except SQLAlchemyError as exc:
        database_error(exc)
    console.print(f"[bold]First admin account[/bold] (shown once): {email} / {password}")
