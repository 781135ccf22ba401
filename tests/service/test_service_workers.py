"""`prakerja serve --workers N`: every worker listens itself, so keep-alive connections spread over all of them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from prakerja_api.workers import check_port_free, listening_socket, reuse_port_available

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(not reuse_port_available(), reason="SO_REUSEPORT is Linux's and BSD's")
def test_connections_spread_over_workers_and_sigterm_stops_them():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE.parents[1]), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "prakerja_api.workers", "--app", "tests.service.pid_app:create", "--port", str(port),
         "--workers", "2", "--log-level", "warning", "--no-access-log"],
        env=env,
    )
    try:
        deadline = time.monotonic() + 120
        listening = set()
        while len(listening) < 2:  # both workers started (each new connection goes to either)
            assert process.poll() is None, "the workers exited"
            assert time.monotonic() < deadline, f"workers answering: {listening}"
            try:
                listening.add(httpx.get(f"http://127.0.0.1:{port}/pid", timeout=2).json()["pid"])
            except httpx.HTTPError:
                time.sleep(0.2)
        served = set()
        clients = [httpx.Client(base_url=f"http://127.0.0.1:{port}") for _ in range(24)]
        try:
            for client in clients:  # one keep-alive connection each
                pids = {client.get("/pid").json()["pid"] for _ in range(3)}
                assert len(pids) == 1  # a connection stays with its worker
                served |= pids
        finally:
            for client in clients:
                client.close()
        assert len(served) == 2, served  # 24 connections all on one of 2 workers: chance 1 in 8 million
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/pid", timeout=2)
    finally:
        if process.poll() is None:
            process.kill()


def test_a_port_in_use_is_refused_before_any_worker_starts():
    taken = listening_socket("127.0.0.1", 0, reuse_port=False)
    try:
        with pytest.raises(OSError):
            check_port_free("127.0.0.1", taken.getsockname()[1])
    finally:
        taken.close()
