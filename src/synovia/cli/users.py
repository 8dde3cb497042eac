"""`synovia users`: editorial accounts."""

from __future__ import annotations

import secrets

import typer

from synovia.cli.common import console, database_error, db_errors, fail, platform

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
    except db_errors() as exc:
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
    except db_errors() as exc:
        database_error(exc)
    console.print(f"[bold]First admin account[/bold] (shown once): {email} / {password}")


@app.command("list")
def list_accounts(
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Every account: email, name, role, whether it is active or locked."""
    import json

    from synovia.publish import list_users

    if fmt not in ("text", "json"):
        fail("--format must be text or json")
    syn = platform()
    try:
        users = list_users(syn.store)
    except db_errors() as exc:
        database_error(exc)
    rows = [{"email": u.email, "name": u.name, "role": u.role, "active": bool(u.active),
             "locked_until": u.locked_until.isoformat() if u.locked_until else None}
            for u in users]
    if fmt == "json":
        console.print_json(json.dumps(rows))
        return
    for r in rows:
        state = "active" if r["active"] else "deactivated"
        if r["locked_until"]:
            state += f", locked until {r['locked_until']}"
        console.print(f"{r['email']}\t{r['role']}\t{state}\t{r['name']}", markup=False)


def _set_active(email: str, active: bool) -> None:
    from synovia.publish import AccountError, set_active

    syn = platform()
    try:
        user = set_active(syn.store, email, active)
    except AccountError as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)
    console.print(f"{'reactivated' if active else 'deactivated'} {user.email}", markup=False)


@app.command()
def deactivate(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Stop an account signing in; its current sign-ins end at once. Its work stays."""
    _set_active(email, False)


@app.command()
def activate(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Let a deactivated account sign in again."""
    _set_active(email, True)


@app.command("reset-password")
def reset(email: str = typer.Argument(..., help="The account's email.")) -> None:
    """Give an account a new random password (printed once), unlock it and end its sign-ins."""
    from synovia.publish import AccountError, reset_password

    syn = platform()
    try:
        password = reset_password(syn.store, email)
    except AccountError as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)
    console.print(f"new password for {email.strip().lower()} (shown once): {password}",
                  markup=False)
