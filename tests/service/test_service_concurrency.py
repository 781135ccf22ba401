"""Many simultaneous feedback posts for one participant against a real uvicorn: nothing lost, nothing doubled."""

from __future__ import annotations

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import uvicorn
from sqlalchemy import func, select

from prakerja.models import Interaction, Vacancy
from prakerja_api.app import create_app

KEYED = 40  # distinct client keys, each sent 3 times at once
UNKEYED = 20  # posts without a key: each must be stored once
ROUNDS = 5  # rounds of 8 keys x 3 copies + 4 unkeyed posts = 28 simultaneous posts each
ROUND = 3 * KEYED // ROUNDS + UNKEYED // ROUNDS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """uvicorn serving an app on 127.0.0.1 in a background thread."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", http="httptools",
                                                   timeout_keep_alive=120))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def rounds(vacancies: list[int], pid: int) -> list[list[dict]]:
    """The posts in rounds of :data:`ROUND` that start together; every key's copies sit in one round.

    Each round waits on a barrier of exactly its own size, so no post ever
    waits on a timeout for partners that will never come (the old single
    barrier of 32 over 140 posts left the last 12 waiting 5 s and then racing
    one by one), and the three copies of a key always race each other.
    """
    keyed = [[{"vacancy_id": vacancies[i], "kind": "saved", "client_key": f"conc-{pid}-{i}"}] * 3 for i in range(KEYED)]
    unkeyed = [{"vacancy_id": vacancies[KEYED + i], "kind": "clicked"} for i in range(UNKEYED)]
    keys_per_round, unkeyed_per_round = KEYED // ROUNDS, UNKEYED // ROUNDS
    batches = []
    for r in range(ROUNDS):
        batch = [post for copies in keyed[r * keys_per_round:(r + 1) * keys_per_round] for post in copies]
        batch += unkeyed[r * unkeyed_per_round:(r + 1) * unkeyed_per_round]
        batches.append(batch)
    return batches


def test_simultaneous_feedback_loses_nothing_and_duplicates_nothing(service_world):
    pid, _ = service_world.participants[30]
    key = service_world.key("participant", participant_id=pid)
    with service_world.engine.connect() as connection:
        vacancies = connection.scalars(select(Vacancy.id).order_by(Vacancy.id).limit(KEYED + UNKEYED)).all()
        before = connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.participant_id == pid))
    batches = rounds(vacancies, pid)
    posts = [post for batch in batches for post in batch]
    assert len(posts) == 3 * KEYED + UNKEYED
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=5, warm=False)
    answers = []
    # the timeout bounds a hung request, not a slow one: a loaded machine may be slow, never wrong
    with Served(app) as base, httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=httpx.Timeout(300, connect=30),
                                           limits=httpx.Limits(max_connections=ROUND)) as client:
        with ThreadPoolExecutor(ROUND) as pool:
            for batch in batches:
                barrier = threading.Barrier(len(batch))

                def post(body, barrier=barrier):
                    barrier.wait()
                    return client.post(f"/v1/participants/{pid}/feedback", json=body)

                answers += list(pool.map(post, batch))
    assert [a.status_code for a in answers] == [201] * len(posts), {a.status_code: a.text for a in answers if a.status_code != 201}
    by_key: dict[str, set[int]] = {}
    for body, answer in zip(posts, answers):
        if body.get("client_key"):
            by_key.setdefault(body["client_key"], set()).add(answer.json()["interaction_id"])
    assert len(by_key) == KEYED and all(len(ids) == 1 for ids in by_key.values())
    with service_world.engine.connect() as connection:
        after = connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.participant_id == pid))
        stored_keys = connection.execute(
            select(Interaction.client_key, func.count()).where(Interaction.client_key.like(f"conc-{pid}-%")).group_by(Interaction.client_key)
        ).all()
    assert after - before == KEYED + UNKEYED
    assert len(stored_keys) == KEYED and all(count == 1 for _, count in stored_keys)
