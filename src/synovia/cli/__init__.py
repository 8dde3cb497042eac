"""The `synovia` command: one Typer app with a sub-command per job."""

from __future__ import annotations

import sys

import typer

from synovia.cli import ask, check, db, directory, evidence, serve, users

app = typer.Typer(
    help="Synovia: evidence-graded answers and article checks for OA injection treatments.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(evidence.app, name="evidence")
app.add_typer(users.app, name="users")
app.add_typer(directory.app, name="directory")
app.command("ask")(ask.ask)
app.command("check")(check.check)
app.command("serve")(serve.serve)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
