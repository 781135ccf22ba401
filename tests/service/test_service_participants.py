"""Recommendations, feedback and next training over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from prakerja.models import Interaction


def recommendations(client, participant, key, **query):
    return client.get(f"/v1/participants/{participant}/recommendations", params=query, headers={"X-API-Key": key})


def test_recommendations_carry_explanations_and_the_promoted_run(service_world, service_client):
    pid, _ = service_world.participants[0]
    key = service_world.key("participant", participant_id=pid)
    response = recommendations(service_client, pid, key, k=5)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["participant"] == str(pid) and body["model_run_id"] == service_world.blend_run
    items = body["recommendations"]
    assert [r["rank"] for r in items] == [1, 2, 3, 4, 5]
    assert [r["score"] for r in items] == sorted((r["score"] for r in items), reverse=True)
    first = items[0]
    assert first["title"] and first["vacancy_id"] > 0
    explanation = first["explanation"]
    assert set(explanation) == {"matched_skills", "missing_skills", "distance_km", "wage_before", "wage_gain", "contributions",
                                "connected", "similar_applicants", "chosen_by_similar_applicants"}
    assert explanation["connected"] is None  # the promoted blend does not say; a grounded model does
    assert explanation["contributions"] and all({"feature", "value"} == set(c) for c in explanation["contributions"])
    assert any(r["explanation"]["distance_km"] is not None for r in items)


def test_filters_are_applied(service_world, service_client):
    pid, _ = service_world.participants[1]
    key = service_world.key("participant", participant_id=pid)
    rich = recommendations(service_client, pid, key, k=20, min_wage=3_000_000, types="fullTime").json()["recommendations"]
    assert rich
    assert all(max(r["salary_max"] or 0, r["salary_min"] or 0) >= 3_000_000 for r in rich)
    assert all("fullTime" in r["employment_types"] for r in rich)
    near = recommendations(service_client, pid, key, k=20, radius_km=150, remote=False).json()["recommendations"]
    assert all(r["explanation"]["distance_km"] is not None and r["explanation"]["distance_km"] <= 150 for r in near)
    home = recommendations(service_client, pid, key, k=20, province=True, remote=False).json()["recommendations"]
    assert len({r["province"] for r in home}) <= 1


def test_invalid_queries_are_422_with_a_readable_body(service_world, service_client):
    pid, _ = service_world.participants[2]
    key = service_world.key("participant", participant_id=pid)
    for query, where in [({"k": 0}, "query.k"), ({"k": 101}, "query.k"), ({"types": "fullTime,bogus"}, "query.types"),
                         ({"radius_km": -1}, "query.radius_km"), ({"min_wage": "lots"}, "query.min_wage")]:
        response = recommendations(service_client, pid, key, **query)
        assert response.status_code == 422, query
        body = response.json()
        assert body["error"] == "invalid_input" and where in body["message"]
        assert body["details"][0]["location"] == where
    assert "bogus" in recommendations(service_client, pid, key, types="bogus").json()["message"]


def test_feedback_is_stored_idempotent_and_changes_the_next_recommendations(service_world, service_client):
    pid, _ = service_world.participants[3]
    key = service_world.key("participant", participant_id=pid)
    headers = {"X-API-Key": key}
    before = recommendations(service_client, pid, key, k=5).json()
    dismissed = before["recommendations"][0]["vacancy_id"]
    body = {"vacancy_id": dismissed, "kind": "dismissed", "client_key": f"dismiss-{pid}", "model_run_id": before["model_run_id"]}
    first = service_client.post(f"/v1/participants/{pid}/feedback", json=body, headers=headers)
    again = service_client.post(f"/v1/participants/{pid}/feedback", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert first.json()["interaction_id"] == again.json()["interaction_id"]
    with service_world.engine.connect() as connection:
        stored = connection.execute(select(Interaction.kind, Interaction.model_run_id).where(Interaction.client_key == body["client_key"])).all()
    assert stored == [("dismissed", before["model_run_id"])]
    after = recommendations(service_client, pid, key, k=5).json()["recommendations"]
    assert dismissed not in {r["vacancy_id"] for r in after}
    applied = after[0]["vacancy_id"]
    assert service_client.post(f"/v1/participants/{pid}/feedback", json={"vacancy_id": applied, "kind": "applied"}, headers=headers).status_code == 201
    assert applied not in {r["vacancy_id"] for r in recommendations(service_client, pid, key, k=5).json()["recommendations"]}
    conflict = service_client.post(
        f"/v1/participants/{pid}/feedback", json={**body, "kind": "saved"}, headers=headers
    )
    assert conflict.status_code == 409 and "already used" in conflict.json()["message"]


def test_feedback_errors(service_world, service_client):
    pid, _ = service_world.participants[4]
    headers = {"X-API-Key": service_world.key("participant", participant_id=pid)}
    url = f"/v1/participants/{pid}/feedback"
    with service_world.engine.connect() as connection:
        before = connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.participant_id == pid))
    unknown = service_client.post(url, json={"vacancy_id": 10**9, "kind": "clicked"}, headers=headers)
    assert unknown.status_code == 404 and "unknown vacancy id" in unknown.json()["message"]
    for body in ({"vacancy_id": 1, "kind": "shown"}, {"vacancy_id": 1}, {"vacancy_id": 1, "kind": "saved", "extra": 1},
                 {"vacancy_id": 1, "kind": "saved", "client_key": ""}):
        response = service_client.post(url, json=body, headers=headers)
        assert response.status_code == 422 and response.json()["details"], body
    broken = service_client.post(url, content=b"{not json", headers={**headers, "Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"] == "invalid_input"
    with service_world.engine.connect() as connection:
        after = connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.participant_id == pid))
    assert after == before  # nothing invalid was stored


def test_next_training_for_the_participant_and_for_a_researcher_by_pseudonym(service_world, service_client):
    pid, pseudonym = service_world.participants[5]
    mine = service_client.get(f"/v1/participants/{pid}/next-training", headers={"X-API-Key": service_world.key("participant", participant_id=pid)})
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert body["participant"] == str(pid)
    if body["suggestion"] is not None:
        assert body["suggestion"]["unlocks"] >= 1 and body["suggestion"]["title"]
    research = service_client.get(f"/v1/participants/{pseudonym}/next-training", headers={"X-API-Key": service_world.key("researcher")})
    assert research.status_code == 200 and research.json() == {**body, "participant": pseudonym}
    recs = recommendations(service_client, pseudonym, service_world.key("researcher"), k=3)
    assert recs.status_code == 200 and recs.json()["participant"] == pseudonym != str(pid)  # the answer names no id


def test_the_answer_is_encoded_exactly_as_the_validated_response_model(service_world):
    """The route encodes plain values (no pydantic objects per request): the bytes equal the model's own JSON."""
    from recommender.filters import ItemFilters
    from recommender.participant_list import match_participant
    from prakerja_api.routes.participants import recommendation_list_json
    from prakerja_api.schemas import RecommendationList

    compared = 0
    for pid in range(1, 30, 3):
        results = match_participant(service_world.engine, pid, ItemFilters(), 7)
        expected = RecommendationList.model_validate(
            {"participant": str(pid), "model_run_id": 3, "data_as_of": results.data_as_of,
             "reach": {"kind": results.reach.kind, "commute_km": results.reach.commute_km, "chosen": results.reach.chosen},
             "scope_shown": results.shown.scope, "notice": results.notice, "empty_reason": results.empty_reason,
             "recommendations": [
                {**{k: v for k, v in r.to_dict().items() if k not in ("regency_name", "province_name", "model_run_id",
                                                                    "matched_skills", "missing_skills", "distance_km",
                                                                    "wage_before", "wage_gain", "contributions", "connected",
                                                                    "similar_applicants", "chosen_by_similar_applicants")},
                 "regency": r.regency_name, "province": r.province_name, "posted_at": r.posted_at,
                 "explanation": {"matched_skills": [{"skill": a, "source": b} for a, b in r.matched_skills],
                                 "missing_skills": r.missing_skills, "distance_km": r.distance_km,
                                 "wage_before": r.wage_before, "wage_gain": r.wage_gain,
                                 "contributions": [{"feature": n, "value": v} for n, v in r.contributions],
                                 "connected": r.connected, "similar_applicants": r.similar_applicants,
                                 "chosen_by_similar_applicants": r.chosen_by_similar_applicants}}
                for r in results]}
        ).model_dump_json().encode()
        assert recommendation_list_json(str(pid), 3, results) == expected
        compared += len(results)
    assert compared > 20


