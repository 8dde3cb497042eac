"""Reading a directory CSV: every value checked against the vocabulary, the directory's lists
and the postcode districts, and every problem named by spreadsheet row and column, so that a
file with any bad row is rejected whole. docs/directory.md describes the columns."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from synovia.directory.model import TRANSPARENCY, Listing, Location
from synovia.directory.postcodes import Districts, parse_district
from synovia.directory.terms import DirectoryTerms
from synovia.vocab import Vocabulary

MAX_BYTES = 50_000_000
MAX_ERRORS = 200
LIST_SEPARATOR = ";"
LISTING_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
WEBSITE = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[^\s<>\"']*)?$")
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0", ""}

#: Columns that describe the clinician: rows sharing an id repeat them or leave them blank.
CLINICIAN_COLUMNS = (
    "id", "name", "registration_body", "registration_number", "specialties", "treatments",
    "joints", "image_guidance", "outcome_scores", "sectors", "fees", "email", "website",
    "example", *(f"transparency_{k}" for k in TRANSPARENCY))
#: Columns that describe one practice location: one per row.
LOCATION_COLUMNS = ("practice", "address", "town", "region", "postcode_district")
REQUIRED = ("id", "name", "registration_body", "registration_number", "specialties",
            "treatments", "sectors", "address", "town", "region", "postcode_district")
MAX_LENGTH = {"name": 200, "fees": 200, "email": 254, "website": 300, "practice": 200,
              "address": 300, "town": 100, "registration_number": 20}
MAX_ANSWER = 1000


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class CsvResult:
    listings: list[Listing] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Reader:
    def __init__(self, terms: DirectoryTerms, vocab: Vocabulary, districts: Districts) -> None:
        self.terms, self.vocab, self.districts = terms, vocab, districts
        self.result = CsvResult()

    def error(self, row: int, column: str, message: str) -> None:
        self.result.error_count += 1
        if len(self.result.errors) < MAX_ERRORS:
            self.result.errors.append(RowError(row, column, message))

    # -- one value at a time -----------------------------------------------------------------
    def text(self, row: int, values: dict[str, str], column: str) -> str:
        value = " ".join(values.get(column, "").split())
        limit = MAX_LENGTH.get(column, MAX_ANSWER)
        if len(value) > limit:
            self.error(row, column, f"longer than {limit} characters")
        if column in REQUIRED and not value:
            self.error(row, column, "is required")
        return value[:limit]

    def items(self, row: int, values: dict[str, str], column: str, kind: str) -> list[str]:
        """A ';'-separated list, each item a known id (or label) of `kind`."""
        raw = [v.strip() for v in values.get(column, "").split(LIST_SEPARATOR) if v.strip()]
        if column in REQUIRED and not raw:
            self.error(row, column, "is required")
        found: list[str] = []
        for item in raw:
            tid = self._resolve(kind, item)
            if tid is None:
                self.error(row, column, self._unknown(kind, item))
            elif tid not in found:
                found.append(tid)
        return found

    def _resolve(self, kind: str, item: str) -> str | None:
        if kind == "treatment":
            return item if item in self.vocab.treatment_ids else None
        if kind == "joint":
            return item if item in self.vocab.joint_ids else None
        return self.terms.resolve(kind, item)

    def _unknown(self, kind: str, item: str) -> str:
        if kind in ("treatment", "joint"):
            hint = self.vocab.resolve(kind, item)
            known = sorted(self.vocab.ids(kind))
            tail = f" (did you mean '{hint}'?)" if hint else f"; known ids: {', '.join(known)}"
            return f"unknown {kind} id '{item}'{tail}"
        return f"unknown value '{item}'; use one of: {', '.join(self.terms.ids(kind))}"

    # -- one row -----------------------------------------------------------------------------
    def clinician(self, row: int, v: dict[str, str]) -> dict:
        body = self.terms.resolve("registration_bodies", v.get("registration_body", ""))
        if v.get("registration_body", "").strip() and body is None:
            self.error(row, "registration_body", self._unknown(
                "registration_bodies", v["registration_body"].strip()))
        elif not v.get("registration_body", "").strip():
            self.error(row, "registration_body", "is required")
        number = re.sub(r"\s+", "", v.get("registration_number", "")).upper()
        if not number:
            self.error(row, "registration_number", "is required")
        elif body and (term := self.terms.get("registration_bodies", body)) and term.pattern \
                and not term.pattern.match(number):
            self.error(row, "registration_number",
                       f"'{number}' is not shaped like a {body} number "
                       f"(expected {term.pattern.pattern})")
        email = self.text(row, v, "email") or None
        if email and not EMAIL.match(email):
            self.error(row, "email", f"'{email}' is not an email address")
        website = self.text(row, v, "website") or None
        if website and not WEBSITE.match(website):
            self.error(row, "website", "must be an http:// or https:// address")
        example = v.get("example", "").strip().lower()
        if example not in YES | NO:
            self.error(row, "example", "must be yes or no")
        transparency: dict[str, str] = {}
        for key in TRANSPARENCY:
            column = f"transparency_{key}"
            if key == "licence":
                answer = v.get(column, "").strip()
                if answer:
                    status = self.terms.resolve("licence_statuses", answer)
                    if status is None:
                        self.error(row, column, self._unknown("licence_statuses", answer))
                    else:
                        transparency[key] = status
                continue
            answer = self.text(row, v, column)
            if answer:
                transparency[key] = answer
        return {
            "name": self.text(row, v, "name"),
            "registration_body": body or "", "registration_number": number,
            "specialties": self.items(row, v, "specialties", "specialties"),
            "treatments": self.items(row, v, "treatments", "treatment"),
            "joints": self.items(row, v, "joints", "joint"),
            "image_guidance": self.items(row, v, "image_guidance", "image_guidance"),
            "outcome_scores": self.items(row, v, "outcome_scores", "outcome_scores"),
            "sectors": self.items(row, v, "sectors", "sectors"),
            "fees": self.text(row, v, "fees") or None, "email": email, "website": website,
            "example": example in YES, "transparency": transparency,
        }

    def location(self, row: int, v: dict[str, str]) -> Location | None:
        region = self.terms.resolve("regions", v.get("region", ""))
        if not v.get("region", "").strip():
            self.error(row, "region", "is required")
        elif region is None:
            self.error(row, "region", self._unknown("regions", v["region"].strip()))
        raw = v.get("postcode_district", "").strip()
        district = parse_district(raw)
        place = None
        if not raw:
            self.error(row, "postcode_district", "is required")
        elif district is None:
            self.error(row, "postcode_district",
                       f"'{raw}' is not a UK postcode district (like LS6, SW1A or BT7)")
        else:
            place = self.districts.get(district)
            if place is None:
                self.error(row, "postcode_district", f"unknown postcode district '{district}'")
            elif region and district.startswith("BT") != (region == "northern-ireland"):
                self.error(row, "postcode_district",
                           f"'{district}' is not in {self.terms.label('regions', region)}")
        practice = self.text(row, v, "practice")
        address, town = self.text(row, v, "address"), self.text(row, v, "town")
        if region is None or place is None:
            return None
        return Location(practice=practice, address=address, town=town, region=region,
                        district=district, lat=place.lat, lon=place.lon)


def read_listings(source: str | bytes | Path, terms: DirectoryTerms, vocab: Vocabulary,
                  districts: Districts) -> CsvResult:
    """Parse and validate a whole file; `listings` is empty unless every row is good."""
    reader = _Reader(terms, vocab, districts)
    text = _decode(source, reader)
    if text is None:
        return reader.result
    rows = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(rows, [])]
    if not _header_ok(header, reader):
        return reader.result
    firsts: dict[str, tuple[int, dict[str, str], dict]] = {}
    locations: dict[str, list[Location]] = {}
    registrations: dict[tuple[str, str], tuple[str, int]] = {}
    for n, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            column = header[len(cells)] if len(cells) < len(header) else "(after the last)"
            reader.error(n, column, f"the row has {len(cells)} cells; the header has "
                                    f"{len(header)}")
            continue
        values = dict(zip(header, cells, strict=True))
        lid = values.get("id", "").strip()
        if not lid:
            reader.error(n, "id", "is required")
            continue
        if not LISTING_ID.match(lid):
            reader.error(n, "id", f"'{lid[:90]}' is not a valid id (lower-case letters, "
                                  "digits and '-', at most 80)")
            continue
        if lid in firsts:
            _same_clinician(n, values, firsts[lid][0], firsts[lid][1], reader)
        else:
            fields = reader.clinician(n, values)
            firsts[lid] = (n, values, fields)
            key = (fields["registration_body"], fields["registration_number"])
            if all(key) and key in registrations:
                other, at = registrations[key]
                reader.error(n, "registration_number",
                             f"{key[0]} {key[1]} is already listed as '{other}' (row {at})")
            registrations.setdefault(key, (lid, n))
        loc = reader.location(n, values)
        if loc is not None:
            locations.setdefault(lid, []).append(loc)
    if not firsts and reader.result.ok:
        reader.error(2, "id", "the file has no listings")
    if reader.result.ok:
        reader.result.listings = [
            Listing(id=lid, locations=locations[lid], **fields)
            for lid, (_n, _v, fields) in firsts.items()]
    return reader.result


def _decode(source: str | bytes | Path, reader: _Reader) -> str | None:
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_BYTES:
                reader.error(1, "-", f"the file is larger than {MAX_BYTES // 1_000_000} MB")
                return None
            source = source.read_bytes()
        except OSError as exc:
            reader.error(1, "-", f"cannot read the file: {exc.strerror or exc}")
            return None
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            reader.error(1, "-", f"the file is larger than {MAX_BYTES // 1_000_000} MB")
            return None
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            reader.error(1, "-", "the file is not UTF-8 text (save it as 'CSV UTF-8')")
            return None
    if "\x00" in source:
        reader.error(1, "-", "the file contains binary data")
        return None
    return source


def _header_ok(header: list[str], reader: _Reader) -> bool:
    if not header:
        reader.error(1, "-", "the file is empty")
        return False
    known = set(CLINICIAN_COLUMNS) | set(LOCATION_COLUMNS)
    for column in header:
        if column not in known:
            reader.error(1, column or "(blank)", "unknown column")
    for column in REQUIRED:
        if column not in header:
            reader.error(1, column, "missing column")
    if len(set(header)) != len(header):
        reader.error(1, "-", "a column name appears twice")
    return reader.result.ok


def _same_clinician(row: int, values: dict[str, str], first_row: int,
                    first: dict[str, str], reader: _Reader) -> None:
    """A further location of a listing: its clinician columns are blank or repeat the first."""
    for column in CLINICIAN_COLUMNS:
        value = values.get(column, "").strip()
        if value and value != first.get(column, "").strip():
            reader.error(row, column, f"differs from row {first_row} of the same id "
                                      f"(leave it blank or repeat it)")
