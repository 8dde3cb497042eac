"""`synovia ask`: a cited, evidence-graded answer in the terminal, as Markdown or as JSON."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from synovia.cli.common import catch_up_index, console, database_error, db_errors, fail, platform


class Audience(StrEnum):
    patient = "patient"
    clinician = "clinician"


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


def _asker():
    from synovia.ask import Asker
    from synovia.vocab.lexicon import LexiconError

    syn = platform()
    if syn.store.current_revision() is None:
        fail("the database is empty: run `synovia evidence load` first")
    catch_up_index(syn)
    try:
        return Asker.from_platform(syn)
    except LexiconError as exc:
        fail(str(exc))


def ask(
    question: str | None = typer.Argument(None, help="The question, in your own words."),
    audience: Audience = typer.Option(Audience.patient, help="patient (plain) or clinician."),
    conversation: str | None = typer.Option(
        None, "--conversation", help="Continue this conversation (a new id starts one)."),
    fmt: Format = typer.Option(Format.text, "--format", help="text, markdown or json."),
    batch: Path | None = typer.Option(
        None, "--batch", help="JSON lines of {question, audience, conversation_id}; "
        "writes one answer JSON per line."),
) -> None:
    """Answer a question about OA injection treatments, with graded evidence and citations."""
    from synovia.ask import AskError, check_request

    if batch is not None:
        _batch(batch)
        return
    try:
        check_request(question or "", audience.value, conversation)
    except AskError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
    asker = _asker()
    try:
        answer = asker.ask(question or "", audience.value, conversation)
    except AskError as exc:
        sys.stderr.write(f"error: {exc}\n")
        raise SystemExit(2) from None
    except db_errors() as exc:
        database_error(exc)
    if fmt == Format.json:
        typer.echo(answer.model_dump_json(indent=2))
    elif fmt == Format.markdown:
        from synovia.ask.render import to_markdown

        typer.echo(to_markdown(answer))
    else:
        from synovia.ask.render import to_terminal

        to_terminal(answer, console)


def _batch(path: Path) -> None:
    from synovia.ask import AskError

    try:
        lines = path.read_text(encoding="utf-8").splitlines() if str(path) != "-" else \
            sys.stdin.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {path}: {exc}")
    asker = _asker()
    errors = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("each line must be a JSON object")
            answer = asker.ask(str(item.get("question") or ""), item.get("audience") or "patient",
                               item.get("conversation_id"))
            typer.echo(answer.model_dump_json())
        except (ValueError, AskError) as exc:
            errors += 1
            typer.echo(json.dumps({"line": n, "error": str(exc)}))
            sys.stderr.write(f"error: line {n}: {exc}\n")
        except db_errors() as exc:
            database_error(exc)
    if errors:
        raise SystemExit(1)
