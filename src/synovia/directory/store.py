"""The directory's tables behind one module: imports (replace or update, one transaction
each), filtered search with distance ordering, and enquiries. Uses the evidence Store's units
of work, so SQLite and PostgreSQL behave alike; queries are built with SQLAlchemy Core.

Search plan, the same on both engines: count the matches from the most selective filter
(probing the others by primary key); list a dense result by walking the (name, id) index and
a sparse one by sorting the matches, whichever visits fewer rows; find the nearest by widening
a latitude band until it holds enough listings."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, delete, exists, func, insert, select, text, update
from sqlalchemy.orm import Session, aliased

from synovia.directory.filters import ANY_OUTCOME, DirectoryError, Filters
from synovia.directory.model import Enquiry, Hit, Listing
from synovia.directory.postcodes import EARTH_KM, Place, distance_km, unit_vector
from synovia.evidence import Store
from synovia.evidence.tables.directory import (
    EnquiryRow,
    ListingData,
    ListingRow,
    ListingTerm,
    LocationRow,
)

BATCH = 2000
SPARSE = 2000  # a lead filter this small is always sorted rather than walked
SIZE_TTL_S = 60.0
FIRST_RADIUS_KM = 16.0
SEARCHED_TABLES = ("directory_listings", "directory_terms", "directory_locations")


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0  # update mode: listings already there that the file does not mention
    enquiries_kept: int = 0
    enquiries_removed: int = 0


def listing_terms(listing: Listing) -> list[tuple[str, str]]:
    """The (field, term) pairs a listing is found by."""
    pairs = {("region", loc.region) for loc in listing.locations}
    pairs |= {("specialty", s) for s in listing.specialties}
    pairs |= {("treatment", t) for t in listing.treatments}
    pairs |= {("guidance", g) for g in listing.image_guidance}
    pairs |= {("outcome", o) for o in listing.outcome_scores}
    pairs |= {("sector", s) for s in listing.sectors}
    if listing.outcome_scores:
        pairs.add(("outcome", ANY_OUTCOME))
    return sorted(pairs)


def _chunks(items: list, size: int = BATCH) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def term_key(field: str, term: str) -> str:
    return f"{field}:{term}"


def _has(listing_id: ColumnElement, key: str) -> ColumnElement[bool]:
    """The listing has this term: a primary-key probe (on its own alias, so that it stays
    correlated even inside a query over the terms table)."""
    t = aliased(ListingTerm)
    return exists().where(t.listing_id == listing_id, t.key == key)


def _words(listing_id: ColumnElement, words: list[str]) -> list[ColumnElement[bool]]:
    """Every word appears in the listing's name or places."""
    if not words:
        return []
    if listing_id is ListingRow.id:
        return [ListingRow.search_text.contains(w, autoescape=True) for w in words]
    row = aliased(ListingRow)
    return [exists().where(row.id == listing_id,
                           *[row.search_text.contains(w, autoescape=True) for w in words])]


class DirectoryStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._sized: tuple[float, int] | None = None

    # -- writing -----------------------------------------------------------------------------
    def import_listings(self, listings: list[Listing], update_only: bool = False,
                        discard_enquiries: bool = False) -> ImportSummary:
        """Replace the directory with `listings`, or (update_only) add and update them and
        keep every other listing. One transaction: on any error nothing changes."""
        summary = ImportSummary()
        now = datetime.now(UTC)
        with self.store.session() as session:
            existing = set(session.scalars(select(ListingRow.id)))
            enquiries = session.scalar(select(func.count()).select_from(EnquiryRow)) or 0
            incoming = {item.id for item in listings}
            if update_only:
                summary.kept = len(existing - incoming)
                summary.enquiries_kept = enquiries
            else:
                if enquiries and not discard_enquiries:
                    raise DirectoryError(
                        f"the directory holds {enquiries} enquiries that a full import would "
                        "delete: import with --update to keep them, or --discard-enquiries")
                session.execute(delete(EnquiryRow))
                summary.enquiries_removed = enquiries
                for table in (ListingTerm, LocationRow, ListingData, ListingRow):
                    session.execute(delete(table))
                summary.removed = len(existing - incoming)
                existing = set()
            old = [item for item in listings if item.id in existing]
            new = [item for item in listings if item.id not in existing]
            for chunk in _chunks([item.id for item in old]):
                for table in (LocationRow, ListingTerm, ListingData):
                    session.execute(delete(table).where(table.listing_id.in_(chunk)))
            for chunk in _chunks(old):  # ORM bulk UPDATE by primary key: enquiries stay linked
                session.execute(update(ListingRow), [self._row(item, now) for item in chunk])
            for chunk in _chunks(new):
                session.execute(insert(ListingRow.__table__),
                                [self._row(item, now) for item in chunk])
            self._children(session, listings)
            summary.added, summary.updated = len(new), len(old)
        self._refresh_statistics()
        self._sized = None
        return summary

    def _refresh_statistics(self) -> None:
        """Let the planners see the new sizes at once (and, on PostgreSQL, set the visibility
        map that index-only scans need) instead of waiting for autovacuum."""
        if self.store.is_sqlite:
            with self.store.session() as session:
                for table in SEARCHED_TABLES:
                    session.execute(text(f"ANALYZE {table}"))
            return
        with self.store.engine.connect().execution_options(
                isolation_level="AUTOCOMMIT") as conn:
            for table in SEARCHED_TABLES:
                conn.execute(text(f"VACUUM ANALYZE {table}"))

    @staticmethod
    def _row(item: Listing, now: datetime) -> dict:
        return {"id": item.id, "name": item.name, "example": item.example,
                "search_text": item.search_text(), "updated_at": now}

    @staticmethod
    def _children(session: Session, listings: list[Listing]) -> None:
        data = [{"listing_id": item.id, "data": item.model_dump(mode="json")}
                for item in listings]
        locations = []
        for item in listings:
            for loc in item.locations:
                x, y, z = unit_vector(loc.lat, loc.lon)
                locations.append({"listing_id": item.id, "region": loc.region,
                                  "district": loc.district, "x": x, "y": y, "z": z})
        terms = [{"listing_id": item.id, "key": term_key(f, t)}
                 for item in listings for f, t in listing_terms(item)]
        for rows, table, size in ((data, ListingData, BATCH), (locations, LocationRow, BATCH),
                                  (terms, ListingTerm, BATCH * 4)):
            for chunk in _chunks(rows, size):  # Core executemany: no ORM bookkeeping per row
                session.execute(insert(table.__table__), chunk)

    def add_enquiry(self, enquiry: Enquiry) -> Enquiry:
        with self.store.session() as session:
            row = EnquiryRow(**enquiry.model_dump(exclude={"id"}))
            session.add(row)
            session.flush()
            return enquiry.model_copy(update={"id": row.id})

    def mark_emailed(self, enquiry_id: int) -> None:
        with self.store.session() as session:
            session.execute(update(EnquiryRow).where(EnquiryRow.id == enquiry_id)
                            .values(emailed=True))

    # -- reading -----------------------------------------------------------------------------
    def count(self) -> int:
        with self.store.reading() as session:
            return session.scalar(select(func.count()).select_from(ListingRow)) or 0

    def get(self, listing_id: str) -> Listing | None:
        with self.store.reading() as session:
            data = session.scalar(select(ListingData.data)
                                  .where(ListingData.listing_id == listing_id))
        return Listing.model_validate(data) if data is not None else None

    def search(self, filters: Filters, near: Place | None = None) -> tuple[int, list[Hit]]:
        """(total matching, one page of hits): by distance from `near`, else by name."""
        with self.store.reading() as session:
            keys = [term_key(f, t) for f, t in filters.terms()]
            driver, rest, lead_size = self._driver(session, keys)
            total = self._count(session, driver, rest, filters.words())
            if total == 0 or filters.offset >= total:
                return total, []
            if near is None:
                # Walking the name index visits about (offset + limit) * size / total rows;
                # sorting the matches visits the lead filter's rows. Take the cheaper.
                walk = (filters.offset + filters.limit) * self._size(session) / total
                sparse = driver is not None and lead_size <= max(walk, SPARSE)
                ids = self._by_name(session, driver, rest, filters, sparse)
            else:
                ids = self._nearest(session, filters, near, rest + ([driver] if driver else []),
                                    total)
            rows = dict(session.execute(select(ListingData.listing_id, ListingData.data)
                                        .where(ListingData.listing_id.in_(ids))).all())
        return total, [_hit(Listing.model_validate(rows[i]), near) for i in ids if i in rows]

    @staticmethod
    def _driver(session: Session, keys: list[str]) -> tuple[str | None, list[str], int]:
        """The filter with the fewest listings leads (and its size); the others are probed."""
        if not keys:
            return None, [], 0
        sizes = {key: session.scalar(select(func.count()).select_from(ListingTerm).where(
            ListingTerm.key == key)) or 0 for key in keys}
        lead = min(keys, key=lambda k: sizes[k])
        return lead, [k for k in keys if k != lead], sizes[lead]

    def _size(self, session: Session) -> int:
        """How many listings there are, remembered a minute: it only steers the plan."""
        now = time.monotonic()
        if self._sized is None or now - self._sized[0] > SIZE_TTL_S:
            n = session.scalar(select(func.count()).select_from(ListingRow)) or 0
            self._sized = (now, n)
        return self._sized[1]

    @staticmethod
    def _count(session: Session, driver: str | None, rest: list[str], words: list[str]) -> int:
        if driver is None:
            query = select(func.count()).select_from(ListingRow).where(
                *_words(ListingRow.id, words))
        else:
            query = select(func.count()).select_from(ListingTerm).where(
                ListingTerm.key == driver, *[_has(ListingTerm.listing_id, k) for k in rest],
                *_words(ListingTerm.listing_id, words))
        return session.scalar(query) or 0

    @staticmethod
    def _by_name(session: Session, driver: str | None, rest: list[str], filters: Filters,
                 sparse: bool) -> list[str]:
        words = _words(ListingRow.id, filters.words())
        if driver is not None and sparse:
            query = (select(ListingRow.id)
                     .join(ListingTerm, ListingTerm.listing_id == ListingRow.id)
                     .where(ListingTerm.key == driver, *[_has(ListingRow.id, k) for k in rest],
                            *words))
        else:  # dense: walk the (name, id) index and stop at the page's end
            everything = rest + ([driver] if driver else [])
            query = select(ListingRow.id).where(*[_has(ListingRow.id, k) for k in everything],
                                                *words)
        query = query.order_by(ListingRow.name, ListingRow.id)
        return list(session.scalars(query.limit(filters.limit).offset(filters.offset)))

    @staticmethod
    def _nearest(session: Session, filters: Filters, near: Place, keys: list[str],
                 total: int) -> list[str]:
        """One page of listings by distance of their nearest location. A band of latitude
        (an index range on z) that widens fourfold until it holds enough listings keeps this
        from computing every distance; inside the band the order is exact."""
        x0, y0, z0 = unit_vector(near.lat, near.lon)
        dx, dy, dz = LocationRow.x - x0, LocationRow.y - y0, LocationRow.z - z0
        d2 = dx * dx + dy * dy + dz * dz
        needed = min(filters.offset + filters.limit, total)
        conditions = [*[_has(LocationRow.listing_id, k) for k in keys],
                      *_words(LocationRow.listing_id, filters.words())]
        radius = FIRST_RADIUS_KM
        while True:
            query = select(LocationRow.listing_id, func.min(d2).label("d2")).where(*conditions)
            last = radius >= math.pi * EARTH_KM
            if not last:
                chord = 2 * math.sin(radius / (2 * EARTH_KM))
                query = query.where(LocationRow.z.between(z0 - chord, z0 + chord),
                                    d2 <= chord * chord)
            query = query.group_by(LocationRow.listing_id).order_by("d2", LocationRow.listing_id)
            rows = session.execute(query.limit(needed)).all()
            if last or len(rows) >= needed:
                return [r[0] for r in rows[filters.offset:needed]]
            radius *= 4

    def enquiries(self, limit: int = 200) -> list[Enquiry]:
        with self.store.reading() as session:
            rows = session.scalars(select(EnquiryRow).order_by(EnquiryRow.created_at.desc(),
                                                               EnquiryRow.id.desc())
                                   .limit(limit)).all()
            return [Enquiry.model_validate(r, from_attributes=True) for r in rows]

    def enquiry_count(self) -> int:
        with self.store.reading() as session:
            return session.scalar(select(func.count()).select_from(EnquiryRow)) or 0


def _hit(listing: Listing, near: Place | None) -> Hit:
    if near is None:
        return Hit(listing=listing)
    best = min(listing.locations,
               key=lambda loc: distance_km(near.lat, near.lon, loc.lat, loc.lon))
    return Hit(listing=listing, nearest=best,
               distance_km=round(distance_km(near.lat, near.lon, best.lat, best.lon), 1))
