"""`synovia check`: check an article's citations, claims and balance."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer

from synovia.cli.common import catch_up_index, console, database_error, db_errors, fail, platform


class Format(StrEnum):
    text = "text"
    json = "json"
    html = "html"


class InputFormat(StrEnum):
    auto = "auto"
    text = "text"
    markdown = "markdown"
    html = "html"


def check(
    file: str = typer.Argument(..., help="The article (text, Markdown or HTML), or - for stdin."),
    fmt: Format = typer.Option(Format.text, "--format", help="Report as text, json or html."),
    input_format: InputFormat = typer.Option(InputFormat.auto, "--input-format",
                                             help="How to read the article (default: detect)."),
    fail_under: float | None = typer.Option(
        None, "--fail-under", help="Exit 1 when the quality score is below this."),
) -> None:
    """Check an article: broken citations, claims against the evidence, omissions, quality."""
    from synovia.check import MAX_BYTES, ArticleError, Checker, to_html, to_text
    from synovia.vocab import LexiconError

    try:
        if file == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            path = Path(file)
            if not path.is_file():
                fail(f"no such file: {file}", 2)
            if path.stat().st_size > MAX_BYTES:
                fail(f"{file} is larger than {MAX_BYTES // 1000} kB; check a shorter article", 2)
            raw = path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror}", 2)
    syn = platform()
    if syn.store.current_revision() is None:
        fail("the database is empty: run `synovia evidence load` first")
    catch_up_index(syn)
    try:
        checker = Checker.from_platform(syn)
        report, doc = checker.check(raw, input_format.value)
    except ArticleError as exc:
        fail(str(exc), 2)
    except LexiconError as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)
    if fmt == Format.json:
        typer.echo(report.model_dump_json(indent=2))
    elif fmt == Format.html:
        typer.echo(to_html(report, doc.text))
    else:
        to_text(report, console)
    if fail_under is not None and report.quality.score < fail_under:
        sys.stderr.write(f"quality {report.quality.score:.0f} is below {fail_under:g}\n")
        raise SystemExit(1)
