"""Vacancies over HTTP: list with filters and pages, one in full, and a partner's batch through jobs_ingest."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from prakerja.db import transaction
from prakerja.models import Quarantine, RawRow, Vacancy, VacancySource
from prakerja.reference.loader import load_reference
from prakerja_api.app import create_app
from prakerja_api.keys import create_key


def test_list_filters_and_keyset_pages(service_world, service_client):
    headers = {"X-API-Key": service_world.key("manager")}
    seen, after = [], 0
    for _ in range(3):
        page = service_client.get("/v1/vacancies", params={"limit": 7, "after": after}, headers=headers)
        assert page.status_code == 200
        body = page.json()
        ids = [v["id"] for v in body["vacancies"]]
        assert len(ids) == 7 and ids == sorted(ids) and ids[0] > after
        seen += ids
        after = body["next_after"]
        assert after == ids[-1]
    assert len(set(seen)) == 21
    jatim = service_client.get("/v1/vacancies", params={"province": "35", "limit": 100}, headers=headers).json()["vacancies"]
    assert jatim and all(v["province_code"] == "35" and v["status"] == "active" for v in jatim)
    paid = service_client.get("/v1/vacancies", params={"min_wage": 4_000_000, "types": "fullTime", "limit": 50}, headers=headers).json()
    assert all(max(v["salary_max"] or 0, v["salary_min"] or 0) >= 4_000_000 and "fullTime" in v["employment_types"] for v in paid["vacancies"])
    word = jatim[0]["title"].split()[-1]
    found = service_client.get("/v1/vacancies", params={"q": word.upper(), "limit": 100}, headers=headers).json()["vacancies"]
    assert found and all(word.lower() in v["title"].lower() for v in found)
    with service_world.engine.connect() as connection:
        expired = connection.scalar(select(func.count()).select_from(Vacancy).where(Vacancy.status == "expired"))
    listed = service_client.get("/v1/vacancies", params={"status": "expired", "limit": 100}, headers=headers).json()
    assert len(listed["vacancies"]) == min(expired, 100)
    last = service_client.get("/v1/vacancies", params={"after": 10**12}, headers=headers).json()
    assert last == {"vacancies": [], "next_after": None}
    for bad in ({"province": "Jawa"}, {"limit": 0}, {"limit": 101}, {"types": "permanent"}, {"status": "open"}):
        response = service_client.get("/v1/vacancies", params=bad, headers=headers)
        assert response.status_code == 422 and response.json()["details"], bad


def test_one_vacancy_in_full(service_world, service_client):
    pid, _ = service_world.participants[20]
    headers = {"X-API-Key": service_world.key("participant", participant_id=pid)}  # participants read vacancies too
    first = service_client.get("/v1/vacancies?limit=1", headers=headers).json()["vacancies"][0]
    detail = service_client.get(f"/v1/vacancies/{first['id']}", headers=headers)
    assert detail.status_code == 200
    body = detail.json()
    assert {k: body[k] for k in first} == first
    assert body["skills"] and all(s["slug"] and s["name"] for s in body["skills"])
    assert body["sources"] and body["sources"][0]["board"]
    assert service_client.get("/v1/vacancies/0", headers=headers).status_code == 422
    assert service_client.get("/v1/vacancies/abc", headers=headers).status_code == 422


#: Recent dates: only active vacancies take part in dedupe.
RECENT = (dt.date.today() - dt.timedelta(days=2)).isoformat()
POSTINGS = [
    {"source_id": "job-1", "title": "Juru Las SMAW", "company": "PT Baja Jaya", "location": "Kota Surabaya",
     "salary": "Rp4.000.000 - Rp5.000.000", "employment_type": "Full-time", "posted_at": RECENT,
     "description": "Dibutuhkan welder SMAW berpengalaman, paham K3.", "url": "https://mitra.example/job-1"},
    {"source_id": "job-2", "title": "Barista", "company": "Kopi Kita", "location": "Sidoarjo", "posted_at": RECENT},
    {"source_id": "job-3", "title": None, "company": "PT Tanpa Judul", "location": "Kota Bandung"},
    {"source_id": "job-4", "title": "Accountant", "company": "Acme", "location": "Makati City, Metro Manila, Philippines"},
    {"source_id": "job-5", "title": "Kurir", "company": "Cepat", "location": "Medan", "posted_at": "sometime soon"},
]


@pytest.fixture
def partner_app(engine):
    """An app on a fresh database holding only the reference data (vacancies come from the partners)."""
    with transaction(engine) as session:
        load_reference(session)
    app = create_app(engine, check_seconds=3600, key_cache_seconds=0, warm=False)
    with TestClient(app) as client:
        yield engine, client


def test_partner_batch_goes_through_normalization_dedupe_and_quarantine(partner_app):
    engine, client = partner_app
    first_key = create_key(engine, "partner")
    headers = {"X-API-Key": first_key.secret}
    response = client.post("/v1/vacancies", json={"postings": POSTINGS}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["board"] == f"partner-{first_key.holder.prefix}"
    assert body["counts"] == {"created": 2, "updated": 0, "merged": 0, "unchanged": 0, "quarantined": 3}
    fates = {p["source_id"]: p for p in body["postings"]}
    assert [p["index"] for p in body["postings"]] == [0, 1, 2, 3, 4]
    assert fates["job-1"]["outcome"] == "created" and fates["job-1"]["vacancy_id"]
    assert fates["job-3"]["reason"] == "missing title"
    assert fates["job-4"]["reason"].startswith("foreign location")
    assert fates["job-5"]["reason"].startswith("unparseable date")
    with engine.connect() as connection:
        welder = connection.execute(select(Vacancy).where(Vacancy.id == fates["job-1"]["vacancy_id"])).one()
        assert (welder.regency_code, welder.salary_min_idr, welder.salary_max_idr) == ("3578", 4_000_000, 5_000_000)
        assert welder.employment_types == "fullTime"
        assert connection.scalar(select(func.count()).select_from(RawRow).where(RawRow.run_id == body["run_id"])) == 5
        assert connection.scalar(select(func.count()).select_from(Quarantine).where(Quarantine.run_id == body["run_id"])) == 3
    detail = client.get(f"/v1/vacancies/{fates['job-1']['vacancy_id']}", headers=headers).json()
    assert detail["sources"][0]["board"] == body["board"] and detail["sources"][0]["url"] == "https://mitra.example/job-1"

    changed = [{**POSTINGS[0], "salary": "Rp4.500.000 - Rp5.500.000"}, POSTINGS[1]]
    again = client.post("/v1/vacancies", json={"postings": changed}, headers=headers).json()
    assert [p["outcome"] for p in again["postings"]] == ["updated", "unchanged"]
    assert again["postings"][0]["vacancy_id"] == fates["job-1"]["vacancy_id"]

    other = {"X-API-Key": create_key(engine, "partner").secret}
    merged = client.post("/v1/vacancies", json={"postings": [{**POSTINGS[1], "source_id": "b-77", "url": None}]}, headers=other).json()
    assert merged["postings"][0]["outcome"] == "merged"
    assert merged["postings"][0]["vacancy_id"] == fates["job-2"]["vacancy_id"]
    with engine.connect() as connection:
        boards = connection.scalars(select(VacancySource.source).where(VacancySource.vacancy_id == fates["job-2"]["vacancy_id"])).all()
    assert len(set(boards)) == 2


def test_partner_batch_validation(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "partner").secret}
    for body in ({"postings": []}, {"postings": [{"title": "no id"}]}, {"postings": [{"source_id": "a", "salary": 5}]},
                 {"postings": [{"source_id": "a", "colour": "blue"}]}, {}):
        response = client.post("/v1/vacancies", json=body, headers=headers)
        assert response.status_code == 422 and response.json()["details"], body
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Vacancy)) == 0
