"""`synovia evidence import | export | embed | review ...`: bring literature exports in, let
reviewers decide on them, and export the evidence for other systems."""

from __future__ import annotations

import getpass
import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from synovia.cli.common import console, database_error, db_errors, fail, platform
from synovia.cli.evidence import app

review_app = typer.Typer(help="The review queue of imported sources.", no_args_is_help=True)
app.add_typer(review_app, name="review")


class ImportFormat(StrEnum):
    auto = "auto"
    medline = "medline"
    pubmed_xml = "pubmed-xml"
    ris = "ris"
    bibtex = "bibtex"
    csl_json = "csl-json"


class ExportFormat(StrEnum):
    fhir = "fhir"
    csl_json = "csl-json"
    ris = "ris"


class Status(StrEnum):
    accepted = "accepted"
    unreviewed = "unreviewed"
    rejected = "rejected"
    all = "all"


class ListFormat(StrEnum):
    text = "text"
    json = "json"


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)


def _reviewer(name: str | None) -> str:
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "cli"


def _embed(syn, bar: Progress) -> int:
    from synovia.search.literature import LiteratureIndex

    index = LiteratureIndex(syn.store)
    pending = index.records.count_pending_vectors()
    if not pending:
        return 0
    task = bar.add_task("embedding abstracts", total=pending)
    return index.embed_pending(progress=lambda n: bar.advance(task, n))


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A PubMed (.nbib or XML), RIS, BibTeX or CSL-JSON "
                                          "export."),
    fmt: ImportFormat = typer.Option(ImportFormat.auto, "--format",
                                     help="The file's format (auto: from its content/name)."),
    skip_bad: bool = typer.Option(False, "--skip-bad",
                                  help="Import the good records and report the malformed ones "
                                       "(otherwise one malformed record stops the import)."),
    embed: bool = typer.Option(True, help="Embed the new abstracts for vector search now "
                                          "(about 100 a second; --no-embed defers to "
                                          "`synovia evidence embed`)."),
) -> None:
    """Import references as sources waiting for review; re-importing changes nothing."""
    from synovia.literature import (
        LiteratureFormatError,
        estimate_records,
        import_file,
        read_records,
    )
    from synovia.search.literature import sync_answer_docs

    syn = platform()
    try:
        fmt_name, _ = read_records(file, fmt.value)  # checks the file before touching the db
        total = estimate_records(file, fmt_name)
        syn.store.upgrade()
        with _bar() as bar:
            task = bar.add_task(f"importing {file.name} ({fmt_name})", total=total)
            report = import_file(syn.store, syn.vocab, file, fmt_name, skip_bad=skip_bad,
                                 progress=lambda n: bar.advance(task, n))
            if report.written:
                sync_answer_docs(syn.store, syn.vocab, report.touched, with_vectors=embed)
                if embed:
                    _embed(syn, bar)
    except LiteratureFormatError as exc:
        fail(f"{file.name}: {exc}; nothing was imported")
    except db_errors() as exc:
        database_error(exc)
    for bad in report.bad:
        typer.echo(f"{'skipped ' if report.written else ''}{file.name}: {bad}", err=True)
    if not report.written:
        first = report.bad[0]
        fail(f"{len(report.bad)} malformed record(s), first {first}; nothing was imported "
             f"(--skip-bad imports the rest)")
    if report.records == 0:
        fail(f"{file.name}: no records found; nothing was imported")
    parts = [f"{report.added} added", f"{report.updated} updated",
             f"{report.unchanged} unchanged"]
    if report.duplicates:
        parts.append(f"{report.duplicates} duplicate(s) in the file")
    if report.curated:
        parts.append(f"{len(report.curated)} already curated (left as they are: "
                     f"{', '.join(report.curated[:5])})")
    if report.bad:
        parts.append(f"{len(report.bad)} malformed skipped")
    console.print(f"{file.name} ({fmt_name}): " + ", ".join(parts))
    if report.added or report.updated:
        console.print("new and changed sources wait for review: synovia evidence review list")


@app.command()
def embed() -> None:
    """Embed imported abstracts that have no vector yet (after `import --no-embed`)."""
    syn = platform()
    try:
        syn.store.upgrade()
        with _bar() as bar:
            n = _embed(syn, bar)
    except db_errors() as exc:
        database_error(exc)
    console.print(f"{n} abstract(s) embedded")


@app.command()
def export(
    fmt: ExportFormat = typer.Option(..., "--format", help="fhir (R5 Bundle), csl-json or ris."),
    status: Status = typer.Option(Status.accepted, help="Which sources, by review status."),
    output: Path | None = typer.Option(None, "--output", "-o", help="File (default: stdout)."),
) -> None:
    """Export sources: FHIR R5 Citation (+ Evidence for findings with effects), CSL-JSON, RIS."""
    from synovia.evidence.importers import LiteratureStore
    from synovia.literature import ExportError, export_csl_json, export_ris, fhir_bundle

    syn = platform()
    try:
        statuses = ["accepted", "unreviewed", "rejected"] if status == Status.all else [
            status.value]
        sources = [s for st in statuses
                   for s in syn.store.list_records("sources", review_status=st)]
        sources.sort(key=lambda s: s.id)
        bibs = LiteratureStore(syn.store).bib(s.id for s in sources if s.origin == "import")
        if fmt == ExportFormat.fhir:
            text = json.dumps(fhir_bundle(sources, syn.store.evidence(), bibs, syn.vocab),
                              indent=2, ensure_ascii=False) + "\n"
        elif fmt == ExportFormat.csl_json:
            text = export_csl_json(sources, bibs)
        else:
            text = export_ris(sources, bibs)
    except db_errors() as exc:
        database_error(exc)
    except ExportError as exc:
        fail(str(exc))
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{len(sources)} source(s) written to {output}", err=True)
    else:
        typer.echo(text, nl=False)


