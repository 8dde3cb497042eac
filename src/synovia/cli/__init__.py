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
    written), never a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    from synovia.cli.common import database_error, fail
    from synovia.directory.terms import DirectoryDataError
    from synovia.evidence.yamlfile import YamlError
    from synovia.vocab import LexiconError, VocabularyError

    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except (VocabularyError, LexiconError, YamlError, DirectoryDataError) as exc:
        fail(f"the data folder is broken: {exc} (check SYNOVIA_DATA_DIR)")
    except SQLAlchemyError as exc:
        database_error(exc)
    except OSError as exc:
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        fail(f"cannot read or write{where}: {exc.strerror or exc}")
