"""`synovia directory`: import the specialist CSV, search it, show a listing, list enquiries."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from synovia.cli.common import console, database_error, db_errors, fail, platform
from synovia.directory import (
    EXAMPLE_NOTICE,
    TRANSPARENCY,
    Directory,
    DirectoryDataError,
    DirectoryError,
    ImportRejected,
)
from synovia.vocab import LexiconError, VocabularyError

app = typer.Typer(help="The specialist directory: import, search, show, enquiries.",
                  no_args_is_help=True)


class Format(StrEnum):
    text = "text"
    json = "json"


def _directory(upgrade: bool = False) -> Directory:
    syn = platform()
    try:
        if upgrade:
            syn.store.upgrade()
        return Directory.from_data(syn.store, syn.vocab, syn.settings.data_dir)
    except (VocabularyError, LexiconError, DirectoryDataError) as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="The listings CSV (columns: docs/directory.md)."),
    update: bool = typer.Option(False, "--update", help="Add and update the file's listings; "
                                "keep every other listing and every enquiry."),
    discard_enquiries: bool = typer.Option(False, "--discard-enquiries",
                                           help="Allow a full import to delete enquiries."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only validate the file."),
) -> None:
    """Validate a CSV and import it in one transaction; any bad row (named by row and column)
    rejects the whole file and leaves the directory as it was."""
    if not file.is_file():
        fail(f"{file}: no such file")
    directory = _directory(upgrade=not dry_run)
    try:
        if dry_run:
            result = directory.read_csv(file)
            if not result.ok:
                raise ImportRejected(result)
            console.print(f"[green]ok[/green]: {len(result.listings)} listings; nothing written")
            return
        summary = directory.import_csv(file, update=update, discard_enquiries=discard_enquiries)
    except ImportRejected as exc:
        for err in exc.errors:
            typer.echo(f"{file}: {err}", err=True)
        if exc.count > len(exc.errors):
            typer.echo(f"... and {exc.count - len(exc.errors)} more", err=True)
        fail(str(exc))
    except DirectoryError as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)
    mode = "update" if update else "full"
    console.print(
        f"[green]imported[/green] ({mode}): {summary.added} added, {summary.updated} updated, "
        f"{summary.removed} removed, {summary.kept} kept; enquiries kept "
        f"{summary.enquiries_kept}, removed {summary.enquiries_removed}")


@app.command()
def search(
    region: str | None = typer.Option(None, help="Region id or name, e.g. london."),
    specialty: str | None = typer.Option(None, help="Specialty id, e.g. rheumatology."),
    treatment: str | None = typer.Option(None, help="Treatment id or word, e.g. prp."),
    guidance: str | None = typer.Option(None, help="ultrasound or fluoroscopy."),
    outcome: str | None = typer.Option(None, help="An outcome score id, or 'any'."),
    sector: str | None = typer.Option(None, help="nhs or private."),
    q: str | None = typer.Option(None, "--q", "-q", help="Words in the name or place."),
    near: str | None = typer.Option(None, help="Postcode or district: order by distance."),
    limit: int = typer.Option(20, help="At most this many results (1-100)."),
    offset: int = typer.Option(0, help="Skip this many results."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """Find specialists by region, specialty, treatment, guidance, outcome tracking, sector,
    free text, and distance from a UK postcode district."""
    directory = _directory()
    raw = dict(region=region, specialty=specialty, treatment=treatment, guidance=guidance,
               outcome=outcome, sector=sector, q=q, near=near, limit=limit, offset=offset)
    try:
        page = directory.search(raw)
    except DirectoryError as exc:
        fail(str(exc))
    except db_errors() as exc:
        database_error(exc)
    if fmt is Format.json:
        typer.echo(page.model_dump_json(indent=2))
        return
    table = Table(title=f"{page.total} specialist(s)" + (
        f" nearest {page.near.district}" if page.near else ""))
    for column in ("id", "name", "where", "treatments", "sectors", "km"):
        table.add_column(column)
    for hit in page.results:
        item = hit.listing
        loc = hit.nearest or item.locations[0]
        name = item.name + (" [example]" if item.example else "")
        table.add_row(escape(item.id), escape(name), escape(f"{loc.town} {loc.district}"),
                      ", ".join(item.treatments), ", ".join(item.sectors),
                      f"{hit.distance_km:.0f}" if hit.distance_km is not None else "")
    console.print(table)
    if page.examples_shown:
        console.print(EXAMPLE_NOTICE)


@app.command()
def show(
    listing_id: str = typer.Argument(..., help="The listing's id."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """One listing: the clinician, locations and the transparency checklist."""
    directory = _directory()
    try:
        item = directory.listing(listing_id)
    except db_errors() as exc:
        database_error(exc)
    if item is None:
        fail(f"no listing '{listing_id}'")
    if fmt is Format.json:
        typer.echo(item.model_dump_json(indent=2))
        return
    terms = directory.terms
    if item.example:
        console.print(f"[bold]Fictional example.[/bold] {EXAMPLE_NOTICE}")
    console.print(f"[bold]{escape(item.name)}[/bold] — {item.registration_body} "
                  f"{item.registration_number}", highlight=False)
    console.print("Specialties: " + ", ".join(terms.label("specialties", s)
                                              for s in item.specialties))
    console.print("Treatments: " + ", ".join(directory.vocab.label("treatment", t)
                                             for t in item.treatments))
    for loc in item.locations:
        place = f"{loc.practice + ', ' if loc.practice else ''}{loc.address}, {loc.town}"
        console.print(f"  {escape(place)} {loc.district} ({terms.label('regions', loc.region)})",
                      highlight=False)
    for key in TRANSPARENCY:
        answer = item.transparency.get(key)
        mark = "[green]answered[/green]" if answer else "[yellow]not answered[/yellow]"
        console.print(f"  {mark} {terms.label('transparency', key)}: {escape(answer or '-')}",
                      highlight=False)


@app.command()
def enquiries(
    limit: int = typer.Option(50, help="The most recent N enquiries."),
    fmt: Format = typer.Option(Format.text, "--format", help="text or json."),
) -> None:
    """Stored enquiries, newest first (they contain personal data: handle with care)."""
    directory = _directory()
    try:
        items = directory.enquiries(max(1, min(limit, 1000)))
    except db_errors() as exc:
        database_error(exc)
    if fmt is Format.json:
        typer.echo(json.dumps([e.model_dump(mode="json") for e in items], indent=2))
        return
    table = Table(title=f"{len(items)} enquiry(ies)")
    for column in ("when", "to", "from", "email", "emailed"):
        table.add_column(column)
    for e in items:
        table.add_row(e.created_at.strftime("%Y-%m-%d %H:%M"), escape(e.listing_name),
                      escape(e.name), escape(e.email), "yes" if e.emailed else "no")
    console.print(table)
