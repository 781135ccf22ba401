"""Every shipped place lies in Indonesia, and a file with one that does not is refused when loaded."""

from __future__ import annotations

import csv

import pytest

from prakerja.errors import UserError
from prakerja.reference.paths import REFERENCE_DIR
from prakerja.reference.regions import LATITUDE_BOUNDS, LONGITUDE_BOUNDS, read_provinces, read_regencies


def test_every_regency_and_province_lies_inside_indonesia():
    for row in [*read_regencies(), *read_provinces()]:
        assert LATITUDE_BOUNDS[0] <= row["latitude"] <= LATITUDE_BOUNDS[1], row["name"]
        assert LONGITUDE_BOUNDS[0] <= row["longitude"] <= LONGITUDE_BOUNDS[1], row["name"]


def test_wakatobi_lies_in_south_east_sulawesi():
    wakatobi = next(row for row in read_regencies() if row["code"] == "7407")
    kendari = next(row for row in read_regencies() if row["code"] == "7471")
    assert wakatobi["longitude"] == pytest.approx(123.54, abs=0.01)
    assert abs(wakatobi["longitude"] - kendari["longitude"]) < 2  # a neighbour of the province capital


def test_a_regency_outside_the_bounds_is_refused_with_its_name(tmp_path):
    source = REFERENCE_DIR / "regencies.csv"
    with open(source, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["id"] == "7407":
            row["longitude"] = "23.5389007621827"  # the upstream error
    broken = tmp_path / "regencies.csv"
    with open(broken, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(UserError, match="7407 Kabupaten Wakatobi .*longitude 23.5389"):
        read_regencies(broken)


def test_migration_corrects_a_database_loaded_with_the_old_longitude(db_url):
    from sqlalchemy import select, update

    from prakerja.db import make_engine, transaction
    from prakerja.migrate import downgrade, upgrade
    from prakerja.models import Regency
    from prakerja.reference.regions import load_regions

    engine = make_engine(db_url)
    upgrade(engine)
    with transaction(engine) as session:
        load_regions(session)
        session.execute(update(Regency).where(Regency.code == "7407").values(longitude=23.5389007621827))
    downgrade(engine, "0003")
    upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(select(Regency.longitude).where(Regency.code == "7407")) == pytest.approx(123.5389, abs=1e-3)
