"""The directory job in one object: import a CSV, search, show a listing with its evidence
briefing, take an enquiry. The web pages, the JSON API and the CLI all call this."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from synovia.directory.briefing import Briefing, briefing
from synovia.directory.csvfile import CsvResult, RowError, read_listings
from synovia.directory.enquiry import check_enquiry, send_enquiry
from synovia.directory.filters import DirectoryError, check_filters
from synovia.directory.model import EXAMPLE_NOTICE, Enquiry, Listing, Near, ResultPage
from synovia.directory.postcodes import Districts, cached_districts
from synovia.directory.store import DirectoryStore, ImportSummary
from synovia.directory.terms import DirectoryTerms, cached_terms
from synovia.evidence import Store
from synovia.vocab import Lexicon, Vocabulary, cached_lexicon

log = logging.getLogger(__name__)


class ImportRejected(DirectoryError):
    """The file has bad rows; nothing was written."""

    def __init__(self, result: CsvResult) -> None:
        self.errors: list[RowError] = result.errors
        self.count = result.error_count
        super().__init__(f"{self.count} problem(s) in the file; nothing was imported")


@dataclass
class Directory:
    store: Store
    vocab: Vocabulary
    terms: DirectoryTerms
    districts: Districts
    lexicon: Lexicon

    @classmethod
    def from_data(cls, store: Store, vocab: Vocabulary, data_dir: Path) -> Directory:
        """Built from the data folder (SYNOVIA_DATA_DIR): directory/ and lexicon/ inside it."""
        folder = data_dir / "directory"
        return cls(store, vocab, cached_terms(folder / "terms.yaml"),
                   cached_districts(folder / "postcode_districts.csv"),
                   cached_lexicon(data_dir / "lexicon"))

    @cached_property
    def db(self) -> DirectoryStore:
        return DirectoryStore(self.store)

    # -- import ------------------------------------------------------------------------------
    def read_csv(self, source: str | bytes | Path) -> CsvResult:
        return read_listings(source, self.terms, self.vocab, self.districts)

    def import_csv(self, source: str | bytes | Path, update: bool = False,
                   discard_enquiries: bool = False) -> ImportSummary:
        """Validate the whole file, then write it in one transaction, or raise ImportRejected
        and write nothing."""
        result = self.read_csv(source)
        if not result.ok:
            raise ImportRejected(result)
        return self.db.import_listings(result.listings, update_only=update,
                                       discard_enquiries=discard_enquiries)

    # -- finding -----------------------------------------------------------------------------
    def search(self, raw: dict[str, object]) -> ResultPage:
        filters, place = check_filters(raw, self.terms, self.vocab, self.districts)
        total, hits = self.db.search(filters, place)
        examples = any(h.listing.example for h in hits)
        near = Near(district=place.district, lat=place.lat, lon=place.lon,
                    approximate=place.approximate) if place else None
        return ResultPage(total=total, limit=filters.limit, offset=filters.offset,
                          filters=filters.as_dict(), near=near, examples_shown=examples,
                          notice=EXAMPLE_NOTICE if examples else None, results=hits)

    def listing(self, listing_id: str) -> Listing | None:
        if not listing_id or len(listing_id) > 80:
            return None
        return self.db.get(listing_id)

    def briefing(self, listing: Listing) -> Briefing:
        return briefing(listing, self.store.evidence(), self.vocab, self.lexicon, self.terms)

    # -- enquiries ---------------------------------------------------------------------------
    def enquire(self, listing: Listing, name: str, email: str, phone: str, message: str,
                consent: bool, honeypot: str) -> Enquiry:
        """Store an enquiry (raises EnquiryError, or BotSuspected for the honeypot), then
        email it if SMTP is configured; a failed email leaves it stored and listed."""
        enquiry = self.db.add_enquiry(
            check_enquiry(listing, name, email, phone, message, consent, honeypot))
        try:
            sent = send_enquiry(enquiry, listing)
        except OSError as exc:  # smtplib errors are OSErrors: the enquiry stays stored
            log.warning("enquiry %s stored but not emailed: %s", enquiry.id, exc)
            sent = False
        if sent and enquiry.id is not None:
            self.db.mark_emailed(enquiry.id)
            enquiry = enquiry.model_copy(update={"emailed": True})
        return enquiry

    def enquiries(self, limit: int = 200) -> list[Enquiry]:
        return self.db.enquiries(limit)
