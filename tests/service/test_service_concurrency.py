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


def test_simultaneous_feedback_loses_nothing_and_duplicates_nothing(service_world):
    pid, _ = service_world.participants[30]
    key = service_world.key("participant", participant_id=pid)
    with service_world.engine.connect() as connection:
        vacancies = connection.scalars(select(Vacancy.id).order_by(Vacancy.id).limit(KEYED + UNKEYED)).all()
        before = connection.scalar(select(func.count()).select_from(Interaction).where(Interaction.participant_id == pid))
    posts = [({"vacancy_id": vacancies[i], "kind": "saved", "client_key": f"conc-{pid}-{i}"}) for i in range(KEYED)] * 3
    posts += [{"vacancy_id": vacancies[KEYED + i], "kind": "clicked"} for i in range(UNKEYED)]
    app = create_app(service_world.engine, check_seconds=3600, key_cache_seconds=5, warm=False)
    with Served(app) as base, httpx.Client(base_url=base, headers={"X-API-Key": key}, timeout=60,
                                           limits=httpx.Limits(max_connections=32)) as client:
        barrier = threading.Barrier(32)

        def post(body):
            try:
                barrier.wait(timeout=5)
            except threading.BrokenBarrierError:
                pass
            return client.post(f"/v1/participants/{pid}/feedback", json=body)

        with ThreadPoolExecutor(32) as pool:
            answers = list(pool.map(post, posts))
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
