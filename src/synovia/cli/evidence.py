"""`synovia evidence`: validate, load, list and show the curated evidence base."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from synovia.cli.common import console, database_error, db_errors, fail, platform
from synovia.evidence import EvidenceBase, Source, read_evidence
from synovia.vocab import VocabularyError

app = typer.Typer(help="The evidence base: sources, findings, recommendations.",
                  no_args_is_help=True)


class Format(StrEnum):
    text = "text"
    json = "json"


def _read(folder: Path | None) -> tuple[EvidenceBase, list, Path]:
    syn = platform()
    folder = folder or syn.settings.evidence_dir
    try:
        terms = syn.known_terms()
    except VocabularyError as exc:
        fail(str(exc))
    base, problems = read_evidence(folder, terms)
    return base, problems, folder


@app.command()
def validate(
    folder: Path | None = typer.Option(None, "--dir",
                                       help="Evidence folder (default: data/evidence)."),
) -> None:
    """Check the evidence files: schema, ids, DOIs, references, vocabulary ids."""
    base, problems, folder = _read(folder)
    if problems:
        for p in problems:
            typer.echo(str(p), err=True)
        typer.echo(f"{len(problems)} problem(s) in {folder}", err=True)
        raise SystemExit(1)
    counts = ", ".join(f"{n} {k}" for k, n in base.counts().items())
    console.print(f"[green]ok[/green]: {counts}")


@app.command()
def load(
    folder: Path | None = typer.Option(None, "--dir",
                                       help="Evidence folder (default: data/evidence)."),
    index: bool = typer.Option(True, help="Rebuild the search index afterwards."),
) -> None:
    """Validate, then upsert every record in one transaction (nothing is written on error)."""
    base, problems, folder = _read(folder)
    if problems:
        for p in problems:
            typer.echo(str(p), err=True)
        fail(f"{len(problems)} problem(s); nothing was loaded")
    syn = platform()
    total = sum(base.counts().values())
    try:
        syn.store.upgrade()
        before = syn.store.evidence()  # curated records are always accepted
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("loading evidence", total=total)
            summary = syn.store.load(base, progress=lambda n: bar.advance(task, n))
            if index:
                from synovia.search import reindex

                docs = total
                task2 = bar.add_task("indexing", total=docs)
                reindex(syn.store, syn.vocab, progress=lambda n: bar.advance(task2, n))
    except db_errors() as exc:
        database_error(exc)
    flagged = _flag_articles(syn, summary, before, base)
    table = Table("records", "added", "changed", "removed", "unchanged", title="evidence load")
    for kind in base.counts():
        table.add_row(kind, *(str(getattr(summary, a)[kind])
                              for a in ("added", "changed", "removed", "unchanged")))
    console.print(table)
    if summary.total_changes == 0:
        console.print("no changes")
    if flagged:
        console.print(f"{len(flagged)} published article(s) flagged for re-review: "
                      + ", ".join(a.slug for a in flagged))


def _flag_articles(syn, summary, before: EvidenceBase, after: EvidenceBase) -> list:
    """Published articles relying on a changed or removed record go back for review."""
    from synovia.publish import flag_affected

    sources: set[str] = set()
    for kind, rid, change in summary.changed_ids:
        if change == "added":
            continue
        if kind == "sources":
            sources.add(rid)
            continue
        record = getattr(after, kind).get(rid) or getattr(before, kind).get(rid)
        if record is not None:
            sources.update(getattr(record, "sources", None) or [record.source])
    if not sources:
        return []
    return flag_affected(syn.store, sources, "evidence changed in a load")


def _source_json(src: Source) -> dict:
    data = src.model_dump(mode="json")
    return data


@app.command("list")
def list_(
    treatment: str | None = typer.Option(None, help="Treatment id, e.g. prp."),
    joint: str | None = typer.Option(None, help="Joint id, e.g. knee."),
    kind: str | None = typer.Option(None, help="Source kind, e.g. rct."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """List sources and findings, filtered by treatment, joint and source kind."""
    syn = platform()
    vocab = syn.vocab
    if treatment and treatment not in vocab.treatment_ids:
        fail(f"unknown treatment id {treatment!r}; try one of: "
             + ", ".join(sorted(vocab.treatment_ids)))
    if joint and joint not in vocab.joint_ids:
        fail(f"unknown joint id {joint!r}; try one of: " + ", ".join(sorted(vocab.joint_ids)))
    try:
        sources = syn.store.list_records("sources", treatment, joint, kind)
        findings = syn.store.list_records("findings", treatment, joint, kind)
    except db_errors() as exc:
        database_error(exc)
    if fmt == Format.json:
        typer.echo(json.dumps({
            "sources": [_source_json(s) for s in sources],
            "findings": [f.model_dump(mode="json") for f in findings],
        }, indent=2, ensure_ascii=False))
        return
    table = Table("id", "kind", "year", "title", "identifier", "tag",
                  title=f"{len(sources)} sources")
    for s in sources:
        table.add_row(s.id, s.kind, str(s.year), s.title[:70], s.doi or s.url or "", s.verification)
    console.print(table)
    ftable = Table("id", "outcome", "direction", "plain", "tag", title=f"{len(findings)} findings")
    for f in findings:
        ftable.add_row(f.id, f.outcome, f.direction, f.plain[:80], f.verification)
    console.print(ftable)


@app.command()
def coverage(
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
    tag: str = typer.Option("verified", help="Count records with this verification tag."),
    folder: Path | None = typer.Option(None, "--dir",
                                       help="Evidence folder (default: data/evidence)."),
) -> None:
    """The treatment x joint x facet matrix: how many findings each cell holds, and where none."""
    from synovia.evidence.coverage import coverage as matrix_of
    from synovia.evidence.coverage import gaps
    from synovia.vocab.lexicon import LexiconError, cached_lexicon

    base, problems, folder = _read(folder)
    if problems:
        fail(f"the evidence in {folder} does not validate: run `synovia evidence validate`")
    syn = platform()
    try:
        lex = cached_lexicon(syn.settings.lexicon_dir)
    except LexiconError as exc:
        fail(str(exc))
    facets = {f.id: tuple(f.outcomes) + (("recommendation",) if f.id == "efficacy" else ())
              for f in lex.facets if f.outcomes and not f.internal and f.id != "comparison"}
    treatments = [tid for tid, t in syn.vocab.terms.get("treatment", {}).items()
                  if t.category == "injection"]
    joints = sorted(syn.vocab.joint_ids, key=["knee", "hip", "shoulder", "hand", "ankle"].index)
    m = matrix_of(base, treatments, joints, facets, tag)
    holes = gaps(m)
    if fmt == Format.json:
        typer.echo(json.dumps({"tag": tag, "joints": joints, "facets": list(facets),
                               "matrix": m, "empty_cells": len(holes),
                               "cells": len(treatments) * len(joints) * len(facets)}, indent=2))
        return
    for t in treatments:
        table = Table("facet", *joints, title=syn.vocab.label("treatment", t, "clinician"))
        for facet, cells in m[t].items():
            table.add_row(facet, *[str(cells[j]) if cells[j] else "[red]·[/red]" for j in joints])
        console.print(table)
    total = len(treatments) * len(joints) * len(facets)
    console.print(f"{total - len(holes)} of {total} cells hold at least one {tag} finding; "
                  f"{len(holes)} hold none (shown as ·).")


@app.command()
def show(record_id: str = typer.Argument(..., help="Any record id."),
         fmt: Format = typer.Option(Format.text, "--format", help="text or json.")) -> None:
    """Show one record in full."""
    syn = platform()
    try:
        found = syn.store.get(record_id)
    except db_errors() as exc:
        database_error(exc)
    if found is None:
        fail(f"no record with id {record_id!r}")
    kind, record = found
    data = record.model_dump(mode="json")
    if fmt == Format.json:
        typer.echo(json.dumps({"type": kind, **data}, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{record_id}[/bold] ({kind})")
    for key, value in data.items():
        if value not in (None, [], {}):
            console.print(f"  [cyan]{key}[/cyan]: {value}")

from synovia.cli import literature  # noqa: E402,F401  (registers import/export/review)
