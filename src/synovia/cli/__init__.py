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
    """The one error boundary: whatever a command did not catch itself comes out as one line
    and exit 1 (a broken data folder, a database problem, a file that cannot be read or
    written), never a traceback. The error classes are imported only when one is being
    matched (an `except` clause evaluates them then), so a quick command stays quick."""
    from synovia.cli.common import (
        data_errors,
        database_error,
        db_errors,
        fail,
        settings_error,
    )

    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except settings_error() as exc:
        fail(f"a setting is wrong: {exc}")
    except data_errors() as exc:
        fail(f"the data folder is broken: {exc} (check SYNOVIA_DATA_DIR)")
    except db_errors() as exc:
        database_error(exc)
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        fail(f"cannot read or write{where}: {exc.strerror or exc}")
