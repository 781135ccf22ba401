"""What a probe of the API broke (issue 14), each pinned on SQLite and PostgreSQL.

NaN in answers, a huge salary or a script URL in a partner batch, NUL bytes in
queries and bodies, a 49 MB body, database errors and a database restart.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, select, text, update

from jobs_ingest.normalize import DESCRIPTION_MAX
from prakerja.db import make_engine, transaction
from prakerja.models import Vacancy, VacancySource
from prakerja.reference.loader import load_reference
from prakerja_api.app import create_app
from prakerja_api.keys import create_key
from prakerja_api.request_guard import MAX_BODY_BYTES
from prakerja_api.schemas import DESCRIPTION_FIELD_MAX, RecommendationList

from tests.service.test_service_concurrency import Served
from tests.service.test_service_vacancies import RECENT


def strict_json(response) -> object:
    """The body parsed as strict JSON: a bare NaN or Infinity fails, as JSON.parse does in a browser."""

    def refuse(constant: str):
        raise AssertionError(f"{constant} in a JSON answer: {response.text[:200]}")

    return json.loads(response.content, parse_constant=refuse)


@pytest.fixture
def partner_app(engine):
    """An app on a fresh database with only the reference data (vacancies come from the partners)."""
    with transaction(engine) as session:
        load_reference(session)
    app = create_app(engine, check_seconds=3600, key_cache_seconds=0, warm=False)
    with TestClient(app) as client:
        yield engine, client


def posting(source_id: str, **fields) -> dict:
    return {"source_id": source_id, "title": "Juru Las", "company": "PT Baja", "location": "Kota Surabaya",
            "salary": "Rp4.500.000", "posted_at": RECENT, "url": f"https://mitra.example/{source_id}", **fields}


# ---------------------------------------------------------------------- 1: NaN never reaches users


def test_recommendations_of_vacancies_without_company_or_type_are_valid_json(own_world):
    """A vacancy with no company and no employment type was served as "company": NaN, "employment_types": ["nan"]."""
    with transaction(own_world.engine) as session:
        session.execute(update(Vacancy).values(company=None, employment_types=None))
    pid, _ = own_world.participants[3]
    app = create_app(own_world.engine, check_seconds=3600, key_cache_seconds=0)
    with TestClient(app) as client:
        response = client.get(f"/v1/participants/{pid}/recommendations?k=20",
                              headers={"X-API-Key": own_world.key("participant", participant_id=pid)})
    assert response.status_code == 200, response.text
    body = strict_json(response)
    answer = RecommendationList.model_validate(body)  # the response model refuses NaN and infinity
    assert answer.recommendations
    assert all(r.company is None and r.employment_types == [] for r in answer.recommendations)


def test_a_partner_posting_without_company_reads_back_null(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "partner").secret}
    response = client.post("/v1/vacancies", json={"postings": [posting("p-1", company=None, employment_type="N/A")]},
                           headers=headers)
    vacancy_id = response.json()["postings"][0]["vacancy_id"]
    detail = strict_json(client.get(f"/v1/vacancies/{vacancy_id}", headers=headers))
    assert detail["company"] is None and detail["employment_types"] == []


# ---------------------------------------------------------------------- 2 and 5: one bad posting never blocks the batch


def test_a_huge_salary_or_a_script_url_is_quarantined_and_the_good_posting_stored(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "partner").secret}
    batch = [posting("good"), posting("huge", salary="9" * 400), posting("js", url="javascript:alert(1)"),
             posting("data", url="data:text/html,<script>alert(1)</script>")]
    response = client.post("/v1/vacancies", json={"postings": batch}, headers=headers)
    assert response.status_code == 200, response.text
    fates = {p["source_id"]: p for p in response.json()["postings"]}
    assert fates["good"]["outcome"] == "created"
    assert fates["huge"]["outcome"] == "quarantined" and fates["huge"]["reason"].startswith("absurd salary")
    assert fates["js"]["reason"].startswith("unsafe URL") and fates["data"]["reason"].startswith("unsafe URL")
    with engine.connect() as connection:
        assert connection.scalars(select(VacancySource.url)).all() == ["https://mitra.example/good"]


# ---------------------------------------------------------------------- 4: NUL bytes


def test_nul_in_a_query_string_is_400_and_the_connection_stays_usable(service_world):
    headers = {"X-API-Key": service_world.key("manager")}
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=60, warm=False)
    with Served(app) as base, httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for url in ("/v1/vacancies?q=%00", "/v1/vacancies?q=a%00b", "/v1/vacancies?types=fullTime%00"):
            refused = client.get(url)
            assert refused.status_code == 400, url
            assert refused.json()["error"] == "bad_request" and "NUL" in refused.json()["message"]
        assert client.get("/v1/vacancies?q=las").status_code == 200  # the next request is served normally


def test_nul_in_a_json_body_is_422_naming_the_field(service_world, service_client):
    pid, _ = service_world.participants[5]
    key = service_world.key("participant", participant_id=pid)
    with service_world.engine.connect() as connection:
        vacancy_id = connection.scalar(select(Vacancy.id).limit(1))
    response = service_client.post(f"/v1/participants/{pid}/feedback", headers={"X-API-Key": key},
                                   json={"vacancy_id": vacancy_id, "kind": "saved", "client_key": "a\u0000b"})
    assert response.status_code == 422
    assert response.json()["details"][0]["location"] == "body.client_key" and "NUL" in response.text


def test_nul_in_a_partner_posting_is_422_and_nothing_is_stored(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "partner").secret}
    response = client.post("/v1/vacancies", json={"postings": [posting("n-1", title="Juru\u0000Las")]}, headers=headers)
    assert response.status_code == 422 and response.json()["details"][0]["location"] == "body.postings.0.title"
    with engine.connect() as connection:
        assert connection.scalars(select(Vacancy.id)).all() == []


# ---------------------------------------------------------------------- 8: body and field sizes


def test_a_body_over_the_limit_is_413_with_a_json_body(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "partner").secret}
    big = json.dumps({"postings": [posting("big", description="x" * (MAX_BODY_BYTES + 10))]}).encode()
    declared = client.post("/v1/vacancies", content=big, headers={**headers, "Content-Type": "application/json"})
    assert declared.status_code == 413 and declared.json()["error"] == "too_large"

    def chunks():  # no Content-Length: the limit holds for a streamed body too
        for start in range(0, len(big), 65536):
            yield big[start:start + 65536]

    streamed = client.post("/v1/vacancies", content=chunks(), headers={**headers, "Content-Type": "application/json"})
    assert streamed.status_code == 413 and streamed.json()["error"] == "too_large"
    with engine.connect() as connection:
        assert connection.scalars(select(Vacancy.id)).all() == []


def test_descriptions_are_cut_at_ingest_and_refused_over_the_field_limit(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "partner").secret}
    kept = client.post("/v1/vacancies", json={"postings": [posting("long", description="kata " * 5000)]}, headers=headers)
    assert kept.status_code == 200 and kept.json()["postings"][0]["outcome"] == "created"
    with engine.connect() as connection:
        assert len(connection.scalar(select(Vacancy.description))) == DESCRIPTION_MAX
    refused = client.post("/v1/vacancies", json={"postings": [posting("huge", description="x" * (DESCRIPTION_FIELD_MAX + 1))]},
                          headers=headers)
    assert refused.status_code == 422 and refused.json()["details"][0]["location"] == "body.postings.0.description"


# ---------------------------------------------------------------------- 3: database errors and outages


def test_a_database_error_is_503_with_retry_after_never_500(partner_app):
    engine, client = partner_app
    headers = {"X-API-Key": create_key(engine, "manager").secret}
    assert client.get("/v1/vacancies", headers=headers).status_code == 200
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE vacancies RENAME TO vacancies_away"))
    try:
        response = client.get("/v1/vacancies", headers=headers)
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE vacancies_away RENAME TO vacancies"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.json()["error"] == "unavailable"
    assert client.get("/v1/vacancies", headers=headers).status_code == 200


def _local_backend(pid: int) -> bool:
    """Whether PostgreSQL's backend process ``pid`` runs on this machine (its process is visible here)."""
    try:
        return b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _backend_exited(pid: int) -> bool:
    """Whether the local backend process ``pid`` has ended (gone, or a zombie: its socket is closed)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except (FileNotFoundError, ProcessLookupError):  # gone before or while reading
        return True
    return any(line.startswith("State:") and line.split()[1] == "Z" for line in status.splitlines())


@pytest.mark.postgres
def test_after_the_server_drops_every_connection_no_request_fails(service_world):
    """Every pooled connection killed (as by a restart): each is noticed when it is next taken and replaced.

    Before, recommendations answered 500 OperationalError until every broken
    connection of the asyncio read pool had failed one request.
    """
    if service_world.engine.dialect.name != "postgresql":
        pytest.skip("an outage of a database server (SQLite has none)")
    pid, _ = service_world.participants[7]
    participant = {"X-API-Key": service_world.key("participant", participant_id=pid)}
    manager = {"X-API-Key": service_world.key("manager")}
    served = make_engine(service_world.url, pre_ping=False)  # as `prakerja serve` builds it: no round trip per checkout
    app = create_app(served, check_seconds=3600, key_cache_seconds=0, revocation_check_seconds=0)
    with TestClient(app) as client:
        for _ in range(3):  # fill both pools
            assert client.get(f"/v1/participants/{pid}/recommendations", headers=participant).status_code == 200
            assert client.get("/v1/vacancies?limit=2", headers=manager).status_code == 200
        database = service_world.engine.url.database
        admin = create_engine(service_world.engine.url, isolation_level="AUTOCOMMIT")
        others = "FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
        with admin.connect() as connection:
            local = _local_backend(connection.execute(text("SELECT pg_backend_pid()")).scalar())
            # (in the select list, so only the rows of this database are terminated, never another test's)
            ended = connection.execute(text(f"SELECT pid, pg_terminate_backend(pid) {others}"), {"db": database}).all()
            killed = [pid for pid, terminated in ended if terminated]
            deadline = time.monotonic() + 30
            # terminating is asynchronous: the outage is over once the old sessions are gone, and on this machine
            # once their processes have ended (a backend leaves pg_stat_activity before it closes its socket)
            while connection.execute(text(f"SELECT count(*) {others}"), {"db": database}).scalar() or (
                local and not all(_backend_exited(pid) for pid in killed)
            ):
                assert time.monotonic() < deadline, "the terminated sessions did not end"
                time.sleep(0.05)
        admin.dispose()
        assert len(killed) >= 2
        answers = []
        for _ in range(5):
            answers.append(client.get(f"/v1/participants/{pid}/recommendations", headers=participant).status_code)
            answers.append(client.get("/v1/vacancies?limit=2", headers=manager).status_code)
    served.dispose()
    assert answers == [200] * 10
