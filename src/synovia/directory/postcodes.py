"""UK postcode districts: recognising one in what a person types, its approximate centroid
(data/directory/postcode_districts.csv, see the README beside it), and distances between them."""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from synovia.directory.terms import DirectoryDataError

# An outward code ("LS6", "SW1A", "BT7"), optionally followed by an inward code ("2AB").
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)(?:\s*([0-9][A-Z]{2}))?$")
EARTH_KM = 6371.0088


def parse_district(text: str) -> str | None:
    """The postcode district of a district or full postcode ('ls6 2ab' -> 'LS6'), or None
    when it is not shaped like one."""
    cleaned = re.sub(r"\s+", " ", (text or "").strip().upper())
    if len(cleaned) > 8:
        return None
    m = POSTCODE.match(cleaned)
    if not m:
        return None
    return m.group(1)


@dataclass(frozen=True)
class Place:
    district: str
    lat: float
    lon: float
    approximate: bool  # hand-written centroid, not computed from Code-Point Open


class Districts:
    """Centroids by district; a few thousand rows, read once."""

    def __init__(self, places: dict[str, Place]) -> None:
        self.places = places

    @classmethod
    def from_file(cls, path: Path) -> Districts:
        places: dict[str, Place] = {}
        try:
            with path.open(newline="", encoding="utf-8") as fh:
                for n, row in enumerate(csv.DictReader(fh), start=2):
                    try:
                        d = row["district"].strip().upper()
                        places[d] = Place(d, float(row["lat"]), float(row["lon"]),
                                          row.get("source") == "approximate")
                    except (KeyError, TypeError, ValueError):
                        raise DirectoryDataError(f"{path}: row {n}: bad district row") from None
        except OSError as exc:
            raise DirectoryDataError(f"{path}: cannot read: {exc}") from None
        return cls(places)

    def get(self, district: str) -> Place | None:
        return self.places.get(district.upper())

    def __len__(self) -> int:
        return len(self.places)


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """A point on the unit sphere: sorting by squared chord length to another point sorts by
    great-circle distance, with no trigonometry at query time."""
    p, lam = math.radians(lat), math.radians(lon)
    return math.cos(p) * math.cos(lam), math.cos(p) * math.sin(lam), math.sin(p)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=4)
def cached_districts(path: Path) -> Districts:
    return Districts.from_file(path)