def _queue(syn):
    from synovia.literature import ReviewQueue

    syn.store.upgrade()
    return ReviewQueue(syn.store, syn.vocab)


@review_app.command("list")
def review_list(
    status: Status = typer.Option(Status.unreviewed, help="unreviewed, accepted or rejected."),
    limit: int = typer.Option(50, min=1, max=10_000),
    offset: int = typer.Option(0, min=0),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", help="text or json."),
) -> None:
    """Imported sources waiting for (or past) review, oldest import first."""
    syn = platform()
    if status == Status.all:
        fail("list one status at a time: unreviewed, accepted or rejected")
    try:
        total, sources = _queue(syn).pending(status.value, limit, offset)
    except db_errors() as exc:
        database_error(exc)
    if fmt == ListFormat.json:
        typer.echo(json.dumps({"total": total, "sources": [
            s.model_dump(mode="json") for s in sources]}, indent=2, ensure_ascii=False))
        return
    table = Table("id", "kind", "year", "treatments", "joints", "title",
                  title=f"{total} {status.value} imported source(s)")
    for s in sources:
        table.add_row(s.id, s.kind, str(s.year), ", ".join(s.treatments),
                      ", ".join(s.population.joints), s.title[:70])
    console.print(table)


def _decide(action):
    from synovia.literature import ReviewError

    syn = platform()
    try:
        source = action(_queue(syn))
    except ReviewError as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)
    console.print(f"{source.id}: {source.review_status} ({source.kind}; "
                  f"{', '.join(source.treatments) or 'no treatment'}; "
                  f"{', '.join(source.population.joints) or 'no joint'})")


@review_app.command("accept")
def review_accept(source_id: str = typer.Argument(..., help="Imported source id."),
                  reviewer: str | None = typer.Option(None, help="Who decides (default: you).")
                  ) -> None:
    """Accept an imported source: from now on it can feed answers."""
    _decide(lambda q: q.accept(source_id, _reviewer(reviewer)))


@review_app.command("reject")
def review_reject(source_id: str = typer.Argument(..., help="Imported source id."),
                  reason: str = typer.Option(..., help="Why (kept in the review log)."),
                  reviewer: str | None = typer.Option(None, help="Who decides (default: you).")
                  ) -> None:
    """Reject an imported source: it never feeds answers."""
    _decide(lambda q: q.reject(source_id, _reviewer(reviewer), reason))


@review_app.command("edit")
def review_edit(
    source_id: str = typer.Argument(..., help="Imported source id."),
    kind: str | None = typer.Option(None, help="Study kind, e.g. rct, systematic-review."),
    treatment: list[str] | None = typer.Option(None, help="Treatment id (repeat for more)."),
    joint: list[str] | None = typer.Option(None, help="Joint id (repeat for more)."),
    title: str | None = typer.Option(None, help="Corrected title."),
    reviewer: str | None = typer.Option(None, help="Who edits (default: you)."),
) -> None:
    """Correct the kind, treatments, joints or title the importer guessed."""
    _decide(lambda q: q.edit(source_id, _reviewer(reviewer), kind=kind,
                             treatments=treatment or None, joints=joint or None, title=title))


@review_app.command("history")
def review_history(source_id: str = typer.Argument(..., help="Imported source id.")) -> None:
    """Every decision on a source: who, when, what and why."""
    syn = platform()
    try:
        entries = _queue(syn).history(source_id)
    except db_errors() as exc:
        database_error(exc)
    if not entries:
        console.print(f"no decisions on {source_id}")
    for e in entries:
        at = e.at.isoformat(timespec="seconds") if e.at else ""
        detail = e.reason or (json.dumps(e.changes) if e.changes else "")
        console.print(f"{at}  {e.decision:<9} {e.reviewer}  {detail}")


@review_app.command("search")
def review_search(
    query: str = typer.Argument(..., help="Words to look for in imported abstracts."),
    status: Status = typer.Option(Status.unreviewed, help="Which imported sources to search."),
    limit: int = typer.Option(20, min=1, max=200),
    vectors: bool = typer.Option(True, help="Fuse vector similarity with keyword ranks."),
) -> None:
    """Search imported abstracts (keyword + vector), unreviewed ones by default."""
    from synovia.search.literature import LiteratureIndex

    syn = platform()
    if len(query) > 500:
        fail("the query is too long (500 characters at most)")
    try:
        syn.store.upgrade()
        hits = LiteratureIndex(syn.store, use_vectors=vectors).search(
            query, None if status == Status.all else status.value, limit)
        table = Table("id", "status", "kind", "year", "title", title=f"{len(hits)} hit(s)")
        for h in hits:
            found = syn.store.get(h.source_id)
            if found:
                s = found[1]
                table.add_row(s.id, h.status, s.kind, str(s.year), s.title[:70])
    except db_errors() as exc:
        database_error(exc)
    console.print(table)