def test_a_participant_reads_and_sets_their_own_reach_and_the_list_follows_it(service_world, service_client):
    pid, pseudonym = service_world.participants[7]
    other, _ = service_world.participants[8]
    own = {"X-API-Key": service_world.key("participant", participant_id=pid)}
    first = service_client.get(f"/v1/participants/{pid}/reach", headers=own)
    assert first.status_code == 200, first.text
    assert first.json()["reach"]["kind"] == "commute" and first.json()["reach"]["chosen"] is False
    listed = recommendations(service_client, pid, own["X-API-Key"], k=5).json()
    assert listed["data_as_of"] == dt.datetime.now(dt.UTC).date().isoformat()
    assert listed["reach"] == first.json()["reach"] and listed["scope_shown"] in ("commute", "province", "anywhere")
    try:
        put = service_client.put(f"/v1/participants/{pid}/reach", json={"kind": "province"}, headers=own)
        assert put.status_code == 200, put.text
        assert put.json()["reach"] == {"kind": "province", "commute_km": first.json()["reach"]["commute_km"], "chosen": True}
        after = recommendations(service_client, pid, own["X-API-Key"], k=5).json()
        assert after["reach"]["kind"] == "province" and after["scope_shown"] in ("province", "anywhere")
        research = {"X-API-Key": service_world.key("researcher")}
        assert service_client.get(f"/v1/participants/{pseudonym}/reach", headers=research).json()["reach"]["kind"] == "province"
        assert service_client.put(f"/v1/participants/{pseudonym}/reach", json={"kind": "anywhere"}, headers=research).status_code == 403
        assert service_client.put(f"/v1/participants/{other}/reach", json={"kind": "anywhere"}, headers=own).status_code == 403
        bad = service_client.put(f"/v1/participants/{pid}/reach", json={"kind": "moon"}, headers=own)
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_input"
        far = service_client.put(f"/v1/participants/{pid}/reach", json={"kind": "commute", "commute_km": 9000}, headers=own)
        assert far.status_code == 422
    finally:
        reset = service_client.put(f"/v1/participants/{pid}/reach", json={"kind": None}, headers=own)
    assert reset.status_code == 200 and reset.json()["reach"] == first.json()["reach"]
