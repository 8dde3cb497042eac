"""The directory job: specialists imported from a CSV, found by filters and distance, shown
with the evidence on what they offer, and contacted through stored, consented enquiries.

Other layers use only the names below."""

from synovia.directory.briefing import Briefing
from synovia.directory.csvfile import CsvResult, RowError
from synovia.directory.enquiry import CONSENT_TEXT, BotSuspected, EnquiryError
from synovia.directory.filters import DirectoryError, Filters
from synovia.directory.model import (
    EXAMPLE_NOTICE,
    TRANSPARENCY,
    Enquiry,
    Hit,
    Listing,
    Location,
    ResultPage,
)
from synovia.directory.postcodes import distance_km, parse_district
from synovia.directory.service import Directory, ImportRejected
from synovia.directory.store import ImportSummary, listing_terms
from synovia.directory.terms import DirectoryDataError, DirectoryTerms

__all__ = [
    "BotSuspected",
    "Briefing",
    "CONSENT_TEXT",
    "CsvResult",
    "Directory",
    "DirectoryDataError",
    "DirectoryError",
    "DirectoryTerms",
    "EXAMPLE_NOTICE",
    "Enquiry",
    "EnquiryError",
    "Filters",
    "Hit",
    "ImportRejected",
    "ImportSummary",
    "Listing",
    "Location",
    "ResultPage",
    "RowError",
    "TRANSPARENCY",
    "distance_km",
    "listing_terms",
    "parse_district",
]
