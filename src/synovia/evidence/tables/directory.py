"""Tables of the directory. A listing keeps its validated shape as JSON (what pages show);
locations and terms exist for filtering and distance ordering. Enquiries outlive the listing
they were sent to: an update import keeps them, and a listing's removal only unlinks them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from synovia.evidence.tables.core import Base


class ListingRow(Base):
    """Narrow on purpose: searches scan and sort these rows, so the JSON lives apart."""

    __tablename__ = "directory_listings"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    example: Mapped[bool] = mapped_column(Boolean, default=False)
    search_text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_directory_listings_name", "name", "id"),)


class ListingData(Base):
    """The listing as validated (what pages show), fetched for one page of results at a time."""

    __tablename__ = "directory_listing_data"

    listing_id: Mapped[str] = mapped_column(
        ForeignKey("directory_listings.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON)


class LocationRow(Base):
    __tablename__ = "directory_locations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    listing_id: Mapped[str] = mapped_column(
        ForeignKey("directory_listings.id", ondelete="CASCADE"), index=True)
    region: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(8))
    # The district centroid as a unit vector: the straight-line (chord) distance between two
    # such points orders exactly like the great-circle distance, and is plain arithmetic that
    # both engines can sort by. The index on z (a latitude band) bounds a nearest search.
    x: Mapped[float] = mapped_column(Float)
    y: Mapped[float] = mapped_column(Float)
    z: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_directory_locations_z", "z", "x", "y", "listing_id"),)


class ListingTerm(Base):
    """Which region, specialty, treatment, guidance, outcome score and sector a listing has,
    as 'field:term' keys ('region:london'): every filter is one indexed lookup here, and one
    column gives the planners exact statistics per key."""

    __tablename__ = "directory_terms"

    listing_id: Mapped[str] = mapped_column(
        ForeignKey("directory_listings.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)

    __table_args__ = (Index("ix_directory_terms_key", "key", "listing_id"),)


class EnquiryRow(Base):
    __tablename__ = "directory_enquiries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    listing_id: Mapped[str | None] = mapped_column(
        ForeignKey("directory_listings.id", ondelete="SET NULL"), nullable=True, index=True)
    listing_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40), nullable=True)
    message: Mapped[str] = mapped_column(Text)
    consent_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
